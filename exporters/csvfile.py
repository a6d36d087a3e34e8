"""A `Document` as CSV for other tools: UTF-8 with a byte-order mark (so Excel reads Thai).

Sections that share their columns make one table whose first column names the section (the
village, volunteer or status), so the file sorts and filters as one list; sections of different
shapes (the director's report) follow one another, each under its heading, separated by an empty
line. Totals rows and notes are left out: a CSV is data, the XLSX is the printed page.

Formula injection: a text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return
is written with a leading apostrophe (`'=SUM(A1)`), the usual defence: a spreadsheet shows the
text and never runs it. Numbers are written as numbers and need none.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from exporters.document import Cell, Document

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT_GUARD = "'"


def safe_text(value: str) -> str:
    """Text a spreadsheet cannot take for a formula."""
    return TEXT_GUARD + value if value.startswith(FORMULA_STARTS) else value


def cell_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, int | float):
        return str(value)
    return safe_text(value)


def write_csv(document: Document, path: Path, *, bom: bool = True) -> None:
    """Write the CSV to `path` (the caller makes it atomic)."""
    with path.open("w", encoding="utf-8", newline="") as out:
        if bom:
            out.write(BOM)
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerows(csv_rows(document))


def csv_rows(document: Document) -> Iterable[list[str]]:
    if document.uniform:
        columns = document.sections[0].columns if document.sections else ()
        yield [safe_text(document.group_label), *(safe_text(c.label) for c in columns)]
        for section in document.sections:
            for row in section.rows:
                yield [safe_text(section.name), *(cell_text(v) for v in row)]
        return
    for number, section in enumerate(document.sections):
        if number:
            yield []
        yield [safe_text(section.heading)]
        yield [safe_text(c.label) for c in section.columns]
        for row in section.rows:
            yield [cell_text(v) for v in row]
