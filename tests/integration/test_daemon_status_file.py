"""Each store has its own daemon status file: the app on one store never shows another's."""

from __future__ import annotations

import os
from pathlib import Path

from store.engine import open_store
from sync.daemon_status import DaemonStatus, read_status, status_path, store_name, write_status


def test_two_stores_have_two_status_files(tmp_path: Path) -> None:
    real, demo = f"sqlite:///{tmp_path / 'sitthi.db'}", f"sqlite:///{tmp_path / 'demo.db'}"
    write_status(DaemonStatus(pid=os.getpid(), store=real, pending=64115))
    assert status_path(real) != status_path(demo)
    assert read_status(demo) is None
    shown = read_status(real)
    assert shown is not None and shown.pending == 64115


def test_the_daemon_and_the_app_name_the_same_store_the_same_way(tmp_path: Path) -> None:
    engine = open_store(tmp_path / "centre.db")
    try:
        daemon_side = store_name(engine)
    finally:
        engine.dispose()
    app_side = f"sqlite:///{(tmp_path / 'centre.db').resolve()}"
    assert status_path(daemon_side) == status_path(app_side)


def test_a_password_changes_nothing_and_is_not_written(tmp_path: Path) -> None:
    with_password = "postgresql+psycopg://sitthi:secret@db.example/centre"
    without = "postgresql+psycopg://sitthi@db.example/centre"
    assert status_path(with_password) == status_path(without)
    write_status(DaemonStatus(pid=os.getpid(), store=without))
    assert "secret" not in status_path(with_password).read_text("utf-8")
    assert read_status(with_password) is not None


def test_a_file_copied_from_another_store_is_not_believed(tmp_path: Path) -> None:
    one, other = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    write_status(DaemonStatus(pid=os.getpid(), store=one))
    status_path(other).write_bytes(status_path(one).read_bytes())
    assert read_status(other) is None
