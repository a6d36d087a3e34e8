"""The ติด C rate of REP lines and the money transferred, as the dashboard's PP panel and the
claims screen show them (one place, so both say the same)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content

if TYPE_CHECKING:
    from store.pp.statement_figures import StatementFigures
    from tui.i18n import Translator


def c_rate_text(figures: StatementFigures, tr: Translator) -> str:
    from store.pp.statement_store import c_rate_target_pct

    return tr(
        "statements.c_rate_line",
        rate=f"{figures.c_rate_pct or 0:.2f}",
        lines=tr.number(figures.rep_lines),
        target=f"{c_rate_target_pct():g}",
    )


def transfer_text(figures: StatementFigures, tr: Translator) -> str:
    return tr(
        "statements.transfer_line",
        paid=f"{figures.statement_paid_baht:,.2f}",
        transferred=f"{figures.transferred_baht:,.2f}",
        untransferred=f"{figures.untransferred_baht:,.2f}",
    )


def statement_texts(figures: StatementFigures | None, tr: Translator) -> list[str]:
    """The ติด C line when there are REP lines, the money line when there are transfers."""
    if figures is None:
        return []
    lines = []
    if figures.rep_lines:
        lines.append(c_rate_text(figures, tr))
    if figures.transfers:
        lines.append(transfer_text(figures, tr))
    return lines


def statement_content(figures: StatementFigures | None, tr: Translator) -> list[Content]:
    """The same lines styled: the ติด C line in the error colour when above the target."""
    from store.pp.statement_store import c_rate_target_pct

    if figures is None:
        return []
    lines = []
    if figures.rep_lines:
        colour = "$error" if figures.above_target(c_rate_target_pct()) else "$success"
        lines.append(Content.styled(c_rate_text(figures, tr), colour))
    if figures.transfers:
        lines.append(Content(transfer_text(figures, tr)))
    return lines
