"""Opening a store: SQLite at a centre, PostgreSQL at the province; one schema, portable queries.

SQLite connections get WAL, foreign keys, a busy timeout, and transactions that Sitthi begins
itself: readers with a plain BEGIN, writers with BEGIN IMMEDIATE so a writer takes the write lock
up front instead of failing with "database is locked" when another process wrote in between.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text

from store.errors import SitthiError, os_error
from store.i18n import Message, message
from store.paths import display_url, resolve_url
from store.private import private_file

__all__ = ["StoreError", "display_url", "open_store", "read_tx", "resolve_url", "write_tx"]

SCHEMA_REVISIONS = (
    "0001",
    "0002",
    "0003",
    "0004",
    "0005",
    "0006",
    "0007",
    "0008",
    "0009",
    "0010",
    "0011",
    "0013",
    "0014",
)
"""Every migration revision in order; the last is the head. A test checks it against alembic."""

STORE_SCHEMES = ("sqlite", "postgresql", "postgresql+psycopg")
"""The URL schemes of a store Sitthi opens: a SQLite file or a PostgreSQL database."""

BUSY_TIMEOUT_MS = 15_000
LOCK_WAIT_ENV = "SITTHI_LOCK_WAIT"
"""Seconds a writer waits for another writer (the daemon, the app, an import) to finish."""


log = logging.getLogger(__name__)


class StoreError(SitthiError, RuntimeError):
    """A store that cannot be opened or used, with a message for the user."""


def lock_wait_ms() -> int:
    """How long a writer waits for the store's lock: `SITTHI_LOCK_WAIT` seconds, else 15 s.

    A value that is not a number of seconds is refused rather than replaced by the default, so
    whoever set it learns that it is not used."""
    value = os.environ.get(LOCK_WAIT_ENV, "").strip()
    if not value:
        return BUSY_TIMEOUT_MS
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds < 0:
        raise StoreError(message("cli_store.bad_lock_wait", env=LOCK_WAIT_ENV, value=repr(value)))
    return int(seconds * 1000)


def is_lock_timeout(exc: BaseException) -> bool:
    """Whether a database error says the writer gave up waiting for another writer's lock."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    return "database is locked" in text or "lock timeout" in text or "locknotavailable" in text


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={lock_wait_ms()}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "")
    conn.exec_driver_sql(f"BEGIN {mode}".strip())


def create_store_engine(url: str) -> Engine:
    """An engine with Sitthi's connection settings; does not touch the schema."""
    if url.startswith("sqlite"):
        file_part = url.split(":///", 1)[-1]
        if file_part and file_part != ":memory:":
            private_file(Path(file_part))
        engine = create_engine(url, connect_args={"timeout": lock_wait_ms() / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    options = f"-c lock_timeout={lock_wait_ms()}"
    return create_engine(url, pool_pre_ping=True, connect_args={"options": options})


def current_revision(engine: Engine) -> str | None:
    """The schema revision recorded in the store, None for an empty store."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine) -> None:
    """Bring the store's schema to the head revision (alembic is imported only here)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


def open_store(db: str | os.PathLike[str] | None = None, *, demo: bool = False) -> Engine:
    """Open (creating or upgrading as needed) the store named by `db`; refuse a newer one."""
    url = resolve_url(db, demo=demo)
    if url.split("://", 1)[0].lower() not in STORE_SCHEMES:
        raise StoreError(message("store_open.not_an_address", store=display_url(url)))
    try:
        engine = create_store_engine(url)
    except OSError as exc:
        reason = os_error(exc)
        problem = message("store_open.unusable", store=display_url(url), reason=reason)
        raise StoreError(problem) from exc
    try:
        revision = current_revision(engine)
    except Exception as exc:
        engine.dispose()
        raise StoreError(_cannot_open(engine, url, exc)) from exc
    if revision == SCHEMA_REVISIONS[-1]:
        return engine
    if revision is not None and revision not in SCHEMA_REVISIONS:
        engine.dispose()
        raise StoreError(message("store.open.newer", store=display_url(url), revision=revision))
    upgrade(engine)
    return engine


def _cannot_open(engine: Engine, url: str, exc: Exception) -> Message:
    """Why the store could not be read: a database server out of reach says so in the reader's
    language (the driver's own words go to the log); a file keeps the database's words."""
    from sqlalchemy.exc import OperationalError

    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if isinstance(exc, OperationalError) and not is_sqlite(engine):
        log.warning("cannot reach the store %s: %s", display_url(url), detail)
        return message("store_open.unreachable", store=display_url(url))
    return message("store.open.cannot_open", store=display_url(url), detail=detail)


@contextmanager
def write_tx(engine: Engine) -> Iterator[Connection]:
    """A write transaction (BEGIN IMMEDIATE on SQLite): committed on success, else rolled back."""
    with engine.connect() as conn:
        if is_sqlite(engine):
            conn = conn.execution_options(sqlite_begin="IMMEDIATE")
        with conn.begin():
            yield conn


@contextmanager
def read_tx(engine: Engine) -> Iterator[Connection]:
    """A read transaction: one consistent snapshot."""
    with engine.connect() as conn, conn.begin():
        yield conn
