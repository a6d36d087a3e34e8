"""The folder watcher: which names count, when a file is settled, and that files stay untouched."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from sync.watch import FolderWatcher, ImportMemory, content_hash, is_candidate_name, walk


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("name", "candidate"),
    [
        ("F43_10001_20250301120000.zip", True),
        ("rights_10001.xlsx", True),
        ("REP_2568.csv", True),
        ("~$rights_10001.xlsx", False),
        (".F43_10001.zip", False),
        ("F43_10001.zip.part", False),
        ("F43_10001.zip.crdownload", False),
        ("export.TMP", False),
        ("export.zip~", False),
    ],
)
def test_temporary_and_hidden_names_are_never_candidates(name: str, candidate: bool) -> None:
    assert is_candidate_name(name) is candidate


def test_a_file_is_offered_only_after_it_stays_still(tmp_path: Path) -> None:
    clock = FakeClock()
    watcher = FolderWatcher([tmp_path], settle_s=2.0, clock=clock)
    export = tmp_path / "F43_10001.zip"
    export.write_bytes(b"first half")
    watcher.rescan()
    assert watcher.ready() == []
    clock.now += 1.0
    with export.open("ab") as growing:
        growing.write(b" and the rest")
    assert watcher.ready() == [], "still being written"
    clock.now += 1.5
    assert watcher.ready() == [], "not yet still for the settle time"
    clock.now += 1.0
    assert watcher.ready() == [export]
    watcher.done(export)
    watcher.rescan()
    clock.now += 5
    assert watcher.ready() == [], "handled and unchanged: not offered again"


def test_a_changed_file_is_offered_again(tmp_path: Path) -> None:
    clock = FakeClock()
    watcher = FolderWatcher([tmp_path], settle_s=1.0, clock=clock)
    export = tmp_path / "rights.csv"
    export.write_text("pid\n")
    watcher.rescan()
    clock.now += 2
    watcher.done(watcher.ready()[0])
    export.write_text("pid,maininscl\n")
    watcher.rescan()
    clock.now += 2
    assert watcher.ready() == [export]


def test_rescans_find_files_in_sub_folders_but_not_hidden_ones(tmp_path: Path) -> None:
    (tmp_path / "2568" / "03").mkdir(parents=True)
    (tmp_path / ".cache").mkdir()
    wanted = tmp_path / "2568" / "03" / "F43_10001.zip"
    wanted.write_bytes(b"x")
    (tmp_path / ".cache" / "F43_10001.zip").write_bytes(b"x")
    (tmp_path / "2568" / "~$lock.xlsx").write_bytes(b"x")
    assert list(walk([tmp_path, tmp_path / "missing"])) == [wanted]


@pytest.mark.parametrize("poll", [False, True], ids=["events", "polling"])
def test_a_new_file_is_noticed_without_a_rescan(tmp_path: Path, poll: bool) -> None:
    watcher = FolderWatcher([tmp_path], poll=poll, settle_s=0.2)
    watcher.start()
    try:
        time.sleep(0.3)
        export = tmp_path / "F43_10001.zip"
        export.write_bytes(b"zip bytes")
        deadline = time.monotonic() + 15
        found: list[Path] = []
        while not found and time.monotonic() < deadline:
            time.sleep(0.1)
            found = watcher.ready()
        assert found == [export]
    finally:
        watcher.stop()


def test_what_was_imported_is_remembered_across_restarts(tmp_path: Path) -> None:
    export = tmp_path / "F43_10001.zip"
    export.write_bytes(b"the same bytes")
    memory = ImportMemory(tmp_path / "memory.json")
    memory.remember(content_hash(export), export.name, "loaded")
    assert content_hash(export) in ImportMemory(tmp_path / "memory.json")
    assert content_hash(export) not in ImportMemory(tmp_path / "elsewhere.json")
