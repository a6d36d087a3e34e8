"""The command palette in the app's language: Textual's palette says "Search for commands…" and
"No matches found" in English; this one takes both from the catalogue (`palette_help`)."""

from __future__ import annotations

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette
from textual.widgets.option_list import Option

from tui.i18n import Translator


class SitthiCommandPalette(CommandPalette):
    """Textual's palette with the placeholder and the "no command matches" line translated."""

    def __init__(self, t: Translator) -> None:
        super().__init__(placeholder=t("palette_help.placeholder"), id="--command-palette")
        self.no_matches = t("palette_help.no_matches")

    def _start_no_matches_countdown(self, search_value: str) -> None:
        """As Textual does (after a short wait, say so when a search found nothing; show no
        list while nothing is typed), in the catalogue's words."""
        self._stop_no_matches_countdown()
        self._no_matches_timer = self.set_timer(
            self._NO_MATCHES_COUNTDOWN, lambda: self._say_no_matches(search_value)
        )

    def _say_no_matches(self, search_value: str) -> None:
        if not search_value:
            self._list_visible = False
            return
        line = Align.center(Text(self.no_matches, style="not bold"))
        self.query_one(CommandList).add_option(Option(line, disabled=True, id=self._NO_MATCHES))
        self._list_visible = True
