"""A cheap fingerprint of the store's contents, polled by the app to notice others' writes.

Every import (by `sitthi import`, the daemon or the app) adds or finishes an `import_batch` row,
and every follow-up adds a `followup_log` row; both tables stay small, so the aggregates below
cost a few index lookups even on a provincial store, unlike counting the person or NHSO rows.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select

from store.models import SQLModel

_TABLES = SQLModel.metadata.tables


def change_marker(conn: Connection) -> tuple[Any, ...]:
    """Equal before and after a period exactly when nobody imported or followed up meanwhile."""
    batch = _TABLES["import_batch"]
    marker: list[Any] = list(
        conn.execute(
            select(func.count(), func.max(batch.c.started_at), func.max(batch.c.finished_at))
        ).one()
    )
    marker.append(conn.execute(select(func.count()).where(batch.c.finished_at.is_(None))).scalar())
    followup = _TABLES["followup_log"]
    marker.extend(conn.execute(select(func.count(), func.max(followup.c.hlc))).one())
    return tuple(marker)
