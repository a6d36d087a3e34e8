"""Control characters in text that came from files: removed at import, escaped when printed.

Exports and spreadsheets sometimes carry control characters in names and addresses (a stray
tab, a form feed, or an escape sequence planted to rewrite a terminal: `ESC ]0;…` sets a
window title, `ESC [2J` clears the screen). The importer removes them from text fields
(`remove_controls`), and everything that prints stored text to a terminal passes it through
`terminal_safe`, which shows each such character as a visible escape instead, so that a value
stored before this rule, or arriving by another path (sync), cannot act on a terminal either.

"Control character" means Unicode category Cc (C0, DEL, C1) plus the bidirectional overrides
and isolates, which reorder what a terminal shows. Other format characters (Cf) such as the
zero-width space are kept: Thai text uses them between words.
"""

from __future__ import annotations

import re

_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
CONTROLS = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}]")
"""One control character (see the module text)."""
_SPACES = re.compile(" {2,}")
_JSON_SPACE = frozenset("\t\n\r")


def has_controls(text: str) -> bool:
    return CONTROLS.search(text) is not None


def remove_controls(text: str) -> tuple[str, int]:
    """`text` without its control characters, and how many there were.

    A tab, line break or other C0 space between words becomes one space rather than nothing,
    so that `สมชาย\\tใจดี` does not run its words together.
    """
    count = 0

    def replace(found: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return " " if found.group() in "\t\n\r\x0b\x0c" else ""

    cleaned = CONTROLS.sub(replace, text)
    if count:
        cleaned = _SPACES.sub(" ", cleaned).strip()
    return cleaned, count


def terminal_safe(text: str) -> str:
    """`text` with each control character shown as an escape (`\\x1b`, `\\u202e`): safe to print.

    Everything else, Thai marks and wide characters included, is left as it is.
    """
    if not has_controls(text):
        return text
    return CONTROLS.sub(_escape, text)


def _escape(found: re.Match[str]) -> str:
    code = ord(found.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe_lines(text: str) -> str:
    """`terminal_safe` of each line of `text`, its line breaks kept: for a whole report."""
    if not has_controls(text):
        return text
    return "\n".join(terminal_safe(line) for line in text.split("\n"))


def json_terminal_safe(document: str) -> str:
    """A JSON text with every control character written as a `\\uXXXX` escape: the same JSON
    value (inside strings such characters are escaped; outside them JSON allows only the
    white space of indentation, kept), safe to print. `json.dumps` already escapes C0 characters
    inside strings; this adds C1 characters and the bidirectional controls."""
    if not has_controls(document):
        return document
    return CONTROLS.sub(_json_escape, document)


def _json_escape(found: re.Match[str]) -> str:
    char = found.group()
    return char if char in _JSON_SPACE else f"\\u{ord(char):04x}"
