"""Every figure of the director's report from one pass over the store.

A province's report needs, for every unit, the KPI report's coverage, gaps, PP money and PP-due
figures, the coverage at each month end, the money month by month and item by item, and the
money of the same days a year earlier. Asked for one by one (`kpi_report`, `coverage_trend`,
`money_by_month`, `claims_view`, `period_money` twice) that reads and judges the same rows six
times; here each unit's facts are read once and judged on the report's last day, the month
ends before it are the units' closed months (`store.judged.read.closed_month_figures`: as they
were closed, or judged now from the same facts while not closed yet), and the services of
both fiscal years are judged and matched once with the lines that decide them, statement and
e-Claim REP visit lines, as the KPI report matches them (`store.pp.queries.match_stored_lines`).
The figures are those functions' figures: the same rules, tallies and money sums (`tally`,
`money_summary`, `money`, `persons_due`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection

from store.judged.read import closed_month_figures, complete_months
from store.kpi import evaluate_units
from store.pp.catalog_store import load_catalog
from store.pp.claims import ZERO, ClaimStatus, MoneySummary, ServiceClaim
from store.pp.claims import money_summary as unit_money
from store.pp.due import due_items_for
from store.pp.due_store import History, persons_due
from store.pp.eligibility import evaluate
from store.pp.queries import Period, load_persons, load_services, match_stored_lines
from store.pp.statement_figures import StatementFigures
from store.pp.statement_store import period_statement_figures
from store.queries.claims import Money, MonthMoney, money, months_money
from store.queries.dashboard import Trend, TrendPoint, month_ends
from store.rights.inputs import iter_unit_facts
from store.rights.rules import CoverageTally, GapRules, tally
from store.thaidate import fiscal_year as fiscal_year_of
from store.thaidate import fiscal_year_bounds


@dataclass(frozen=True)
class UnitFigures:
    hospcode: str
    coverage: CoverageTally
    money: MoneySummary | None
    """The unit's PP money of the fiscal year up to the report's end; None without services."""
    due_count: int
    to_earn_baht: Decimal


@dataclass(frozen=True)
class ReportFigures:
    fiscal_year: int
    end: dt.date
    units: tuple[UnitFigures, ...]
    trend: Trend
    months: tuple[MonthMoney, ...]
    items: tuple[Money, ...]
    total: Money
    """The services of the report's period (the month when one is asked for)."""
    paid_before: Decimal
    """PP money paid for the services of the same days of the previous fiscal year."""
    had_before: bool
    """Whether the previous fiscal year had any PP service in those days."""
    statements: StatementFigures
    """Every unit's e-Claim REP lines (the "C" rate) and Smart Money Transfer money, combined."""

    @property
    def transfers(self) -> int:
        """Smart Money Transfer rows of the period (0: no transfer file imported for it)."""
        return sum(m.transfers for m in self.statements.months)


def _month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    found, day = [], first
    while day <= last:
        found.append(day)
        day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return found


def _year_earlier(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def report_figures(
    conn: Connection,
    end: dt.date,
    year: int,
    hospcode: str | None = None,
    *,
    month: int | None = None,
) -> ReportFigures:
    """The figures of fiscal year `year` up to `end` (the report's last day)."""
    rules = GapRules.from_reference()
    first, _ = fiscal_year_bounds(year)
    months = _month_starts(first, end)
    days = month_ends(end, len(months)) if months else [end]
    covered = dict.fromkeys(days, 0)
    thai = dict.fromkeys(days, 0)
    catalog = load_catalog(conn)
    services = load_services(conn, hospcode, sources=catalog.sources, until=end)
    judged = evaluate(services, load_persons(conn, hospcode), catalog)
    offered = due_items_for(catalog, fiscal_year_of(end))
    wanted = {item.item for item in offered.items}
    history: History = {}
    for ev in judged:
        if ev.eligible and ev.item.item in wanted:
            key = (ev.service.hospcode, ev.service.pid)
            history.setdefault(key, {}).setdefault(ev.item.item, []).append(ev.service.date)
    before_end = _year_earlier(end)
    between = (fiscal_year_bounds(year - 1)[0], end)
    claims = match_stored_lines(conn, judged, hospcode, catalog, between).claims
    current = Period(year, as_of=end)
    shown = Period(year, month, end)
    before = Period(year - 1, as_of=before_end)
    year_claims = [c for c in claims if current.contains(c.evaluation.service.date)]
    money_by_unit = {m.hospcode: m for m in unit_money(year_claims, year)}
    closed = closed_month_figures(conn, days[:-1], hospcode)
    units = []
    for facts in iter_unit_facts(conn, hospcode):
        complete_months(closed[facts.hospcode], facts, days[:-1], rules)
        [unit] = evaluate_units(conn, end, rules=rules, facts=(facts,))
        at_end = unit.evaluations
        covered[end] += sum(int(judgement.covered) for judgement in at_end)
        thai[end] += sum(int(judgement.in_coverage) for judgement in at_end)
        due = persons_due(at_end, offered, history, end)
        units.append(
            UnitFigures(
                unit.hospcode,
                tally(at_end),
                money_by_unit.get(unit.hospcode),
                sum(len(p.items) for p in due),
                sum((p.to_earn_baht for p in due), ZERO),
            )
        )
    for day in days[:-1]:
        covered[day] = sum(unit[day].covered for unit in closed.values())
        thai[day] = sum(unit[day].thai_population for unit in closed.values())
    trend = Trend(
        tuple(
            TrendPoint(
                d, CoverageTally(0, thai[d], covered[d], {}).coverage_pct, covered[d], thai[d]
            )
            for d in days
        ),
        0.0,
    )
    period_claims = [c for c in claims if shown.contains(c.evaluation.service.date)]
    previous = [c for c in claims if before.contains(c.evaluation.service.date)]
    return ReportFigures(
        fiscal_year=year,
        end=end,
        units=tuple(units),
        trend=trend,
        months=tuple(months_money(year_claims, months)),
        items=tuple(_by_item(period_claims, year)),
        total=money(period_claims, year, "", "", ""),
        paid_before=sum(
            (c.paid for c in previous if c.status is not ClaimStatus.NOT_ELIGIBLE), ZERO
        ),
        had_before=bool(previous),
        statements=StatementFigures.combined(
            hospcode or "",
            period_statement_figures(conn, current, [u.hospcode for u in units], hospcode).values(),
        ),
    )


def _by_item(claims: list[ServiceClaim], year: int) -> list[Money]:
    """Money per catalog item, items in the order they first appear by date."""
    items: dict[str, list[ServiceClaim]] = {}
    for claim in sorted(claims, key=lambda c: (c.evaluation.service.date, c.evaluation.item.item)):
        items.setdefault(claim.evaluation.item.item, []).append(claim)
    return [
        money(found, year, code, found[0].evaluation.item.name_th, found[0].evaluation.item.name_en)
        for code, found in items.items()
    ]
