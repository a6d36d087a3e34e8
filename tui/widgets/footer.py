"""The key hints line, in the app's language.

Bindings are declared with a message key as their description (`key.quit`). The screens hand
their active bindings out translated (`translate_bindings`, used by `tui.screens.base`), and
that is what Textual's footer and keys panel read; a language switch needs no new bindings, only
a refresh of them. Only Textual's public API is involved.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from textual.widgets import Footer

if TYPE_CHECKING:
    from textual.binding import ActiveBinding

    from tui.i18n import Translator


def translate_bindings(
    bindings: dict[str, ActiveBinding], t: Translator
) -> dict[str, ActiveBinding]:
    """The bindings with each message-key description replaced by its text in `t`'s language."""
    translated = {}
    for key, active in bindings.items():
        description = active.binding.description
        if description and t.has(description):
            binding = dataclasses.replace(active.binding, description=t(description))
            active = active._replace(binding=binding)
        translated[key] = active
    return translated


class SitthiFooter(Footer):
    """Textual's footer as the app's own widget, so every screen shows the same one."""
