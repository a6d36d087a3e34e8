"""A `Document` as an XLSX workbook that prints well on A4: one sheet per section.

xlsxwriter writes the print settings Excel and LibreOffice honour (paper, orientation, fit to
the page width, rows repeated on every page, printed gridlines, header and footer with page
numbers) and native charts, which a reader library cannot; it only writes, which is all an
export needs. Every text cell is written with `write_string`, so a name that starts with `=`,
`+`, `-` or `@` stays text and can never run as a formula.

Each sheet: the section's heading on the first row, the column headings on the second (both
repeated on every printed page), the rows, an optional totals row and notes. Landscape when the
section has more than `PORTRAIT_MAX_COLUMNS` columns.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from exporters.document import Cell, Chart, Document, Kind, Section
from exporters.pagetext import footer_text, header_text
from exporters.style import font

PAPER_A4 = 9
PORTRAIT_MAX_COLUMNS = 7
HEADING_ROW, HEADER_ROW, FIRST_ROW = 0, 1, 2
SHEET_NAME_MAX = 31
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
NUMBER_FORMATS = {Kind.NUMBER: "#,##0", Kind.BAHT: "#,##0.00", Kind.PCT: "0.00"}
HEADER_FILL = "#D9E1F2"


def sheet_names(sections: tuple[Section, ...]) -> list[str]:
    """Valid, unique sheet names: forbidden characters replaced, at most 31 characters."""
    names: list[str] = []
    for section in sections:
        base = _SHEET_FORBIDDEN.sub("-", section.name).strip("'") or "-"
        name = base[:SHEET_NAME_MAX]
        number = 2
        while name.casefold() in {n.casefold() for n in names}:
            suffix = f" ({number})"
            name = base[: SHEET_NAME_MAX - len(suffix)] + suffix
            number += 1
        names.append(name)
    return names


def write_xlsx(document: Document, path: Path) -> None:
    """Write the workbook to `path` (the caller makes it atomic)."""
    name, size = font()
    book = Workbook(
        str(path),
        {
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "default_format_properties": {"font_name": name, "font_size": size},
        },
    )
    book.set_properties({"title": document.sections[0].heading if document.sections else ""})
    formats = _Formats(book, name, size)
    sections = document.sections or (_empty_section(document),)
    for section, sheet_name in zip(sections, sheet_names(sections), strict=True):
        sheet = book.add_worksheet(sheet_name)
        _write_section(book, sheet, sheet_name, section, document, formats)
    book.close()


def _empty_section(document: Document) -> Section:
    from store.i18n import render

    return Section(render("export.nothing", document.lang), "", (), ())


class _Formats:
    def __init__(self, book: Workbook, name: str, size: int) -> None:
        base = {"font_name": name, "font_size": size, "valign": "top"}
        self.heading = book.add_format({**base, "bold": True, "font_size": size + 2})
        self.header = book.add_format(
            {**base, "bold": True, "border": 1, "text_wrap": True, "bg_color": HEADER_FILL}
        )
        self.cells: dict[Kind, Format] = {}
        self.totals: dict[Kind, Format] = {}
        for kind in Kind:
            props: dict[str, Any] = {**base, "border": 1, "text_wrap": kind == Kind.TEXT}
            if kind in NUMBER_FORMATS:
                props["num_format"] = NUMBER_FORMATS[kind]
            self.cells[kind] = book.add_format(props)
            self.totals[kind] = book.add_format({**props, "bold": True, "top": 2})
        self.note = book.add_format({**base, "italic": True})


def _write_section(
    book: Workbook,
    sheet: Worksheet,
    sheet_name: str,
    section: Section,
    document: Document,
    formats: _Formats,
) -> None:
    columns = section.columns
    sheet.write_string(HEADING_ROW, 0, section.heading, formats.heading)
    for index, column in enumerate(columns):
        sheet.set_column(index, index, column.width)
        sheet.write_string(HEADER_ROW, index, column.label, formats.header)
    row_index = FIRST_ROW
    for row in section.rows:
        _write_row(sheet, row_index, row, section, formats.cells)
        row_index += 1
    last_data = row_index - 1
    if section.totals is not None:
        _write_row(sheet, row_index, section.totals, section, formats.totals)
        row_index += 1
    for note in section.notes:
        row_index += 1
        sheet.write_string(row_index, 0, note, formats.note)
    _page_setup(sheet, section, document, last_data)
    for number, chart in enumerate(section.charts):
        _insert_chart(book, sheet, sheet_name, section, chart, last_data, number)


def _write_row(
    sheet: Worksheet,
    row: int,
    cells: tuple[Cell, ...],
    section: Section,
    styles: dict[Kind, Format],
) -> None:
    for col, (value, column) in enumerate(zip(cells, section.columns, strict=True)):
        style = styles[column.kind]
        if value is None or value == "":
            sheet.write_blank(row, col, None, style)
        elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            sheet.write_number(row, col, float(value), style)
        else:
            sheet.write_string(row, col, str(value), style)


def _page_setup(sheet: Worksheet, section: Section, document: Document, last_data: int) -> None:
    sheet.set_paper(PAPER_A4)
    if len(section.columns) > PORTRAIT_MAX_COLUMNS:
        sheet.set_landscape()
    else:
        sheet.set_portrait()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(HEADING_ROW, HEADER_ROW)
    sheet.hide_gridlines(0)
    sheet.set_margins(left=0.4, right=0.4, top=0.75, bottom=0.6)
    sheet.set_header(header_text(document, section))
    sheet.set_footer(footer_text(document))
    sheet.freeze_panes(FIRST_ROW, 0)
    if section.columns and last_data >= FIRST_ROW:
        sheet.autofilter(HEADER_ROW, 0, last_data, len(section.columns) - 1)


def _insert_chart(
    book: Workbook,
    sheet: Worksheet,
    sheet_name: str,
    section: Section,
    chart: Chart,
    last_data: int,
    number: int,
) -> None:
    if last_data < FIRST_ROW:
        return
    made = book.add_chart({"type": chart.type.value})
    if made is None:
        return
    for col in chart.values:
        made.add_series(
            {
                "name": [sheet_name, HEADER_ROW, col],
                "categories": [
                    sheet_name,
                    FIRST_ROW,
                    chart.categories,
                    last_data,
                    chart.categories,
                ],
                "values": [sheet_name, FIRST_ROW, col, last_data, col],
            }
        )
    made.set_title({"name": chart.title})
    if chart.y_title:
        made.set_y_axis({"name": chart.y_title})
    made.set_legend({"position": "bottom"})
    anchor_col = len(section.columns) + 1
    sheet.insert_chart(HEADER_ROW + number * 16, anchor_col, made)
