"""The keys of every screen, in the app's language (`?` or F1).

Built from the bindings the screens declare (their `BINDINGS`, whose descriptions are message
keys) and the list keys of `tui.widgets.listtable`: there is no second, hand-written list to
fall out of step. Screens are imported here only, when help is asked for.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from tui.screens.base import SitthiModal

HELP_SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("nav.dashboard", "tui.screens.dashboard", "DashboardScreen"),
    ("nav.gaps", "tui.screens.worklist", "WorklistScreen"),
    ("help.person", "tui.screens.person", "PersonScreen"),
    ("help.followup", "tui.screens.followup", "FollowupForm"),
    ("nav.claims", "tui.screens.claims", "ClaimsScreen"),
    ("help.claim", "tui.screens.claim", "ClaimScreen"),
    ("nav.imports", "tui.screens.imports", "ImportsScreen"),
    ("help.import_file", "tui.screens.import_file", "ImportFileForm"),
    ("nav.settings", "tui.screens.settings", "SettingsScreen"),
    ("nav.units", "tui.screens.units", "UnitsScreen"),
)
"""(title key, module, class) of each screen, in the order a person meets them."""

KEY_COLUMN = 16


def bindings_of(declared: Iterable[BindingType]) -> list[Binding]:
    """Bindings with a description to show, one per key list as declared."""
    shown = []
    for binding in declared:
        if isinstance(binding, Binding) and binding.description:
            shown.append(binding)
    return shown


class HelpScreen(SitthiModal[None]):
    """Every screen's keys; `esc`, `q`, `?` or F1 closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "close", "key.close"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-dialog", classes="dialog") as dialog:
            dialog.border_title = self.t("help.title")
            yield Static(self.content(), id="help-keys", markup=False)

    def on_mount(self) -> None:
        self.query_one("#help-dialog").focus()

    def sections(self) -> list[tuple[str, list[Binding]]]:
        from tui.app import SitthiApp
        from tui.widgets.listtable import LIST_KEYS

        found = [
            ("help.everywhere", bindings_of(SitthiApp.BINDINGS) + list(GENERAL_KEYS)),
            ("help.lists", list(LIST_KEYS)),
        ]
        for title, module, name in HELP_SECTIONS:
            screen = getattr(importlib.import_module(module), name)
            found.append((title, bindings_of(screen.BINDINGS)))
        return [(title, keys) for title, keys in found if keys]

    def key_names(self, binding: Binding) -> str:
        names = [self.app.get_key_display(Binding(key, "")) for key in binding.key.split(",")]
        return " ".join(names)

    def content(self) -> Content:
        t = self.t
        lines: list[Content] = [Content(t("help.intro"))]
        for title, keys in self.sections():
            lines.append(Content(""))
            lines.append(Content.styled(t(title), "bold $accent"))
            for binding in keys:
                names = self.key_names(binding)
                pad = " " * max(1, KEY_COLUMN - len(names))
                lines.append(Content.assemble(("  " + names, "bold"), pad, t(binding.description)))
        return Content("\n").join(lines)

    def action_close(self) -> None:
        self.dismiss(None)


GENERAL_KEYS: tuple[Binding, ...] = (
    Binding("ctrl+p", "", "help.palette"),
    Binding("tab", "", "help.tab"),
)
"""Keys that work everywhere but are not the app's own bindings: Textual's command palette and
moving between fields (leaving a text box is the app's own `escape` binding)."""
