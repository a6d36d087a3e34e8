"""Whom to visit: persons with rights gaps, filtered by gap kind, village and follow-up state,
searchable by name or the last digits of the CID, with the follow-up entry one key away."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Input, Select, Static

from store.cid import format_cid, mask_cid
from store.controls import terminal_safe
from tui.screens.base import SitthiScreen
from tui.widgets.fields import (
    WIDE_ROOM,
    Column,
    Columns,
    add_columns,
    cursor_key,
    fill_table,
    table_room,
)
from tui.widgets.footer import SitthiFooter
from tui.widgets.listtable import ListTable
from tui.widgets.navbar import NavBar

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from exporters.document import Document
    from store.followup import FollowupEntry
    from store.queries.worklist import WorkFilter, WorkRow

ALL = ""


class WorklistScreen(SitthiScreen):
    NAV = "gaps"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_person", "key.open", show=False),
        Binding("a", "followup", "key.followup"),
        Binding("v", "reveal", "key.reveal"),
        Binding("s", "sort", "key.sort"),
        Binding("slash", "search", "key.search"),
        Binding("e", "export", "export.screen.key"),
        Binding("escape", "table", "key.back_to_list", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[WorkRow] | None = None
        self.shown: list[WorkRow] = []
        self.revealed: set[str] = set()
        self.sort_index = 0
        self.descending = False

    def compose(self) -> ComposeResult:
        from store.codes import gap_codes
        from store.queries.states import STATES

        t = self.t
        yield NavBar(self.NAV)
        with Horizontal(id="filters"):
            yield Select(
                [(t(f"gap.{g.code}"), g.code) for g in gap_codes()],
                prompt=t("worklist.all_gaps"),
                compact=True,
                id="filter-gap",
            )
            yield Select([], prompt=t("worklist.all_villages"), compact=True, id="filter-village")
            yield Select(
                [(t(f"state.{s}"), s) for s in STATES],
                prompt=t("worklist.all_states"),
                compact=True,
                id="filter-state",
            )
            yield Input(placeholder=t("worklist.search"), compact=True, id="search")
        yield Static(t("common.loading"), id="worklist-summary", markup=False)
        table: DataTable[object] = ListTable(cursor_type="row", zebra_stripes=True, id="worklist")
        add_columns(table, self.columns())
        with Horizontal(id="worklist-body"):
            yield table
            with VerticalScroll(id="worklist-detail", classes="panel") as detail:
                detail.can_focus = False
                yield Static("", id="worklist-person", markup=False)
        yield SitthiFooter()

    def columns(self) -> Columns:
        """Sized for 80 columns: the name and the first gap in full, the rest in the detail."""
        widths = {"name": 18, "cid": 17, "village": 8, "gaps": 13, "state": 13}
        wide = {"name": 34, "village": 24, "gaps": 60, "state": 24}
        return [
            Column(k, self.t(f"worklist.col_{k}"), w, wide_width=wide.get(k))
            for k, w in widths.items()
        ]

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#worklist", DataTable).focus()

    def reload(self) -> None:
        as_of, hospcode = self.sitthi.as_of, self.sitthi.hospcode

        def rows(conn: Connection) -> list[WorkRow]:
            from store.queries.worklist import work_rows

            return work_rows(conn, as_of, hospcode)

        self.fetch(rows, self.show_rows)

    def render_data(self) -> None:
        if self.rows is not None:
            self.show_rows(self.rows)
        self.query_one("#worklist", DataTable).focus()

    def show_rows(self, rows: list[WorkRow]) -> None:
        from store.queries.worklist import villages

        self.rows = rows
        village_select: Select[str] = self.query_one("#filter-village", Select)
        chosen = village_select.value
        names = villages(rows)
        with self.prevent(Select.Changed):
            village_select.set_options([(v, v) for v in names])
            if isinstance(chosen, str) and chosen in names:
                village_select.value = chosen
        self.refilter()

    def current_filter(self) -> WorkFilter:
        from store.queries.worklist import WorkFilter

        def value(selector: str) -> str:
            chosen = self.query_one(selector, Select).value
            return chosen if isinstance(chosen, str) else ALL

        return WorkFilter(
            gap=value("#filter-gap"),
            village=value("#filter-village"),
            state=value("#filter-state"),
            search=self.query_one("#search", Input).value,
        )

    def refilter(self) -> None:
        from store.queries.worklist import SORT_KEYS, filter_rows, sort_rows

        if self.rows is None:
            return
        sort_key = SORT_KEYS[self.sort_index]
        self.shown = sort_rows(
            filter_rows(self.rows, self.current_filter()), sort_key, self.descending
        )
        table: DataTable[object] = self.query_one("#worklist", DataTable)
        fill_table(table, self.columns(), [(row.person_id, self.cells(row)) for row in self.shown])
        arrow = "↓" if self.descending else "↑"
        self.query_one("#worklist-summary", Static).update(
            self.t(
                "worklist.summary",
                shown=self.t.number(len(self.shown)),
                total=self.t.number(len(self.rows)),
                sort=self.t(f"worklist.sort_{sort_key}") + " " + arrow,
            )
        )

    def cells(self, row: WorkRow) -> tuple[str, ...]:
        """A wide table shows every gap by its name; at 80 columns the first one, shortened,
        and how many more."""
        cid = format_cid(row.cid) if row.person_id in self.revealed else mask_cid(row.cid)
        if table_room(self.query_one("#worklist", DataTable)) >= WIDE_ROOM:
            gaps = ", ".join(self.t(f"gap.{code}") for code in row.codes)
        else:
            gaps = self.t(f"gapshort.{row.codes[0]}")
            if len(row.codes) > 1:
                gaps += f" +{len(row.codes) - 1}"
        return (row.name, cid, row.village, gaps, self.state_label(row.followup, row.state))

    def state_label(self, entry: FollowupEntry | None, state: str) -> str:
        if entry is None:
            return self.t(f"state.{state}")
        return self.t(f"action.{entry.action}")

    @on(DataTable.RowHighlighted, "#worklist")
    def show_person(self) -> None:
        """Beside the list on a wide terminal: the person under the cursor, each gap with what
        to do, the centre's record and NHSO's (as the person screen shows them)."""
        from tui.screens.person import card_content, gaps_content, nhso_content

        if not self.query_one("#worklist-detail").display:
            return
        key = cursor_key(self.query_one("#worklist", DataTable))
        row = next((r for r in self.shown if r.person_id == key), None)
        detail = self.query_one("#worklist-person", Static)
        if row is None:
            detail.update("")
            return
        cid = format_cid(row.cid) if row.person_id in self.revealed else mask_cid(row.cid)
        detail.update(
            Content("\n").join(
                [
                    Content.assemble(
                        (terminal_safe(row.name), "bold"),
                        f"  {cid}  {terminal_safe(row.village)}",
                    ),
                    Content(""),
                    gaps_content(row, self.t),
                    Content(""),
                    Content.styled(self.t("person.card_title"), "bold"),
                    card_content(row, self.t),
                    Content(""),
                    Content.styled(self.t("person.nhso_title"), "bold"),
                    nhso_content(row, self.t),
                ]
            )
        )

    @on(Select.Changed)
    def filter_changed(self) -> None:
        self.refilter()

    @on(Input.Changed, "#search")
    def search_changed(self) -> None:
        self.refilter()

    @on(Input.Submitted, "#search")
    def search_done(self) -> None:
        self.query_one("#worklist", DataTable).focus()

    @on(DataTable.RowSelected, "#worklist")
    def row_chosen(self) -> None:
        self.action_open_person()

    def selected(self) -> WorkRow | None:
        key = cursor_key(self.query_one("#worklist", DataTable))
        for row in self.shown:
            if row.person_id == key:
                return row
        return None

    def action_open_person(self) -> None:
        from tui.screens.person import PersonScreen

        row = self.selected()
        if row is not None:
            self.app.push_screen(PersonScreen(row))

    def action_followup(self) -> None:
        from tui.screens.followup import FollowupForm

        row = self.selected()
        if row is not None:
            self.app.push_screen(FollowupForm(row), self.followup_saved)

    def followup_saved(self, entry: FollowupEntry | None) -> None:
        if entry is not None:
            self.notify(self.t("followup.saved"))
            self.sitthi.poll_store()

    def action_reveal(self) -> None:
        row = self.selected()
        if row is None:
            return
        if row.person_id in self.revealed:
            self.revealed.discard(row.person_id)
            self.refilter()
            return
        self.reveal_after_audit(row.evaluation.person.hospcode, lambda: self.show_cid(row))

    def show_cid(self, row: WorkRow) -> None:
        self.revealed.add(row.person_id)
        self.refilter()

    def action_sort(self) -> None:
        from store.queries.worklist import SORT_KEYS

        if self.descending:
            self.sort_index = (self.sort_index + 1) % len(SORT_KEYS)
        self.descending = not self.descending
        self.refilter()

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_table(self) -> None:
        self.query_one("#worklist", DataTable).focus()

    def action_export(self) -> None:
        """The list as filtered and sorted on screen, as the volunteers' workbook."""
        from tui.screens.exporting import export_on_screen

        rows, as_of, hospcode, lang = (
            list(self.shown),
            self.sitthi.as_of,
            self.sitthi.hospcode,
            self.t.lang,
        )

        def build(conn: Connection) -> Document:
            from exporters.gaps_list import gaps_document
            from exporters.people import load_context, unit_of_store

            context = load_context(conn, as_of, hospcode, lang=lang)
            return gaps_document(rows, context, hospcode=unit_of_store(conn, hospcode))

        export_on_screen(self, build)
