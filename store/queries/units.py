"""The province's league table: one line per unit, read from the stored judgements
(`store.judged.read.unit_summaries`), which are the figures `kpi_report` gives, so a unit's line
and its own dashboard never disagree. The gap figure is persons with a gap, the length of the
unit's work list; the change is the coverage now against the last closed month's."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection, select

from store.districts import NO_DISTRICT, unit_districts
from store.judged.read import month_figures, unit_summaries
from store.kpi import coverage_target_pct, pp_claim_target_pct
from store.models import SQLModel

SORT_KEYS = ("coverage", "claim_rate")
"""What the league table can be ordered by, worst first."""


@dataclass(frozen=True)
class UnitRow:
    hospcode: str
    name: str
    population: int
    coverage_pct: float | None
    gaps: int
    """Persons with at least one gap (as many as the unit's work list shows)."""
    claim_rate_pct: float | None
    coverage_change_pct: float | None = None
    """Coverage now minus coverage at the end of last month (a closed month), in points;
    None when either is unknown."""
    district: str = ""
    """The unit's AMPUR code (`store.districts`), blank when not known."""
    district_name: str = ""
    district_derived: bool = False
    """The district comes from the unit's villages, not from the facility table."""

    @property
    def district_label(self) -> str:
        """The district's name, else its code."""
        return self.district_name or self.district


@dataclass(frozen=True)
class League:
    units: tuple[UnitRow, ...]
    coverage_target_pct: float
    claim_target_pct: float


def last_closed_month(as_of: dt.date) -> dt.date:
    """The last day of the month before `as_of`'s: the month the change is measured against."""
    return as_of.replace(day=1) - dt.timedelta(days=1)


def unit_league(conn: Connection, as_of: dt.date) -> League:
    """Every unit in the store with its coverage, gap count and PP claim rate on `as_of`."""
    facility = SQLModel.metadata.tables["facility"]
    names = {
        row.hospcode: row.name for row in conn.execute(select(facility.c.hospcode, facility.c.name))
    }
    districts = unit_districts(conn)
    before = last_closed_month(as_of)
    months = month_figures(conn, [before])
    rows = tuple(
        UnitRow(
            hospcode=unit.hospcode,
            name=names.get(unit.hospcode, ""),
            population=unit.population,
            coverage_pct=unit.coverage_pct,
            gaps=unit.persons_with_gaps,
            claim_rate_pct=_percent(unit.claim_rate_pct),
            coverage_change_pct=_change(
                unit.coverage_pct, months[unit.hospcode][before].coverage_pct
            ),
            district=districts.get(unit.hospcode, NO_DISTRICT).code,
            district_name=districts.get(unit.hospcode, NO_DISTRICT).name,
            district_derived=districts.get(unit.hospcode, NO_DISTRICT).derived,
        )
        for unit in unit_summaries(conn, as_of)
    )
    return League(rows, coverage_target_pct(), pp_claim_target_pct())


def _percent(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _change(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else round(now - before, 2)


def sort_units(units: tuple[UnitRow, ...], key: str) -> list[UnitRow]:
    """Worst first by `key` (one of SORT_KEYS); units without a figure last, then by hospcode."""
    if key not in SORT_KEYS:
        raise ValueError(f"unknown sort key {key!r}; choose one of {', '.join(SORT_KEYS)}")

    def order(row: UnitRow) -> tuple[bool, float, str]:
        value = row.coverage_pct if key == "coverage" else row.claim_rate_pct
        return value is None, value or 0.0, row.hospcode

    return sorted(units, key=order)
