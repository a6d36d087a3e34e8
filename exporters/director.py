"""The director's monthly report: a workbook of the seeds' indicators against their targets.

Sheets: the summary (rights coverage vs 99 %, PP money received vs 60 %, claims flagged "C" vs
at most 5 %, money transferred, PP revenue vs the same months of the previous fiscal year vs
+15 %; targets from settings.csv), the monthly trend with charts, the units' league (worst
coverage first; on a store with several units), gaps by kind and PP claims by item, each with a
native chart. Every figure comes from the report functions behind `sitthi report kpi` and the
app's screens, so the workbook and the dashboard agree.

The "C" rate is the share of e-Claim REP lines with an error code, the money transferred what
the Smart Money Transfer files say reached the bank in the fiscal year (`store.pp.statement_store`,
the KPI report's `statements` block); without REP lines, or without a transfer file for the
period, those rows say "no data yet" rather than 0.
Every figure is computed in one pass (`store.queries.report_figures`) with the same rules and
sums as the KPI report and the claims screen; the monthly figures are the claims screen's
monthly sums (`months_money`), so no data-frame library is needed for twelve rows.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection, select

from exporters.document import Cell, Chart, ChartType, Column, Document, Kind, Section
from store.codes import setting_float
from store.i18n import render
from store.kpi import coverage_target_pct, pp_claim_target_pct
from store.models import SQLModel
from store.pp.statement_store import c_rate_target_pct
from store.queries.claims import Money
from store.queries.report_figures import ReportFigures, UnitFigures
from store.rights.rules import CoverageTally
from store.thaidate import BE_OFFSET, THAI_MONTHS_SHORT, fiscal_year_bounds

KIND = "report"
FACILITY = SQLModel.metadata.tables["facility"]


@dataclass(frozen=True)
class Indicator:
    """One summary line: the figure (None: no data), its target and which way is better."""

    key: str
    value: float | None
    target: float | None
    unit: str
    higher_is_better: bool = True
    missing: str = "export.report.no_data"

    def verdict(self, lang: str) -> str:
        """Met, else the way it missed: below a target, or over a limit the figure should stay
        under."""
        if self.value is None or self.target is None:
            return ""
        if self.higher_is_better:
            met, missed = self.value >= self.target, "export.report.below"
        else:
            met, missed = self.value <= self.target, "export.report.over_limit"
        return render("export.report.met" if met else missed, lang)


def period_end(as_of: dt.date, fiscal_year: int, month: int | None) -> dt.date:
    """The last day the report covers: the as-of date, the fiscal year's end or the month's."""
    first, last = fiscal_year_bounds(fiscal_year)
    end = min(as_of, last)
    if month is not None:
        year = first.year if month >= first.month else last.year
        end = min(end, dt.date(year, month, calendar.monthrange(year, month)[1]))
    return end


def month_label(day: dt.date, lang: str) -> str:
    if lang == "en":
        return f"{day:%b %Y}"
    return f"{THAI_MONTHS_SHORT[day.month - 1]} {day.year + BE_OFFSET}"


def _pct(part: float, whole: float) -> float | None:
    return round(part * 100 / whole, 2) if whole else None


def build_report(
    conn: Connection,
    as_of: dt.date,
    fiscal_year: int | None = None,
    hospcode: str | None = None,
    *,
    month: int | None = None,
    lang: str = "th",
) -> Document:
    from store.queries.report_figures import report_figures
    from store.thaidate import fiscal_year as fiscal_year_of

    year = fiscal_year if fiscal_year is not None else fiscal_year_of(as_of)
    end = period_end(as_of, year, month)
    figures = report_figures(conn, end, year, hospcode, month=month)
    names = {r.hospcode: r.name for r in conn.execute(select(FACILITY.c.hospcode, FACILITY.c.name))}
    t = _Texts(lang)
    sections = [_summary(t, figures), _trend(t, figures)]
    if len(figures.units) > 1:
        sections.append(_league(t, figures, names))
    sections += [_gaps(t, figures), _claims(t, figures)]
    unit = t("export.all_units")
    if hospcode is not None:
        unit = f"{hospcode} {names.get(hospcode, '')}".strip()
    return Document(
        kind=KIND,
        hospcode=hospcode,
        unit=unit,
        as_of=end,
        sections=tuple(sections),
        lang=lang,
    )


class _Texts:
    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, key: str, **params: object) -> str:
        return render(key, self.lang, **params)


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _coverage(figures: ReportFigures) -> float | None:
    total = CoverageTally(
        population=sum(u.coverage.population for u in figures.units),
        thai_population=sum(u.coverage.thai_population for u in figures.units),
        covered=sum(u.coverage.covered for u in figures.units),
        gaps={},
    )
    return total.coverage_pct


def _money(figures: ReportFigures, field: str) -> float:
    return float(sum((getattr(u.money, field) for u in figures.units if u.money), Decimal(0)))


def _summary(t: _Texts, figures: ReportFigures) -> Section:
    paid, eligible = _money(figures, "paid_baht"), _money(figures, "eligible_baht")
    before = float(figures.paid_before)
    growth = round((paid - before) * 100 / before, 2) if figures.had_before and before else None
    indicators = (
        Indicator("coverage", _coverage(figures), coverage_target_pct(), "pct"),
        Indicator("pp_received", _pct(paid, eligible), pp_claim_target_pct(), "pct"),
        Indicator("claims_c", _float(figures.statements.c_rate_pct),
                  float(c_rate_target_pct()), "pct", higher_is_better=False),
        Indicator("transferred",
                  float(figures.statements.transferred_baht) if figures.transfers else None,
                  None, "baht"),
        Indicator("revenue_growth", growth, setting_float("revenue_growth_target_pct"), "pct",
                  missing="export.report.no_previous"),
    )  # fmt: skip
    rows: list[tuple[Cell, ...]] = []
    for ind in indicators:
        value: Cell = ind.value if ind.value is not None else t(ind.missing)
        target: Cell = None
        if ind.target is not None:
            sign = (
                "≤ " if not ind.higher_is_better else ("+" if ind.key == "revenue_growth" else "≥ ")
            )
            target = f"{sign}{ind.target:g} %"
        unit = t(f"export.report.unit_{ind.unit}")
        rows.append((t(f"export.report.ind_{ind.key}"), value, unit, target, ind.verdict(t.lang)))
    money = (
        ("paid_baht", paid),
        ("eligible_baht", eligible),
        ("unclaimed_baht", _money(figures, "unclaimed_baht")),
        ("denied_baht", _money(figures, "denied_baht")),
        ("to_earn_baht", float(sum((u.to_earn_baht for u in figures.units), Decimal(0)))),
        ("paid_before", before),
    )
    for key, amount in money:
        rows.append(
            (t(f"export.report.money_{key}"), amount, t("export.report.unit_baht"), None, "")
        )
    columns = (
        Column(t("export.report.col_indicator"), 46),
        Column(t("export.report.col_value"), 14, Kind.BAHT),
        Column(t("export.report.col_unit"), 8),
        Column(t("export.report.col_target"), 10),
        Column(t("export.report.col_verdict"), 14),
    )
    return Section(
        t("export.report.sheet_summary"),
        t("export.report.summary_heading", year=figures.fiscal_year),
        columns,
        tuple(rows),
        notes=(t("export.report.note_no_data"), t("export.report.note_growth")),
    )


def _trend(t: _Texts, figures: ReportFigures) -> Section:
    rows = tuple(
        (month_label(m.month, t.lang), point.coverage_pct, m.paid_baht, m.unclaimed_baht)
        for m, point in zip(figures.months, figures.trend.points, strict=True)
    )
    columns = (
        Column(t("export.report.col_month"), 12),
        Column(t("export.report.col_coverage"), 12, Kind.PCT),
        Column(t("export.report.col_paid"), 14, Kind.BAHT),
        Column(t("export.report.col_unclaimed"), 14, Kind.BAHT),
    )
    charts = (
        Chart(ChartType.LINE, t("export.report.chart_coverage"), 0, (1,), "%"),
        Chart(ChartType.COLUMN, t("export.report.chart_money"), 0, (2, 3),
              t("export.report.unit_baht")),
    )  # fmt: skip
    return Section(
        t("export.report.sheet_trend"),
        t("export.report.trend_heading", year=figures.fiscal_year),
        columns,
        rows,
        charts=charts,
        notes=(t("export.report.note_trend"),),
    )


def _league(t: _Texts, figures: ReportFigures, names: dict[str, str]) -> Section:
    def order(unit: UnitFigures) -> tuple[bool, float, str]:
        pct = unit.coverage.coverage_pct
        return pct is None, pct or 0.0, unit.hospcode

    def rate(unit: UnitFigures) -> float | None:
        found = unit.money.claim_rate_pct if unit.money else None
        return None if found is None else float(found)

    rows = tuple(
        (
            u.hospcode,
            names.get(u.hospcode, ""),
            u.coverage.population,
            u.coverage.coverage_pct,
            sum(u.coverage.gaps.values()),
            rate(u),
            u.money.paid_baht if u.money else Decimal(0),
            u.to_earn_baht,
        )
        for u in sorted(figures.units, key=order)
    )
    columns = (
        Column(t("export.report.col_unit_code"), 8),
        Column(t("export.report.col_unit_name"), 28),
        Column(t("export.report.col_population"), 10, Kind.NUMBER),
        Column(t("export.report.col_coverage"), 11, Kind.PCT),
        Column(t("export.report.col_gaps"), 9, Kind.NUMBER),
        Column(t("export.report.col_claim_rate"), 11, Kind.PCT),
        Column(t("export.report.col_paid"), 13, Kind.BAHT),
        Column(t("export.report.col_to_earn"), 13, Kind.BAHT),
    )
    chart = Chart(ChartType.BAR, t("export.report.chart_league"), 0, (3,), "%")
    return Section(
        t("export.report.sheet_league"),
        t("export.report.league_heading"),
        columns,
        rows,
        charts=(chart,),
    )


def _gaps(t: _Texts, figures: ReportFigures) -> Section:
    from store.rights.rules import explanation

    gaps: dict[str, int] = {}
    for unit in figures.units:
        for code, count in unit.coverage.gaps.items():
            gaps[code] = gaps.get(code, 0) + count

    rows = tuple((code, explanation([code], t.lang), count) for code, count in gaps.items())
    columns = (
        Column(t("export.report.col_code"), 15),
        Column(t("export.report.col_meaning"), 50),
        Column(t("export.report.col_persons"), 10, Kind.NUMBER),
    )
    total: tuple[Cell, ...] = (t("export.total"), None, sum(gaps.values()))
    chart = Chart(ChartType.BAR, t("export.report.chart_gaps"), 0, (2,))
    return Section(
        t("export.report.sheet_gaps"),
        t("export.report.gaps_heading"),
        columns,
        rows,
        totals=total,
        charts=(chart,),
        notes=(t("export.report.note_gaps"),),
    )


def _claims(t: _Texts, figures: ReportFigures) -> Section:
    def cells(label: str, money: Money) -> tuple[Cell, ...]:
        rate = money.claim_rate_pct
        return (
            label,
            money.services,
            money.eligible_baht,
            money.paid_baht,
            money.pending_baht,
            money.denied_baht,
            money.unclaimed_baht,
            None if rate is None else float(rate),
        )

    rows = tuple(cells(m.name(t.lang) or m.item, m) for m in figures.items)
    columns = (
        Column(t("export.col.item"), 34),
        Column(t("export.report.col_services"), 9, Kind.NUMBER),
        Column(t("export.report.col_eligible"), 12, Kind.BAHT),
        Column(t("export.report.col_paid"), 12, Kind.BAHT),
        Column(t("export.report.col_pending"), 12, Kind.BAHT),
        Column(t("export.report.col_denied"), 12, Kind.BAHT),
        Column(t("export.report.col_unclaimed"), 12, Kind.BAHT),
        Column(t("export.report.col_claim_rate"), 10, Kind.PCT),
    )
    chart = Chart(ChartType.COLUMN, t("export.report.chart_claims"), 0, (3, 6),
                  t("export.report.unit_baht"))  # fmt: skip
    return Section(
        t("export.report.sheet_claims"),
        t("export.report.claims_heading", year=figures.fiscal_year),
        columns,
        rows,
        totals=cells(t("export.total"), figures.total),
        charts=(chart,),
    )
