"""Turning an exported text file's bytes into text: one encoding per file, odd lines flagged.

Current Thai health software writes UTF-8 (sometimes with a byte-order mark); older JHCIS data
is TIS-620, which Python reads as `cp874` (its superset). Excel's "Unicode text" is UTF-16 with
a byte-order mark. A file is decoded with one encoding, its own. A file that is neither all
UTF-8 nor all TIS-620 (a TIS-620 export with lines appended by a UTF-8 tool, or the reverse) is
read line by line: each line in the other encoding is decoded in that encoding and noted as a
warning of its line, and a line that fits neither is noted as an error (its row is not
loaded), rather than the whole file being read in one encoding and stored as mojibake. A file
whose lines mostly fit neither is refused, as binary data is.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from store.i18n import Message, message
from sync.ingest.convert import ERROR, WARNING, LineNote, issue_message
from sync.ingest.refused import Refused

SAMPLE_CHARS = 65_536
MAX_CONTROL_SHARE = 0.01
"""Share of control characters (other than tab, CR, LF) above which text is taken for binary."""
MAX_UNDECODABLE_SHARE = 0.01
"""Share of lines fitting neither UTF-8 nor TIS-620 above which a file is refused."""

UTF8 = "utf-8"
TIS620 = "cp874"
_ALLOWED_CONTROLS = frozenset("\t\r\n\x0c")
_CONTROLS = frozenset(chr(c) for c in (*range(32), 127)) - _ALLOWED_CONTROLS
_UTF8_THAI = re.compile(rb"\xe0[\xb8\xb9][\x80-\xbf]")
"""A Thai letter in UTF-8: a TIS-620 file without one has no UTF-8 Thai line to find."""
_ESCAPED = re.compile("[\udc80-\udcff]")
"""A byte that was not UTF-8, kept by the `surrogateescape` error handler."""


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str
    """`utf-8`, `utf-8-sig`, `utf-16` or `cp874`: the file's encoding (most of its lines')."""
    line_notes: dict[int, LineNote] = field(default_factory=dict)
    """Line number (from 1) → the note of a line not in the file's encoding (see above)."""


def decode_text(data: bytes) -> DecodedText:
    """The file's text in the one encoding that reads all of it (else most of it, its odd lines
    noted); garbage is refused."""
    decoded = _decode(data)
    _refuse_binary(decoded.text)
    return decoded


def _decode(data: bytes) -> DecodedText:
    if data.startswith(codecs.BOM_UTF8):
        try:
            return DecodedText(data.decode("utf-8-sig"), "utf-8-sig")
        except UnicodeDecodeError as exc:
            raise Refused(_refusal("utf8_mark", byte=exc.start)) from exc
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return DecodedText(data.decode("utf-16"), "utf-16")
        except UnicodeDecodeError as exc:
            raise Refused(_refusal("utf16_mark")) from exc
    try:
        return DecodedText(data.decode(UTF8), UTF8)
    except UnicodeDecodeError:
        pass
    if not _UTF8_THAI.search(data):
        try:
            return DecodedText(data.decode(TIS620), TIS620)
        except UnicodeDecodeError:
            pass
    return _decode_by_line(data)


def _decode_by_line(data: bytes) -> DecodedText:
    """A file neither wholly UTF-8 nor wholly TIS-620: each line in the encoding that fits it."""
    as_utf8 = data.decode(UTF8, "surrogateescape").split("\n")
    not_utf8 = [i for i, line in enumerate(as_utf8) if _ESCAPED.search(line)]
    utf8_lines = sum(1 for line in as_utf8 if not line.isascii()) - len(not_utf8)
    lines = list(as_utf8)
    undecodable: list[int] = []
    if utf8_lines >= len(not_utf8):
        encoding, other = UTF8, TIS620
        odd = not_utf8
        for index in odd:
            raw = as_utf8[index].encode(UTF8, "surrogateescape")
            try:
                lines[index] = raw.decode(TIS620)
            except UnicodeDecodeError:
                lines[index] = raw.decode(TIS620, "replace")
                undecodable.append(index)
    else:
        encoding, other = TIS620, UTF8
        escaped = set(not_utf8)
        odd = [i for i, line in enumerate(as_utf8) if i not in escaped and not line.isascii()]
        for index in not_utf8:
            raw = as_utf8[index].encode(UTF8, "surrogateescape")
            try:
                lines[index] = raw.decode(TIS620)
            except UnicodeDecodeError:
                lines[index] = raw.decode(TIS620, "replace")
                undecodable.append(index)
    if len(undecodable) > MAX_UNDECODABLE_SHARE * len(lines):
        raise Refused(_refusal("neither"))
    odd_line = issue_message(
        "other_encoding", line_encoding=_label(other), file_encoding=_label(encoding)
    )
    notes: dict[int, LineNote] = {index + 1: (WARNING, odd_line) for index in odd}
    for index in undecodable:
        notes[index + 1] = (ERROR, issue_message("undecodable"))
    return DecodedText("\n".join(lines), encoding, notes)


def _refusal(name: str, /, **params: object) -> Message:
    """The catalogue message `ingest.text.<name>` of a refused text file."""
    return message(f"ingest.text.{name}", **params)


def _label(encoding: str) -> str:
    return "TIS-620" if encoding == TIS620 else "UTF-8"


def _refuse_binary(text: str) -> None:
    """NUL anywhere, or many control characters near the start, mean binary data."""
    if "\x00" in text:
        raise Refused(_refusal("binary"))
    sample = text[:SAMPLE_CHARS]
    controls = sum(1 for ch in sample if ch in _CONTROLS)
    if sample and controls > MAX_CONTROL_SHARE * len(sample):
        raise Refused(_refusal("binary"))
