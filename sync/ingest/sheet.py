"""One grid of cells as every reader hands it on: a CSV, an HTML table, or one worksheet."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

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
