"""Thai citizen ID (CID) checks and masking.

A CID is 13 ASCII digits. Thai digits (๐-๙), which Thai text and some exports use, are the
same digits and are mapped to ASCII (`normalise_cid`); any other Unicode digit (superscripts,
full-width, Arabic-Indic, ...) is not a CID digit: such a value is never valid, and every
function here accepts any text without raising, so that an odd value in a store cannot break
a report.
"""

from __future__ import annotations

from operator import mul

from store.thaidate import THAI_DIGITS

NON_THAI_PREFIXES = frozenset("067")
CID_LENGTH = 13
_SEPARATORS = str.maketrans("", "", "- \t")


def is_ascii_digits(text: str) -> bool:
    """Only the digits 0-9 (`str.isdigit` also takes superscripts and other scripts' digits)."""
    return text.isascii() and text.isdigit()


def check_digit(first12: str) -> int:
    """The 13th digit for the first twelve: (11 - Σ dᵢ·(14-i) mod 11) mod 10."""
    weights = range(CID_LENGTH, CID_LENGTH - len(first12), -1)
    total = sum(map(mul, map(int, first12), weights))
    return (11 - total % 11) % 10


def is_valid_cid(cid: str | None) -> bool:
    """13 ASCII digits, not all the same, with a correct check digit."""
    if not isinstance(cid, str) or len(cid) != CID_LENGTH or not is_ascii_digits(cid):
        return False
    if len(set(cid)) == 1:
        return False
    return check_digit(cid[:12]) == int(cid[12])


def is_thai_cid(cid: str) -> bool:
    """Valid CIDs starting with 0, 6 or 7 belong to non-Thai or status-problem persons."""
    return is_valid_cid(cid) and cid[0] not in NON_THAI_PREFIXES


def normalise_cid(raw: object) -> str:
    """A CID as text: spaces and dashes removed, Thai digits made ASCII, Excel numbers (an int,
    or a float such as 1.99e12) restored to 13 digits. Anything else is returned as text, for
    `is_valid_cid` to refuse."""
    if raw is None or isinstance(raw, bool):
        return "" if raw is None else str(raw)
    if isinstance(raw, float) and raw.is_integer() and 0 <= raw < 10**CID_LENGTH:
        raw = int(raw)
    if isinstance(raw, int):
        return f"{raw:013d}" if 0 <= raw < 10**CID_LENGTH else str(raw)
    text = str(raw).strip().translate(THAI_DIGITS).translate(_SEPARATORS)
    if text.endswith(".0") and is_ascii_digits(text[:-2]):
        text = text[:-2]
    if is_ascii_digits(text) and 9 <= len(text) < CID_LENGTH:
        text = text.zfill(CID_LENGTH)
    return text


def mask_cid(cid: str | None) -> str:
    """`1-1017-xxxxx-45-0` for a 13-digit CID; anything else fully hidden."""
    if not cid:
        return ""
    if len(cid) != CID_LENGTH or not is_ascii_digits(cid):
        return "x" * len(cid)
    return f"{cid[0]}-{cid[1:5]}-xxxxx-{cid[10:12]}-{cid[12]}"


def format_cid(cid: str) -> str:
    """`1-1017-00203-45-0`: the grouping printed on Thai ID cards."""
    if len(cid) != CID_LENGTH or not is_ascii_digits(cid):
        return cid
    return f"{cid[0]}-{cid[1:5]}-{cid[5:10]}-{cid[10:12]}-{cid[12]}"
