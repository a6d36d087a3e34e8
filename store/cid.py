"""Thai citizen ID (CID) checks and masking."""

from __future__ import annotations

NON_THAI_PREFIXES = frozenset("067")


def check_digit(first12: str) -> int:
    """The 13th digit for the first twelve: (11 - Σ dᵢ·(14-i) mod 11) mod 10."""
    total = sum(int(d) * (13 - i) for i, d in enumerate(first12))
    return (11 - total % 11) % 10


def is_valid_cid(cid: str | None) -> bool:
    """13 digits, not all the same, with a correct check digit."""
    if cid is None or len(cid) != 13 or not cid.isdigit() or len(set(cid)) == 1:
        return False
    return check_digit(cid[:12]) == int(cid[12])


def is_thai_cid(cid: str) -> bool:
    """Valid CIDs starting with 0, 6 or 7 belong to non-Thai or status-problem persons."""
    return is_valid_cid(cid) and cid[0] not in NON_THAI_PREFIXES


def normalise_cid(raw: object) -> str:
    """A CID as text: spaces and dashes removed, Excel numbers restored to 13 digits."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, int):
        return f"{raw:013d}"
    text = str(raw).strip().replace("-", "").replace(" ", "")
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    if text.isdigit() and 9 <= len(text) < 13:
        text = text.zfill(13)
    return text


def mask_cid(cid: str | None) -> str:
    """`1-1017-xxxxx-45-0` for a 13-digit CID; anything else fully hidden."""
    if not cid:
        return ""
    if len(cid) != 13 or not cid.isdigit():
        return "x" * len(cid)
    return f"{cid[0]}-{cid[1:5]}-xxxxx-{cid[10:12]}-{cid[12]}"


def format_cid(cid: str) -> str:
    """`1-1017-00203-45-0`: the grouping printed on Thai ID cards."""
    if len(cid) != 13:
        return cid
    return f"{cid[0]}-{cid[1:5]}-{cid[5:10]}-{cid[10:12]}-{cid[12]}"
