"""Import a file (or every file of a folder) by path, with the same importer as `sitthi import`."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static

from tui.screens.base import SitthiModal
from tui.widgets.footer import SitthiFooter

if TYPE_CHECKING:
    from sync.ingest.results import FileResult
    from tui.i18n import Translator


class ImportFileForm(SitthiModal["str | None"]):
    """Returns a one-line summary of what was imported, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "key.cancel")]

    def __init__(self) -> None:
        super().__init__()
        self.running = False

    def compose(self) -> ComposeResult:
        t = self.t
        with Vertical(id="import-dialog", classes="dialog") as dialog:
            dialog.border_title = t("imports.dialog_title")
            yield Static(t("imports.dialog_help"), markup=False)
            yield Input(placeholder=t("imports.path_hint"), compact=True, id="path")
            yield Static("", id="import-status", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(t("key.import_file"), variant="primary", compact=True, id="run")
                yield Button(t("key.cancel"), compact=True, id="cancel")
        yield SitthiFooter()

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()

    @on(Input.Submitted, "#path")
    @on(Button.Pressed, "#run")
    def run_import(self) -> None:
        raw = self.query_one("#path", Input).value.strip()
        if self.running or not raw:
            return
        self.running = True
        self.query_one("#import-status", Static).update(self.t("imports.running"))
        self.import_in_worker(raw)

    def import_in_worker(self, raw: str) -> None:
        from pathlib import Path

        gateway = self.sitthi.gateway
        path = Path(raw).expanduser()

        def run_import() -> list[FileResult]:
            from sync.ingest.importer import import_paths

            return import_paths(gateway.engine(), [path])

        self.off_ui(run_import, self.finished, group="import")

    def finished(self, results: list[FileResult]) -> None:
        self.running = False
        if not results:
            self.query_one("#import-status", Static).update(self.t("imports.no_files"))
            return
        self.dismiss(summary(results, self.t))

    def show_error(self, error: str) -> None:
        self.running = False
        self.query_one("#import-status", Static).update(error)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if not self.running:
            self.dismiss(None)


def summary(results: list[FileResult], t: Translator) -> str:
    """One line per file: its status and counts, or why it was refused (shown without markup
    and terminal-safe: file names and messages come from the files)."""
    lines = []
    for result in results:
        name = result.file.replace("\\", "/").rsplit("/", 1)[-1]
        if result.refused:
            said = result.message_in(t.lang)
            lines.append(t("imports.result_refused", file=name, message=said))
        else:
            lines.append(
                t(
                    "imports.result_done",
                    file=name,
                    status=t(f"import_status.{result.status}"),
                    loaded=t.number(result.rows_loaded),
                    issues=t.number(result.issues),
                )
            )
    return "\n".join(lines)
