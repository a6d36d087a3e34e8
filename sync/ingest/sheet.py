"""One grid of cells as every reader hands it on: a CSV, an HTML table, or one worksheet."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sync.ingest.textfile import TextStream

RawRow = Sequence[object]
"""Cells of a row: text for CSV and HTML; text, numbers, dates or "" for workbooks."""


@dataclass(frozen=True)
class Sheet:
    """One grid of cells: a CSV file, an HTML table file, or one worksheet of a workbook."""

    label: str
    """How messages name it: the file name, with the worksheet's in brackets."""
    format: str
    """`csv`, `html`, `xls`, `xlsx` or `ods`."""
    encoding: str
    """The text encoding of CSV and HTML files; "" for workbooks."""
    rows: Callable[[], Iterator[tuple[int, RawRow]]]
    """(row number counted from 1, cells) for every row, read afresh on each call."""
    name: str = ""
    """The worksheet's own name ("" for a CSV or HTML file)."""
    stream: TextStream | None = None
    """A CSV's decoding as it reads: its encoding once every row was read (a file whose first
    lines are ASCII may turn out TIS-620) and the notes of lines in another encoding."""

    @property
    def all_text(self) -> bool:
        """Every cell is stripped text (a CSV), so the converters need not check."""
        return self.stream is not None
