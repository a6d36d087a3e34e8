"""What an export holds, before it is a file: sections of rows under their column headings.

Every list kind builds a `Document`; `exporters.xlsx` prints it (one sheet per section, A4 page
setup, header and footer) and `exporters.csvfile` writes it as CSV, so each kind says only what
its rows are and every file gets the same safety (text cells, atomic write, audit).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

Cell = str | int | float | Decimal | None


class Kind(StrEnum):
    """How a column's cells are written and formatted."""

    TEXT = "text"
    NUMBER = "number"
    BAHT = "baht"
    PCT = "pct"
    BLANK = "blank"
    """An empty column to fill in by hand (visit date, outcome)."""


@dataclass(frozen=True)
class Column:
    label: str
    width: float
    """Width in characters of the sheet's font."""
    kind: Kind = Kind.TEXT


class ChartType(StrEnum):
    LINE = "line"
    COLUMN = "column"
    BAR = "bar"


@dataclass(frozen=True)
class Chart:
    """A native spreadsheet chart of a section's rows: categories from one column, one series
    per value column."""

    type: ChartType
    title: str
    categories: int
    values: tuple[int, ...]
    y_title: str = ""


@dataclass(frozen=True)
class Section:
    """One sheet (one printed page group): who and where it is for, its columns and rows."""

    name: str
    """Sheet name; also the group column's value in a CSV."""
    heading: str
    """The line above the column headings (and the header's middle part)."""
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    totals: tuple[Cell, ...] | None = None
    place: str = ""
    """Village and volunteer, for the printed page header."""
    charts: tuple[Chart, ...] = ()
    notes: tuple[str, ...] = ()
    """Lines printed under the rows (what a figure means, why one is missing)."""


@dataclass(frozen=True)
class Document:
    """A whole export; `persons` counts the distinct persons in it, `person_level` says whether
    it names persons at all (then it is audited)."""

    kind: str
    hospcode: str | None
    """The unit exported, None for every unit of the store."""
    unit: str
    """Unit code and name (or "all units") for the page header."""
    as_of: dt.date
    sections: tuple[Section, ...]
    persons: int = 0
    person_level: bool = False
    show_cid: bool = False
    lang: str = "th"
    group_label: str = ""
    """Heading of the CSV column naming each row's section (village, volunteer, status)."""

    @property
    def uniform(self) -> bool:
        """All sections share their columns: one CSV table with a group column."""
        shapes = {tuple(c.label for c in s.columns) for s in self.sections}
        return len(shapes) <= 1

    @property
    def rows(self) -> int:
        return sum(len(s.rows) for s in self.sections)


def widths_total(columns: Sequence[Column]) -> float:
    return sum(c.width for c in columns)
