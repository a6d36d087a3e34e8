"""The follow-up entry: what was done about a person, saved to the append-only log.

The same form corrects an entry (`editing`): it opens filled with what the entry now says and
saves an edit (`store.followup.correct_followup`), a new row that syncs like any other. A unit
code is checked as typed rules say (5 digits); a code the store does not know is shown as such
and saved only when staff press save again. `esc` on a form with typed text asks before
throwing the text away.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from store.followup import UNIT_CODE_DIGITS
from tui.screens.base import SitthiModal
from tui.widgets.footer import SitthiFooter

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from store.followup import FollowupEntry, FollowupRecord
    from store.queries.worklist import WorkRow


class FollowupForm(SitthiModal["FollowupEntry | None"]):
    """Returns the saved entry, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "key.cancel"),
        Binding("ctrl+s", "save", "key.save"),
    ]

    def __init__(self, row: WorkRow, editing: FollowupRecord | None = None) -> None:
        super().__init__()
        self.row = row
        self.editing = editing
        self.saving = False
        self.confirmed_unit = ""
        """A unit code the store does not know that staff confirmed by saving again."""

    def compose(self) -> ComposeResult:
        from store.followup import followup_actions

        t = self.t
        current = self.editing.current if self.editing else None
        chosen = current.action if current else followup_actions()[0].code
        with Vertical(id="followup-dialog", classes="dialog") as dialog:
            title = "followup.edit_title" if self.editing else "followup.title"
            dialog.border_title = t(title, name=self.row.name)
            with RadioSet(id="action"):
                for action in followup_actions():
                    yield RadioButton(
                        action.label(t.lang),
                        value=action.code == chosen,
                        name=action.code,
                        id=action.code,
                    )
            with Horizontal(classes="form-row"):
                yield Label(t("followup.unit"), classes="form-label")
                yield Input(
                    current.unit if current else "",
                    placeholder=t("followup.unit_hint"),
                    max_length=UNIT_CODE_DIGITS,
                    restrict=r"[0-9]*",
                    compact=True,
                    id="unit",
                )
            with Horizontal(classes="form-row"):
                yield Label(t("followup.note"), classes="form-label")
                yield Input(
                    current.note if current else "",
                    placeholder=t("followup.note_hint"),
                    max_length=1000,
                    compact=True,
                    id="note",
                )
            yield Static("", id="followup-error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(t("key.save"), variant="primary", compact=True, id="save")
                yield Button(t("key.cancel"), compact=True, id="cancel")
        yield SitthiFooter()

    def on_mount(self) -> None:
        self.query_one("#action", RadioSet).focus()
        self.opened_with = self.typed()

    def typed(self) -> tuple[str, str, str]:
        return (
            self.chosen_action(),
            self.query_one("#unit", Input).value,
            self.query_one("#note", Input).value,
        )

    def chosen_action(self) -> str:
        pressed = self.query_one("#action", RadioSet).pressed_button
        return pressed.name if pressed is not None and pressed.name else ""

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        if self.saving:
            return
        from store.followup import FollowupError, validate

        action, unit, note = self.typed()
        try:
            validate(action, unit, note)
        except FollowupError as exc:
            self.show_problem(exc.code, unit)
            return
        self.saving = True
        self.fetch(self.writer(action, unit, note), self.saved, group="save", write=True)

    def writer(
        self, action: str, unit: str, note: str
    ) -> Callable[[Connection], FollowupEntry | str]:
        from store.followup import FollowupError, append_followup, correct_followup

        row, editing = self.row, self.editing
        unknown_ok = bool(unit.strip()) and unit.strip() == self.confirmed_unit

        def write(conn: Connection) -> FollowupEntry | str:
            try:
                if editing is not None:
                    return correct_followup(
                        conn,
                        editing.id,
                        action=action,
                        unit=unit,
                        note=note,
                        unknown_unit_ok=unknown_ok,
                    )
                return append_followup(
                    conn,
                    hospcode=row.evaluation.person.hospcode,
                    person_id=row.person_id,
                    action=action,
                    unit=unit,
                    note=note,
                    unknown_unit_ok=unknown_ok,
                )
            except FollowupError as exc:
                return exc.code

        return write

    def saved(self, result: FollowupEntry | str) -> None:
        """The saved entry closes the form; a problem code (e.g. unknown person) is shown."""
        self.saving = False
        if isinstance(result, str):
            unit = self.query_one("#unit", Input).value.strip()
            if result == "unknown_unit":
                self.confirmed_unit = unit
            self.show_problem(result, unit)
            return
        self.dismiss(result)

    def show_error(self, error: str) -> None:
        self.saving = False
        self.query_one("#followup-error", Static).update(error)

    def show_problem(self, code: str, unit: str = "") -> None:
        self.query_one("#followup-error", Static).update(
            self.t(f"followup.problem_{code}", unit=unit)
        )

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        """Close; when something was typed, only after asking."""
        if self.typed() == self.opened_with:
            self.dismiss(None)
            return
        from tui.screens.confirm import ConfirmDialog

        t = self.t
        question = ConfirmDialog(
            t("followup.discard_question"), t("followup.discard_yes"), t("followup.discard_no")
        )
        self.app.push_screen(question, self.discard_answered)

    def discard_answered(self, discard: bool | None) -> None:
        if discard:
            self.dismiss(None)
