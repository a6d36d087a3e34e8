"""Marking units stale: triggers on the judged input tables add the unit to `judged_stale`.

Triggers for the reason `store.outbox` uses them: every writer of an input (the importer, a
pull, the server applying a push, a catalog load, an administrator's SQL) marks the units it
touched in its own transaction without knowing that judgements are stored, so no writer can
forget and a rolled-back write marks nothing. A mark is only "this unit may have changed"; an
update that changes nothing may mark a unit too, which costs one needless refresh.

Which units a row concerns:
- a row with a `hospcode` (persons, houses, cards, deaths, partner units, PP services,
  statement and REP lines, transfers): its unit, before and after an update;
- an NHSO record (a CID, no unit): the units holding a person with that CID;
- a PP catalog item (every unit's money): every unit that has stored judgements.

On PostgreSQL the triggers are per statement with transition tables, so a bulk load marks its
units once per statement instead of once per row; on SQLite (one writer, row triggers only)
each row marks its units unless they are marked already (a unit row's trigger has a `WHEN`
that skips it then). The outbox's caution applies: on SQLite `batch_alter_table` drops a
table's triggers, so a migration that alters one of these tables must call `install_marks`
again.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import Connection

UNIT = "unit"
CID = "cid"
EVERY = "every"

MARKED_TABLES: Mapping[str, str] = {
    "person": UNIT,
    "house": UNIT,
    "card": UNIT,
    "death": UNIT,
    "partner_unit": UNIT,
    "pp_service": UNIT,
    "pp_statement_line": UNIT,
    "nhso_rep_line": UNIT,
    "nhso_stm_line": UNIT,
    "nhso_transfer": UNIT,
    "nhso_right": CID,
    "pp_catalog_item": EVERY,
}
"""Every table the judgements read, with how its rows name the units they concern."""

_OPS = ("insert", "update", "delete")


def _name(table: str, op: str) -> str:
    return f"judged_mark_{table}_{op}"


def _sqlite_unmarked(ref: str) -> str:
    """Whether the row `ref` (NEW or OLD) names a unit not marked yet."""
    return (
        f"{ref}.hospcode IS NOT NULL AND NOT EXISTS "
        f"(SELECT 1 FROM judged_stale WHERE hospcode = {ref}.hospcode)"
    )


def _sqlite_mark(kind: str, ref: str) -> str:
    """One row's mark: `ref` is NEW or OLD. Conflicts are avoided rather than ignored, since
    the outer statement's conflict clause (the importer's `OR ROLLBACK`) would override a
    trigger's `OR IGNORE`."""
    if kind == UNIT:
        unmarked = _sqlite_unmarked(ref)
        return f"INSERT INTO judged_stale (hospcode) SELECT {ref}.hospcode WHERE {unmarked};"
    found = {
        CID: f"SELECT hospcode FROM person WHERE cid = {ref}.cid AND {ref}.cid <> ''",
        EVERY: "SELECT hospcode FROM judged_unit",
    }[kind]
    return (
        f"INSERT INTO judged_stale (hospcode) SELECT DISTINCT hospcode FROM ({found}) "
        "WHERE hospcode NOT IN (SELECT hospcode FROM judged_stale);"
    )


def _sqlite_when(kind: str, refs: tuple[str, ...]) -> str:
    """A unit row's trigger runs only when the row names a unit not marked yet: a bulk load
    into a marked unit (every row after its first) then costs one index probe per row."""
    if kind != UNIT:
        return ""
    return "WHEN " + " OR ".join(f"({_sqlite_unmarked(ref)})" for ref in refs) + " "


def _sqlite_statements(table: str, kind: str) -> list[str]:
    refs = {"insert": ("NEW",), "update": ("OLD", "NEW"), "delete": ("OLD",)}
    return [
        f'CREATE TRIGGER "{_name(table, op)}" AFTER {op.upper()} ON "{table}" '
        f"{_sqlite_when(kind, refs[op])}"
        f"BEGIN {' '.join(_sqlite_mark(kind, ref) for ref in refs[op])} END"
        for op in _OPS
    ]


_TRANSITION = {"insert": ("new_rows",), "update": ("old_rows", "new_rows"), "delete": ("old_rows",)}


def _pg_units(kind: str, rows: str) -> str:
    """The hospcodes the rows of the transition table `rows` concern."""
    return {
        UNIT: f"SELECT hospcode FROM {rows} WHERE hospcode IS NOT NULL",
        CID: (
            f"SELECT p.hospcode FROM person p JOIN (SELECT DISTINCT cid FROM {rows} "
            "WHERE cid <> '') r ON p.cid = r.cid"
        ),
        EVERY: "SELECT hospcode FROM judged_unit",
    }[kind]


def _pg_function(kind: str, op: str) -> str:
    tables = _TRANSITION[op] if kind != EVERY else ("",)
    found = " UNION ".join(_pg_units(kind, rows) for rows in tables)
    return (
        f"CREATE OR REPLACE FUNCTION judged_mark_{kind}_{op}() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN "
        f"INSERT INTO judged_stale (hospcode) SELECT DISTINCT hospcode FROM ({found}) AS found "
        "ON CONFLICT (hospcode) DO NOTHING; RETURN NULL; END $$"
    )


def _pg_trigger(table: str, kind: str, op: str) -> str:
    names = _TRANSITION[op]
    referencing = (
        ""
        if kind == EVERY
        else "REFERENCING "
        + " ".join(f"{'NEW' if rows == 'new_rows' else 'OLD'} TABLE AS {rows}" for rows in names)
    )
    return (
        f'CREATE TRIGGER "{_name(table, op)}" AFTER {op.upper()} ON "{table}" {referencing} '
        f"FOR EACH STATEMENT EXECUTE FUNCTION judged_mark_{kind}_{op}()"
    )


def install_marks(conn: Connection, tables: Mapping[str, str] = MARKED_TABLES) -> None:
    """Create (or re-create) the marking triggers of `tables`; safe to run again."""
    drop_marks(conn, tables)
    postgres = conn.dialect.name == "postgresql"
    if postgres:
        for kind in sorted(set(tables.values())):
            for op in _OPS:
                conn.exec_driver_sql(_pg_function(kind, op))
    for table, kind in tables.items():
        statements = (
            [_pg_trigger(table, kind, op) for op in _OPS]
            if postgres
            else _sqlite_statements(table, kind)
        )
        for statement in statements:
            conn.exec_driver_sql(statement)


def drop_marks(conn: Connection, tables: Mapping[str, str] = MARKED_TABLES) -> None:
    """Remove the marking triggers of `tables` (the marks made so far stay)."""
    for table in tables:
        for op in _OPS:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql(f'DROP TRIGGER IF EXISTS "{_name(table, op)}" ON "{table}"')
            else:
                conn.exec_driver_sql(f'DROP TRIGGER IF EXISTS "{_name(table, op)}"')


def drop_mark_functions(conn: Connection) -> None:
    """Remove PostgreSQL's marking functions (after `drop_marks`; nothing to do on SQLite)."""
    if conn.dialect.name != "postgresql":
        return
    for kind in (UNIT, CID, EVERY):
        for op in _OPS:
            conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS judged_mark_{kind}_{op}()")
