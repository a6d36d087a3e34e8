"""Province evaluations made slow on purpose, to try the app under load: a league that keeps the
store busy with a long SQL statement, or with many short ones and pauses between them, and
counts how often it was asked and how often it finished."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from sqlalchemy import Connection, text

import store.queries.units as units_queries
from store.queries.units import League

ENDLESS_STATEMENT = text(
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000000) "
    "SELECT count(*) FROM c"
)
"""Minutes of work for SQLite in one statement, unless interrupted."""


@dataclass
class SlowLeague:
    """Replaces `unit_league`; `steps` short statements with `pause` between them, or one
    endless statement when `steps` is 0. Only as-of dates in `slow_days` are slow."""

    steps: int = 0
    pause: float = 0.02
    slow_days: set[dt.date] | None = None
    started: list[dt.date] = field(default_factory=list)
    finished: list[dt.date] = field(default_factory=list)
    stopped: list[BaseException] = field(default_factory=list)
    running: threading.Event = field(default_factory=threading.Event)

    def install(self, monkeypatch: pytest.MonkeyPatch) -> SlowLeague:
        real = units_queries.unit_league

        def league(conn: Connection, as_of: dt.date) -> League:
            self.started.append(as_of)
            self.running.set()
            try:
                if self.slow_days is None or as_of in self.slow_days:
                    self._keep_busy(conn)
            except BaseException as exc:
                self.stopped.append(exc)
                raise
            finally:
                self.running.clear()
            self.finished.append(as_of)
            return real(conn, as_of)

        monkeypatch.setattr(units_queries, "unit_league", league)
        return self

    def _keep_busy(self, conn: Connection) -> None:
        if self.steps == 0:
            conn.execute(ENDLESS_STATEMENT).scalar()
            return
        for _ in range(self.steps):
            conn.execute(text("SELECT 1")).scalar()
            time.sleep(self.pause)


async def wait_until(condition: Callable[[], bool], seconds: float = 10.0) -> bool:
    """Let the app run until `condition()` holds (or `seconds` passed); whether it held."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        await asyncio.sleep(0.01)
    return condition()
