"""Synthetic citizen IDs: valid checksums, unique, and from registering offices that do not exist.

A CID is the type digit, the 4-digit registering office, seven running digits and the check digit.
The offices come from `rates.toml` and start with a province code no province has, so no
synthetic CID can be a real person's.
"""

from __future__ import annotations

import random

from store.cid import check_digit, is_valid_cid

RUNNING_DIGITS = 7
TYPO_POSITIONS = range(5, 12)


class CidMaker:
    """Hands out distinct valid CIDs."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used: set[str] = set()

    def make(self, type_digit: str, office: str) -> str:
        while True:
            running = f"{self._rng.randrange(10**RUNNING_DIGITS):0{RUNNING_DIGITS}d}"
            body = type_digit + office + running
            cid = body + str(check_digit(body))
            if cid not in self._used and is_valid_cid(cid):
                self._used.add(cid)
                return cid


def mistype(rng: random.Random, cid: str) -> str:
    """The CID with one running digit mistyped so that its checksum fails."""
    while True:
        position = rng.choice(TYPO_POSITIONS)
        digit = rng.choice([d for d in "0123456789" if d != cid[position]])
        typo = cid[:position] + digit + cid[position + 1 :]
        if not is_valid_cid(typo):
            return typo
