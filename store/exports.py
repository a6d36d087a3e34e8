"""The export log in the store: one row per export of person-level data, synced to the province.

It says who exported what and when, and how many persons the file names; never the CIDs, names
or the file's content. The id is a UUIDv5 of the store's node id and the moment, so the row
keeps its name on every machine it reaches.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, Table, insert, select

from store.followup import store_node_id
from store.ids import stable_id
from store.models import ExportLog

TABLE: Table = ExportLog.__table__  # type: ignore[attr-defined]
ALL_UNITS = "all"


@dataclass(frozen=True)
class ExportRow:
    id: str
    hospcode: str
    kind: str
    file_name: str
    persons: int
    rows: int
    show_cid: bool
    user: str
    created_at: dt.datetime


def log_export(
    conn: Connection,
    *,
    kind: str,
    hospcode: str | None,
    file_name: str,
    persons: int,
    rows: int,
    show_cid: bool,
    user: str,
    now: dt.datetime | None = None,
) -> ExportRow:
    """Record one export in the caller's transaction."""
    moment = now or dt.datetime.now(dt.UTC)
    node = store_node_id(conn)
    row = ExportRow(
        id=stable_id("export_log", node, moment.isoformat(), kind, file_name),
        hospcode=hospcode or ALL_UNITS,
        kind=kind,
        file_name=file_name,
        persons=persons,
        rows=rows,
        show_cid=show_cid,
        user=user,
        created_at=moment,
    )
    conn.execute(insert(TABLE).values(**row.__dict__, node_id=node))
    return row


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def recent_exports(
    conn: Connection, limit: int = 50, hospcode: str | None = None
) -> list[ExportRow]:
    """The latest exports, newest first (only `hospcode`'s when given)."""
    query = select(*(TABLE.c[name] for name in ExportRow.__dataclass_fields__))
    if hospcode is not None:
        query = query.where(TABLE.c.hospcode == hospcode)
    query = query.order_by(TABLE.c.created_at.desc(), TABLE.c.id).limit(limit)
    found = []
    for row in conn.execute(query).mappings():
        values = dict(row)
        values["created_at"] = _aware(values["created_at"])
        found.append(ExportRow(**values))
    return found
