"""Server side: giving committed changes their pull sequence numbers and their recipients.

Writers (pushes, a province's `sitthi import` straight into the server's store) only record that
a row changed (`sync_change`, seq NULL). Numbers are handed out afterwards, by one sequencer at a
time holding the counter row, in a transaction that commits them all at once. A number is thus
only ever given to a committed change, and every number given later is larger, so a reader that
has seen number N has seen every change numbered up to N: the pull cursor can never skip a
change that committed late, which numbering inside the writers' transactions would allow.

In the same transaction the sequencer decides which units receive each changed row (the table's
`Route`s in the protocol registry) and renumbers the row's deliveries (`sync_route`), so each
unit's pull meets the row again. A person a unit sends adds that unit as a recipient of the
NHSO records already held for the person's CID, whenever they were loaded.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine, text

from store.engine import read_tx, write_tx
from store.outbox import get_state, set_state
from sync.protocol import ALL_UNITS, PERSON_CID_COLUMN, PERSON_TABLE, REGISTRY, SyncTable

COUNTER_KEY = "server_seq"
CLAIMED = 0
"""`seq` of the changes the running sequencer has taken (real numbers start at 1)."""
ROUND_LIMIT = 20_000


def ensure_counter(engine: Engine) -> None:
    with write_tx(engine) as conn:
        if get_state(conn, COUNTER_KEY) is None:
            set_state(conn, COUNTER_KEY, "0")


def has_pending(engine: Engine) -> bool:
    with read_tx(engine) as conn:
        return (
            conn.execute(text("SELECT 1 FROM sync_change WHERE seq IS NULL LIMIT 1")).first()
            is not None
        )


def sequence_pending(engine: Engine, *, limit: int = ROUND_LIMIT) -> int:
    """Number the committed, unnumbered changes (after any sequencer at work); how many."""
    total = 0
    while has_pending(engine):
        with write_tx(engine) as conn:
            done = _round(conn, limit=limit)
        total += done
        if done < limit:
            break
    return total


def _lock_counter(conn: Connection) -> int | None:
    """The counter, locked until commit (on SQLite the write transaction is the lock)."""
    if conn.dialect.name == "postgresql":
        value = conn.execute(
            text("SELECT value FROM sync_state WHERE key = :k FOR UPDATE"), {"k": COUNTER_KEY}
        ).scalar()
    else:
        value = get_state(conn, COUNTER_KEY)
    return None if value is None else int(value)


def _round(conn: Connection, *, limit: int) -> int:
    counter = _lock_counter(conn)
    if counter is None:
        return 0
    skip_locked = " FOR UPDATE SKIP LOCKED" if conn.dialect.name == "postgresql" else ""
    claimed = conn.execute(
        text(
            f"UPDATE sync_change SET seq = {CLAIMED} WHERE id IN ("
            f"SELECT id FROM sync_change WHERE seq IS NULL ORDER BY id LIMIT :n{skip_locked})"
        ),
        {"n": limit},
    ).rowcount
    if not claimed:
        return 0
    for entry in REGISTRY:
        _add_routes(conn, entry)
    _renumber_deliveries(conn)
    routes = _number(conn, "sync_route", "seq IS NULL", counter)
    changes = _number(conn, "sync_change", f"seq = {CLAIMED}", counter + routes)
    set_state(conn, COUNTER_KEY, str(counter + routes + changes))
    return int(claimed)


def _add_routes(conn: Connection, entry: SyncTable) -> None:
    claimed = f"c.seq = {CLAIMED} AND c.table_name = '{entry.name}'"
    insert = "INSERT INTO sync_route (table_name, row_id, hospcode) "
    conflict = " ON CONFLICT (table_name, row_id, hospcode) DO NOTHING"
    for route in entry.routes:
        if route.all_units:
            conn.execute(
                text(
                    f"{insert}SELECT c.table_name, c.row_id, '{ALL_UNITS}' "
                    f"FROM sync_change c JOIN {entry.name} r ON r.id = c.row_id "
                    f"WHERE {claimed}{conflict}"
                )
            )
        if route.column:
            col = f"r.{route.column}"
            conn.execute(
                text(
                    f"{insert}SELECT DISTINCT c.table_name, c.row_id, {col} "
                    f"FROM sync_change c JOIN {entry.name} r ON r.id = c.row_id "
                    f"WHERE {claimed} AND {col} <> '' AND {col} <> '{ALL_UNITS}' "
                    f"AND {col} <> c.origin{conflict}"
                )
            )
        if route.cid_column:
            cid = f"r.{route.cid_column}"
            conn.execute(
                text(
                    f"{insert}SELECT DISTINCT c.table_name, c.row_id, p.hospcode "
                    f"FROM sync_change c JOIN {entry.name} r ON r.id = c.row_id "
                    f"JOIN {PERSON_TABLE} p ON p.{PERSON_CID_COLUMN} = {cid} "
                    f"WHERE {claimed} AND {cid} <> ''{conflict}"
                )
            )
            conn.execute(
                text(
                    f"{insert}SELECT DISTINCT '{entry.name}', r.id, p.hospcode "
                    f"FROM sync_change c JOIN {PERSON_TABLE} p ON p.id = c.row_id "
                    f"JOIN {entry.name} r ON {cid} = p.{PERSON_CID_COLUMN} "
                    f"WHERE c.seq = {CLAIMED} AND c.table_name = '{PERSON_TABLE}' "
                    f"AND p.{PERSON_CID_COLUMN} <> ''{conflict}"
                )
            )


def _renumber_deliveries(conn: Connection) -> None:
    conn.execute(
        text(
            "UPDATE sync_route SET seq = NULL WHERE seq IS NOT NULL AND EXISTS ("
            "SELECT 1 FROM sync_change c WHERE c.seq = :claimed "
            "AND c.table_name = sync_route.table_name AND c.row_id = sync_route.row_id)"
        ),
        {"claimed": CLAIMED},
    )


def _number(conn: Connection, table: str, where: str, base: int) -> int:
    result = conn.execute(
        text(
            f"UPDATE {table} SET seq = :base + n.rn FROM ("
            f"SELECT id, row_number() OVER (ORDER BY id) AS rn FROM {table} WHERE {where}"
            f") AS n WHERE {table}.id = n.id"
        ),
        {"base": base},
    )
    return int(result.rowcount or 0)
