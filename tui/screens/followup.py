"""The follow-up entry: what was done about a person, saved to the append-only log."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from tui.screens.base import SitthiModal
from tui.widgets.footer import SitthiFooter

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from store.followup import FollowupEntry
    from store.queries.worklist import WorkRow


class FollowupForm(SitthiModal["FollowupEntry | None"]):
    """Returns the saved entry, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "key.cancel"),
        Binding("ctrl+s", "save", "key.save"),
    ]

    def __init__(self, row: WorkRow) -> None:
        super().__init__()
        self.row = row
        self.saving = False

    def compose(self) -> ComposeResult:
        from store.followup import followup_actions

        t = self.t
        with Vertical(id="followup-dialog", classes="dialog") as dialog:
            dialog.border_title = t("followup.title", name=self.row.name)
            with RadioSet(id="action"):
                for index, action in enumerate(followup_actions()):
                    yield RadioButton(
                        action.label(t.lang), value=index == 0, name=action.code, id=action.code
                    )
            with Horizontal(classes="form-row"):
                yield Label(t("followup.unit"), classes="form-label")
                yield Input(
                    placeholder=t("followup.unit_hint"), max_length=16, compact=True, id="unit"
                )
            with Horizontal(classes="form-row"):
                yield Label(t("followup.note"), classes="form-label")
                yield Input(
                    placeholder=t("followup.note_hint"), max_length=1000, compact=True, id="note"
                )
            yield Static("", id="followup-error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(t("key.save"), variant="primary", compact=True, id="save")
                yield Button(t("key.cancel"), compact=True, id="cancel")
        yield SitthiFooter()

    def on_mount(self) -> None:
        self.query_one("#action", RadioSet).focus()

    def chosen_action(self) -> str:
        pressed = self.query_one("#action", RadioSet).pressed_button
        return pressed.name if pressed is not None and pressed.name else ""

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        if self.saving:
            return
        from store.followup import FollowupError, validate

        action = self.chosen_action()
        unit = self.query_one("#unit", Input).value
        note = self.query_one("#note", Input).value
        try:
            validate(action, unit, note)
        except FollowupError as exc:
            self.show_problem(exc.code)
            return
        self.saving = True
        self.fetch(self.writer(action, unit, note), self.saved, group="save", write=True)

    def writer(
        self, action: str, unit: str, note: str
    ) -> Callable[[Connection], FollowupEntry | str]:
        from store.followup import FollowupError, append_followup

        row = self.row

        def write(conn: Connection) -> FollowupEntry | str:
            try:
                return append_followup(
                    conn,
                    hospcode=row.evaluation.person.hospcode,
                    person_id=row.person_id,
                    action=action,
                    unit=unit,
                    note=note,
                )
            except FollowupError as exc:
                return exc.code

        return write

    def saved(self, result: FollowupEntry | str) -> None:
        """The saved entry closes the form; a problem code (e.g. unknown person) is shown."""
        self.saving = False
        if isinstance(result, str):
            self.show_problem(result)
            return
        self.dismiss(result)

    def show_error(self, error: str) -> None:
        self.saving = False
        self.query_one("#followup-error", Static).update(error)

    def show_problem(self, code: str) -> None:
        self.query_one("#followup-error", Static).update(self.t(f"followup.problem_{code}"))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
