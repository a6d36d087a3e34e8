"""A statement's detail sheet read by column positions when its header row names nothing Sitthi
knows (domain 7.4: the STM detail from about row 15, the PP amount in column 34, FS in 35).

The layouts are data, `store/reference/nhso_positional_layouts.csv`: per kind, the sheet's
name, its header row and each field's column (both counted from 1). A layout is used only for a
file whose name fits its kind's name pattern (`sync.ingest.recognition` checks that), only on
the sheet of that name, and only when that header row names no field of the kind's alias table:
a header that names some is judged by its names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from store.reference import table
from sync.ingest.filecontext import title_texts
from sync.ingest.sheet import RawRow, Sheet
from sync.ingest.tabular import Aliases, Header

LAYOUTS = "nhso_positional_layouts.csv"


@dataclass(frozen=True)
class PositionalLayout:
    kind: str
    sheet: str
    header_row: int
    """Counted from 1; the data follows it."""
    columns: Mapping[str, int]
    """Field → column index counted from 0."""


def positional_layouts(kind: str) -> tuple[PositionalLayout, ...]:
    """The layouts of `kind`, one per sheet and header row, in the table's order."""
    grouped: dict[tuple[str, int], dict[str, int]] = {}
    for row in table(LAYOUTS):
        if row["kind"].strip() == kind:
            key = (row["sheet"].strip(), int(row["header_row"]))
            grouped.setdefault(key, {})[row["field"].strip()] = int(row["column"]) - 1
    return tuple(PositionalLayout(kind, s, h, c) for (s, h), c in grouped.items())


def positional_header(sheets: Sequence[Sheet], kind: str, aliases: Aliases) -> Header | None:
    """The header of the first layout of `kind` that applies to these sheets (module text)."""
    for layout in positional_layouts(kind):
        sheet = next((s for s in sheets if s.name == layout.sheet), None)
        if sheet is None:
            continue
        top = _top_rows(sheet, layout.header_row)
        if len(top) < layout.header_row:
            continue
        header_cells = top[-1]
        if any(aliases.field_of(cell) for cell in header_cells):
            continue
        texts = tuple(_label(cell) for cell in header_cells)
        return Header(
            sheet,
            layout.header_row,
            dict(layout.columns),
            aliases,
            first_row=layout.header_row,
            title_rows=tuple(t for t in title_texts(top[:-1]) if t),
            texts=texts,
            by_position=True,
        )
    return None


def _top_rows(sheet: Sheet, last: int) -> list[RawRow]:
    rows: list[RawRow] = []
    for number, cells in sheet.rows():
        if number > last:
            break
        rows.append(cells)
    return rows


def _label(cell: object) -> tuple[str, ...]:
    text = "" if cell is None else str(cell).strip()
    return (text,) if text else ()
