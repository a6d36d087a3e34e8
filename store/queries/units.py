"""The province's league table: one line per unit, its figures counted by the same functions as
`kpi_report` (`evaluate_units`, `tally`, `pp_blocks`), so a unit's line and its own dashboard
never disagree. The gap figure is persons with a gap, the length of the unit's work list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection, select

from store.districts import NO_DISTRICT, unit_districts
from store.kpi import coverage_target_pct, evaluate_units, pp_claim_target_pct
from store.models import SQLModel
from store.pp.report import pp_blocks
from store.rights.rules import tally
from store.thaidate import fiscal_year

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


def unit_league(conn: Connection, as_of: dt.date) -> League:
    """Every unit in the store with its coverage, gap count and PP claim rate on `as_of`."""
    facility = SQLModel.metadata.tables["facility"]
    names = {
        row.hospcode: row.name for row in conn.execute(select(facility.c.hospcode, facility.c.name))
    }
    districts = unit_districts(conn)
    tallies = {unit.hospcode: tally(unit.evaluations) for unit in evaluate_units(conn, as_of)}
    money = pp_blocks(conn, fiscal_year(as_of), list(tallies), as_of=as_of)
    rows = tuple(
        UnitRow(
            hospcode=hospcode,
            name=names.get(hospcode, ""),
            population=counts.population,
            coverage_pct=counts.coverage_pct,
            gaps=counts.persons_with_gaps,
            claim_rate_pct=_percent(money[hospcode].claim_rate_pct),
            district=districts.get(hospcode, NO_DISTRICT).code,
            district_name=districts.get(hospcode, NO_DISTRICT).name,
            district_derived=districts.get(hospcode, NO_DISTRICT).derived,
        )
        for hospcode, counts in tallies.items()
    )
    return League(rows, coverage_target_pct(), pp_claim_target_pct())


def _percent(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def sort_units(units: tuple[UnitRow, ...], key: str) -> list[UnitRow]:
    """Worst first by `key` (one of SORT_KEYS); units without a figure last, then by hospcode."""
    if key not in SORT_KEYS:
        raise ValueError(f"unknown sort key {key!r}; choose one of {', '.join(SORT_KEYS)}")

    def order(row: UnitRow) -> tuple[bool, float, str]:
        value = row.coverage_pct if key == "coverage" else row.claim_rate_pct
        return value is None, value or 0.0, row.hospcode

    return sorted(units, key=order)
