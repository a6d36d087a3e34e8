"""The KPI report's statements section: each unit's ติด C rate of REP lines against the target,
the money paid on statements and the money transferred (Smart Money Transfer)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from store.i18n import render
from tui.commands.report.money import money, share
from tui.commands.tables import format_table

if TYPE_CHECKING:
    from decimal import Decimal

    from store.kpi import UnitKpi
    from store.pp.statement_figures import StatementFigures

HEADERS = (
    "unit",
    "rep_lines",
    "rep_lines_c",
    "c_rate_pct",
    "vs_target",
    "statement_paid_baht",
    "transferred_baht",
    "untransferred_baht",
)


def render_statement_figures(units: Sequence[UnitKpi], lang: str) -> list[str]:
    """The section's lines; none when no unit has a REP line or a transfer."""
    from store.pp.statement_figures import StatementFigures
    from store.pp.statement_store import c_rate_target_pct

    figures = [u.statements for u in units]
    if not any(f.shown for f in figures):
        return []
    target = c_rate_target_pct()
    rows = [_cells(f.hospcode, f, target, lang) for f in figures]
    if len(figures) > 1:
        total = StatementFigures.combined("", figures)
        rows.append(_cells(render("statements.total", lang), total, target, lang))
    headers = [render(f"statements.{h}", lang) for h in HEADERS]
    return [
        "",
        render("statements.title", lang),
        render("statements.target", lang, target=f"{target:g}"),
        "",
        format_table(headers, rows, "l" + "r" * 3 + "l" + "r" * 3),
        render("statements.note", lang),
    ]


def _cells(label: str, figures: StatementFigures, target: Decimal, lang: str) -> list[str]:
    rate = figures.c_rate_pct
    if rate is None:
        verdict = "-"
    elif figures.above_target(target):
        verdict = render("statements.above_target", lang)
    else:
        verdict = render("statements.within_target", lang)
    return [
        label,
        f"{figures.rep_lines:,}",
        f"{figures.rep_lines_c:,}",
        share(rate),
        verdict,
        money(figures.statement_paid_baht),
        money(figures.transferred_baht),
        money(figures.untransferred_baht),
    ]
