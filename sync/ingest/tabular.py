"""Reading NHSO downloads (rights lists, statements) as rows of named fields, no database.

A download is a CSV (UTF-8, TIS-620 or UTF-16 text; delimiter sniffed) or an XLSX workbook
(read cell by cell, so dates stay dates and numbers stay numbers). Its columns are found through
an alias table, a `field,alias` CSV in `store/reference` that users can extend: a header cell
names a field when, stripped and case-folded, it equals one of the field's aliases. Title rows
above the header are skipped: the header is the first row naming enough distinct fields.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from store.reference import table
from sync.ingest.convert import Columns
from sync.ingest.limits import Limits
from sync.ingest.refused import Refused
from sync.ingest.safezip import looks_like_zip, open_zip
from sync.ingest.textfile import decode_text

HEADER_SEARCH_ROWS = 30
"""Rows searched for the header (title and note rows may come first)."""
HEADER_MIN_FIELDS = 2
"""Distinct fields a row must name to be taken for the header."""
DELIMITERS = (",", ";", "\t", "|")
XLSX_MARKER = "[Content_Types].xml"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

RawRow = Sequence[object]
"""Cells of a row: text for CSV; text, numbers, dates or None for XLSX."""
FieldRow = dict[str, object]

_SPACES = re.compile(r"\s+")


def normalise_header(cell: object) -> str:
    """A header cell as aliases are compared: stripped, case-folded, inner spaces single."""
    if cell is None:
        return ""
    return _SPACES.sub(" ", str(cell).replace("\ufeff", "")).strip().casefold()


@dataclass(frozen=True)
class Aliases:
    """Which field each known header text names."""

    source: str
    by_alias: Mapping[str, str]

    def field_of(self, cell: object) -> str | None:
        return self.by_alias.get(normalise_header(cell))

    @property
    def fields(self) -> frozenset[str]:
        return frozenset(self.by_alias.values())


def load_aliases(name: str) -> Aliases:
    """The alias table `name` (a `field,alias` CSV in store/reference, user rows included)."""
    by_alias: dict[str, str] = {}
    for row in table(name):
        alias = normalise_header(row["alias"])
        if alias:
            by_alias.setdefault(alias, row["field"].strip())
    return Aliases(name, by_alias)


@dataclass(frozen=True)
class Sheet:
    """One grid of cells: a CSV file, or one worksheet of a workbook."""

    label: str
    format: str
    encoding: str
    rows: Callable[[], Iterator[tuple[int, RawRow]]]
    """(row number counted from 1, cells) for every row, read afresh on each call."""


@dataclass(frozen=True)
class Header:
    sheet: Sheet
    row: int
    columns: Mapping[str, int]
    """Field → column index (the first column naming the field)."""

    def missing(self, mandatory: Collection[str]) -> list[str]:
        return [f for f in mandatory if f not in self.columns]


def is_xlsx(data: bytes, limits: Limits) -> bool:
    """A zip holding an Office Open XML package (after the zip safety checks)."""
    if not looks_like_zip(data):
        return False
    names = {info.filename for info in open_zip(data, limits).members()}
    return XLSX_MARKER in names


def open_tabular(data: bytes, name: str, limits: Limits) -> list[Sheet]:
    """`name` labels the sheets (`rights.xlsx [Sheet1]`)."""
    """The sheets of a CSV or XLSX file; anything else is refused."""
    if data.startswith(OLE2_MAGIC):
        raise Refused("an old Excel (.xls) workbook; save it as .xlsx or CSV")
    if looks_like_zip(data):
        if not is_xlsx(data, limits):
            raise Refused("a zip that is neither a 43-file export nor an XLSX workbook")
        return _xlsx_sheets(data, name)
    return [_csv_sheet(data, name)]


def _csv_sheet(data: bytes, name: str) -> Sheet:
    decoded = decode_text(data)
    text = decoded.text
    delimiter = sniff_delimiter(text)

    def rows() -> Iterator[tuple[int, RawRow]]:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            for cells in reader:
                yield reader.line_num, [c.strip() for c in cells]
        except csv.Error as exc:
            raise Refused(f"not a readable CSV file (line {reader.line_num}: {exc})") from exc

    return Sheet(name, "csv", decoded.encoding, rows)


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first rows into the most rows of one, widest shape."""
    sample = [line for line in text[:65_536].splitlines()[: HEADER_SEARCH_ROWS + 20] if line]
    best, best_score = DELIMITERS[0], (0, 0)
    for delimiter in DELIMITERS:
        try:
            widths = [len(cells) for cells in csv.reader(sample, delimiter=delimiter)]
        except csv.Error:
            continue
        wide = [w for w in widths if w > 1]
        if not wide:
            continue
        common = max(set(wide), key=lambda w: (wide.count(w), w))
        score = (wide.count(common), common)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _xlsx_sheets(data: bytes, name: str) -> list[Sheet]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise Refused(f"not a readable XLSX workbook ({type(exc).__name__})") from exc
    sheets = []
    for worksheet in workbook.worksheets:
        if not hasattr(worksheet, "iter_rows"):
            continue
        sheets.append(Sheet(f"{name} [{worksheet.title}]", "xlsx", "", _worksheet_rows(worksheet)))
    return sheets


def _worksheet_rows(worksheet: Any) -> Callable[[], Iterator[tuple[int, RawRow]]]:
    def rows() -> Iterator[tuple[int, RawRow]]:
        worksheet.reset_dimensions()
        try:
            for number, cells in enumerate(worksheet.iter_rows(values_only=True), 1):
                yield number, [c.strip() if isinstance(c, str) else c for c in cells]
        except Refused:
            raise
        except Exception as exc:
            raise Refused(f"not a readable XLSX workbook ({type(exc).__name__})") from exc

    return rows


def find_header(sheets: Sequence[Sheet], aliases: Aliases) -> Header | None:
    """The first row (of the first sheet that has one) naming at least two distinct fields."""
    for sheet in sheets:
        for number, cells in sheet.rows():
            if number > HEADER_SEARCH_ROWS:
                break
            columns: dict[str, int] = {}
            for index, cell in enumerate(cells):
                found = aliases.field_of(cell)
                if found is not None and found not in columns:
                    columns[found] = index
            if len(columns) >= HEADER_MIN_FIELDS:
                return Header(sheet, number, columns)
    return None


def read_rows(header: Header) -> Iterator[tuple[int, FieldRow]]:
    """(row number, {field: cell}) for each non-empty row below the header.

    Empty cells are ``""``; XLSX numbers and dates keep their type for the converters.
    """
    picks = tuple(header.columns.items())
    for number, cells in header.sheet.rows():
        if number <= header.row or not any(_filled(c) for c in cells):
            continue
        count = len(cells)
        yield number, {f: (_blank(cells[i]) if i < count else "") for f, i in picks}


def read_columns(header: Header) -> Columns:
    """The rows below the header column by column (see `read_rows`)."""
    lines: list[int] = []
    values: dict[str, list[object]] = {f: [] for f in header.columns}
    for number, row in read_rows(header):
        lines.append(number)
        for name, value in row.items():
            values[name].append(value)
    return Columns(lines, values)


def read_tabular(
    data: bytes, name: str, aliases: Aliases, mandatory: Collection[str], limits: Limits
) -> tuple[Header, Iterator[tuple[int, FieldRow]]]:
    """The header and rows of a download read through `aliases`; refused when a mandatory
    field has no column."""
    sheets = open_tabular(data, name, limits)
    header = find_header(sheets, aliases)
    if header is None:
        raise Refused(f"no header row naming the columns ({aliases.source})")
    missing = header.missing(mandatory)
    if missing:
        raise Refused(
            f"missing mandatory columns {', '.join(missing)} "
            f"(header names are read through {aliases.source})"
        )
    return header, read_rows(header)


def _filled(cell: object) -> bool:
    return cell is not None and cell != ""


def _blank(cell: object) -> object:
    return "" if cell is None else cell
