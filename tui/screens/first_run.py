"""What to do first, shown on an empty store: import a file, try the demo, or set up sync."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from tui.screens.base import SitthiModal
from tui.widgets.footer import SitthiFooter


class FirstRunScreen(SitthiModal[None]):
    """`i` imports a file at once; `esc` goes on to the (empty) overview; `?` and F1 list the
    keys here too (a dialog keeps the app's own keys from working)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("i", "import_file", "key.import_file"),
        Binding("escape", "close", "first_run.to_dashboard"),
        Binding("q", "app.quit", "key.quit"),
        Binding("question_mark,f1", "app.help", "key.help", show=False),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="first-run-dialog", classes="dialog") as dialog:
            dialog.border_title = self.t("first_run.title")
            yield Static(self.content(), id="first-run", markup=False)
        yield SitthiFooter()

    def content(self) -> Content:
        t = self.t
        steps = [
            Content(t("first_run.empty", store=self.sitthi.gateway.display_name())),
            Content(""),
            Content.styled(t("first_run.import_title"), "bold $accent"),
            Content(t("first_run.import_steps")),
            Content(""),
            Content.styled(t("first_run.demo_title"), "bold $accent"),
            Content(t("first_run.demo_steps")),
            Content(""),
            Content.styled(t("first_run.sync_title"), "bold $accent"),
            Content(t("first_run.sync_steps")),
        ]
        return Content("\n").join(steps)

    def action_import_file(self) -> None:
        from tui.screens.import_file import ImportFileForm

        self.app.push_screen(ImportFileForm(), self.imported)

    def imported(self, summary: str | None) -> None:
        if summary:
            self.notify(summary, timeout=10)
            self.sitthi.poll_store()
            self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
