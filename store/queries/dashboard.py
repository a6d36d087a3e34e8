"""The numbers on the dashboard, taken from the same report functions as `sitthi report`,
read from the stored judgements (`store.judged.read`).

The monthly trend's points are the units' closed months (`store.judged.refresh`): each month's
figures at its last day as the store knew them when the month was first judged after it ended,
kept when later data changes the present, as HDC's reports are. A month not closed yet is
judged at its end with what the store holds now: a check made after the month end is not known
on it (domain 7.3), one made before but imported later counts. The last point is the headline
figure exactly.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection

from store.followup import current_states
from store.judged.read import month_figures, persons_with_gaps, stored_kpi_report
from store.kpi import (
    KpiReport,
    UnitKpi,
    combined_tally,
    coverage_target_pct,
    pp_claim_target_pct,
)
from store.pp.money_parts import ShortPaid
from store.pp.report import PpMoney as ReportMoney
from store.pp.statement_figures import StatementFigures
from store.queries.states import STATE_NONE, STATE_OPEN, STATE_RESOLVED, STATES
from store.queries.worklist import followup_state
from store.rights.inputs import UnitFacts
from store.rights.rules import CoverageTally, GapRules, evaluate_on_days

TREND_MONTHS = 12


@dataclass(frozen=True)
class PpMoney(ShortPaid):
    """The KPI report's PP money (baht) of the units shown, summed when there are several."""

    fiscal_year: int
    qualifying: int
    eligible_baht: Decimal
    paid_baht: Decimal
    pending_baht: Decimal
    denied_baht: Decimal
    unclaimed_baht: Decimal
    claim_rate_pct: Decimal | None
    target_pct: float
    rates_from_fiscal_year: int | None = None
    """The catalog year of the rates: another than `fiscal_year` while it is carried forward."""

    to_earn_baht: Decimal = Decimal("0")
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
    statements: StatementFigures | None = None
    """REP ติด C rate and money transferred of the units shown, summed."""

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


def pp_from_report(units: Sequence[UnitKpi]) -> PpMoney | None:
    """The units' PP money as one; the rate recomputed from the sums when there are several."""
    if not units:
        return None
    money = ReportMoney.combined([u.pp for u in units])
    return PpMoney(
        fiscal_year=money.fiscal_year,
        qualifying=money.qualifying,
        eligible_baht=money.eligible_baht,
        paid_baht=money.paid_baht,
        pending_baht=money.pending_baht,
        denied_baht=money.denied_baht,
        unclaimed_baht=money.unclaimed_baht,
        claim_rate_pct=money.claim_rate_pct,
        to_earn_baht=money.to_earn_baht,
        due_count=money.due_count,
        target_pct=pp_claim_target_pct(),
        rates_from_fiscal_year=money.rates_from_fiscal_year,
    )


def coverage_from_report(report: KpiReport) -> Coverage:
    """The dashboard's coverage figures from a `kpi_report` result."""
    units = report.units
    target = coverage_target_pct()
    pp = pp_from_report(units)
    statements = StatementFigures.combined("", [u.statements for u in units]) if units else None
    if len(units) == 1:
        unit = units[0]
        return Coverage(
            1,
            unit.population,
            unit.thai_population,
            unit.covered,
            unit.coverage_pct,
            dict(unit.gaps),
            target,
            pp,
            statements,
        )
    total = combined_tally(units)
    return Coverage(
        len(units),
        total.population,
        total.thai_population,
        total.covered,
        total.coverage_pct,
        total.gaps,
        target,
        pp,
        statements,
    )


def coverage(conn: Connection, as_of: dt.date, hospcode: str | None = None) -> Coverage:
    return coverage_from_report(stored_kpi_report(conn, as_of, hospcode))


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
    days = month_ends(as_of, months)
    closed = month_figures(conn, days[:-1], hospcode)
    now = stored_kpi_report(conn, as_of, hospcode).units
    covered = {day: sum(unit[day].covered for unit in closed.values()) for day in days[:-1]}
    thai = {day: sum(unit[day].thai_population for unit in closed.values()) for day in days[:-1]}
    covered[as_of] = sum(unit.covered for unit in now)
    thai[as_of] = sum(unit.thai_population for unit in now)
    return _trend(days, covered, thai)


def trend_of(units: list[UnitFacts], days: list[dt.date]) -> Trend:
    """Coverage of the units' persons on each of `days` (sorted), each person judged once per
    span in which the rules cannot change (`store.rights.rules.evaluate_on_days`)."""
    rules = GapRules.from_reference()
    covered = dict.fromkeys(days, 0)
    thai = dict.fromkeys(days, 0)
    for unit in units:
        for person in unit.persons:
            judged = evaluate_on_days(person, days, partners=unit.partners, rules=rules)
            for day, ev in zip(days, judged, strict=True):
                covered[day] += int(ev.covered)
                thai[day] += int(ev.in_coverage)
    return _trend(days, covered, thai)


def _trend(days: list[dt.date], covered: dict[dt.date, int], thai: dict[dt.date, int]) -> Trend:
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
    states = current_states(conn, hospcode)
    counts = {state: 0 for state in STATES}
    for _unit, person_id in persons_with_gaps(conn, as_of, hospcode):
        counts[followup_state(states.get(person_id))] += 1
    return FollowupSummary(counts[STATE_NONE], counts[STATE_OPEN], counts[STATE_RESOLVED])
