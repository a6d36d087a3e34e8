"""The one way a reader says no: a file Sitthi will not load, with a message for the user."""

from __future__ import annotations


class Refused(Exception):
    """The offered file is refused as a whole; nothing of it is stored but the refusal."""

    def __init__(self, message: str, *, kind: str = "unknown") -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind
