"""Writing rows by stable id: new rows inserted, newer versions replace older, nothing doubled.

Which rows are new, newer or as new as their stored copy is read first, a chunk of ids at a
time, and rows whose stored copy is as new are not sent at all (which also gives exact counts).
The comparison is made on the values as stored (SQLite compares the text SQLAlchemy writes for
dates, PostgreSQL the dates), as `excluded.<version> > <table>.<version>` would in SQL.

- PostgreSQL (several writers at once): one `INSERT ... SELECT ... FROM unnest(<one array per
  column>) ON CONFLICT (id) DO UPDATE ... WHERE excluded.<version> > <table>.<version>` for all
  the rows of a chunk, so a row another writer stored meanwhile is still only replaced by a
  newer one, and a chunk costs one statement rather than one per row.
- SQLite (one writer, which holds the write lock since `BEGIN IMMEDIATE`, so what was read is
  what is stored): a plain `INSERT OR ROLLBACK` of the new rows and an `UPDATE OR ROLLBACK ...
  WHERE id = ? AND ? > <version>` of the newer ones. `OR ROLLBACK` makes a row the store refuses
  end the whole transaction at once: the file is refused in full then anyway, and it spares
  SQLite an undo journal for every statement, which with the outbox triggers (every row is a
  write to two tables) cost more than the row itself. An upsert cannot have it: its update part
  always keeps the undo journal.

Large exports are the norm, so the statements, compiled by SQLAlchemy Core, are given to the
driver directly, with values that went through each column's bind processing once per distinct
value (dates repeat a great deal): the same SQL and the same stored forms as
`Connection.execute(stmt, rows)`, without its per-row parameter handling, which costs more than
the database's own work.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Dialect, Table, bindparam, cast, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from sync.ingest.limits import WRITE_CHUNK

ON_FAILURE = "OR ROLLBACK"
"""SQLite's conflict clause for the import's writes (see the module text)."""
SQLITE_MAX_PARAMS = 999
"""Parameters one SQLite statement may have in every SQLite version Python links to."""
WHERE_ID = "where_id"
WHERE_VERSION = "where_version"


def _insert(conn: Connection, target: Table) -> Any:
    if conn.dialect.name == "sqlite":
        return sqlite.insert(target)
    if conn.dialect.name == "postgresql":
        return postgresql.insert(target)
    raise NotImplementedError(f"no insert ... on conflict for the {conn.dialect.name} dialect")


def _comparable(value: object) -> object:
    """Aware datetimes as naive UTC: stored timestamps come back naive."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def _is_newer(incoming: object, stored: object) -> bool:
    if stored is None:
        return True
    return _comparable(incoming) > _comparable(stored)  # type: ignore[operator]


BoundColumns = dict[str, list[Any]]
"""Target column → the bound (driver) value of each row."""


def _bind_columns(
    dialect: Dialect, target: Table, values: Mapping[str, Sequence[object]], rows: Sequence[int]
) -> BoundColumns:
    """The rows at `rows` of `values`, column by column, in the form the driver is given."""
    bound: BoundColumns = {}
    for name, source in values.items():
        column = _pick(source, rows)
        process = target.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            distinct = set(column)
            memo = dict(zip(distinct, map(process, distinct), strict=True))
            column = list(map(memo.__getitem__, column))
        bound[name] = column
    return bound


class _DriverStatement:
    """A compiled statement run with executemany, and which bound column feeds each parameter."""

    def __init__(
        self,
        conn: Connection,
        target: Table,
        stmt: Any,
        names: Sequence[str],
        renamed: Mapping[str, str] | None = None,
    ) -> None:
        compiled = stmt.compile(dialect=conn.dialect, column_keys=list(names))
        self.sql: str = compiled.string
        self.params: list[str] = list(compiled.positiontup or ())
        renamed = renamed or {}
        self.sources = {name: renamed.get(name, name) for name in self.params}
        self.defaults = {
            name: _scalar_default(target, name)
            for name in self.params
            if name not in names and name not in renamed
        }

    def run(self, conn: Connection, bound: BoundColumns, rows: Sequence[int]) -> None:
        """Execute for the rows at positions `rows` of the bound columns."""
        if not rows:
            return
        columns: list[Sequence[Any]] = []
        for name in self.params:
            if name in self.defaults:
                columns.append([self.defaults[name]] * len(rows))
            else:
                columns.append(_pick(bound[self.sources[name]], rows))
        conn.exec_driver_sql(self.sql, list(zip(*columns, strict=True)))


def _pick(column: Sequence[Any], rows: Sequence[int]) -> list[Any]:
    """`column[i]` for each `i` in `rows`: a slice when they are consecutive."""
    if len(rows) < 2:
        return [column[i] for i in rows]
    first, last = rows[0], rows[-1]
    if last - first + 1 == len(rows):
        return list(column[first : last + 1])
    return list(operator.itemgetter(*rows)(column))


def _scalar_default(target: Table, name: str) -> object:
    default = target.c[name].default
    if default is None or not getattr(default, "is_scalar", False):
        raise ValueError(f"{target.name}.{name}: no value given and no plain default")
    return default.arg  # type: ignore[attr-defined]


class _SqliteWriter:
    """`INSERT OR ROLLBACK` of the new rows, `UPDATE OR ROLLBACK` of the newer ones."""

    def __init__(self, conn: Connection, target: Table, version: str, names: Sequence[str]) -> None:
        self.insert = _DriverStatement(
            conn, target, sqlite.insert(target).prefix_with(ON_FAILURE), names
        )
        replace = (
            update(target)
            .prefix_with(ON_FAILURE)
            .where(target.c.id == bindparam(WHERE_ID))
            .where(bindparam(WHERE_VERSION) > target.c[version])
        )
        changed = [name for name in names if name != "id"]
        renamed = {WHERE_ID: "id", WHERE_VERSION: version}
        self.update = _DriverStatement(conn, target, replace, changed, renamed)

    def write(
        self, conn: Connection, bound: BoundColumns, new: Sequence[int], newer: Sequence[int]
    ) -> None:
        self.insert.run(conn, bound, new)
        self.update.run(conn, bound, newer)


class _PostgresWriter:
    """One upsert statement for all the rows of a chunk, each column sent as one array.

    The arrays go in psycopg's binary format (`%(name)b`): in text format psycopg quotes every
    element of a list with a regular expression, which costs more than the database's work.
    """

    def __init__(self, conn: Connection, target: Table, version: str, names: Sequence[str]) -> None:
        columns = [c.name for c in target.c if c.name in names or c.default is not None]
        self.defaults = {n: _scalar_default(target, n) for n in columns if n not in names}
        arrays = [cast(bindparam(n), postgresql.ARRAY(target.c[n].type)) for n in columns]
        rows = func.unnest(*arrays).table_valued(*columns).render_derived()
        stmt = postgresql.insert(target).from_select(columns, select(*rows.c))
        stmt = stmt.on_conflict_do_update(
            index_elements=[target.c.id],
            set_={name: stmt.excluded[name] for name in names if name != "id"},
            where=stmt.excluded[version] > target.c[version],
        )
        sql = stmt.compile(dialect=conn.dialect).string
        for name in columns:
            sql = sql.replace(f"%({name})s", f"%({name})b")
        self.sql: str = sql
        self.columns = columns

    def write(
        self, conn: Connection, bound: BoundColumns, new: Sequence[int], newer: Sequence[int]
    ) -> None:
        rows = sorted([*new, *newer])
        if not rows:
            return
        arrays = {
            name: [self.defaults[name]] * len(rows)
            if name in self.defaults
            else _pick(bound[name], rows)
            for name in self.columns
        }
        conn.exec_driver_sql(self.sql, arrays)


def _writer(
    conn: Connection, target: Table, version: str, names: Sequence[str]
) -> _SqliteWriter | _PostgresWriter:
    if conn.dialect.name == "sqlite":
        return _SqliteWriter(conn, target, version, names)
    if conn.dialect.name == "postgresql":
        return _PostgresWriter(conn, target, version, names)
    raise NotImplementedError(f"no upsert for the {conn.dialect.name} dialect")


def _stored_versions(
    conn: Connection, target: Table, version: str, ids: Sequence[str]
) -> dict[str, object]:
    """id → stored `version` (as the driver returns it) of the stored rows among `ids`."""
    quote = conn.dialect.identifier_preparer.quote
    head = f"SELECT {quote('id')}, {quote(version)} FROM {quote(target.name)} WHERE {quote('id')}"
    if conn.dialect.name == "postgresql":
        found = conn.exec_driver_sql(f"{head} = ANY(%s)", (list(ids),))
        return {str(row_id): value for row_id, value in found}
    stored: dict[str, object] = {}
    for start in range(0, len(ids), SQLITE_MAX_PARAMS):
        part = tuple(ids[start : start + SQLITE_MAX_PARAMS])
        found = conn.exec_driver_sql(f"{head} IN ({', '.join('?' * len(part))})", part)
        stored.update((str(row_id), value) for row_id, value in found)
    return stored


def upsert_columns(
    conn: Connection,
    target: Table,
    version: str,
    values: Mapping[str, Sequence[object]],
    indices: Sequence[int],
) -> tuple[int, int]:
    """Write the rows at `indices` of `values` (target column → values, with `id`).

    Returns (rows inserted or updated, rows whose stored copy is as new). Rows go in id order,
    which keeps the primary-key index writes local.
    """
    names = [c.name for c in target.c if c.name in values]
    writer = _writer(conn, target, version, names)
    ids = values["id"]
    ordered = sorted(indices, key=lambda i: str(ids[i]))
    bound = _bind_columns(conn.dialect, target, {n: values[n] for n in names}, ordered)
    bound_ids, versions = bound["id"], bound[version]
    written = unchanged = 0
    for start in range(0, len(ordered), WRITE_CHUNK):
        end = min(start + WRITE_CHUNK, len(ordered))
        stored = _stored_versions(conn, target, version, bound_ids[start:end])
        new: list[int] = []
        newer: list[int] = []
        for position in range(start, end):
            row_id = bound_ids[position]
            if row_id not in stored:
                new.append(position)
            elif _is_newer(versions[position], stored[row_id]):
                newer.append(position)
        unchanged += end - start - len(new) - len(newer)
        writer.write(conn, bound, new, newer)
        written += len(new) + len(newer)
    return written, unchanged


def insert_missing(
    conn: Connection, target: Table, key: str, rows: Sequence[Mapping[str, object]]
) -> None:
    """Insert rows whose `key` is not stored yet; leave stored ones alone."""
    if rows:
        conn.execute(_insert(conn, target).on_conflict_do_nothing(index_elements=[key]), list(rows))
