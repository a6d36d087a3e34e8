"""Facts a file states outside its rows: in the title rows above the header, or in its name.

An STM statement names its unit only in a title row ("โรงพยาบาล 09901 ชื่อ"); NHSO's file names
carry the unit, the report type and the Buddhist-era date or month
(`eclaim_{HCODE}_{TYPE}_{BE yyyymmdd}_{seq}.xls`, `STM_{HCODE}_{OP|IP}{fund}{BE yyyymm}_{seq}.xls`).
The patterns are data, `store/reference/nhso_file_facts.csv`: each row is a regular expression
over the file name's stem (`source` = `name`) or over each cell of the title rows (`title`), with
the named groups `hospcode`, `report_type`, `be_date` (BE yyyymmdd) or `be_month` (BE yyyymm).
For each fact the first pattern that gives it wins, title rows before the file name (a renamed
file keeps its contents). A loader reads the result as `LoadContext.file`.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath

from store.reference import table
from store.thaidate import BE_OFFSET

FILE_FACTS = "nhso_file_facts.csv"
NAME = "name"
TITLE = "title"
DAY = "day"
MONTH = "month"


@dataclass(frozen=True)
class FileContext:
    """What a file says about all its rows. Every fact may be missing (None)."""

    hospcode: str | None = None
    """The unit the file is about (5 digits)."""
    report_type: str | None = None
    """The report type of the file name (`OP`, `IP`, `ORF`, `OPUCS`, ...)."""
    period: dt.date | None = None
    """The date (CE) the file name gives; for a month, its first day."""
    period_precision: str | None = None
    """`day` or `month` when `period` is set."""
    title_rows: tuple[tuple[str, ...], ...] = field(default=(), repr=False)
    """The non-empty cells of each row above the header, as text."""


@dataclass(frozen=True)
class _Pattern:
    source: str
    regex: re.Pattern[str]


@functools.cache
def _patterns() -> tuple[_Pattern, ...]:
    return tuple(
        _Pattern(row["source"], re.compile(row["pattern"]))
        for row in table(FILE_FACTS)
        if row["source"] in (NAME, TITLE) and row["pattern"]
    )


def title_texts(rows: Iterable[Sequence[object]]) -> tuple[tuple[str, ...], ...]:
    """Rows of cells as their non-empty texts (numbers without a trailing `.0`)."""
    return tuple(tuple(text for text in (_text(cell) for cell in cells) if text) for cells in rows)


def file_context(name: str, title_rows: tuple[tuple[str, ...], ...] = ()) -> FileContext:
    """The facts of a file named `name` (a path or a bare name) with these title rows."""
    facts: dict[str, str] = {}
    patterns = _patterns()
    for pattern in (p for p in patterns if p.source == TITLE):
        for cells in title_rows:
            for cell in cells:
                found = pattern.regex.search(cell)
                if found:
                    _take(facts, found)
    stem = PurePath(name).stem
    for pattern in (p for p in patterns if p.source == NAME):
        found = pattern.regex.search(stem)
        if found:
            _take(facts, found)
    period, precision = _period(facts)
    return FileContext(
        hospcode=facts.get("hospcode"),
        report_type=facts["report_type"].upper() if "report_type" in facts else None,
        period=period,
        period_precision=precision,
        title_rows=title_rows,
    )


def _take(facts: dict[str, str], found: re.Match[str]) -> None:
    for key, value in found.groupdict().items():
        if value and key not in facts:
            facts[key] = value


def _period(facts: dict[str, str]) -> tuple[dt.date | None, str | None]:
    """The BE date or month of the name as a CE date; an impossible one is left out."""
    try:
        if "be_date" in facts:
            text = facts["be_date"]
            day = dt.date(int(text[:4]) - BE_OFFSET, int(text[4:6]), int(text[6:8]))
            return day, DAY
        if "be_month" in facts:
            text = facts["be_month"]
            return dt.date(int(text[:4]) - BE_OFFSET, int(text[4:6]), 1), MONTH
    except ValueError:
        pass
    return None, None


def _text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()
