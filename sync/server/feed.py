"""Server side: what a pull returns, and applying what a push sends, under the ownership rules.

A unit reads the rows routed to it (province-owned rows and follow-up events about its people);
a provincial reader reads every change but its own. A unit writes only rows naming its own
hospcode, and never a row whose id is already held by another unit's row; the province writes
only province-owned tables; both append follow-up events, which are never changed or deleted.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, select, text

from store.outbox import writing_as
from sync.protocol import (
    REGISTRY,
    Owner,
    PullPage,
    PullRequest,
    PushRequest,
    PushResult,
    Rejection,
    Role,
    SyncTable,
    TableRows,
    sync_table,
)
from sync.rows import decode_rows, delete_ids, insert_new, owners, read_rows, table_for, upsert
from sync.server.auth import Identity


class Forbidden(PermissionError):
    """A request the token may not make; the text says why."""


def touch_peer(conn: Connection, identity: Identity, node_id: str) -> dict[str, Any]:
    """The peer record of this client store, created on first contact and locked for update."""
    conn.execute(
        text(
            "INSERT INTO sync_peer (credential_id, node_id, acked_upto, last_batch_id, "
            "pull_cursor) VALUES (:c, :n, 0, '', 0) ON CONFLICT DO NOTHING"
        ),
        {"c": identity.credential_id, "n": node_id[:36]},
    )
    table = table_for(conn, "sync_peer")
    query = (
        select(table)
        .where(table.c.credential_id == identity.credential_id, table.c.node_id == node_id[:36])
        .with_for_update()
    )
    return dict(conn.execute(query).one()._mapping)


def apply_push(conn: Connection, identity: Identity, request: PushRequest) -> PushResult:
    """Apply a batch once: a batch at or below what this store already had acked is a replay."""
    peer = touch_peer(conn, identity, request.node_id)
    if request.upto <= peer["acked_upto"]:
        return PushResult(acked=int(peer["acked_upto"]), applied=0, duplicate=True)
    applied = 0
    rejected: list[Rejection] = []
    with writing_as(conn, identity.origin):
        for name, payload in request.tables.items():
            entry = sync_table(name)
            if entry is None:
                rejected += _reject_all(name, payload, f"{name} is not a synced table")
                continue
            done, refused = _apply_table(conn, identity, entry, payload, request.batch_id)
            applied += done
            rejected += refused
    conn.execute(
        text(
            "UPDATE sync_peer SET acked_upto = :upto, last_batch_id = :batch, last_push_at = :at "
            "WHERE credential_id = :c AND node_id = :n"
        ),
        {
            "upto": request.upto,
            "batch": request.batch_id[:36],
            "at": dt.datetime.now(dt.UTC),
            "c": identity.credential_id,
            "n": request.node_id[:36],
        },
    )
    return PushResult(acked=request.upto, applied=applied, rejected=rejected)


def _reject_all(name: str, payload: TableRows, reason: str) -> list[Rejection]:
    ids = [str(row[payload.columns.index("id")]) for row in payload.rows if "id" in payload.columns]
    return [Rejection(name, row_id, reason) for row_id in ids + payload.deleted]


def _apply_table(
    conn: Connection, identity: Identity, entry: SyncTable, payload: TableRows, batch_id: str
) -> tuple[int, list[Rejection]]:
    if not entry.writable_by(identity.role):
        return 0, _reject_all(
            entry.name, payload, f"{entry.name} rows are written by the {entry.owner.value}"
        )
    table = table_for(conn, entry.name)
    rows, bad = decode_rows(conn, table, payload, batch_id)
    rejected = [Rejection(entry.name, row_id, reason) for row_id, reason in bad]
    deleted = list(payload.deleted)
    if entry.append_only and deleted:
        rejected += [
            Rejection(entry.name, i, "follow-up events are never deleted") for i in deleted
        ]
        deleted = []
    if identity.role is Role.FACILITY and entry.unit_column:
        rows, deleted, refused = _own_rows_only(conn, identity, entry, rows, deleted)
        rejected += refused
    if entry.append_only:
        insert_new(conn, table, rows)
    else:
        upsert(conn, table, rows)
        delete_ids(conn, table, deleted)
    return len(rows) + len(deleted), rejected


def _own_rows_only(
    conn: Connection,
    identity: Identity,
    entry: SyncTable,
    rows: list[dict[str, Any]],
    deleted: list[str],
) -> tuple[list[dict[str, Any]], list[str], list[Rejection]]:
    column = str(entry.unit_column)
    rejected = [
        Rejection(entry.name, r["id"], "the row belongs to another unit")
        for r in rows
        if r[column] != identity.hospcode
    ]
    rows = [r for r in rows if r[column] == identity.hospcode]
    stored = owners(conn, table_for(conn, entry.name), column, [r["id"] for r in rows] + deleted)
    taken = {i for i, unit in stored.items() if unit != identity.hospcode}
    rejected += [
        Rejection(entry.name, i, "the id is held by another unit's row")
        for i in [r["id"] for r in rows] + deleted
        if i in taken
    ]
    return (
        [r for r in rows if r["id"] not in taken],
        [i for i in deleted if i not in taken],
        rejected,
    )


def pull_page(conn: Connection, identity: Identity, request: PullRequest, unit: str) -> PullPage:
    """Rows changed after the request's cursor that `unit` (or a provincial reader) receives."""
    if identity.role is Role.PROVINCE and not unit:
        entries = conn.execute(
            text(
                "SELECT seq, table_name, row_id FROM sync_change "
                "WHERE seq > :c AND origin <> :me ORDER BY seq LIMIT :n"
            ),
            {"c": request.cursor, "me": identity.origin, "n": request.limit},
        ).all()
        readable = {entry.name for entry in REGISTRY}
    else:
        entries = conn.execute(
            text(
                "SELECT seq, table_name, row_id FROM sync_route "
                "WHERE hospcode IN (:unit, '*') AND seq > :c ORDER BY seq LIMIT :n"
            ),
            {"unit": unit, "c": request.cursor, "n": request.limit},
        ).all()
        readable = {entry.name for entry in REGISTRY if entry.owner is not Owner.FACILITY}
    ids: dict[str, list[str]] = {}
    for _seq, name, row_id in entries:
        if name in readable:
            ids.setdefault(str(name), []).append(str(row_id))
    tables = {
        entry.name: read_rows(conn, table_for(conn, entry.name), ids[entry.name])
        for entry in REGISTRY
        if entry.name in ids
    }
    cursor = int(entries[-1][0]) if entries else request.cursor
    return PullPage(cursor=cursor, tables=tables, more=len(entries) == request.limit)


def pull_unit(identity: Identity, requested: str | None) -> str:
    """The unit whose deliveries this pull reads ('' for a provincial reader's full feed)."""
    if identity.role is Role.FACILITY:
        if requested and requested != identity.hospcode:
            raise Forbidden("a unit's token reads only that unit's rows")
        return identity.hospcode
    return requested or ""


def record_pull(conn: Connection, identity: Identity, node_id: str, cursor: int) -> None:
    conn.execute(
        text(
            "UPDATE sync_peer SET pull_cursor = :cur, last_pull_at = :at "
            "WHERE credential_id = :c AND node_id = :n"
        ),
        {
            "cur": cursor,
            "at": dt.datetime.now(dt.UTC),
            "c": identity.credential_id,
            "n": node_id[:36],
        },
    )
