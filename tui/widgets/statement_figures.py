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

    rate = figures.c_rate_pct
    if rate is None:
        return tr("statements.c_rate_none")
    return tr(
        "statements.c_rate_line",
        rate=f"{rate:.2f}",
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
    """The two lines; none when the units have no REP line, paid line or transfer."""
    if figures is None or not figures.months:
        return []
    return [c_rate_text(figures, tr), transfer_text(figures, tr)]


def statement_content(figures: StatementFigures | None, tr: Translator) -> list[Content]:
    """The lines styled: the ติด C line in the error colour when above the target."""
    from store.pp.statement_store import c_rate_target_pct

    texts = statement_texts(figures, tr)
    if figures is None or not texts:
        return []
    above = figures.above_target(c_rate_target_pct())
    colour = "$error" if above else "$success" if figures.c_rate_pct is not None else ""
    return [Content.styled(texts[0], colour) if colour else Content(texts[0]), Content(texts[1])]
