"""The app's only way to the store, usable from worker threads only.

The UI thread draws and reads keys; a query there would freeze the screen on a slow disk or a
remote PostgreSQL. Every store call goes through `StoreGateway`, which refuses to run on the UI
thread, and an engine hook catches any statement that still slips through. Tests read
`violations` to prove the screens keep to this.

Work nobody waits for any more is stopped here too, the one place that may interrupt the store:
when a worker is cancelled (newer data, another question, the screen left) or the app closes,
`cancel` / `close` interrupt the statement its transaction is running (SQLite's
`Connection.interrupt`, psycopg's cancel request), and the engine hook refuses the next statement
of a cancelled worker. The worker then ends with `QueryInterrupted`, which is not an error to show.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from textual.worker import NoActiveWorker, Worker, get_current_worker

from tui.answers import AnswerAbandoned, SharedAnswers

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

T = TypeVar("T")


class UiThreadStoreAccess(RuntimeError):
    """The store was used on the UI thread.

    Not a `SitthiError`: a programming error of the app, for the developer and its tests."""


class QueryInterrupted(Exception):
    """The work was stopped because nobody waits for its answer any more.
    Not a `SitthiError`: nobody is left to read it, so it is never shown."""


@dataclass
class _Running:
    """A transaction in progress on a worker thread."""

    worker: Worker[Any] | None
    dbapi: Any
    """The driver's connection (sqlite3 or psycopg), which can be interrupted from elsewhere."""
    write: bool
    """A write is never interrupted: it is short, and what the user saved is kept."""
    interrupted: bool = False


def current_worker() -> Worker[Any] | None:
    try:
        return get_current_worker()
    except NoActiveWorker:
        return None


def _interrupt(dbapi: Any) -> None:
    """Stop the statement `dbapi` is running, from another thread."""
    if hasattr(dbapi, "interrupt"):  # sqlite3
        dbapi.interrupt()
    elif hasattr(dbapi, "cancel_safe"):  # psycopg 3.2+
        dbapi.cancel_safe(timeout=1.0)
    else:
        dbapi.cancel()


class StoreGateway:
    """Opens the store lazily (in a worker) and hands out transactions off the UI thread."""

    def __init__(self, db: str | None) -> None:
        """`db` as `--db` takes it (a path or URL; None: `SITTHI_DB`, else the user's store).
        It is resolved in the first worker, since that imports SQLAlchemy."""
        self.db = db
        self._url: str | None = None
        self.ui_thread: int | None = None
        self.violations: list[str] = []
        self._engine: Engine | None = None
        self._lock = threading.Lock()
        self._running: dict[int, _Running] = {}
        """Open transactions by thread."""
        self._running_lock = threading.Lock()
        self._writing = threading.local()
        self._closing = False
        self.answers = SharedAnswers()

    @property
    def url(self) -> str:
        if self._url is None:
            from store.engine import resolve_url

            self._url = resolve_url(self.db)
        return self._url

    def display_name(self) -> str:
        """The store's file or URL without a password, for the settings screen."""
        from store.engine import display_url

        return display_url(self.url)

    def bind_ui_thread(self) -> None:
        """Record the calling thread as the UI thread (the app does this when it mounts)."""
        self.ui_thread = threading.get_ident()

    def check_thread(self) -> None:
        """Raise (and remember) when called on the UI thread."""
        if self.ui_thread is not None and threading.get_ident() == self.ui_thread:
            where = "".join(traceback.format_stack(limit=6)[:-1])
            self.violations.append(where)
            raise UiThreadStoreAccess("store access on the UI thread:\n" + where)

    def engine(self) -> Engine:
        """The open engine; the first call opens (and if needed upgrades) the store."""
        self.check_thread()
        with self._lock:
            if self._engine is None:
                from sqlalchemy import event

                from store.engine import open_store

                engine = open_store(self.url)
                event.listen(engine, "before_cursor_execute", self._before_execute)
                self._engine = engine
            return self._engine

    def _before_execute(self, *_args: Any) -> None:
        self.check_thread()
        if not getattr(self._writing, "on", False) and self._stopped(current_worker()):
            raise QueryInterrupted

    def _stopped(self, worker: Worker[Any] | None) -> bool:
        return self._closing or (worker is not None and worker.is_cancelled)

    @contextmanager
    def _tracked(self, conn: Connection, *, write: bool = False) -> Iterator[Connection]:
        """Remember `conn` as this thread's transaction while it runs, so that it can be
        interrupted; an error caused by an interruption comes out as `QueryInterrupted`."""
        worker = current_worker()
        running = _Running(worker, conn.connection.dbapi_connection, write)
        thread = threading.get_ident()
        with self._running_lock:
            self._running[thread] = running
        try:
            yield conn
        except QueryInterrupted:
            raise
        except Exception as exc:
            if running.interrupted or self._stopped(worker):
                raise QueryInterrupted from exc
            raise
        finally:
            with self._running_lock:
                self._running.pop(thread, None)

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        from store.engine import read_tx

        if self._stopped(current_worker()):
            raise QueryInterrupted
        with read_tx(self.engine()) as conn, self._tracked(conn):
            yield conn

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        from store.engine import write_tx

        self._writing.on = True
        try:
            with write_tx(self.engine()) as conn, self._tracked(conn, write=True):
                yield conn
        finally:
            self._writing.on = False

    def read(
        self, fn: Callable[[Connection], T], *, share: tuple[int, Hashable] | None = None
    ) -> T:
        """Run `fn` in one read transaction and return its result. With `share` (the store
        version the asker saw and its question), an answer already computed or being computed
        for the same key is used instead (`tui.answers`)."""
        if share is None:
            with self.reading() as conn:
                return fn(conn)
        version, question = share
        worker = current_worker()

        def compute() -> T:
            with self.reading() as conn:
                return fn(conn)

        try:
            return self.answers.get(version, question, compute, lambda: self._stopped(worker))
        except AnswerAbandoned as exc:
            raise QueryInterrupted from exc

    def cancel(self, worker: Worker[Any]) -> None:
        """Interrupt the statement `worker` is running (called when it was cancelled)."""
        with self._running_lock:
            running = [r for r in self._running.values() if r.worker is worker and not r.write]
        for entry in running:
            self._stop(entry)

    @property
    def busy(self) -> int:
        """How many transactions are open on worker threads."""
        with self._running_lock:
            return len(self._running)

    def _stop(self, entry: _Running) -> None:
        entry.interrupted = True
        try:
            _interrupt(entry.dbapi)
        except Exception:
            return  # the transaction may have just finished or closed

    def write(self, fn: Callable[[Connection], T]) -> T:
        """Run `fn` in one write transaction and return its result."""
        with self.writing() as conn:
            return fn(conn)

    def close(self) -> None:
        """Stop every running statement and close the store: the app is quitting and waits
        for nobody."""
        self._closing = True
        with self._running_lock:
            running = [r for r in self._running.values() if not r.write]
        for entry in running:
            self._stop(entry)
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None
