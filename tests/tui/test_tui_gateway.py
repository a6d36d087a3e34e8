"""The gateway stops store work nobody waits for: a statement running when the app closes, or
in a worker that was cancelled, is interrupted on SQLite and on PostgreSQL, and comes out as
`QueryInterrupted`, not as an error; a write is never interrupted."""

from __future__ import annotations

import threading
import time

from sqlalchemy import Connection, text

from tests.support.tui_slow import ENDLESS_STATEMENT
from tui.gateway import QueryInterrupted, StoreGateway

SLOW_STATEMENT = {
    "sqlite": ENDLESS_STATEMENT,
    "postgresql": text("SELECT pg_sleep(60)"),
}


def run_in_thread(gateway: StoreGateway, query: object) -> tuple[threading.Thread, list[object]]:
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(gateway.read(query))  # type: ignore[arg-type]
        except Exception as exc:
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def test_closing_interrupts_a_running_statement(store_url: str) -> None:
    gateway = StoreGateway(store_url)
    gateway.read(lambda conn: conn.execute(text("SELECT 1")).scalar())
    slow = SLOW_STATEMENT[store_url.split(":", 1)[0].split("+", 1)[0]]
    started = threading.Event()

    def query(conn: Connection) -> object:
        started.set()
        return conn.execute(slow).scalar()

    thread, outcome = run_in_thread(gateway, query)
    assert started.wait(10)
    time.sleep(0.2)
    closed = time.monotonic()
    gateway.close()
    thread.join(5)
    assert not thread.is_alive()
    assert time.monotonic() - closed < 2.0
    assert len(outcome) == 1 and isinstance(outcome[0], QueryInterrupted)
    assert gateway.busy == 0


def test_a_closed_gateway_refuses_new_reads_but_finishes_a_write(store_url: str) -> None:
    gateway = StoreGateway(store_url)
    gateway.write(lambda conn: conn.execute(text("CREATE TABLE kept (n integer)")))
    stop_writing = threading.Event()
    written: list[int] = []

    def write(conn: Connection) -> None:
        conn.execute(text("INSERT INTO kept VALUES (1)"))
        stop_writing.wait(5)
        conn.execute(text("INSERT INTO kept VALUES (2)"))
        written.append(2)

    writer = threading.Thread(target=gateway.write, args=(write,), daemon=True)
    writer.start()
    time.sleep(0.2)
    gateway.close()
    stop_writing.set()
    writer.join(5)
    assert written == [2]
    _, outcome = run_in_thread(gateway, lambda conn: conn.execute(text("SELECT 1")).scalar())
    time.sleep(0.2)
    assert len(outcome) == 1 and isinstance(outcome[0], QueryInterrupted)
    reopened = StoreGateway(store_url)
    count = reopened.read(lambda conn: conn.execute(text("SELECT count(*) FROM kept")).scalar())
    reopened.close()
    assert count == 2
