"""The daemon: imports what lands in its folders, syncs, backs off while the server is away,
keeps its status, stops cleanly, and logs nothing personal."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from store import paths
from store.engine import open_store, read_tx
from sync.daemon import LOG_FILE, Daemon, DaemonOptions, backoff_delay, configure_logging
from sync.daemon_status import DaemonStatus, read_status, status_path, store_name
from tests.support.syncserver import free_port, make_province, running_server, snapshot

ROOT = Path(__file__).resolve().parents[2]
WAIT_S = 30.0


def wait_until(condition: Callable[[], bool], what: str, timeout: float = WAIT_S) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out waiting until {what}")


@pytest.fixture
def export_zip(tmp_path: Path) -> Path:
    from sync.simulate.files import write_demo_files

    _centre, files = write_demo_files(
        tmp_path / "made", seed=11, today=dt.date(2025, 3, 1), persons=30
    )
    return next(f for f in files if f.suffix == ".zip")


def run_in_thread(daemon: Daemon) -> Iterator[threading.Thread]:
    thread = threading.Thread(target=daemon.run, daemon=True)
    thread.start()
    try:
        yield thread
    finally:
        daemon.request_stop()
        thread.join(timeout=WAIT_S)
        assert not thread.is_alive(), "the daemon did not stop"


def test_backoff_doubles_with_jitter_up_to_the_interval() -> None:
    rng = random.Random(1)
    for failures, base in ((1, 5), (2, 10), (3, 20), (8, 300), (30, 300)):
        for _ in range(50):
            assert base / 2 <= backoff_delay(failures, 300, rng) <= base
    waits = {round(backoff_delay(3, 300, rng), 3) for _ in range(20)}
    assert len(waits) > 10, "retries of many units do not fall in step"


def test_a_dropped_export_is_imported_and_synced_and_left_in_place(
    tmp_path: Path, export_zip: Path
) -> None:
    unit = _hospcode(export_zip)
    province = make_province(f"sqlite:///{tmp_path / 'server.db'}", (unit,))
    watched = tmp_path / "exports"
    watched.mkdir()
    centre = open_store(tmp_path / "centre.db")
    store = store_name(centre)
    configure_logging()
    with running_server(province.engine) as server:
        daemon = Daemon(
            centre,
            DaemonOptions(
                folders=[watched],
                interval_s=60,
                server=server.url,
                token=province.tokens[unit],
                settle_s=0.3,
            ),
        )
        for _ in run_in_thread(daemon):
            wait_until(
                lambda: _status_of(store).last_sync is not None,
                "first sync",
            )
            dropped = watched / export_zip.name
            shutil.copy(export_zip, dropped)
            before = (dropped.stat().st_mtime_ns, dropped.read_bytes())
            wait_until(
                lambda: bool(snapshot(province.engine, ("person",))["person"]),
                "the persons reached the server",
            )
        status = read_status(store)
        assert status is not None and status.state == "stopped"
        assert status.last_import is not None and status.last_import["file"] == export_zip.name
        assert status.last_import["status"] == "loaded"
        assert status.last_sync is not None and status.last_sync["ok"] is True
        assert status.pending == 0
        assert (dropped.stat().st_mtime_ns, dropped.read_bytes()) == before
        assert sorted(p.name for p in watched.iterdir()) == [export_zip.name]
        assert snapshot(province.engine, ("person",)) == snapshot(centre, ("person",))
    _assert_nothing_personal_in(paths.log_dir() / LOG_FILE, centre)
    _assert_nothing_personal_in(status_path(store), centre)
    centre.dispose()
    province.engine.dispose()


def _status_of(store: str) -> DaemonStatus:
    """The daemon's status for `store`, an empty one (nothing synced) before it wrote any."""
    return read_status(store) or DaemonStatus(pid=0)


def _hospcode(export: Path) -> str:
    return export.name.split("_")[1]


def _assert_nothing_personal_in(path: Path, centre: object) -> None:
    written = path.read_text("utf-8")
    with read_tx(centre) as conn:  # type: ignore[arg-type]
        people = conn.execute(text("SELECT cid, name, lname, birth FROM person")).all()
    assert people
    for cid, name, lname, birth in people:
        for secret in (cid, name, lname, str(birth)):
            if secret and len(str(secret)) > 3:
                assert str(secret) not in written, f"personal data in {path.name}"


def test_while_the_server_is_away_the_daemon_backs_off_and_syncs_when_it_returns(
    tmp_path: Path,
) -> None:
    province = make_province(f"sqlite:///{tmp_path / 'server.db'}")
    port = free_port()
    centre = open_store(tmp_path / "centre.db")
    store = store_name(centre)
    daemon = Daemon(
        centre,
        DaemonOptions(
            interval_s=600,
            server=f"http://127.0.0.1:{port}",
            token=province.tokens["10001"],
            first_retry_s=0.2,
            timeout_s=2,
        ),
    )
    for _ in run_in_thread(daemon):
        wait_until(
            lambda: _status_of(store).last_sync is not None,
            "a first try",
        )
        away = read_status(store)
        assert away is not None and away.last_sync is not None
        assert away.last_sync["ok"] is False
        assert (
            away.last_error is not None and "cannot reach the server" in away.last_error["message"]
        )
        from tests.support.syncserver import RunningServer

        server = RunningServer(province.engine, port)
        server.start()
        try:
            wait_until(
                lambda: _status_of(store).last_sync_ok_at is not None,
                "a sync after the server came back",
                timeout=20,
            )
        finally:
            daemon.request_stop()
            server.stop()
    centre.dispose()
    province.engine.dispose()


def test_the_daemon_process_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    watched = tmp_path / "exports"
    watched.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with (tmp_path / "stderr.txt").open("w") as errors:  # the child keeps its own handle
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tui.cli",
                "--db",
                str(tmp_path / "centre.db"),
                "daemon",
                "--watch",
                str(watched),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
    store = f"sqlite:///{(tmp_path / 'centre.db').resolve()}"
    try:
        wait_until(lambda: read_status(store) is not None, "the daemon wrote its status")
        running = read_status(store)
        assert running is not None and running.pid == process.pid and running.state == "running"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=WAIT_S) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
    stopped = read_status(store)
    assert stopped is not None and stopped.state == "stopped"
    assert json.loads(status_path(store).read_text())["format"] == 1


def test_an_idle_daemon_loads_no_heavy_libraries(tmp_path: Path) -> None:
    watched = tmp_path / "exports"
    watched.mkdir()
    code = (
        "import sys, threading\n"
        "from store.engine import open_store\n"
        "from sync.daemon import Daemon, DaemonOptions\n"
        f"daemon = Daemon(open_store({str(tmp_path / 'c.db')!r}), "
        f"DaemonOptions(folders=[__import__('pathlib').Path({str(watched)!r})]))\n"
        "threading.Timer(1.0, daemon.request_stop).start()\n"
        "daemon.run()\n"
        "print(sorted(m for m in ('pandas', 'openpyxl', 'textual') if m in sys.modules))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
