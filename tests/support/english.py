"""Finding English left in a text meant to be Thai: runs of English words, once what stays as
typed in any language (commands, options, quoted values, paths and URLs) is set aside."""

from __future__ import annotations

import re

_QUOTED = re.compile(r"`[^`]*`|'[^']*'|\"[^\"]*\"|\[[^\]]*\]|\{[^}]*\}")
_INVOCATION = re.compile(r"\bsitthi(?: [a-z][a-z-]*)*")
_OPTION = re.compile(r"-{1,2}[a-z][a-z-]*")
_ENGLISH_SENTENCE = re.compile(r"\b[A-Za-z][a-z]+(?:[ ,]+[A-Za-z][a-z]+){2,}\b")
"""Three English words in a row: a sentence, not codes (PP, CSV, PAID), a path or an option."""


def english_left(text: str) -> list[str]:
    """English word runs in `text`, once commands, options, quoted values, paths and URLs are
    set aside (those stay as typed in any language)."""
    found = []
    for line in text.splitlines():
        line = re.sub(r"\S*[/\\]\S*", " ", line)  # paths and URLs
        line = _QUOTED.sub(" ", line)
        line = _INVOCATION.sub(" ", line)
        line = _OPTION.sub(" ", line)
        found += _ENGLISH_SENTENCE.findall(line)
    return found
