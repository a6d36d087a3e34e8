"""Writing rows by stable id: new rows inserted, newer versions replace older, nothing doubled.

The statement is SQLAlchemy Core's `INSERT ... ON CONFLICT (id) DO UPDATE ... WHERE
excluded.<version> > <table>.<version>` in the SQLite or PostgreSQL dialect. Rows whose stored
copy is as new are not sent at all, which also gives exact counts on both backends.

Large exports are the norm, so the compiled statement is run with the driver's executemany on
values that went through each column's bind processing once per distinct value (dates repeat
a great deal): the same SQL and the same stored forms as `Connection.execute(stmt, rows)`,
without its per-row parameter handling, which costs more than the database's own work.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table, select
from sqlalchemy.dialects import postgresql, sqlite

from sync.ingest.limits import WRITE_CHUNK


def _insert(conn: Connection, target: Table) -> Any:
    if conn.dialect.name == "sqlite":
        return sqlite.insert(target)
    if conn.dialect.name == "postgresql":
        return postgresql.insert(target)
    raise NotImplementedError(f"no upsert for the {conn.dialect.name} dialect")


def upsert_statement(conn: Connection, target: Table, version: str, names: Sequence[str]) -> Any:
    """Insert, or replace the stored row when this one's `version` is newer."""
    stmt = _insert(conn, target)
    return stmt.on_conflict_do_update(
        index_elements=[target.c.id],
        set_={name: stmt.excluded[name] for name in names if name != "id"},
        where=stmt.excluded[version] > target.c[version],
    )


def _comparable(value: object) -> object:
    """Aware datetimes as naive UTC: SQLite hands back naive ones for aware columns."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def _is_newer(incoming: object, stored: object) -> bool:
    if stored is None:
        return True
    return _comparable(incoming) > _comparable(stored)  # type: ignore[operator]


class _DriverStatement:
    """A compiled statement and the bound form of each of its parameters, column by column."""

    def __init__(self, conn: Connection, target: Table, stmt: Any, names: Sequence[str]) -> None:
        dialect = conn.dialect
        compiled = stmt.compile(dialect=dialect, column_keys=list(names))
        self.sql: str = compiled.string
        self.positional: bool = compiled.positional
        self.params: list[str] = (
            list(compiled.positiontup) if compiled.positional else list(compiled.binds)
        )
        self.processors: dict[str, Callable[[Any], Any] | None] = {
            name: target.c[name].type.dialect_impl(dialect).bind_processor(dialect)
            for name in self.params
        }
        self.defaults = {
            name: _scalar_default(target, name) for name in self.params if name not in names
        }

    def bound(self, values: Mapping[str, Sequence[object]], rows: Sequence[int]) -> list[Any]:
        columns = []
        for name in self.params:
            if name in self.defaults:
                column: list[object] = [self.defaults[name]] * len(rows)
            else:
                source = values[name]
                column = [source[i] for i in rows]
            process = self.processors[name]
            if process is not None:
                memo = {value: process(value) for value in set(column)}
                column = [memo[value] for value in column]
            columns.append(column)
        if self.positional:
            return list(zip(*columns, strict=True))
        return [dict(zip(self.params, row, strict=True)) for row in zip(*columns, strict=True)]


def _scalar_default(target: Table, name: str) -> object:
    default = target.c[name].default
    if default is None or not getattr(default, "is_scalar", False):
        raise ValueError(f"{target.name}.{name}: no value given and no plain default")
    return default.arg  # type: ignore[attr-defined]


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
    driver = _DriverStatement(conn, target, upsert_statement(conn, target, version, names), names)
    ids, versions = values["id"], values[version]
    ordered = sorted(indices, key=lambda i: str(ids[i]))
    written = unchanged = 0
    for start in range(0, len(ordered), WRITE_CHUNK):
        chunk = ordered[start : start + WRITE_CHUNK]
        found = conn.execute(
            select(target.c.id, target.c[version]).where(target.c.id.in_([ids[i] for i in chunk]))
        )
        stored = {row_id: value for row_id, value in found}
        todo = [i for i in chunk if ids[i] not in stored or _is_newer(versions[i], stored[ids[i]])]
        unchanged += len(chunk) - len(todo)
        if todo:
            conn.exec_driver_sql(driver.sql, driver.bound(values, todo))
            written += len(todo)
    return written, unchanged


def insert_missing(
    conn: Connection, target: Table, key: str, rows: Sequence[Mapping[str, object]]
) -> None:
    """Insert rows whose `key` is not stored yet; leave stored ones alone."""
    if rows:
        conn.execute(_insert(conn, target).on_conflict_do_nothing(index_elements=[key]), list(rows))
