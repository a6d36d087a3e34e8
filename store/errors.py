"""The one base of Sitthi's own errors: each carries a catalogue message (`store.i18n`).

A layer below the command line or the app raises `SitthiError(message("sync.no_token"))` (or a
subclass); the edge that shows it renders it in the reader's language with `render(lang)`.
Errors still written as plain text keep working (their text is shown as it is) until their
module moves its words into the catalogue.
"""

from __future__ import annotations

import errno

from store.i18n import Message


class SitthiError(Exception):
    """An error with a message for a person: `reason` (catalogue) or plain `text`."""

    def __init__(self, message: str | Message) -> None:
        self.reason = message if isinstance(message, Message) else None
        self.text = str(message)
        super().__init__(self.text)

    @property
    def code(self) -> str:
        """The catalogue key naming this error (`sync.no_token`), or "" for plain text."""
        return self.reason.key if self.reason else ""

    def render(self, lang: str) -> str:
        return self.reason.render(lang) if self.reason else self.text


def os_error(exc: OSError) -> Message:
    """What the system said, as a catalogue message that tells what to do (`os_error.EACCES`);
    named by its errno code when the catalogue has no words for it. Never the system's own
    English text, and never the path (the sentence around it names the file)."""
    from store.i18n import catalog, message

    code = errno.errorcode.get(exc.errno or 0, "")
    if code and f"os_error.{code}" in catalog("en"):
        return message(f"os_error.{code}")
    return message("os_error.other", code=code or type(exc).__name__)
