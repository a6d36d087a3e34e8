"""The province's league table: one line per unit, its figures taken from `kpi_report` as they
are, so a unit's line and its own dashboard never disagree."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection, select

from store.kpi import coverage_target_pct, kpi_report, pp_claim_target_pct
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
    """Persons counted under any gap kind (a person with two kinds counts twice)."""
    claim_rate_pct: float | None


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
    rows = tuple(
        UnitRow(
            hospcode=unit.hospcode,
            name=names.get(unit.hospcode, ""),
            population=unit.population,
            coverage_pct=unit.coverage_pct,
            gaps=sum(unit.gaps.values()),
            claim_rate_pct=_percent(unit.pp.claim_rate_pct),
        )
        for unit in kpi_report(conn, as_of).units
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
