"""Rows of a large download taken a slice at a time, so that converting and writing them needs
memory for one slice, not for the whole file.

A slice of `CHUNK_ROWS` rows is converted and written like a whole file would be; only two rows
with the same key in different slices behave differently from two in one slice: the copy
written first stays (the second is counted unchanged) instead of the later one replacing it with
a warning. Keys repeat within a file only in damaged downloads.
"""

from __future__ import annotations

from collections.abc import Iterator

from sync.ingest.convert import Columns
from sync.ingest.tabular import Header, columns_of, read_values

CHUNK_ROWS = 50_000


def column_chunks(
    header: Header, *, needs_cid: bool = False, size: int | None = None
) -> Iterator[Columns]:
    """The data rows below `header` (`sync.ingest.tabular.read_values`) as column slices of at
    most `size` rows (`CHUNK_ROWS` by default); at least one slice, empty when there are no
    rows."""
    size = size or CHUNK_ROWS
    fields = tuple(header.columns)
    lines: list[int] = []
    rows: list[tuple[object, ...]] = []
    sent = False
    for number, values in read_values(header, needs_cid=needs_cid):
        lines.append(number)
        rows.append(values)
        if len(lines) >= size:
            yield columns_of(lines, rows, fields, header.sheet)
            sent = True
            lines, rows = [], []
    if lines or not sent:
        yield columns_of(lines, rows, fields, header.sheet)
