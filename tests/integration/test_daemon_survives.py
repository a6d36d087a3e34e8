"""One bad file never stops the daemon: it is that file's refusal, and the daemon goes on.

The file here is a 43-file zip whose compressed bytes were damaged in transit (the readers meet
a zlib error deep inside); the same holds for any failure one file causes.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text

from store import paths
from store.engine import open_store, read_tx
from store.paths import resolve_url
from sync.daemon import LOG_FILE, Daemon, DaemonOptions
from sync.daemon_status import read_status, status_path

ROOT = Path(__file__).resolve().parents[2]
WAIT_S = 60.0
CLI = (sys.executable, "-m", "tui.cli")
STORE: list[str] = [""]
"""The store the daemon under test serves (its status file is named by it)."""


def wait_until(condition: Callable[[], bool], what: str, timeout: float = WAIT_S) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting until {what}")


@pytest.fixture
def exports(tmp_path: Path) -> tuple[Path, Path]:
    """A good 43-file export and a copy of it with damaged compressed bytes."""
    from sync.simulate.files import write_demo_files

    _centre, files = write_demo_files(
        tmp_path / "made", seed=11, today=dt.date(2025, 3, 1), persons=30
    )
    good = next(f for f in files if f.suffix == ".zip")
    data = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as archive:
        first = archive.infolist()[0]
    start = first.header_offset + 30 + len(first.filename) + len(first.extra)
    for at in range(start + 10, start + min(60, first.compress_size - 5)):
        data[at] ^= 0x5A
    bad = tmp_path / "made" / "F43_09901_20250302080000.zip"
    bad.write_bytes(bytes(data))
    return good, bad


def start_daemon(tmp_path: Path, watched: Path, stderr: Path) -> subprocess.Popen[bytes]:
    """The daemon as its own process, its error output in `stderr` (the child keeps the file
    open; this process closes its handle once the child has it)."""
    with stderr.open("w") as errors:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tui.cli",
                "--db",
                str(tmp_path / "centre.db"),
                "daemon",
                "--watch",
                str(watched),
                "--poll",
            ],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )


def stop(process: subprocess.Popen[bytes]) -> int:
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=WAIT_S)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def test_a_damaged_file_is_refused_and_the_daemon_goes_on(
    tmp_path: Path, exports: tuple[Path, Path]
) -> None:
    good, bad = exports
    STORE[:] = [resolve_url(str(tmp_path / "centre.db"))]
    watched = tmp_path / "exports"
    watched.mkdir()
    shutil.copy(bad, watched / bad.name)
    process = start_daemon(tmp_path, watched, tmp_path / "stderr-1.txt")
    try:
        wait_until(
            lambda: (s := read_status(STORE[0])) is not None and s.last_error is not None,
            "the bad file was reported",
        )
        assert process.poll() is None, "the daemon exited on a bad file"
        shutil.copy(good, watched / good.name)
        wait_until(
            lambda: (
                (s := read_status(STORE[0])) is not None
                and s.last_import is not None
                and s.last_import["file"] == good.name
            ),
            "the good file was imported after the bad one",
        )
        assert process.poll() is None
    finally:
        assert stop(process) == 0
    status = read_status(STORE[0])
    assert status is not None and status.last_error is not None
    assert bad.name in status.last_error["message"]
    assert status.last_import is not None and status.last_import["status"] == "loaded"
    centre = open_store(tmp_path / "centre.db")
    with read_tx(centre) as conn:
        refused = conn.execute(
            text("SELECT count(*) FROM import_batch WHERE status = 'refused'")
        ).scalar()
        persons = conn.execute(text("SELECT count(*) FROM person")).scalar()
    assert refused == 1 and persons == 30
    errors = (tmp_path / "stderr-1.txt").read_text("utf-8")
    assert "Traceback" not in errors
    process = start_daemon(tmp_path, watched, tmp_path / "stderr-2.txt")
    try:
        wait_until(
            lambda: (
                (s := read_status(STORE[0])) is not None
                and s.pid == process.pid
                and s.last_error is None
            ),
            "the daemon restarted",
        )
        time.sleep(2)
        assert process.poll() is None
    finally:
        assert stop(process) == 0
    with read_tx(centre) as conn:
        again = conn.execute(
            text("SELECT count(*) FROM import_batch WHERE status = 'refused'")
        ).scalar()
    assert again == 1, "a file that failed is tried again only when it changes"
    log = (paths.log_dir() / LOG_FILE).read_text("utf-8")
    with read_tx(centre) as conn:
        for cid, name in conn.execute(text("SELECT cid, name FROM person")):
            for secret in (cid, name):
                assert len(secret) < 4 or secret not in log
    assert "Traceback" not in log
    assert status_path(STORE[0]).exists()
    centre.dispose()


def test_any_failure_of_one_file_is_that_files_refusal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sync.ingest.importer as importer

    def broken(*_args: object, **_kwargs: object) -> object:
        raise ArithmeticError("a value no reader foresaw: 5123456789012")

    monkeypatch.setattr(importer, "import_paths", broken)
    watched = tmp_path / "exports"
    watched.mkdir()
    (watched / "F43_09901_20250301.zip").write_bytes(b"PK\x03\x04 whatever")
    centre = open_store(tmp_path / "centre.db")
    daemon = Daemon(centre, DaemonOptions(folders=[watched], settle_s=0.2, poll=True))
    thread = threading.Thread(target=daemon.run, daemon=True)
    thread.start()
    try:
        wait_until(lambda: daemon.status.last_error is not None, "the failure was recorded")
        assert thread.is_alive()
    finally:
        daemon.request_stop()
        thread.join(timeout=WAIT_S)
    assert daemon.status.last_error is not None
    message = daemon.status.last_error["message"]
    assert "ArithmeticError" in message and "5123456789012" not in message
    centre.dispose()


def test_sitthi_import_refuses_a_damaged_file_with_a_message(
    tmp_path: Path, exports: tuple[Path, Path]
) -> None:
    good, bad = exports
    done = subprocess.run(
        [*CLI, "--db", str(tmp_path / "c.db"), "--lang", "en", "import", str(bad), str(good)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    assert "1 loaded, 0 unchanged, 1 refused" in done.stdout
    centre = open_store(tmp_path / "c.db")
    with read_tx(centre) as conn:
        assert conn.execute(text("SELECT count(*) FROM person")).scalar() == 30
    centre.dispose()


def test_the_app_shows_the_daemons_last_problem() -> None:
    from tui.i18n import Translator
    from tui.screens.dashboard import DaemonView, daemon_content

    problem = "F43_09901_20250302080000.zip could not be imported (error)"
    view = DaemonView(None, False, 0, True, problem=problem)
    for lang in ("th", "en"):
        shown = daemon_content(view, dt.datetime.now(dt.UTC), Translator(lang)).plain
        assert problem in shown


def test_a_file_named_with_terminal_escapes_is_logged_harmlessly(tmp_path: Path) -> None:
    """A file name that would retitle the terminal (ESC ] 0; ... BEL) or start a made-up log
    line is written with its control characters shown as escapes, in daemon.log and stderr."""
    STORE[:] = [resolve_url(str(tmp_path / "centre.db"))]
    watched = tmp_path / "exports"
    watched.mkdir()
    hostile = "F43_09901_\x1b]0;owned\x07\n2026-01-01 INFO forged.zip"
    (watched / hostile).write_bytes(b"PK\x03\x04 not a zip at all")
    process = start_daemon(tmp_path, watched, tmp_path / "stderr.txt")
    try:
        wait_until(
            lambda: (s := read_status(STORE[0])) is not None and s.last_error is not None,
            "the file was refused",
        )
    finally:
        assert stop(process) == 0
    logged = (paths.log_dir() / LOG_FILE).read_text("utf-8")
    errors = (tmp_path / "stderr.txt").read_text("utf-8")
    for written in (logged, errors):
        assert "\\x1b]0;owned\\x07\\x0a2026-01-01 INFO forged.zip" in written
        assert "\x1b" not in written and "\x07" not in written
        assert not any(line.startswith("2026-01-01") for line in written.splitlines())
