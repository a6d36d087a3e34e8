"""What came in: recent import batches with their counts, each batch's issues, and importing a
file by path without leaving the app."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from store.controls import terminal_safe, terminal_safe_lines
from tui.screens.base import SitthiScreen
from tui.widgets.fields import (
    WIDE_ROOM,
    Column,
    Columns,
    add_columns,
    cursor_key,
    fill_table,
    fit_middle,
)
from tui.widgets.footer import SitthiFooter
from tui.widgets.listtable import ListTable
from tui.widgets.navbar import NavBar

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from store.exports import ExportRow
    from store.queries.imports import BatchIssues, BatchRow


FILE_WIDTH = 24
FILE_WIDE = 60
"""A file's name on a wide terminal: whole, as a rule."""
EXPORTS_SHOWN = 3
"""Latest exports listed under the imports: a glance, the full log is in the store."""


def recent_exports(conn: Connection) -> list[ExportRow]:
    from store.exports import recent_exports as latest

    return latest(conn, limit=EXPORTS_SHOWN)


class ImportsScreen(SitthiScreen):
    NAV = "imports"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("i", "import_file", "key.import_file"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.batches: list[BatchRow] | None = None
        self.issues: BatchIssues | None = None
        self.exports: list[ExportRow] | None = None

    def compose(self) -> ComposeResult:
        yield NavBar(self.NAV)
        batches: DataTable[object] = ListTable(cursor_type="row", id="batches")
        add_columns(batches, self.batch_columns())
        yield batches
        yield Static("", id="batch-message", markup=False)
        issues: DataTable[object] = ListTable(cursor_type="row", id="issues")
        add_columns(issues, self.issue_columns())
        yield issues
        yield Static("", id="exports", markup=False)
        yield SitthiFooter()

    def batch_columns(self) -> Columns:
        widths = {"when": 16, "file": self.file_width(), "status": 10, "loaded": 6, "issues": 12}
        return [Column(k, self.t(f"imports.col_{k}"), w) for k, w in widths.items()]

    def file_width(self) -> int:
        """Cut in the middle to 24 cells at 80 columns (its date and kind stay readable)."""
        return FILE_WIDE if self.app.size.width >= WIDE_ROOM else FILE_WIDTH

    def issue_columns(self) -> Columns:
        widths = {"member": 14, "line": 6, "field": 12, "reason": 38}
        wide = {"member": 24, "field": 24, "reason": 90}
        return [
            Column(k, self.t(f"imports.col_{k}"), w, wide_width=wide.get(k))
            for k, w in widths.items()
        ]

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#batches", DataTable).focus()

    def reload(self) -> None:
        def batches(conn: Connection) -> list[BatchRow]:
            from store.queries.imports import recent_batches

            return recent_batches(conn)

        self.fetch(batches, self.show_batches)
        self.fetch(recent_exports, self.show_exports, group="exports")

    def show_exports(self, exports: list[ExportRow]) -> None:
        """The latest exports of person-level data (the store's export log, which the province
        reads too): when, what, which unit, how many persons, who."""
        self.exports = exports
        t = self.t
        lines = [t("export.screen.exports_title")]
        for row in exports:
            local = row.created_at.astimezone()
            lines.append(
                t(
                    "export.screen.export_line",
                    when=f"{t.short_date(local.date())} {local:%H:%M}",
                    kind=row.kind,
                    unit=row.hospcode,
                    persons=t.number(row.persons),
                    user=row.user,
                )
            )
        if not exports:
            lines.append(t("export.screen.exports_none"))
        self.query_one("#exports", Static).update("\n".join(lines))

    def render_data(self) -> None:
        if self.exports is not None:
            self.show_exports(self.exports)
        if self.batches is not None:
            self.show_batches(self.batches)
        self.query_one("#batches", DataTable).focus()

    def show_batches(self, batches: list[BatchRow]) -> None:
        self.batches = batches
        table: DataTable[object] = self.query_one("#batches", DataTable)
        fill_table(table, self.batch_columns(), [(b.id, self.batch_cells(b)) for b in batches])
        if not batches:
            self.query_one("#batch-message", Static).update(self.t("imports.none"))
            return
        self.load_issues()

    def batch_cells(self, batch: BatchRow) -> tuple[str, ...]:
        local = batch.started_at.astimezone()
        return (
            f"{self.t.short_date(local.date())} {local:%H:%M}",
            fit_middle(batch.file_name.replace("\\", "/").rsplit("/", 1)[-1], self.file_width()),
            self.t(f"import_status.{batch.status}"),
            self.t.number(batch.rows_loaded),
            self.t("imports.issue_counts", errors=batch.issues, warnings=batch.warnings),
        )

    def selected_batch(self) -> BatchRow | None:
        key = cursor_key(self.query_one("#batches", DataTable))
        return next((b for b in self.batches or () if b.id == key), None)

    @on(DataTable.RowHighlighted, "#batches")
    def batch_highlighted(self) -> None:
        self.load_issues()

    def load_issues(self) -> None:
        batch = self.selected_batch()
        if batch is None:
            return
        self.show_message(batch)
        batch_id = batch.id

        def issues(conn: Connection) -> BatchIssues:
            from store.queries.imports import batch_issues

            return batch_issues(conn, batch_id)

        self.fetch(issues, self.show_issues, group="issues")

    def show_message(self, batch: BatchRow) -> None:
        text = batch.message_in(self.t.lang) or self.t(
            "imports.counts",
            loaded=self.t.number(batch.rows_loaded),
            unchanged=self.t.number(batch.rows_unchanged),
        )
        self.query_one("#batch-message", Static).update(terminal_safe(text))

    def show_issues(self, issues: BatchIssues) -> None:
        self.issues = issues
        lang = self.t.lang
        rows = [
            (
                str(index),
                (
                    issue.member,
                    str(issue.line),
                    issue.field,
                    f"{self.t(f'imports.severity_{issue.severity}')}: {issue.reason_in(lang)}",
                ),
            )
            for index, issue in enumerate(issues.rows)
        ]
        more = issues.total - len(issues.rows)
        if more > 0:
            rows.append(("more", ("", "", "", self.t("imports.more_issues", more=more))))
        fill_table(self.query_one("#issues", DataTable), self.issue_columns(), rows)

    def action_import_file(self) -> None:
        from tui.screens.import_file import ImportFileForm

        self.app.push_screen(ImportFileForm(), self.imported)

    def imported(self, summary: str | None) -> None:
        if summary:
            self.notify(terminal_safe_lines(summary), timeout=10, markup=False)
            self.sitthi.poll_store()
