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

CHUNK = 4 * 1024 * 1024
_ROOT = re.compile(rb"<(\w+:)?(?:worksheet|sst)\b")
"""The root element, whose namespace prefix (`x:` from some tools, usually none) every tag
of the part shares."""


@dataclass(frozen=True)
class _Tags:
    """The literal tags and patterns of one part's namespace prefix. The fast patterns expect
    the reference first in the tag (as every spreadsheet program writes it); a piece whose
    tags put it elsewhere is read with the slow ones."""

    cell_tags: tuple[bytes, bytes]
    cell_with_ref: bytes
    row_tag: bytes
    row_with_ref: bytes
    rows: re.Pattern[bytes]
    columns: tuple[tuple[int, re.Pattern[bytes]], ...]
    any_rows: re.Pattern[bytes]
    any_columns: re.Pattern[bytes]


def _tags(prefix: bytes) -> _Tags:
    p = re.escape(prefix)
    return _Tags(
        cell_tags=(b"<" + prefix + b"c ", b"<" + prefix + b"c>"),
        cell_with_ref=b"<" + prefix + b'c r="',
        row_tag=b"<" + prefix + b"row ",
        row_with_ref=b"<" + prefix + b'row r="',
        rows=re.compile(rb"<" + p + rb'row r="(\d+)"'),
        columns=tuple(
            (width, re.compile(rb"<" + p + rb'c r="([A-Z]{%d})\d' % width)) for width in (3, 2, 1)
        ),
        any_rows=re.compile(rb"<" + p + rb'row\b[^<>]*?\br="(\d+)"'),
        any_columns=re.compile(rb"<" + p + rb'c\b[^<>]*?\br="([A-Z]+)\d'),
    )


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
            shared += _count_shared_strings(archive, info)
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


def _prefix(piece: bytes) -> bytes:
    found = _ROOT.search(piece[:4096])
    return found.group(1) or b"" if found else b""


def _count_shared_strings(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    total = 0
    tags: tuple[bytes, bytes] | None = None
    for piece in _segments(archive, info):
        if tags is None:
            prefix = _prefix(piece)
            tags = (b"<" + prefix + b"si>", b"<" + prefix + b"si ")
        total += piece.count(tags[0]) + piece.count(tags[1])
    return total


@dataclass(frozen=True)
class _SheetSize:
    cells: int
    grid_cells: int
    rows: int


def _measure_sheet(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> _SheetSize:
    cells = 0
    last_row = 0
    widest = b""
    tags: _Tags | None = None
    for piece in _segments(archive, info):
        if tags is None:
            tags = _tags(_prefix(piece))
        piece_cells = piece.count(tags.cell_tags[0]) + piece.count(tags.cell_tags[1])
        cells += piece_cells
        fast_rows = piece.count(tags.row_with_ref) == piece.count(tags.row_tag)
        numbers = (tags.rows if fast_rows else tags.any_rows).findall(piece)
        if numbers:
            last_row = max(last_row, *map(int, numbers))
        if piece.count(tags.cell_with_ref) == piece_cells:
            for width, pattern in tags.columns:
                if width < len(widest):
                    break
                letters = pattern.findall(piece)
                if letters:
                    widest = _wider(widest, max(letters))
                    break
        else:
            for letters in tags.any_columns.findall(piece):
                widest = _wider(widest, letters)
    width = _column_number(widest)
    grid = last_row * width if width else cells
    return _SheetSize(cells, max(grid, cells), last_row)


def _wider(one: bytes, other: bytes) -> bytes:
    """The wider of two column letters (same-length letters compare as bytes)."""
    return other if (len(other), other) > (len(one), one) else one


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + (letter - ord("A") + 1)
    return number
