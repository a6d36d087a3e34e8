"""Table helpers shared by the screens.

Tables are refilled with columns sized to their contents up front, to the room the table has:
a column marked `flex` gives way when the others need the room (so the last figure is never
cut off), and on a wide terminal the columns with a `wide_width` grow to show more of their text.
DataTable's own auto width is settled later, when the table is idle, and a frame drawn in between
is kept in its line cache, so on a busy machine a table could stay drawn with columns cut to the
width of their labels.

Cells hold stored text (names, addresses, file names) that came from files: DataTable reads a
text cell as Rich markup, and the terminal acts on escape sequences. So every cell is shown
as it is: its control characters escaped (`store.controls.terminal_safe`) and its square
brackets escaped for the markup reader. Screens show stored text in a `Static` without markup,
through `terminal_safe` too.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.markup import escape
from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist, RowDoesNotExist

from store.controls import terminal_safe

MAX_COLUMN_WIDTH = 48
ELLIPSIS = "…"
WIDE_ROOM = 100
"""A table at least this wide is on a wide terminal: its columns may use `wide_width`."""
CELL_PADDING = 2
"""DataTable's padding around each column's text."""
SCROLLBAR = 2


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    max_width: int = MAX_COLUMN_WIDTH
    """Longer cells are cut, with an ellipsis, so that the table fits an 80-column terminal."""
    wide_width: int | None = None
    """How wide the column may grow on a wide terminal, when its text is longer."""
    flex: bool = False
    """Narrowed (down to its label) when the table lacks room for every column."""


Columns = Sequence[Column]


def fit(text: str, width: int) -> str:
    """`text` cut to `width` terminal cells with an ellipsis; Thai marks stay on their letter."""
    if cell_len(text) <= width:
        return text
    kept, used = [], 0
    for char in text:
        size = cell_len(char)
        if used + size > width - 1:
            break
        kept.append(char)
        used += size
    return "".join(kept) + ELLIPSIS


def cursor_key(table: DataTable[object]) -> str | None:
    """The key of the row under the cursor, None for an empty table."""
    if table.row_count == 0:
        return None
    try:
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
    except CellDoesNotExist:
        return None
    return None if key.value is None else str(key.value)


def fit_middle(text: str, width: int) -> str:
    """`text` cut in the middle to `width` cells, keeping both ends (a file's date and type)."""
    if cell_len(text) <= width:
        return text
    head = fit(text, (width + 1) // 2)[:-1]
    room = width - cell_len(head) - 1
    tail = text[len(text) - room :] if room > 0 else ""
    return head + ELLIPSIS + tail


def add_columns(table: DataTable[object], columns: Columns) -> None:
    for column in columns:
        table.add_column(column.label, key=column.key)


def fill_table(
    table: DataTable[object],
    columns: Columns,
    rows: Sequence[tuple[str, Sequence[str]]],
    *,
    struck: Collection[str] = (),
) -> None:
    """Replace a table's columns and rows (key, cells), keeping the cursor on the same key.
    Rows whose key is in `struck` are drawn struck through (withdrawn entries)."""
    current = cursor_key(table)
    table.clear(columns=True)
    safe = [(key, [terminal_safe(cell) for cell in cells]) for key, cells in rows]
    natural = [
        max([cell_len(column.label), *(cell_len(cells[index]) for _, cells in safe)])
        for index, column in enumerate(columns)
    ]
    widths = column_widths(columns, natural, table_room(table))
    fitted = [
        (key, [fit(cell, width) for cell, width in zip(cells, widths, strict=True)])
        for key, cells in safe
    ]
    for column, width in zip(columns, widths, strict=True):
        table.add_column(column.label, key=column.key, width=width)
    for key, cells in fitted:
        if key in struck:
            table.add_row(*(Text(cell, style="strike dim") for cell in cells), key=key)
        else:
            table.add_row(*map(escape, cells), key=key)
    if current is None:
        return
    try:
        table.move_cursor(row=table.get_row_index(current), animate=False)
    except RowDoesNotExist:
        table.move_cursor(row=0, animate=False)


def table_room(table: DataTable[object]) -> int:
    """The cells a table's columns may take: its width (the terminal's before its first layout),
    less room for a scrollbar."""
    width = table.size.width or table.app.size.width
    return max(0, width - SCROLLBAR)


def column_widths(columns: Columns, natural: Sequence[int], room: int) -> list[int]:
    """Each column as wide as its widest text up to its `max_width`; then, on a wide table, the
    columns with a `wide_width` grow into the spare room, or, on a table too narrow, the `flex`
    columns give way (never below their label)."""
    widths = [min(n, c.max_width) for c, n in zip(columns, natural, strict=True)]
    spare = room - sum(widths) - CELL_PADDING * len(columns)
    if spare > 0 and room >= WIDE_ROOM:
        for index, column in enumerate(columns):
            if column.wide_width is None:
                continue
            grown = min(natural[index], column.wide_width, widths[index] + spare)
            spare -= max(0, grown - widths[index])
            widths[index] = max(widths[index], grown)
    for index, column in enumerate(columns):
        if spare >= 0:
            break
        if column.flex:
            narrowest = cell_len(column.label)
            given = min(-spare, max(0, widths[index] - narrowest))
            widths[index] -= given
            spare += given
    return widths
