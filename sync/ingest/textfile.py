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
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

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
_WIDE_MARKS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
BLOCK_BYTES = 1024 * 1024
"""Bytes a `TextStream` decodes at a time."""


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
    """A file neither wholly UTF-8 nor wholly TIS-620: each line in the encoding that fits it,
    the file's encoding being that of most of its non-ASCII lines."""
    raw_lines = data.split(b"\n")
    not_utf8 = sum(1 for raw in raw_lines if not _is_utf8(raw))
    utf8_lines = sum(1 for raw in raw_lines if not raw.isascii()) - not_utf8
    encoding = UTF8 if utf8_lines >= not_utf8 else TIS620
    lines: list[str] = []
    notes: dict[int, LineNote] = {}
    for number, raw in enumerate(raw_lines, start=1):
        text, note = line_text(raw, encoding)
        lines.append(text)
        if note is not None:
            notes[number] = note
    undecodable = sum(1 for severity, _message in notes.values() if severity == ERROR)
    if undecodable > MAX_UNDECODABLE_SHARE * len(lines):
        raise Refused(_refusal("neither"))
    return DecodedText("\n".join(lines), encoding, notes)


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode(UTF8)
    except UnicodeDecodeError:
        return False
    return True


def line_text(raw: bytes, encoding: str) -> tuple[str, LineNote | None]:
    """One line of a file whose encoding (`utf-8` or `cp874`) does not read all of it: in UTF-8
    when it is UTF-8, else in TIS-620; noted when that is not the file's encoding (a warning) or
    when it fits neither (an error: its row is not loaded)."""
    try:
        text = raw.decode(UTF8)
    except UnicodeDecodeError:
        pass
    else:
        odd = encoding == TIS620 and not raw.isascii()
        return text, _other_encoding(UTF8, encoding) if odd else None
    try:
        text = raw.decode(TIS620)
    except UnicodeDecodeError:
        return raw.decode(TIS620, "replace"), (ERROR, issue_message("undecodable"))
    return text, _other_encoding(TIS620, encoding) if encoding == UTF8 else None


def _other_encoding(line_encoding: str, file_encoding: str) -> LineNote:
    message = issue_message(
        "other_encoding", line_encoding=_label(line_encoding), file_encoding=_label(file_encoding)
    )
    return (WARNING, message)


class TextStream:
    """A text file decoded as it is read, for files too large to hold decoded whole.

    The encoding is chosen on the file's leading bytes (`head`) as `decode_text` chooses it for a
    whole file, and the head's text is checked for binary data; the rest is then decoded a block
    of lines at a time. A block the file's encoding does not read whole (or, in a TIS-620 file,
    one holding UTF-8 Thai) is read line by line (`line_text`), its odd lines noted in
    `line_notes` as they are reached. NUL anywhere, or too many lines fitting neither encoding
    (found when the end is reached), refuse the file there.
    """

    def __init__(self, head: bytes, *, whole: bool) -> None:
        """`whole`: the head is the whole file (else its last line may be cut short)."""
        decoded = _decode_head(head, whole)
        _refuse_binary(decoded.text)
        self.encoding = decoded.encoding
        """The file's encoding; while the text read is all ASCII, `utf-8` until a block that is
        not decides it."""
        self.decided = not decoded.text.isascii() or whole or decoded.encoding != UTF8
        self.sample = decoded.text
        """The head's text (its complete lines), for sniffing the delimiter."""
        self.line_notes: dict[int, LineNote] = {}

    def blocks(self, raw: BinaryIO) -> Iterator[str]:
        """The file's text from its start, in pieces that end at a line end (but the last)."""
        if self.encoding in (UTF8, TIS620):
            yield from self._line_blocks(raw)
        else:
            yield from self._marked_blocks(raw)

    def _marked_blocks(self, raw: BinaryIO) -> Iterator[str]:
        """A file with a byte-order mark: one encoding throughout, else refused."""
        decoder = codecs.getincrementaldecoder(self.encoding)()
        done = 0
        carry = ""
        while True:
            chunk = raw.read(BLOCK_BYTES)
            try:
                text = carry + decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                if self.encoding == "utf-16":
                    raise Refused(_refusal("utf16_mark")) from exc
                raise Refused(_refusal("utf8_mark", byte=done + exc.start)) from exc
            if "\x00" in text:
                raise Refused(_refusal("binary"))
            cut = len(text) if not chunk else text.rfind("\n") + 1
            text, carry = text[:cut], text[cut:]
            if text:
                yield text
            if not chunk:
                return
            done += len(chunk)

    def _line_blocks(self, raw: BinaryIO) -> Iterator[str]:
        self.line_notes.clear()
        carry = b""
        lines = undecodable = 0
        while True:
            chunk = raw.read(BLOCK_BYTES)
            data = carry + chunk
            cut = len(data) if not chunk else data.rfind(b"\n") + 1
            block, carry = data[:cut], data[cut:]
            if b"\x00" in block:
                raise Refused(_refusal("binary"))
            text = self._block_text(block)
            if text is None:
                text, errors = self._by_line(block, lines)
                undecodable += errors
            lines += block.count(b"\n")
            if text:
                yield text
            if not chunk:
                break
        if undecodable > MAX_UNDECODABLE_SHARE * (lines + 1):
            raise Refused(_refusal("neither"))

    def _block_text(self, block: bytes) -> str | None:
        """The block in the file's encoding when that reads it whole (see the class text)."""
        if not self.decided and not block.isascii():
            # The first non-ASCII text decides the file's encoding, as for a whole file.
            self.encoding, self.decided = _decode(block).encoding, True
        if self.encoding == TIS620 and _UTF8_THAI.search(block):
            return None
        try:
            return block.decode(self.encoding)
        except UnicodeDecodeError:
            return None

    def _by_line(self, block: bytes, before: int) -> tuple[str, int]:
        """The block line by line, its odd lines noted; and how many fit neither encoding."""
        texts: list[str] = []
        errors = 0
        for number, raw in enumerate(block.split(b"\n"), start=before + 1):
            text, note = line_text(raw, self.encoding)
            texts.append(text)
            if note is not None:
                self.line_notes[number] = note
                errors += note[0] == ERROR
        return "\n".join(texts), errors


def _decode_head(head: bytes, whole: bool) -> DecodedText:
    """The head's text in the encoding it shows, refused as `decode_text` refuses a file."""
    if whole:
        return _decode(head)
    marked = "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else ""
    marked = "utf-16" if head.startswith(_WIDE_MARKS) else marked
    if not marked:
        return _decode(_whole_lines(head))
    try:
        # A character cut short by the head's end is no error: the stream reads it whole.
        return DecodedText(codecs.getincrementaldecoder(marked)().decode(head), marked)
    except UnicodeDecodeError as exc:
        if marked == "utf-16":
            raise Refused(_refusal("utf16_mark")) from exc
        raise Refused(_refusal("utf8_mark", byte=exc.start)) from exc


def _whole_lines(head: bytes) -> bytes:
    """The head up to its last line end (all of it when it has none)."""
    end = head.rfind(b"\n")
    return head[: end + 1] if end >= 0 else head


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
