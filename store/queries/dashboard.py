"""The numbers on the dashboard, taken from the same report functions as `sitthi report`.

The monthly trend re-evaluates the rules at each month end with what the store holds now (the
rules are pure functions of the inputs and a date). A point therefore answers "how would that
month end look with today's knowledge", not "what did the screen say then": an NHSO check
imported later improves earlier months too. It needs no history table and its last point is the
headline figure exactly.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from store.facts import UnitFacts, iter_unit_facts
from store.gaps import CoverageTally, GapRules, evaluate_on_days
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
    to_earn_baht: float = 0.0
    """Baht still to earn this fiscal year: rate × persons due (`store.pp.due`)."""
    due_count: int = 0

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


PP_AMOUNTS = (
    "eligible_baht",
    "paid_baht",
    "pending_baht",
    "denied_baht",
    "unclaimed_baht",
    "to_earn_baht",
)


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
        due_count=sum(b["due_count"] for b in blocks),
        claim_rate_pct=rate,
        target_pct=pp_claim_target_pct(),
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
    return trend_of(list(iter_unit_facts(conn, hospcode)), month_ends(as_of, months))


def trend_of(units: list[UnitFacts], days: list[dt.date]) -> Trend:
    """Coverage of the units' persons on each of `days` (sorted), each person judged once per
    span in which the rules cannot change (`store.gaps.evaluate_on_days`)."""
    rules = GapRules.from_reference()
    covered = dict.fromkeys(days, 0)
    thai = dict.fromkeys(days, 0)
    for unit in units:
        for person in unit.persons:
            judged = evaluate_on_days(person, days, partners=unit.partners, rules=rules)
            for day, ev in zip(days, judged, strict=True):
                covered[day] += int(ev.covered)
                thai[day] += int(ev.in_coverage)
    points = tuple(
        TrendPoint(
            day, CoverageTally(0, thai[day], covered[day], {}).coverage_pct, covered[day], thai[day]
        )
        for day in days
    )
    return Trend(points, coverage_target_pct())


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
