"""The units league table as a sheet: what the province's units screen shows, worst first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from exporters.document import Cell, Column, Document, Kind, Section
from store.i18n import render
from store.queries.units import UnitRow

KIND = "units"


def units_document(
    units: Sequence[UnitRow], as_of: dt.date, *, lang: str = "th", sort_label: str = ""
) -> Document:
    """The rows in the order given (the screen's sort)."""

    def t(key: str, **params: object) -> str:
        return render(key, lang, **params)

    columns = (
        Column(t("export.report.col_unit_code"), 8),
        Column(t("export.report.col_unit_name"), 30),
        Column(t("export.report.col_population"), 11, Kind.NUMBER),
        Column(t("export.report.col_coverage"), 12, Kind.PCT),
        Column(t("export.report.col_gaps"), 11, Kind.NUMBER),
        Column(t("export.report.col_claim_rate"), 11, Kind.PCT),
    )
    rows: tuple[tuple[Cell, ...], ...] = tuple(
        (u.hospcode, u.name, u.population, u.coverage_pct, u.gaps, u.claim_rate_pct) for u in units
    )
    heading = t("export.report.league_heading")
    if sort_label:
        heading = f"{heading} ({sort_label})"
    section = Section(t("export.report.sheet_league"), heading, columns, rows)
    return Document(KIND, None, t("export.all_units"), as_of, (section,), lang=lang)
