"""Measuring an XLSX package before a reader holds it in memory.

calamine (like openpyxl) loads an XLSX's whole shared-string table when the workbook opens, and
a whole worksheet as a grid spanning its first to last used cell. A small file can therefore
ask for gigabytes: 16.5 MB holding six million shared strings no cell uses, or two cells at
A1 and XFD1048576. So the package's XML is streamed once, counting shared strings, cells, rows
and the widest column, and the workbook is refused beyond the read limits of `Limits` (or
when it holds far more shared strings than cells, which no spreadsheet program writes).
The scan decompresses in chunks: its memory does not grow with the file.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from store.i18n import message
from sync.ingest.limits import Limits
from sync.ingest.refused import Refused
from sync.ingest.safezip import open_zip

CHUNK = 1024 * 1024

_SHARED_STRING = re.compile(rb"<(?:\w+:)?si[\s>/]")
_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")
_ROW_NUMBER = re.compile(rb"<(?:\w+:)?row\b[^<>]{0,160}?\br=\"(\d+)\"")
_COLUMNS = tuple(
    re.compile(rb"<(?:\w+:)?c\b[^<>]{0,160}?\br=\"([A-Z]{%d})\d" % width) for width in (3, 2, 1)
)
"""Cell references by the length of their column letters, widest first."""


@dataclass(frozen=True)
class XlsxSize:
    shared_strings: int
    cells: int
    """Cells written in the busiest worksheet."""
    grid_cells: int
    """Rows × columns of the grid a reader allocates for the largest worksheet."""
    rows: int


def measure_xlsx(data: bytes, limits: Limits) -> XlsxSize:
    """The counts that decide an XLSX's memory in a reader (package checked by `open_zip`)."""
    archive = open_zip(data, limits).archive
    shared = 0
    cells = grid = rows = 0
    for info in archive.infolist():
        name = info.filename.lower()
        if name.endswith("sharedstrings.xml"):
            shared += _count(archive, info, _SHARED_STRING)
        elif name.startswith("xl/worksheets/") and name.endswith(".xml"):
            sheet = _measure_sheet(archive, info)
            cells = max(cells, sheet.cells)
            grid = max(grid, sheet.grid_cells)
            rows = max(rows, sheet.rows)
    return XlsxSize(shared, cells, grid, rows)


def check_xlsx_bounds(data: bytes, limits: Limits) -> None:
    """Refuse an XLSX that would take more memory to read than the limits allow."""
    size = measure_xlsx(data, limits)
    if size.shared_strings > limits.max_shared_strings:
        raise Refused(
            message(
                "ingest_read.too_many_shared_strings",
                count=size.shared_strings,
                limit=limits.max_shared_strings,
            )
        )
    if size.shared_strings > size.cells + limits.unused_shared_strings_slack:
        raise Refused(
            message(
                "ingest_read.unused_shared_strings", count=size.shared_strings, cells=size.cells
            )
        )
    if size.rows > limits.max_sheet_rows or size.grid_cells > limits.max_sheet_cells:
        raise Refused(
            message(
                "ingest_read.sheet_too_large",
                rows=size.rows,
                cells=size.grid_cells,
                max_rows=limits.max_sheet_rows,
                max_cells=limits.max_sheet_cells,
            )
        )


def _segments(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The member's bytes in pieces cut just before a `<`, so that no tag is split (the
    patterns match within one tag, and a tag holds no other `<`)."""
    with archive.open(info) as handle:
        tail = b""
        while chunk := handle.read(CHUNK):
            window = tail + chunk
            cut = window.rfind(b"<")
            if cut <= 0:
                yield window
                tail = b""
                continue
            yield window[:cut]
            tail = window[cut:]
        yield tail


def _count(archive: zipfile.ZipFile, info: zipfile.ZipInfo, pattern: re.Pattern[bytes]) -> int:
    return sum(len(pattern.findall(piece)) for piece in _segments(archive, info))


@dataclass(frozen=True)
class _SheetSize:
    cells: int
    grid_cells: int
    rows: int


def _measure_sheet(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> _SheetSize:
    cells = 0
    last_row = 0
    widest = b""
    for piece in _segments(archive, info):
        cells += len(_CELL.findall(piece))
        numbers = _ROW_NUMBER.findall(piece)
        if numbers:
            last_row = max(last_row, max(map(int, numbers)))
        for pattern in _COLUMNS:
            letters = pattern.findall(piece)
            if letters:
                # Same-length column letters compare as bytes; a longer reference is wider.
                top = max(letters)
                if (len(top), top) > (len(widest), widest):
                    widest = top
                break
    columns = _column_number(widest)
    grid = last_row * columns if columns else cells
    return _SheetSize(cells, max(grid, cells), last_row)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + (letter - ord("A") + 1)
    return number
