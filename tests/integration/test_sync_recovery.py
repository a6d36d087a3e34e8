"""Interruptions at the worst moments: the server restarting mid-push, the client killed while it
applies a pull, a row edited while its push is on the wire, and long pulls in pages."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, text

import sync.client as client_module
from store.engine import read_tx, write_tx
from sync.client import ServerUnavailable, SyncClient, cursor_key, sync_once
from sync.protocol import API_PREFIX
from tests.support.syncserver import (
    Province,
    RunningServer,
    add_person,
    add_right,
    add_rights_in_bulk,
    centre_store,
    outbox_size,
    province_fixture,  # noqa: F401
    server_fixture,  # noqa: F401
    snapshot,
    sync_all,
    synthetic_cid,
)

ROOT = Path(__file__).resolve().parents[2]
WAIT_S = 60.0


def wait_until(condition: object, what: str, timeout: float = WAIT_S) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.02)
    pytest.fail(f"timed out waiting until {what}")


def stored_cursor(engine: Engine, url: str) -> int:
    with read_tx(engine) as conn:
        value = conn.execute(
            text("SELECT value FROM sync_state WHERE key = :k"), {"k": cursor_key(url)}
        ).scalar()
    return int(value or 0)


class EditingTransport(httpx.HTTPTransport):
    """Edits a row in the centre's store while the first push request is on its way."""

    def __init__(self, engine: Engine, pid: str, cid: str) -> None:
        super().__init__()
        self.engine, self.pid, self.cid = engine, pid, cid
        self.edited = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/push") and not self.edited:
            with write_tx(self.engine) as conn:
                add_person(conn, "10001", self.pid, self.cid, name="edited while in flight")
            self.edited = True
        return super().handle_request(request)


def test_a_row_edited_while_its_push_is_in_flight_is_pushed_again(
    server: RunningServer, province: Province, tmp_path: Path
) -> None:
    centre = centre_store(tmp_path / "a.db")
    with write_tx(centre) as conn:
        add_person(conn, "10001", "1", synthetic_cid(1))
        last = add_person(conn, "10001", "2", synthetic_cid(2), name="before")
    transport = EditingTransport(centre, "2", synthetic_cid(2))
    with SyncClient(centre, server.url, province.tokens["10001"], transport=transport) as client:
        client.push_all(client.hello())
    assert transport.edited
    assert snapshot(province.engine)["person"][last]["name"] == "edited while in flight"
    assert outbox_size(centre) == 0
    centre.dispose()


def test_a_restart_of_the_server_in_the_middle_of_a_push_loses_and_doubles_nothing(
    server: RunningServer, province: Province, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(client_module, "PUSH_BATCH_ROWS", 50)
    centre = centre_store(tmp_path / "a.db")
    with write_tx(centre) as conn:
        for n in range(1, 601):
            add_person(conn, "10001", str(n), synthetic_cid(n))
    outcome: list[BaseException] = []

    def push() -> None:
        try:
            sync_once(centre, server.url, province.tokens["10001"], timeout=10)
        except BaseException as exc:
            outcome.append(exc)

    def server_has_some() -> bool:
        with read_tx(province.engine) as conn:
            return bool(conn.execute(text("SELECT count(*) FROM person")).scalar())

    worker = threading.Thread(target=push)
    worker.start()
    wait_until(server_has_some, "the first batches arrived")
    server.restart()
    worker.join(timeout=WAIT_S)
    assert not worker.is_alive()
    assert outcome == [] or isinstance(outcome[0], ServerUnavailable)
    sync_all(centre, server.url, province.tokens["10001"])
    assert snapshot(province.engine)["person"] == snapshot(centre)["person"]
    assert len(snapshot(province.engine)["person"]) == 600
    assert outbox_size(centre) == 0
    centre.dispose()


def test_a_pull_is_read_in_pages_each_applied_with_its_cursor(
    server: RunningServer, province: Province, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(client_module, "PULL_PAGE_ROWS", 7)
    with write_tx(province.engine) as conn:
        for n in range(1, 31):
            add_right(conn, synthetic_cid(n), hsub="10001")
    centre = centre_store(tmp_path / "a.db")
    requests: list[str] = []

    class Counting(httpx.HTTPTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            requests.append(request.url.path)
            return super().handle_request(request)

    with SyncClient(centre, server.url, province.tokens["10001"], transport=Counting()) as client:
        result = client.run()
    assert result.pulled == 30
    assert requests.count(f"{API_PREFIX}/pull") == 5, "30 rows in pages of 7: 5 pages"
    assert snapshot(centre)["nhso_right"] == snapshot(province.engine)["nhso_right"]
    assert outbox_size(centre) == 0, "pulled rows do not re-enter the outbox"
    centre.dispose()


@pytest.mark.slow
def test_a_client_killed_while_applying_a_pull_resumes_to_the_same_end(
    server: RunningServer, province: Province, tmp_path: Path
) -> None:
    with write_tx(province.engine) as conn:
        add_rights_in_bulk(conn, [synthetic_cid(n) for n in range(1, 12_001)], "10001")
    store = tmp_path / "a.db"
    centre = centre_store(store)
    env = {
        **os.environ,
        "SITTHI_SERVER": server.url,
        "SITTHI_TOKEN": province.tokens["10001"],
        "PYTHONPATH": str(ROOT),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "tui.cli", "--db", str(store), "sync"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: stored_cursor(centre, server.url) > 0, "the first page was applied")
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=WAIT_S)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=WAIT_S)
    cursor = stored_cursor(centre, server.url)
    with read_tx(province.engine) as conn:
        routed_upto_cursor = conn.execute(
            text("SELECT count(*) FROM sync_route WHERE hospcode = '10001' AND seq <= :c"),
            {"c": cursor},
        ).scalar()
    assert len(snapshot(centre)["nhso_right"]) == routed_upto_cursor, (
        "the rows applied are exactly those up to the stored cursor"
    )
    sync_all(centre, server.url, province.tokens["10001"])
    assert snapshot(centre)["nhso_right"] == snapshot(province.engine)["nhso_right"]
    assert outbox_size(centre) == 0
    centre.dispose()


def test_an_unreachable_server_is_reported_and_the_next_round_resumes(
    province: Province, tmp_path: Path
) -> None:
    from tests.support.syncserver import free_port, running_server

    centre = centre_store(tmp_path / "a.db")
    with write_tx(centre) as conn:
        add_person(conn, "10001", "1", synthetic_cid(1))
    with pytest.raises(ServerUnavailable, match="cannot reach the server"):
        sync_once(centre, f"http://127.0.0.1:{free_port()}", province.tokens["10001"], timeout=2)
    assert outbox_size(centre) == 1
    with running_server(province.engine) as server:
        assert sync_all(centre, server.url, province.tokens["10001"]).pushed == 1
    assert outbox_size(centre) == 0
    centre.dispose()
