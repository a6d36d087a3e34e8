"""A yes/no question over the current screen (discard typed text? retract this entry?)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from tui.screens.base import SitthiModal


class ConfirmDialog(SitthiModal[bool]):
    """Returns True for yes; `esc` or `n` is no, `enter` or `y` is yes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,n", "answer(False)", "confirm.no"),
        Binding("y", "answer(True)", "confirm.yes"),
    ]

    def __init__(self, question: str, yes: str, no: str) -> None:
        super().__init__()
        self.question, self.yes, self.no = question, yes, no

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="dialog"):
            yield Static(self.question, id="confirm-question", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(self.yes, variant="warning", compact=True, id="yes")
                yield Button(self.no, compact=True, id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed, "#yes")
    def pressed_yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#no")
    def pressed_no(self) -> None:
        self.dismiss(False)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
