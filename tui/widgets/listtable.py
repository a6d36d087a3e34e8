"""A table of rows to choose from: the row cursor answers Home, End, PageUp and PageDown.

DataTable's own Home and End scroll sideways, which in a row list does nothing a person sees;
here they go to the first and the last row. PageUp and PageDown are DataTable's (a page of
rows). `LIST_KEYS` is the one description of these keys, shown by the help screen.
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import DataTable

LIST_KEYS: tuple[Binding, ...] = (
    Binding("up,down", "", "help.list_move"),
    Binding("home", "first_row", "help.list_first"),
    Binding("end", "last_row", "help.list_last"),
    Binding("pageup,pagedown", "", "help.list_page"),
)


class ListTable(DataTable[object]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("home", "first_row", "help.list_first", show=False),
        Binding("end", "last_row", "help.list_last", show=False),
    ]

    def action_first_row(self) -> None:
        if self.row_count:
            self.move_cursor(row=0)

    def action_last_row(self) -> None:
        if self.row_count:
            self.move_cursor(row=self.row_count - 1)
