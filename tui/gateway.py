"""The app's only way to the store, usable from worker threads only.

The UI thread draws and reads keys; a query there would freeze the screen on a slow disk or a
remote PostgreSQL. Every store call goes through `StoreGateway`, which refuses to run on the UI
thread, and an engine hook catches any statement that still slips through. Tests read
`violations` to prove the screens keep to this.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

T = TypeVar("T")


class UiThreadStoreAccess(RuntimeError):
    """The store was used on the UI thread.

    Not a `SitthiError`: a programming error of the app, for the developer and its tests."""


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

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        from store.engine import read_tx

        with read_tx(self.engine()) as conn:
            yield conn

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        from store.engine import write_tx

        with write_tx(self.engine()) as conn:
            yield conn

    def read(self, fn: Callable[[Connection], T]) -> T:
        """Run `fn` in one read transaction and return its result."""
        with self.reading() as conn:
            return fn(conn)

    def write(self, fn: Callable[[Connection], T]) -> T:
        """Run `fn` in one write transaction and return its result."""
        with self.writing() as conn:
            return fn(conn)

    def close(self) -> None:
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None
