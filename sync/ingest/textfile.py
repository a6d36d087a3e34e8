"""Turning an exported text file's bytes into text: one encoding per file, binary refused.

Current Thai health software writes UTF-8 (sometimes with a byte-order mark); older JHCIS data
is TIS-620, which Python reads as `cp874` (its superset). Excel's "Unicode text" is UTF-16 with
a byte-order mark. The whole file is decoded with one encoding: never line by line.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from sync.ingest.refused import Refused

SAMPLE_CHARS = 65_536
MAX_CONTROL_SHARE = 0.01
"""Share of control characters (other than tab, CR, LF) above which text is taken for binary."""

_ALLOWED_CONTROLS = frozenset("\t\r\n\x0c")
_CONTROLS = frozenset(chr(c) for c in (*range(32), 127)) - _ALLOWED_CONTROLS


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str
    """`utf-8`, `utf-8-sig`, `utf-16` or `cp874`."""


def decode_text(data: bytes) -> DecodedText:
    """The file's text in the one encoding that reads all of it; garbage is refused."""
    decoded = _decode(data)
    _refuse_binary(decoded.text)
    return decoded


def _decode(data: bytes) -> DecodedText:
    if data.startswith(codecs.BOM_UTF8):
        try:
            return DecodedText(data.decode("utf-8-sig"), "utf-8-sig")
        except UnicodeDecodeError as exc:
            raise Refused(f"starts with a UTF-8 mark but byte {exc.start} is not UTF-8") from exc
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return DecodedText(data.decode("utf-16"), "utf-16")
        except UnicodeDecodeError as exc:
            raise Refused("starts with a UTF-16 mark but is not UTF-16") from exc
    try:
        return DecodedText(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return DecodedText(data.decode("cp874"), "cp874")
    except UnicodeDecodeError as exc:
        raise Refused(f"neither UTF-8 nor TIS-620 text (byte {exc.start} fits neither)") from exc


def _refuse_binary(text: str) -> None:
    """NUL anywhere, or many control characters near the start, mean binary data."""
    if "\x00" in text:
        raise Refused("binary data, not a text export")
    sample = text[:SAMPLE_CHARS]
    controls = sum(1 for ch in sample if ch in _CONTROLS)
    if sample and controls > MAX_CONTROL_SHARE * len(sample):
        raise Refused("binary data, not a text export")
