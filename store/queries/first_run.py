"""Whether a store is still empty: nothing imported, nobody in it (the app's first-run check)."""

from __future__ import annotations

from typing import cast

from sqlalchemy import Connection, Table, exists, select

from store.models import ImportBatch, Person


def store_is_empty(conn: Connection) -> bool:
    """No import was ever tried and no person is stored (a fresh install, not a bad import)."""
    for model in (ImportBatch, Person):
        table = cast(Table, model.__table__)  # type: ignore[union-attr]
        if conn.execute(select(exists().select_from(table))).scalar():
            return False
    return True
