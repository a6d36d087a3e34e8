"""Server side: what a pull returns, and applying what a push sends, under the ownership rules.

A unit reads the rows routed to it (province-owned rows and follow-up events about its people);
a provincial reader reads every change but its own, from the change log while its cursor is at
or above the log's compaction horizon, else by a snapshot of the tables (`sync.server.snapshot`).
A unit writes only rows naming its own hospcode, and never a row whose id is already held by
another unit's row; the province writes only province-owned tables; both append follow-up
events, which are never changed or deleted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, select, text
from sqlalchemy.exc import DataError, IntegrityError, ProgrammingError

from store.outbox import writing_as
from sync.protocol import (
    PROTOCOL_VERSION,
    REGISTRY,
    SNAPSHOT_PROTOCOL_VERSION,
    Owner,
    ProtocolError,
    PullPage,
    PullRequest,
    PushRequest,
    PushResult,
    Rejection,
    Role,
    SyncTable,
    TableRows,
)
from sync.server.auth import HOSPCODE_PATTERN, Identity
from sync.server.compaction import log_horizon
from sync.server.sequencer import route_own_log_back
from sync.server.settings import TrustSettings
from sync.server.snapshot import Position, snapshot_page, start
from sync.server.trust import check_rows, reason
from sync.wire_rows import decode_rows, delete_ids, insert_new, owners, read_rows, table_for, upsert

MAX_POSITION_JUMP = 1_000_000_000
"""How far past its acknowledged position a store's next batch may claim to reach: far more
than any store records between two syncs, and what keeps a made-up position (2^62) from
making every later batch of the store look already seen."""


MAX_ID_CHARS = 36


class Forbidden(PermissionError):
    """A request the token may not make; the text says why.

    Not a `SitthiError`: the server answers it as a 403 `ApiError` (see there)."""


class TooOld(Exception):
    """A reader that needs a snapshot speaks a protocol without snapshots; the text says so.
    Not a `SitthiError`: answered as a 426 ApiError asking for the province's version."""


def _check_id(value: str, what: str) -> None:
    """A store or batch id is short printable text (it is kept in the server's store)."""
    if not value or len(value) > MAX_ID_CHARS or not value.isprintable():
        raise ProtocolError(f"{what} must be 1 to {MAX_ID_CHARS} printable characters")


def touch_peer(conn: Connection, identity: Identity, node_id: str) -> dict[str, Any]:
    """The peer record of this client store, created on first contact and locked for update.

    A unit's store seen for the first time receives the unit's own follow-ups
    (`sequencer.route_own_log_back`): a store restored from a backup comes back under a new
    identity and may lack some."""
    _check_id(node_id, "'node_id'")
    first_contact = conn.execute(
        text(
            "INSERT INTO sync_peer (credential_id, node_id, acked_upto, last_batch_id, "
            "pull_cursor) VALUES (:c, :n, 0, '', 0) ON CONFLICT DO NOTHING"
        ),
        {"c": identity.credential_id, "n": node_id[:36]},
    ).rowcount
    if first_contact and identity.role is Role.FACILITY:
        route_own_log_back(conn, identity.hospcode)
    table = table_for(conn, "sync_peer")
    query = (
        select(table)
        .where(table.c.credential_id == identity.credential_id, table.c.node_id == node_id[:36])
        .with_for_update()
    )
    return dict(conn.execute(query).one()._mapping)


def apply_push(
    conn: Connection,
    identity: Identity,
    request: PushRequest,
    settings: TrustSettings | None = None,
) -> PushResult:
    """Apply a batch once: a batch at or below what this store already had acked is a replay.

    Tables are applied in the registry's order (a person before the follow-ups about them),
    each row checked against the token (`sync.server.trust`); a row the database refuses is
    refused alone and the rest of the batch is applied.
    """
    _check_id(request.batch_id, "'batch_id'")
    peer = touch_peer(conn, identity, request.node_id)
    if request.upto <= peer["acked_upto"]:
        return PushResult(acked=int(peer["acked_upto"]), applied=0, duplicate=True)
    if request.upto > int(peer["acked_upto"]) + MAX_POSITION_JUMP:
        raise ProtocolError(reason("position_jump", jump=MAX_POSITION_JUMP))
    applied = 0
    rejected: list[Rejection] = []
    known = {entry.name for entry in REGISTRY}
    with writing_as(conn, identity.origin):
        for name in [n for n in request.tables if n not in known]:
            rejected += _reject_all(name, request.tables[name], reason("not_synced", table=name))
        for entry in REGISTRY:
            if entry.name in request.tables:
                done, refused = _apply_table(
                    conn,
                    identity,
                    entry,
                    request.tables[entry.name],
                    request.batch_id,
                    settings or TrustSettings(),
                )
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


def _reject_all(name: str, payload: TableRows, why: str) -> list[Rejection]:
    ids = [str(row[payload.columns.index("id")]) for row in payload.rows if "id" in payload.columns]
    return [Rejection(name, row_id, why) for row_id in ids + payload.deleted]


def _apply_table(
    conn: Connection,
    identity: Identity,
    entry: SyncTable,
    payload: TableRows,
    batch_id: str,
    settings: TrustSettings,
) -> tuple[int, list[Rejection]]:
    if not entry.writable_by(identity.role):
        return 0, _reject_all(
            entry.name, payload, reason("owner", table=entry.name, owner=entry.owner.value)
        )
    table = table_for(conn, entry.name)
    rows, bad = decode_rows(conn, table, payload, batch_id)
    rejected = [Rejection(entry.name, row_id, why) for row_id, why in bad]
    deleted = list(payload.deleted)
    if entry.append_only and deleted:
        rejected += [Rejection(entry.name, i, reason("never_deleted")) for i in deleted]
        deleted = []
    rows, refused = check_rows(conn, identity, entry, rows, settings)
    rejected += refused
    if identity.role is Role.FACILITY and entry.unit_column:
        rows, deleted, refused = _own_rows_only(conn, identity, entry, rows, deleted)
        rejected += refused
    from sync.ingest.importer import version_columns

    version = version_columns().get(entry.name)

    def write(chunk: list[dict[str, Any]]) -> None:
        if entry.append_only:
            insert_new(conn, table, chunk)
        else:
            upsert(conn, table, chunk, version)

    written, refused = _write_each_apart_on_failure(conn, entry.name, write, rows)
    rejected += refused
    if not entry.append_only:
        delete_ids(conn, table, deleted)
    return written + len(deleted), rejected


def _write_each_apart_on_failure(
    conn: Connection,
    name: str,
    write: Callable[[list[dict[str, Any]]], None],
    rows: list[dict[str, Any]],
) -> tuple[int, list[Rejection]]:
    """Write the rows together; if the database refuses that, write them one by one and refuse
    only those it refuses (each in a savepoint, so the transaction goes on)."""
    if not rows:
        return 0, []
    try:
        with conn.begin_nested():
            write(rows)
        return len(rows), []
    except (DataError, IntegrityError, ProgrammingError):
        pass
    written = 0
    refused: list[Rejection] = []
    for row in rows:
        try:
            with conn.begin_nested():
                write([row])
            written += 1
        except (DataError, IntegrityError, ProgrammingError) as exc:
            kind = type(exc.orig or exc).__name__
            refused.append(Rejection(name, row["id"], reason("database", kind=kind)))
    return written, refused


def _own_rows_only(
    conn: Connection,
    identity: Identity,
    entry: SyncTable,
    rows: list[dict[str, Any]],
    deleted: list[str],
) -> tuple[list[dict[str, Any]], list[str], list[Rejection]]:
    """Rows and deletions the unit may make: never of an id another unit's row holds."""
    column = str(entry.unit_column)
    stored = owners(conn, table_for(conn, entry.name), column, [r["id"] for r in rows] + deleted)
    taken = {i for i, unit in stored.items() if unit != identity.hospcode}
    rejected = [
        Rejection(entry.name, i, reason("id_taken"))
        for i in [r["id"] for r in rows] + deleted
        if i in taken
    ]
    return (
        [r for r in rows if r["id"] not in taken],
        [i for i in deleted if i not in taken],
        rejected,
    )


def pull_page(
    conn: Connection,
    identity: Identity,
    request: PullRequest,
    unit: str,
    client_protocol: int = PROTOCOL_VERSION,
) -> PullPage:
    """Rows changed after the request's cursor that `unit` (or a provincial reader) receives."""
    if identity.role is Role.PROVINCE and not unit:
        entries = conn.execute(
            text(
                "SELECT seq, table_name, row_id FROM sync_change "
                "WHERE seq > :c AND origin <> :me ORDER BY seq LIMIT :n"
            ),
            {"c": request.cursor, "me": identity.origin, "n": request.limit},
        ).all()
        horizon = log_horizon(conn)
        if request.snapshot or request.cursor < horizon:
            if client_protocol < SNAPSHOT_PROTOCOL_VERSION:
                raise TooOld(
                    "this reader is older than the server's change log and needs a snapshot, "
                    f"which protocol {SNAPSHOT_PROTOCOL_VERSION} brings: install the Sitthi "
                    "version the province uses"
                )
            at = Position.decode(request.snapshot) if request.snapshot else start(conn)
            return snapshot_page(conn, request, at, identity.origin, horizon)
        readable = {entry.name for entry in REGISTRY}
    else:
        if request.snapshot:
            raise ProtocolError("'snapshot' belongs to a provincial reader's full feed")
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
    if requested and not HOSPCODE_PATTERN.fullmatch(requested):
        raise ProtocolError("'unit' must be a hospcode")
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
