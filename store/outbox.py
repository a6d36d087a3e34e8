"""Change capture for synced tables: triggers feed `sync_change` in the writer's transaction.

Why triggers rather than a hook in the writing code: every writer of a synced table (the importer,
the follow-up log, a province's bulk load into the server's PostgreSQL, a future module, an
administrator's SQL) lands in the outbox in the same transaction without knowing that sync exists,
so nothing can forget it and a rolled-back write leaves no entry. The cost is one small indexed
delete and insert per changed row, and DDL per dialect, which lives here and nowhere else.

What a trigger records is only *which* row changed (table, id); the content is read when the row
is sent, so an entry never carries stale data. An update that leaves every column but the
provenance columns (`IGNORED_COLUMNS`) as it was records nothing.

Who is writing is told to the triggers through the transaction's *capture mode*:
- not set: a local write, recorded with an empty origin;
- `SKIP` (`applying_remote`): rows applied from a pull, not recorded (they must not bounce back);
- any other text (`writing_as`): rows applied by the server for a client, recorded with that
  origin so that they are not echoed to the client that sent them.
On SQLite the mode is a row of `sync_state` written inside the transaction (SQLite has one writer
at a time); on PostgreSQL it is a transaction-local setting (`set_config(..., true)`).

Caution for later migrations: on SQLite, `batch_alter_table` rebuilds a table and drops its
triggers. A migration that alters a synced table must call `install_capture` for it again
(the sync tests check that every synced table is captured at the head revision).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, inspect, text

CAPTURE_KEY = "capture"
CAPTURE_SETTING = "sitthi.capture"
SKIP = "-"
IGNORED_COLUMNS = ("batch_id",)
"""Provenance columns local to a store: a change to them alone is not a change to sync."""

_PG_FUNCTION = "sitthi_capture_change"


@dataclass(frozen=True)
class OutboxEntry:
    id: int
    table_name: str
    row_id: str


def _trigger_name(table: str, op: str) -> str:
    return f"sync_capture_{table}_{op}"


def _sqlite_columns(conn: Connection, table: str) -> list[str]:
    return [col["name"] for col in inspect(conn).get_columns(table)]


def _sqlite_triggers(conn: Connection, table: str) -> list[str]:
    mode = f"(SELECT value FROM sync_state WHERE key = '{CAPTURE_KEY}')"
    active = f"coalesce({mode}, '') <> '{SKIP}'"
    origin = f"coalesce({mode}, '')"
    compared = [c for c in _sqlite_columns(conn, table) if c not in IGNORED_COLUMNS]
    changed = " OR ".join(f'OLD."{c}" IS NOT NEW."{c}"' for c in compared)

    def record(ref: str) -> str:
        return (
            f"DELETE FROM sync_change WHERE table_name = '{table}' AND row_id = {ref}; "
            "INSERT INTO sync_change (table_name, row_id, seq, origin) "
            f"VALUES ('{table}', {ref}, NULL, {origin});"
        )

    old_id_too = (
        f"DELETE FROM sync_change WHERE table_name = '{table}' AND row_id = OLD.id "
        "AND OLD.id IS NOT NEW.id; "
        "INSERT INTO sync_change (table_name, row_id, seq, origin) "
        f"SELECT '{table}', OLD.id, NULL, {origin} WHERE OLD.id IS NOT NEW.id;"
    )
    return [
        f'CREATE TRIGGER "{_trigger_name(table, "insert")}" AFTER INSERT ON "{table}" '
        f"WHEN {active} BEGIN {record('NEW.id')} END",
        f'CREATE TRIGGER "{_trigger_name(table, "update")}" AFTER UPDATE ON "{table}" '
        f"WHEN {active} AND ({changed}) BEGIN {old_id_too} {record('NEW.id')} END",
        f'CREATE TRIGGER "{_trigger_name(table, "delete")}" AFTER DELETE ON "{table}" '
        f"WHEN {active} BEGIN {record('OLD.id')} END",
    ]


_PG_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {_PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    mode text := coalesce(current_setting('{CAPTURE_SETTING}', true), '');
    ids text[];
    rid text;
BEGIN
    IF mode = '{SKIP}' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        ids := ARRAY[NEW.id::text];
    ELSIF TG_OP = 'DELETE' THEN
        ids := ARRAY[OLD.id::text];
    ELSIF OLD.id IS DISTINCT FROM NEW.id THEN
        ids := ARRAY[OLD.id::text, NEW.id::text];
    ELSIF (to_jsonb(OLD) - TG_ARGV) = (to_jsonb(NEW) - TG_ARGV) THEN
        RETURN NULL;
    ELSE
        ids := ARRAY[NEW.id::text];
    END IF;
    FOREACH rid IN ARRAY ids LOOP
        INSERT INTO sync_change (table_name, row_id, seq, origin)
        VALUES (TG_TABLE_NAME, rid, NULL, mode)
        ON CONFLICT (table_name, row_id) DO UPDATE
        SET id = nextval(pg_get_serial_sequence('sync_change', 'id')), seq = NULL,
            origin = EXCLUDED.origin;
    END LOOP;
    RETURN NULL;
END
$$
"""


def _pg_trigger(table: str) -> str:
    ignored = ", ".join(f"'{c}'" for c in IGNORED_COLUMNS)
    return (
        f'CREATE TRIGGER "{_trigger_name(table, "row")}" '
        f'AFTER INSERT OR UPDATE OR DELETE ON "{table}" '
        f"FOR EACH ROW EXECUTE FUNCTION {_PG_FUNCTION}({ignored})"
    )


def install_capture(conn: Connection, tables: Iterable[str]) -> None:
    """Create (or re-create) the capture triggers of `tables`; safe to run again."""
    drop_capture(conn, tables)
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(_PG_FUNCTION_SQL)
        for table in tables:
            conn.exec_driver_sql(_pg_trigger(table))
        return
    for table in tables:
        for statement in _sqlite_triggers(conn, table):
            conn.exec_driver_sql(statement)


def drop_capture(conn: Connection, tables: Iterable[str]) -> None:
    """Remove the capture triggers of `tables` (the changes recorded so far stay)."""
    for table in tables:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(
                f'DROP TRIGGER IF EXISTS "{_trigger_name(table, "row")}" ON "{table}"'
            )
            continue
        for op in ("insert", "update", "delete"):
            conn.exec_driver_sql(f'DROP TRIGGER IF EXISTS "{_trigger_name(table, op)}"')


def captured_tables(conn: Connection) -> set[str]:
    """The tables whose every change is captured (all their triggers present)."""
    if conn.dialect.name == "postgresql":
        rows = conn.execute(
            text(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname = 'sync_capture_' || c.relname || '_row' AND NOT t.tgisinternal"
            )
        )
        return {row[0] for row in rows}
    names = {
        row[0]
        for row in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
    }
    tables = {
        row[0]
        for row in conn.execute(text("SELECT tbl_name FROM sqlite_master WHERE type = 'trigger'"))
    }
    return {
        table
        for table in tables
        if all(_trigger_name(table, op) in names for op in ("insert", "update", "delete"))
    }


def _set_mode(conn: Connection, value: str) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(
            text("SELECT set_config(:name, :value, true)"),
            {"name": CAPTURE_SETTING, "value": value},
        )
        return
    set_state(conn, CAPTURE_KEY, value)


@contextmanager
def writing_as(conn: Connection, origin: str) -> Iterator[Connection]:
    """Within the caller's transaction: changes are recorded with `origin` (SKIP: not at all)."""
    _set_mode(conn, origin)
    try:
        yield conn
    finally:
        _set_mode(conn, "")


@contextmanager
def applying_remote(conn: Connection) -> Iterator[Connection]:
    """Within the caller's transaction: rows applied from a pull, kept out of the outbox."""
    with writing_as(conn, SKIP):
        yield conn


def get_state(conn: Connection, key: str) -> str | None:
    return conn.execute(text("SELECT value FROM sync_state WHERE key = :k"), {"k": key}).scalar()


def set_state(conn: Connection, key: str, value: str) -> None:
    conn.execute(
        text(
            "INSERT INTO sync_state (key, value) VALUES (:k, :v) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        ),
        {"k": key, "v": value},
    )


def pending_count(conn: Connection, tables: Iterable[str] | None = None) -> int:
    """How many changed rows wait in the outbox (only of `tables` when given)."""
    if tables is None:
        return int(conn.execute(text("SELECT count(*) FROM sync_change")).scalar() or 0)
    names = list(tables)
    if not names:
        return 0
    stmt = text("SELECT count(*) FROM sync_change WHERE table_name IN :names").bindparams(
        bindparam("names", expanding=True)
    )
    return int(conn.execute(stmt, {"names": names}).scalar() or 0)


def pending_entries(conn: Connection, limit: int, after: int = 0) -> list[OutboxEntry]:
    """The oldest outbox entries with an id above `after`, in the order they were recorded."""
    rows = conn.execute(
        text(
            "SELECT id, table_name, row_id FROM sync_change WHERE id > :after ORDER BY id LIMIT :n"
        ),
        {"after": after, "n": limit},
    )
    return [OutboxEntry(int(r[0]), str(r[1]), str(r[2])) for r in rows]


def acknowledge(conn: Connection, upto: int) -> int:
    """Remove the entries the server has applied (ids up to `upto`); edits made since remain."""
    result = conn.execute(text("DELETE FROM sync_change WHERE id <= :upto"), {"upto": upto})
    return int(result.rowcount or 0)


def forget_read(conn: Connection, after: int, upto: int, tables: Iterable[str]) -> int:
    """Server side: remove the entries numbered in (`after`, `upto`] of rows of `tables` that
    still exist (an entry of a deleted row is kept: it is how a reader learns of the deletion).

    On PostgreSQL entries a writer holds are skipped, not waited for (`SKIP LOCKED`): the
    writer is re-recording that row, which gives it a new number anyway."""
    exists = " OR ".join(
        f"(c.table_name = '{name}' AND EXISTS (SELECT 1 FROM \"{name}\" r WHERE r.id = c.row_id))"
        for name in tables
    )
    if not exists:
        return 0
    skip_locked = " FOR UPDATE SKIP LOCKED" if conn.dialect.name == "postgresql" else ""
    removed = conn.execute(
        text(
            "DELETE FROM sync_change WHERE id IN (SELECT c.id FROM sync_change c "
            f"WHERE c.seq > :after AND c.seq <= :upto AND ({exists}){skip_locked})"
        ),
        {"after": after, "upto": upto},
    ).rowcount
    return int(removed or 0)


def discard(conn: Connection, ids: Sequence[int]) -> None:
    """Drop entries that are not for sending from this store (rows it does not own)."""
    if ids:
        stmt = text("DELETE FROM sync_change WHERE id IN :ids").bindparams(
            bindparam("ids", expanding=True)
        )
        conn.execute(stmt, {"ids": list(ids)})


def requeue_all(conn: Connection, tables: Iterable[str]) -> int:
    """Record every stored row of `tables` as changed (rows already waiting keep their place):
    a store that cannot know what the server holds sends it everything it owns again."""
    added = 0
    for table in tables:
        result = conn.execute(
            text(
                "INSERT INTO sync_change (table_name, row_id, seq, origin) "
                f"SELECT :t, id, NULL, '' FROM \"{table}\" WHERE true ORDER BY id "
                "ON CONFLICT (table_name, row_id) DO NOTHING"
            ),
            {"t": table},
        )
        added += int(result.rowcount or 0)
    return added
