"""Server side: keeping the change log to what a provincial reader may still need.

The server's `sync_change` holds one entry per row, numbered (`seq`) when it changed last. Only
provincial readers follow it (units read their deliveries, `sync_route`), each by a cursor the
server records at every pull (`sync_peer.pull_cursor`, the cursor the reader has stored). An
entry numbered at or below every active reader's cursor has been read by all of them; it is
removed. Active: a provincial token not revoked that pulled within `ACTIVE_READER_DAYS`; a reader
idle longer, a new one (cursor 0) or one restored from a backup reads a snapshot of the tables
instead (`sync.server.snapshot`), so compaction never costs anyone a row, only a longer read.

The *horizon* (`sync_state` `log_horizon`) is the highest number that may have been removed. It
is raised, and committed, before anything is removed, and a pull checks it after reading the
log, so a pull that might have missed a removed entry always sees a horizon above its cursor
and turns to a snapshot.

Kept whatever the horizon: entries not yet numbered, and entries of deleted rows (tombstones):
a reader restored from a backup still holds such a row and learns of its deletion only there.

Removal runs in windows of `CHUNK` entries, each its own short transaction, skipping entries a
writer holds (PostgreSQL `SKIP LOCKED`: a writer re-recording a row never waits for compaction,
and compaction never waits for it), so it never holds up pushes on a big store.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, text

from store.engine import read_tx, write_tx
from store.outbox import forget_read, get_state, set_state
from sync.protocol import REGISTRY, Role
from sync.server.sequencer import COUNTER_KEY
from sync.server.settings import ACTIVE_READER_DAYS

HORIZON_KEY = "log_horizon"
PROGRESS_KEY = "log_compacted"
"""How far removal has gone: below it only tombstones and entries a writer held remain."""
CHUNK = 5_000


@dataclass(frozen=True)
class Compaction:
    """What one compaction did: the horizon it reached, entries removed and entries left."""

    horizon: int
    removed: int
    kept: int

    def to_json(self) -> dict[str, int]:
        return {"horizon": self.horizon, "removed": self.removed, "kept": self.kept}


def log_horizon(conn: Connection) -> int:
    """The highest change number that may have been removed from the log (0: none)."""
    return int(get_state(conn, HORIZON_KEY) or 0)


def _target(conn: Connection, now: dt.datetime, active_days: int) -> int:
    """The lowest cursor of an active provincial reader, else everything numbered so far."""
    since = now - dt.timedelta(days=active_days)
    slowest = conn.execute(
        text(
            "SELECT min(p.pull_cursor) FROM sync_peer p "
            "JOIN sync_credential c ON c.id = p.credential_id "
            "WHERE c.kind = :kind AND c.revoked_at IS NULL AND p.last_pull_at >= :since"
        ),
        {"kind": Role.PROVINCE.value, "since": since},
    ).scalar()
    if slowest is not None:
        return int(slowest)
    return int(get_state(conn, COUNTER_KEY) or 0)


def _raise_horizon(engine: Engine, now: dt.datetime, active_days: int) -> int:
    with write_tx(engine) as conn:
        horizon = max(log_horizon(conn), _target(conn, now, active_days))
        set_state(conn, HORIZON_KEY, str(horizon))
        return horizon


def _window_end(conn: Connection, after: int, horizon: int, chunk: int) -> int:
    """The number `chunk` entries past `after` (at most the horizon)."""
    end = conn.execute(
        text(
            "SELECT seq FROM sync_change WHERE seq > :after AND seq <= :h "
            "ORDER BY seq LIMIT 1 OFFSET :skip"
        ),
        {"after": after, "h": horizon, "skip": chunk - 1},
    ).scalar()
    return horizon if end is None else int(end)


def _remove_window(conn: Connection, after: int, end: int) -> int:
    removed = forget_read(conn, after, end, [entry.name for entry in REGISTRY])
    set_state(conn, PROGRESS_KEY, str(end))
    return removed


def compact_log(
    engine: Engine,
    *,
    chunk: int = CHUNK,
    active_days: int = ACTIVE_READER_DAYS,
    now: dt.datetime | None = None,
) -> Compaction:
    """Remove the entries every active provincial reader has read, window by window."""
    horizon = _raise_horizon(engine, now or dt.datetime.now(dt.UTC), active_days)
    removed = 0
    with read_tx(engine) as conn:
        done = int(get_state(conn, PROGRESS_KEY) or 0)
    while done < horizon:
        with write_tx(engine) as conn:
            end = _window_end(conn, done, horizon, chunk)
            removed += _remove_window(conn, done, end)
        done = end
    with read_tx(engine) as conn:
        kept = int(conn.execute(text("SELECT count(*) FROM sync_change")).scalar() or 0)
    return Compaction(horizon=horizon, removed=removed, kept=kept)
