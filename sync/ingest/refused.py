"""The one way a reader says no: a file Sitthi will not load, with a message for the user."""

from __future__ import annotations

from store.errors import SitthiError
from store.i18n import Message


class Refused(SitthiError):
    """The offered file is refused as a whole; nothing of it is stored but the refusal.

    `reason` is the catalogue message (`store.i18n`) when the refusal has one; `message` is its
    English text, kept for the log and for refusals still written as plain text.
    """

    def __init__(self, message: str | Message, *, kind: str = "unknown") -> None:
        super().__init__(message)
        self.message = self.text
        self.kind = kind


def carried_reason(refusal: Refused) -> Message | None:
    """The refusal's catalogue message, or that of the refusal it re-raised with the same text
    (a reader that passes a refusal on as plain text keeps its words for the reader)."""
    current: BaseException | None = refusal
    while isinstance(current, Refused):
        if current.reason is not None:
            return current.reason if str(current.reason) == refusal.message else None
        current = current.__cause__
    return None
