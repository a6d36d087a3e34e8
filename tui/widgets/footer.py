"""The key hints line, in the app's language.

Bindings are declared with a message key as their description (`key.quit`); this footer shows
the translation, so a language switch needs no new bindings, only a refresh of the footer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

if TYPE_CHECKING:
    from tui.app import SitthiApp


class SitthiFooter(Footer):
    def compose(self) -> ComposeResult:
        app: SitthiApp = self.app  # type: ignore[assignment]
        for widget in super().compose():
            if isinstance(widget, FooterKey) and app.t.has(widget.description):
                widget.description = app.t(widget.description)
            yield widget
