"""One person: the health-centre record next to NHSO's, each gap with what to do, and what was
done so far."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Static

from store.cid import format_cid, mask_cid
from store.controls import terminal_safe
from tui.screens.base import SitthiScreen
from tui.widgets.fields import Column, Columns, add_columns, fill_table, fit
from tui.widgets.footer import SitthiFooter
from tui.widgets.listtable import ListTable
from tui.widgets.navbar import NavBar

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from store.followup import FollowupEntry, FollowupRecord
    from store.queries.person import Contact
    from store.queries.worklist import WorkRow
    from store.rights.rules import CardFact, NhsoFact
    from tui.i18n import Translator


class PersonScreen(SitthiScreen):
    NAV = "gaps"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "key.back"),
        Binding("a", "followup", "key.followup"),
        Binding("e", "edit_entry", "key.edit"),
        Binding("x", "retract_entry", "key.retract"),
        Binding("v", "reveal", "key.reveal"),
    ]

    def __init__(self, row: WorkRow) -> None:
        super().__init__()
        self.row = row
        self.history: list[FollowupRecord] | None = None
        self.contact: Contact | None = None
        self.revealed = False

    def compose(self) -> ComposeResult:
        t = self.t
        yield NavBar(self.NAV)
        with VerticalScroll(id="person-body"):
            yield Static(self.header(), id="person-header", markup=False)
            with Horizontal(id="records"):
                with Vertical(classes="panel record") as panel:
                    panel.border_title = t("person.card_title")
                    yield Static(card_content(self.row, t), id="card-record", markup=False)
                with Vertical(classes="panel record") as panel:
                    panel.border_title = t("person.nhso_title")
                    yield Static(nhso_content(self.row, t), id="nhso-record", markup=False)
            with Vertical(classes="panel", id="gaps-explained") as panel:
                panel.border_title = t("person.gaps_title")
                yield Static(gaps_content(self.row, t), markup=False)
            with Vertical(classes="panel", id="history-panel") as panel:
                panel.border_title = t("person.history_title")
                table: DataTable[object] = ListTable(cursor_type="row", id="history")
                add_columns(table, self.history_columns())
                yield table
        yield SitthiFooter()

    def header(self) -> Content:
        person = self.row.evaluation.person
        t = self.t
        cid = format_cid(person.cid) if self.revealed else mask_cid(person.cid)
        where = " ".join(
            part for part in (t("person.house", house=person.house_no), person.village) if part
        )
        lines = [
            Content.assemble(
                (terminal_safe(person.full_name) or "–", "bold"),
                "  ",
                (terminal_safe(cid) or t("person.no_cid"), "bold"),
            ),
            Content(
                " · ".join(
                    part
                    for part in (
                        t(f"sex.{person.sex}") if t.has(f"sex.{person.sex}") else "",
                        t("person.born", date=t.date(person.birth)) if person.birth else "",
                        terminal_safe(where),
                    )
                    if part
                )
            ),
        ]
        if self.contact is not None and self.contact.numbers:
            numbers = terminal_safe(", ".join(self.contact.numbers))
            lines.append(Content(t("person.phone", numbers=numbers)))
        return Content("\n").join(lines)

    def history_columns(self) -> Columns:
        widths = {"when": 16, "action": 22, "unit": 11, "note": 30}
        wide = {"action": 34, "note": 80}
        return [
            Column(k, self.t(f"person.col_{k}"), w, wide_width=wide.get(k))
            for k, w in widths.items()
        ]

    def reload(self) -> None:
        person_id = self.row.person_id

        def history(conn: Connection) -> list[FollowupRecord]:
            from store.followup import followup_records

            return followup_records(conn, person_id)

        def contact(conn: Connection) -> Contact | None:
            from store.queries.person import contact

            return contact(conn, person_id)

        self.fetch(history, self.show_history)
        self.fetch(contact, self.show_contact, group="contact")

    def show_contact(self, contact: Contact | None) -> None:
        self.contact = contact
        self.query_one("#person-header", Static).update(self.header())

    def render_data(self) -> None:
        if self.history is not None:
            self.show_history(self.history)
        self.query_one("#person-header", Static).update(self.header())

    def when(self, record: FollowupRecord) -> str:
        local = record.original.created_at.astimezone()
        return f"{self.t.short_date(local.date())} {local:%H:%M}"

    def show_history(self, history: list[FollowupRecord]) -> None:
        """Newest first, each entry as it now reads; edited ones marked, withdrawn ones struck."""
        self.history = history
        rows: list[tuple[str, tuple[str, ...]]] = []
        for record in reversed(history):
            entry = record.current
            action = self.t(f"action.{entry.action}")
            if record.edited:
                action += " " + self.t("person.edited_mark")
            rows.append((record.id, (self.when(record), action, entry.unit, entry.note)))
        if not history:
            rows.append(("none", (self.t("person.no_history"), "", "", "")))
        struck = {r.id for r in history if r.retracted}
        table = self.query_one("#history", DataTable)
        fill_table(table, self.history_columns(), rows, struck=struck)

    def selected_record(self) -> FollowupRecord | None:
        from tui.widgets.fields import cursor_key

        key = cursor_key(self.query_one("#history", DataTable))
        return next((r for r in self.history or [] if r.id == key), None)

    def action_edit_entry(self) -> None:
        from tui.screens.followup import FollowupForm

        record = self.selected_record()
        if record is None:
            self.notify(self.t("followup.nothing_selected"))
            return
        self.app.push_screen(FollowupForm(self.row, editing=record), self.entry_edited)

    def entry_edited(self, entry: FollowupEntry | None) -> None:
        if entry is not None:
            self.notify(self.t("followup.edited"))
            self.sitthi.poll_store()
            self.reload()

    def action_retract_entry(self) -> None:
        from tui.screens.confirm import ConfirmDialog

        record = self.selected_record()
        if record is None or record.retracted:
            self.notify(self.t("followup.nothing_selected"))
            return
        t = self.t
        question = t(
            "followup.retract_question",
            action=t(f"action.{record.current.action}"),
            when=self.when(record),
        )
        dialog = ConfirmDialog(question, t("followup.retract_yes"), t("followup.retract_no"))
        self.app.push_screen(dialog, lambda yes: self.retract(record) if yes else None)

    def retract(self, record: FollowupRecord) -> None:
        def write(conn: Connection) -> FollowupEntry:
            from store.followup import retract_followup

            return retract_followup(conn, record.id)

        self.fetch(write, self.retracted, group="retract", write=True)

    def retracted(self, _entry: FollowupEntry) -> None:
        self.notify(self.t("followup.retracted"))
        self.sitthi.poll_store()
        self.reload()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_followup(self) -> None:
        from tui.screens.followup import FollowupForm

        self.app.push_screen(FollowupForm(self.row), self.followup_saved)

    def followup_saved(self, entry: FollowupEntry | None) -> None:
        if entry is not None:
            self.notify(self.t("followup.saved"))
            self.sitthi.poll_store()
            self.reload()

    def action_reveal(self) -> None:
        if self.revealed:
            self.revealed = False
            self.query_one("#person-header", Static).update(self.header())
            return
        self.reveal_after_audit(self.row.evaluation.person.hospcode, self.show_cid)

    def show_cid(self) -> None:
        self.revealed = True
        self.query_one("#person-header", Static).update(self.header())


RECORD_WIDTH = 34
"""Cells of a record line: half of an 80-column screen less borders and padding."""


def _field(t: Translator, key: str, value: str) -> Content:
    """A labelled line of a record; the value may hold stored text, shown terminal-safe."""
    label = t(key) + " "
    return Content.assemble(
        (label, "$text-muted"), fit(terminal_safe(value) or "–", RECORD_WIDTH - cell_len(label))
    )


def card_content(row: WorkRow, t: Translator) -> Content:
    from store.rights.rules import newest_card

    card = newest_card(row.evaluation.person)
    if card is None:
        return Content.styled(t("person.no_card"), "$warning")
    return Content("\n").join(card_lines(card, t))


def card_lines(card: CardFact, t: Translator) -> list[Content]:
    from store.codes import label

    return [
        _field(t, "person.right", f"{card.instype} {label('instype.csv', card.instype, t.lang)}"),
        _field(t, "person.unit", " / ".join(u for u in (card.main, card.sub) if u)),
        _field(t, "person.valid", _period(card.startdate, card.expiredate, t)),
        _field(t, "person.updated", t.date(card.d_update.date())),
    ]


def nhso_content(row: WorkRow, t: Translator) -> Content:
    from store.rights.rules import newest_nhso

    record = newest_nhso(row.evaluation.person)
    if record is None:
        return Content.styled(t("person.no_nhso"), "$warning")
    return Content("\n").join(nhso_lines(record, t))


def nhso_lines(record: NhsoFact, t: Translator) -> list[Content]:
    from store.codes import label

    right = record.maininscl or t("person.blank_right")
    name = label("maininscl.csv", record.maininscl, t.lang) if record.maininscl else ""
    lines = [
        _field(t, "person.right", f"{right} {name if name != record.maininscl else ''}".strip()),
        _field(t, "person.unit", record.hsub or record.hmain_op or record.hmain),
        _field(t, "person.valid", _period(record.startdate, record.expdate, t)),
        _field(t, "person.checked", t.date(record.checked_on)),
    ]
    if record.deathdate is not None:
        lines.append(Content.styled(t("person.died", date=t.date(record.deathdate)), "bold $error"))
    return lines


def _period(start: dt.date | None, end: dt.date | None, t: Translator) -> str:
    first, last = t.date(start), t.date(end)
    if not first and not last:
        return ""
    return f"{first or '…'} – {last or '…'}"


def gaps_content(row: WorkRow, t: Translator) -> Content:
    from store.codes import gap_code

    lines: list[Content] = []
    for code in row.codes:
        gap = gap_code(code)
        explanation = gap.explanation_en if t.lang == "en" else gap.explanation_th
        action = gap.action_en if t.lang == "en" else gap.action_th
        lines.append(Content.assemble((t(f"gap.{code}"), "bold $warning"), "  ", explanation))
        lines.append(Content.assemble(("  → ", "$accent"), action))
    return Content("\n").join(lines)
