"""The command line of sync: settings, `sitthi sync`, and the server's admin and run commands."""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from store.engine import open_store, write_tx
from sync.config import config_path
from tests.support.syncserver import (
    Province,
    RunningServer,
    add_person,
    free_port,
    province_fixture,  # noqa: F401
    server_fixture,  # noqa: F401
    synthetic_cid,
)
from tui.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_settings_are_saved_for_the_owner_only_and_the_token_is_not_shown(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["config", "set", "server", "https://sync.example.org/"]) == 0
    assert main(["config", "set", "token", "sitthi_abcdefghijklmnopqrstuvwxyz"]) == 0
    mode = stat.S_IMODE(config_path().stat().st_mode)
    assert mode == 0o600
    capsys.readouterr()
    assert main(["config", "show", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["server"] == "https://sync.example.org"
    assert "abcdefghijklmnop" not in shown["token"]


def test_the_environment_overrides_the_file(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["config", "set", "server", "https://a.example.org"])
    monkeypatch.setenv("SITTHI_SERVER", "https://b.example.org")
    capsys.readouterr()
    main(["config", "get", "server"])
    assert capsys.readouterr().out.strip() == "https://b.example.org"


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("server", "ftp://x", "must start with https://"),
        ("interval", "often", "number of seconds"),
        ("interval", "1", "between 5 seconds and one day"),
        ("ca_bundle", "/no/such/bundle.pem", "no CA bundle"),
    ],
)
def test_a_bad_setting_is_refused_with_a_reason(
    key: str, value: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--lang", "en", "config", "set", key, value]) == 1
    assert message in capsys.readouterr().err
    assert not config_path().exists()


def test_sitthi_sync_prints_its_summary_as_json(
    server: RunningServer,
    province: Province,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    store = tmp_path / "a.db"
    engine = open_store(store)
    with write_tx(engine) as conn:
        add_person(conn, "10001", "1", synthetic_cid(1))
    engine.dispose()
    monkeypatch.setenv("SITTHI_SERVER", server.url)
    monkeypatch.setenv("SITTHI_TOKEN", province.tokens["10001"])
    assert main(["--db", str(store), "sync", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary == {
        "pushed": 1,
        "pulled": 0,
        "pending": 0,
        "server": server.url,
        "rejected": 0,
        "reidentified": False,
    }
    shutil.copy(store, tmp_path / "backup.db")
    engine = open_store(store)
    with write_tx(engine) as conn:
        add_person(conn, "10001", "2", synthetic_cid(2))
    engine.dispose()
    assert main(["--db", str(store), "sync", "--json"]) == 0
    capsys.readouterr()
    for extra in (Path(f"{store}-wal"), Path(f"{store}-shm")):
        extra.unlink(missing_ok=True)
    shutil.copy(tmp_path / "backup.db", store)
    assert main(["--db", str(store), "sync", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["reidentified"] is True


def test_sitthi_sync_fails_clearly_when_the_server_is_unreachable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SITTHI_SERVER", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("SITTHI_TOKEN", "sitthi_x")
    assert main(["--db", str(tmp_path / "a.db"), "--lang", "en", "sync", "--timeout", "2"]) == 1
    assert "cannot reach the server" in capsys.readouterr().err


def test_sitthi_sync_fails_clearly_without_a_server(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(tmp_path / "a.db"), "--lang", "en", "sync"]) == 1
    assert "no server configured" in capsys.readouterr().err


def test_sitthi_sync_fails_clearly_when_refused(
    server: RunningServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SITTHI_SERVER", server.url)
    monkeypatch.setenv("SITTHI_TOKEN", "sitthi_not-issued")
    assert main(["--db", str(tmp_path / "a.db"), "--lang", "en", "sync"]) == 1
    assert "refused the token" in capsys.readouterr().err


def test_admin_commands_print_a_new_token_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "server.db")
    assert (
        main(["server", "add-facility", "10001", "--name", "Ban Nong", "--json", "--db", db]) == 0
    )
    facility = json.loads(capsys.readouterr().out)
    assert facility["hospcode"] == "10001" and facility["token"].startswith("sitthi_")
    assert main(["server", "add-user", "Khun Dao", "--role", "province", "--json", "--db", db]) == 0
    user = json.loads(capsys.readouterr().out)
    assert user["name"] == "Khun Dao" and user["token"] != facility["token"]
    assert main(["server", "add-facility", "../etc", "--db", db, "--lang", "en"]) == 1
    assert "not a hospcode" in capsys.readouterr().err


def test_the_server_runs_in_the_foreground_and_stops_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "tui.cli", "server", "run", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--db", str(tmp_path / "server.db")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        health = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert health is not None and health.json()["status"] == "ok"
        process.send_signal(signal.SIGTERM)
        # uvicorn finishes its requests and lifespan, then ends by the signal it was sent,
        # which service managers count as a clean stop.
        assert process.wait(timeout=30) in (0, -signal.SIGTERM)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
