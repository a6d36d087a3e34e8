"""Rows between the database and the wire: reading them by id, encoding, decoding, applying.

Column types come from the store itself (reflected once per database), so a value is decoded
into what its column holds and a malformed one is refused row by row. Datetimes are moved to
UTC: an aware value is sent with `+00:00`, and SQLite (which keeps no zone) stores it as naive
UTC, so the same row reads the same on every store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Connection, MetaData, Table, and_, delete, or_, select, types
from sqlalchemy.dialects import postgresql, sqlite

from store.outbox import IGNORED_COLUMNS as LOCAL_COLUMNS
from sync.protocol import TableRows

ID = "id"
READ_CHUNK = 900
"""Ids per `IN (...)` query: below SQLite's limit on bound parameters."""


class RowError(ValueError):
    """A row that cannot be stored as sent; the text is the reason (names columns, not values).

    Not a `SitthiError`: the reason travels in the push's per-row rejections, for the log and
    the developer; the centre counts the rejected rows (`SyncResult.rejected`)."""


_TABLES: dict[tuple[str, str], Table] = {}


def table_for(conn: Connection, name: str) -> Table:
    """The table `name` as this database defines it (reflected once per database)."""
    key = (conn.engine.url.render_as_string(hide_password=True), name)
    table = _TABLES.get(key)
    if table is None:
        table = Table(name, MetaData(), autoload_with=conn)
        _TABLES[key] = table
    return table


def forget_tables() -> None:
    """Drop reflected tables (after a schema change in a running process, and in tests)."""
    _TABLES.clear()


def encode_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            return value.astimezone(dt.UTC).isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot send a {type(value).__name__}")


def decode_value(column: Any, value: Any, dialect: str) -> Any:
    """`value` from the wire as the Python value `column` stores; ValueError when it cannot."""
    if value is None:
        if not column.nullable:
            raise ValueError("is empty")
        return None
    kind = column.type
    if isinstance(kind, types.Boolean):
        if not isinstance(value, bool):
            raise ValueError("is not true/false")
        return value
    if isinstance(kind, types.DateTime):
        return _decode_datetime(kind, value, dialect)
    if isinstance(kind, types.Date):
        if not isinstance(value, str):
            raise ValueError("is not a date")
        return dt.date.fromisoformat(value)
    if isinstance(kind, types.Numeric) and not isinstance(kind, types.Float):
        return _decode_decimal(value)
    if isinstance(kind, types.Integer):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError("is not a whole number")
        return value
    if isinstance(kind, types.Float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError("is not a number")
        return float(value)
    if not isinstance(value, str):
        raise ValueError("is not text")
    length = getattr(kind, "length", None)
    if length is not None and len(value) > length:
        raise ValueError(f"is longer than {length} characters")
    return value


def _decode_datetime(kind: types.DateTime, value: Any, dialect: str) -> dt.datetime:
    if not isinstance(value, str):
        raise ValueError("is not a date and time")
    moment = dt.datetime.fromisoformat(value)
    if dialect == "sqlite":
        if moment.tzinfo is not None:
            moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
        return moment
    if kind.timezone and moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    if not kind.timezone and moment.tzinfo is not None:
        return moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment


def _decode_decimal(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError("is not a decimal number")
    try:
        number = Decimal(value)
    except InvalidOperation as exc:
        raise ValueError("is not a decimal number") from exc
    if not number.is_finite():
        raise ValueError("is not a finite number")
    return number


def read_rows(conn: Connection, table: Table, ids: Sequence[str]) -> TableRows:
    """The stored rows with these ids, without their local provenance columns; ids with no row
    are listed as deleted."""
    sent = [c for c in table.columns if c.name not in LOCAL_COLUMNS]
    columns = [c.name for c in sent]
    found: dict[str, list[Any]] = {}
    for start in range(0, len(ids), READ_CHUNK):
        chunk = list(ids[start : start + READ_CHUNK])
        for row in conn.execute(select(*sent).where(table.c[ID].in_(chunk))):
            found[row._mapping[ID]] = [encode_value(v) for v in row]
    wanted = list(dict.fromkeys(ids))
    return TableRows(
        columns=columns,
        rows=[found[i] for i in wanted if i in found],
        deleted=[i for i in wanted if i not in found],
    )


def decode_rows(
    conn: Connection, table: Table, payload: TableRows, provenance: str
) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """Rows ready to store, and (id, reason) for each row that cannot be stored.

    The local provenance columns, which are not sent, are set to `provenance` (where the rows
    came from: the push batch, or the pull page).
    """
    unknown = [c for c in payload.columns if c not in table.c or c in LOCAL_COLUMNS]
    local = {c: provenance[:36] for c in LOCAL_COLUMNS if c in table.c}
    required = [
        c.name
        for c in table.columns
        if not c.nullable and c.default is None and c.server_default is None and c.name not in local
    ]
    missing = [c for c in required if c not in payload.columns]
    id_at = payload.columns.index(ID) if ID in payload.columns else -1
    good: list[dict[str, Any]] = []
    bad: list[tuple[str, str]] = []
    for values in payload.rows:
        row_id = str(values[id_at]) if id_at >= 0 else ""
        if unknown or missing:
            names = ", ".join(unknown or missing)
            problem = "unknown columns" if unknown else "missing columns"
            bad.append((row_id, f"{problem} in {table.name}: {names}"))
            continue
        try:
            row = _decode_row(table, payload.columns, values, conn.dialect.name)
            good.append({**row, **local})
        except ValueError as exc:
            bad.append((row_id, str(exc)))
    return good, bad


def _decode_row(
    table: Table, columns: list[str], values: list[Any], dialect: str
) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for name, value in zip(columns, values, strict=True):
        try:
            row[name] = decode_value(table.c[name], value, dialect)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"{table.name}.{name} {exc}") from exc
    if not isinstance(row.get(ID), str) or not row[ID]:
        raise ValueError(f"{table.name} row without an id")
    return row


def _insert(conn: Connection, table: Table) -> Any:
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def upsert(
    conn: Connection, table: Table, rows: Sequence[dict[str, Any]], version: str | None = None
) -> None:
    """Insert rows or replace stored ones that differ; a row that differs only in its local
    provenance columns is left untouched, and with a `version` column so is a stored row whose
    version is newer than the one sent (a row's own update time decides between copies)."""
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        by_columns.setdefault(tuple(row), []).append(row)
    for names, group in by_columns.items():
        stmt = _insert(conn, table)
        changing = [n for n in names if n != ID]
        if not changing:
            conn.execute(stmt.on_conflict_do_nothing(index_elements=[ID]), group)
            continue
        compared = [n for n in changing if n not in LOCAL_COLUMNS] or changing
        differs = or_(*(table.c[n].is_distinct_from(stmt.excluded[n]) for n in compared))
        if version is not None and version in names:
            held, sent = table.c[version], stmt.excluded[version]
            differs = and_(differs, or_(held.is_(None), sent.is_(None), sent >= held))
        stmt = stmt.on_conflict_do_update(
            index_elements=[ID], set_={n: stmt.excluded[n] for n in changing}, where=differs
        )
        conn.execute(stmt, group)


def insert_new(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows whose id is not stored yet (append-only logs: a stored event never changes)."""
    if rows:
        conn.execute(_insert(conn, table).on_conflict_do_nothing(index_elements=[ID]), list(rows))


def delete_ids(conn: Connection, table: Table, ids: Iterable[str]) -> None:
    wanted = list(ids)
    for start in range(0, len(wanted), READ_CHUNK):
        conn.execute(delete(table).where(table.c[ID].in_(wanted[start : start + READ_CHUNK])))


def owners(conn: Connection, table: Table, column: str, ids: Sequence[str]) -> dict[str, str]:
    """id → the value of `column` for the stored rows among `ids`."""
    found: dict[str, str] = {}
    for start in range(0, len(ids), READ_CHUNK):
        chunk = list(ids[start : start + READ_CHUNK])
        query = select(table.c[ID], table.c[column]).where(table.c[ID].in_(chunk))
        found.update({str(i): str(v) for i, v in conn.execute(query)})
    return found
