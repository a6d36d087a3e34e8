"""The province's administration through the real CLI: tokens listed, revoked and rotated; one
store for every command, the server's included; files only their owner can read."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from store import paths
from store.engine import open_store, write_tx
from sync.client import SyncRefused, sync_once
from tests.support.syncserver import add_person, centre_store, free_port, synthetic_cid
from tui.cli import main

ROOT = Path(__file__).resolve().parents[2]
CLI = (sys.executable, "-m", "tui.cli")


def cli_json(capsys: pytest.CaptureFixture[str], *argv: str) -> object:
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_tokens_are_listed_revoked_and_rotated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "province.db")
    token = cli_json(capsys, "server", "add-facility", "10001", "--db", db)["token"]  # type: ignore[index]
    assert main(["server", "add-facility", "10001", "--db", db]) == 1
    assert "tokens rotate" in capsys.readouterr().err
    listed = cli_json(capsys, "server", "tokens", "list", "--db", db)
    assert isinstance(listed, list) and len(listed) == 1
    assert token not in json.dumps(listed)
    first = listed[0]["id"]
    from tests.support.syncserver import running_server

    engine = open_store(db)
    centre = centre_store(tmp_path / "centre.db")
    with write_tx(centre) as conn:
        add_person(conn, "10001", "1", synthetic_cid(1))
    with running_server(engine) as server:
        sync_once(centre, server.url, token)
        rotated = cli_json(capsys, "server", "tokens", "rotate", first[:8], "--db", db)
        new_token = rotated["token"]  # type: ignore[index]
        with pytest.raises(SyncRefused, match="refused the token"):
            sync_once(centre, server.url, token)
        again = sync_once(centre, server.url, new_token)
        assert again.reidentified is False, "a rotated token keeps the store's place"
        assert main(["server", "tokens", "revoke", first[:8], "--db", db]) == 0
        capsys.readouterr()
        with pytest.raises(SyncRefused, match="refused the token"):
            sync_once(centre, server.url, new_token)
    listed = cli_json(capsys, "server", "tokens", "list", "--db", db)
    assert listed[0]["revoked_at"] and listed[0]["last_seen_at"]  # type: ignore[index]
    assert main(["server", "tokens", "revoke", "zz", "--db", db]) == 1
    centre.dispose()
    engine.dispose()


@pytest.fixture
def open_umask() -> Iterator[None]:
    previous = os.umask(0o000)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.mark.skipif(os.name == "nt", reason="POSIX modes")
def test_files_are_created_for_their_owner_only_whatever_the_umask(
    tmp_path: Path, open_umask: None
) -> None:
    from sync.config import set_value
    from sync.daemon import LOG_FILE, configure_logging
    from sync.daemon_status import DaemonStatus, status_path, write_status
    from sync.watch import ImportMemory

    store = tmp_path / "new" / "folder" / "centre.db"
    engine = open_store(store)
    with write_tx(engine) as conn:
        add_person(conn, "10001", "1", synthetic_cid(1))
    configure_logging()
    write_status(DaemonStatus(pid=1))
    ImportMemory().remember("abc", "F43.zip", "loaded")
    set_value("server", "https://sync.example")
    from exporters.audit import audit_path, record_export

    record_export("report gaps", "10001", 1)
    made = [
        audit_path(),
        store,
        Path(f"{store}-wal"),
        paths.log_dir() / LOG_FILE,
        status_path(""),
        paths.data_dir() / "watch-memory.json",
        paths.config_dir() / "sync.json",
    ]
    for path in made:
        assert path.exists(), path.name
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    for folder in (store.parent, store.parent.parent, paths.log_dir(), paths.data_dir()):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    engine.dispose()


def _serve(env: dict[str, str], port: int, stderr: Path) -> subprocess.Popen[bytes]:
    """The server as its own process, its error output in `stderr` (the child keeps the file
    open; this process closes its handle once the child has it)."""
    with stderr.open("w") as errors:
        return subprocess.Popen(
            [*CLI, "server", "run", "--port", str(port)],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT), **env},
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )


def _until_up(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server exited"
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    pytest.fail("the server did not start")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()


def test_the_server_serves_the_store_every_other_command_uses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "province.db"
    monkeypatch.setenv("SITTHI_DB", str(store))
    token = cli_json(capsys, "server", "add-facility", "10001")["token"]  # type: ignore[index]
    port = free_port()
    process = _serve({"SITTHI_DB": str(store)}, port, tmp_path / "stderr.txt")
    try:
        _until_up(port, process)
        centre = centre_store(tmp_path / "centre.db")
        with write_tx(centre) as conn:
            add_person(conn, "10001", "1", synthetic_cid(1))
        assert sync_once(centre, f"http://127.0.0.1:{port}", token).pushed == 1
        centre.dispose()
    finally:
        _stop(process)
    with sqlite3.connect(store) as conn:
        assert conn.execute("SELECT count(*) FROM person").fetchone() == (1,)
    assert "SITTHI_SERVER_DB" not in (tmp_path / "stderr.txt").read_text("utf-8")


def test_an_old_server_setting_keeps_working_with_a_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    old = tmp_path / "old-server.db"
    monkeypatch.setenv("SITTHI_SERVER_DB", str(old))
    assert main(["--lang", "en", "server", "add-facility", "10001", "--json"]) == 0
    said = capsys.readouterr()
    token = json.loads(said.out)["token"]
    assert "SITTHI_SERVER_DB" in said.err
    port = free_port()
    process = _serve({"SITTHI_SERVER_DB": str(old)}, port, tmp_path / "stderr.txt")
    try:
        _until_up(port, process)
        centre = centre_store(tmp_path / "centre.db")
        sync_once(centre, f"http://127.0.0.1:{port}", token)
        centre.dispose()
    finally:
        _stop(process)
    assert "SITTHI_SERVER_DB" in (tmp_path / "stderr.txt").read_text("utf-8")


def test_a_writer_waiting_for_the_lock_stops_with_a_message(tmp_path: Path) -> None:
    store = tmp_path / "centre.db"
    open_store(store).dispose()
    export = tmp_path / "person.txt"
    export.write_text("HOSPCODE|PID\n", "utf-8")
    holder = sqlite3.connect(store, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(30, holder.rollback)
    release.start()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SITTHI_LOCK_WAIT": "1",
        "SITTHI_SERVER": "http://127.0.0.1:9",
        "SITTHI_TOKEN": "sitthi_x",
    }
    try:
        for command in (["import", str(export)], ["sync"]):
            started = time.monotonic()
            done = subprocess.run(
                [*CLI, "--lang", "en", "--db", str(store), *command],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert done.returncode == 1, command
            assert "Traceback" not in done.stderr, command
            assert "the store is busy" in done.stderr, command
            assert time.monotonic() - started < 20, command
    finally:
        release.cancel()
        holder.rollback()
        holder.close()


def test_a_bad_lock_wait_is_refused_with_a_message_naming_it(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SITTHI_LOCK_WAIT": "fifteen"}
    done = subprocess.run(
        [*CLI, "--lang", "en", "--db", str(tmp_path / "centre.db"), "facility", "list"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert "SITTHI_LOCK_WAIT" in done.stderr and "'fifteen'" in done.stderr


@pytest.mark.parametrize("value", ["-1", "nan", "inf", "15s"])
def test_only_a_number_of_seconds_is_taken_as_the_lock_wait(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    from store.engine import StoreError, lock_wait_ms

    monkeypatch.setenv("SITTHI_LOCK_WAIT", value)
    with pytest.raises(StoreError, match="SITTHI_LOCK_WAIT"):
        lock_wait_ms()
    monkeypatch.setenv("SITTHI_LOCK_WAIT", " 2.5 ")
    assert lock_wait_ms() == 2500
    monkeypatch.delenv("SITTHI_LOCK_WAIT")
    assert lock_wait_ms() == 15_000
