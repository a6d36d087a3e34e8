"""Stable row ids: UUIDv5 of a table's natural key, the same on every machine that computes it."""

from __future__ import annotations

import uuid

NAMESPACE = uuid.UUID("6f1c3f0e-5a57-4d1e-9b53-2b1e5f7c9a10")


def stable_id(table: str, *key: object) -> str:
    """The id of a row of `table` whose natural key is `key`."""
    text = "|".join([table, *("" if part is None else str(part) for part in key)])
    return str(uuid.uuid5(NAMESPACE, text))
