"""The numbers on the dashboard, taken from the same report functions as `sitthi report`.

The monthly trend re-evaluates the rules at each month end with what the store holds now (the
rules are pure functions of the inputs and a date). A point therefore answers "how did that
month end look with the NHSO checks made by then", whenever they were imported: a check made
after the month end is not known on it (domain 7.3), one made before but imported later improves
that month too. It needs no history table and its last point is the headline figure exactly.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from store.facts import iter_unit_facts
from store.gaps import CoverageTally, GapRules, evaluate, tally
from store.kpi import coverage_target_pct, kpi_report, pp_claim_target_pct
from store.queries.states import STATE_NONE, STATE_OPEN, STATE_RESOLVED, STATES
from store.queries.worklist import work_rows

TREND_MONTHS = 12


@dataclass(frozen=True)
class PpMoney:
    """The KPI report's `pp` block (baht), summed when there are several units."""

    fiscal_year: int
    qualifying: int
    eligible_baht: float
    paid_baht: float
    pending_baht: float
    denied_baht: float
    unclaimed_baht: float
    claim_rate_pct: float | None
    target_pct: float
    rates_from_fiscal_year: int | None = None
    """The catalog year of the rates: another than `fiscal_year` while it is carried forward."""

    @property
    def underpaid_baht(self) -> float:
        """What partially paid claims fell short of their rate: the part of the claimable money
        that is neither paid, pending, denied nor unclaimed (so the five add up to it)."""
        rest = self.eligible_baht - (
            self.paid_baht + self.pending_baht + self.denied_baht + self.unclaimed_baht
        )
        return max(round(rest, 2), 0.0)

    @property
    def meets_target(self) -> bool | None:
        if self.claim_rate_pct is None:
            return None
        return self.claim_rate_pct >= self.target_pct


@dataclass(frozen=True)
class Coverage:
    """Rights coverage of the units shown, summed when there are several, with PP money."""

    units: int
    population: int
    thai_population: int
    covered: int
    coverage_pct: float | None
    gaps: dict[str, int]
    target_pct: float
    pp: PpMoney | None = None

    @property
    def meets_target(self) -> bool | None:
        if self.coverage_pct is None:
            return None
        return self.coverage_pct >= self.target_pct


@dataclass(frozen=True)
class TrendPoint:
    day: dt.date
    coverage_pct: float | None
    covered: int
    thai_population: int


@dataclass(frozen=True)
class Trend:
    points: tuple[TrendPoint, ...]
    target_pct: float


PP_AMOUNTS = ("eligible_baht", "paid_baht", "pending_baht", "denied_baht", "unclaimed_baht")


def pp_from_report(units: list[dict[str, Any]]) -> PpMoney | None:
    """The units' `pp` blocks as one; the rate recomputed from the sums when there are several."""
    blocks = [u["pp"] for u in units if "pp" in u]
    if not blocks:
        return None
    sums = {key: round(sum(b[key] for b in blocks), 2) for key in PP_AMOUNTS}
    if len(blocks) == 1:
        rate = blocks[0]["claim_rate_pct"]
    elif sums["eligible_baht"] > 0:
        rate = round(sums["paid_baht"] * 100 / sums["eligible_baht"], 2)
    else:
        rate = None
    return PpMoney(
        fiscal_year=blocks[0]["fiscal_year"],
        qualifying=sum(b["qualifying"] for b in blocks),
        claim_rate_pct=rate,
        target_pct=pp_claim_target_pct(),
        rates_from_fiscal_year=blocks[0].get("rates_from_fiscal_year"),
        **sums,
    )


def coverage_from_report(report: dict[str, Any]) -> Coverage:
    """The dashboard's coverage figures from a `kpi_report` result."""
    units = report["units"]
    target = coverage_target_pct()
    pp = pp_from_report(units)
    if len(units) == 1:
        unit = units[0]
        return Coverage(
            1,
            unit["population"],
            unit["thai_population"],
            unit["covered"],
            unit["coverage_pct"],
            dict(unit["gaps"]),
            target,
            pp,
        )
    gaps: dict[str, int] = {}
    for unit in units:
        for code, count in unit["gaps"].items():
            gaps[code] = gaps.get(code, 0) + count
    total = CoverageTally(
        population=sum(u["population"] for u in units),
        thai_population=sum(u["thai_population"] for u in units),
        covered=sum(u["covered"] for u in units),
        gaps=gaps,
    )
    return Coverage(
        len(units),
        total.population,
        total.thai_population,
        total.covered,
        total.coverage_pct,
        gaps,
        target,
        pp,
    )


def coverage(conn: Connection, as_of: dt.date, hospcode: str | None = None) -> Coverage:
    return coverage_from_report(kpi_report(conn, as_of, hospcode))


def month_ends(as_of: dt.date, months: int = TREND_MONTHS) -> list[dt.date]:
    """The last day of each of the `months - 1` months before `as_of`'s month, then `as_of`."""
    days = []
    year, month = as_of.year, as_of.month
    for _ in range(months - 1):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        days.append(dt.date(year, month, calendar.monthrange(year, month)[1]))
    return [*reversed(days), as_of]


def coverage_trend(
    conn: Connection, as_of: dt.date, hospcode: str | None = None, months: int = TREND_MONTHS
) -> Trend:
    """Coverage at each month end (see the module docstring), oldest first."""
    rules = GapRules.from_reference()
    units = list(iter_unit_facts(conn, hospcode))
    points = []
    for day in month_ends(as_of, months):
        covered = thai = 0
        for unit in units:
            counts = tally(
                evaluate(person, day, partners=unit.partners, rules=rules)
                for person in unit.persons
            )
            covered += counts.covered
            thai += counts.thai_population
        pct = CoverageTally(0, thai, covered, {}).coverage_pct
        points.append(TrendPoint(day, pct, covered, thai))
    return Trend(tuple(points), coverage_target_pct())


@dataclass(frozen=True)
class FollowupSummary:
    """Persons on the work list by follow-up state."""

    not_started: int
    in_progress: int
    resolved: int

    @property
    def pending(self) -> int:
        """Persons with a gap that nobody has finished with."""
        return self.not_started + self.in_progress


def followup_summary(
    conn: Connection, as_of: dt.date, hospcode: str | None = None
) -> FollowupSummary:
    rows = work_rows(conn, as_of, hospcode)
    counts = {state: 0 for state in STATES}
    for row in rows:
        counts[row.state] += 1
    return FollowupSummary(counts[STATE_NONE], counts[STATE_OPEN], counts[STATE_RESOLVED])
