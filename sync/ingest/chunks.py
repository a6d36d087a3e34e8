"""Rows of a large download taken a slice at a time, so that converting and writing them needs
memory for one slice, not for the whole file.

A slice of `CHUNK_ROWS` rows is converted and written like a whole file would be; only two rows
with the same key in different slices behave differently from two in one slice: the copy
written first stays (the second is counted unchanged) instead of the later one replacing it with
a warning. Keys repeat within a file only in damaged downloads.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sync.ingest.convert import Columns
from sync.ingest.tabular import FieldRow

CHUNK_ROWS = 50_000


def column_chunks(
    rows: Iterable[tuple[int, FieldRow]], fields: Iterable[str], size: int | None = None
) -> Iterator[Columns]:
    """`rows` (line number, fields) as column slices of at most `size` rows (`CHUNK_ROWS` by
    default); at least one slice, empty when there are no rows."""
    size = size or CHUNK_ROWS
    names = tuple(fields)
    lines: list[int] = []
    values: dict[str, list[object]] = {name: [] for name in names}
    sent = False
    for number, row in rows:
        lines.append(number)
        for name in names:
            values[name].append(row[name])
        if len(lines) >= size:
            yield Columns(lines, values)
            sent = True
            lines, values = [], {name: [] for name in names}
    if lines or not sent:
        yield Columns(lines, values)
