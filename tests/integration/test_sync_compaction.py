"""The server's change log keeps only what a provincial reader may still need, and a reader the
log no longer covers (new, idle, restored from a backup) still receives every row, by snapshot.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text

from store.engine import open_store, read_tx, write_tx
from store.ids import stable_id
from sync.client import SyncClient, SyncRefused
from sync.protocol import API_PREFIX, PROTOCOL_HEADER, REGISTRY, PullRequest, pack
from sync.server.admin import add_user
from sync.server.auth import revoke
from sync.server.compaction import compact_log, log_horizon
from sync.server.sequencer import sequence_pending
from tests.support.cli import run
from tests.support.syncserver import (
    Province,
    RunningServer,
    add_person,
    add_right,
    outbox_size,
    province_fixture,  # noqa: F401
    running_server,
    server_fixture,  # noqa: F401
    snapshot,
    sync_all,
    synthetic_cid,
)

UNIT = "10001"
PAGE_ROWS = 4
"""Pages this small make every snapshot span several pages, tables and parts."""
COMPARED = tuple(entry.name for entry in REGISTRY)


@pytest.fixture(autouse=True)
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sync.client.PULL_PAGE_ROWS", PAGE_ROWS)


def log_size(engine: Engine) -> int:
    return outbox_size(engine)


def import_people(engine: Engine, first: int, count: int, name: str = "a") -> None:
    with write_tx(engine) as conn:
        for n in range(first, first + count):
            add_person(conn, UNIT, str(n), synthetic_cid(n), name=name)


def import_rights(engine: Engine, first: int, count: int) -> None:
    with write_tx(engine) as conn:
        for n in range(first, first + count):
            add_right(conn, synthetic_cid(n), hsub=UNIT)


def held(engine: Engine) -> dict[str, dict[str, object]]:
    return {name: rows for name, rows in snapshot(engine, COMPARED).items()}


def backup(store: Path, to: Path) -> None:
    """A consistent copy of a live SQLite store, as a backup tool makes it."""
    with closing(sqlite3.connect(store)) as source, closing(sqlite3.connect(to)) as target:
        source.backup(target)


def pull_some(engine: Engine, url: str, token: str, pages: int) -> None:
    """A sync cut off after `pages` pulled pages (the network went away)."""
    calls = iter(range(10**6))
    with SyncClient(engine, url, token, should_stop=lambda: next(calls) > pages) as client:
        client.run()


def test_a_new_reader_after_compaction_receives_every_row(
    province: Province, server: RunningServer, tmp_path: Path
) -> None:
    unit = open_store(tmp_path / "unit.db")
    import_people(unit, 1, 9)
    import_rights(province.engine, 1, 6)
    sync_all(unit, server.url, province.tokens[UNIT])
    first = open_store(tmp_path / "first.db")
    sync_all(first, server.url, province.tokens["province"])
    with write_tx(unit) as conn:
        conn.execute(
            text("DELETE FROM person WHERE id = :i"), {"i": stable_id("person", UNIT, "3")}
        )
    sync_all(unit, server.url, province.tokens[UNIT])
    sync_all(first, server.url, province.tokens["province"])

    done = compact_log(province.engine)

    assert done.removed >= 14 and done.kept == 1, "only the deleted person's entry stays"
    newcomer = open_store(tmp_path / "newcomer.db")
    result = sync_all(newcomer, server.url, add_user(province.engine, "new officer"))
    assert result.pulled >= 14
    assert held(newcomer) == held(province.engine) == held(first)
    for engine in (unit, first, newcomer):
        engine.dispose()


def test_the_log_stays_bounded_while_an_unchanged_unit_keeps_syncing(
    province: Province, server: RunningServer, tmp_path: Path
) -> None:
    unit = open_store(tmp_path / "unit.db")
    reader = open_store(tmp_path / "reader.db")
    import_people(unit, 1, 30)
    sizes = []
    for _ in range(4):
        sync_all(unit, server.url, province.tokens[UNIT])
        sync_all(reader, server.url, province.tokens["province"])
        compact_log(province.engine)
        sizes.append((log_size(province.engine), outbox_size(unit), outbox_size(reader)))
    assert sizes[0][0] <= PAGE_ROWS, "at most the page the reader has not confirmed yet"
    assert sizes[1:] == [(0, 0, 0)] * 3
    import_people(unit, 1, 5, name="b")
    sync_all(unit, server.url, province.tokens[UNIT])
    compact_log(province.engine)
    assert log_size(province.engine) == 5, "what the reader has not read yet stays"
    for _ in range(2):
        sync_all(reader, server.url, province.tokens["province"])
    compact_log(province.engine)
    assert log_size(province.engine) == 0
    assert held(reader)["person"] == held(province.engine)["person"]
    unit.dispose()
    reader.dispose()


def test_an_idle_reader_does_not_hold_the_log_and_catches_up_by_snapshot(
    province: Province, server: RunningServer, tmp_path: Path
) -> None:
    unit = open_store(tmp_path / "unit.db")
    idle = open_store(tmp_path / "idle.db")
    import_people(unit, 1, 6)
    sync_all(unit, server.url, province.tokens[UNIT])
    sync_all(idle, server.url, province.tokens["province"])
    import_people(unit, 1, 6, name="b")
    import_people(unit, 7, 6)
    sync_all(unit, server.url, province.tokens[UNIT])

    assert compact_log(province.engine).removed == 0, "an active reader holds what it lacks"
    assert compact_log(province.engine, active_days=-1).kept == 0

    sync_all(idle, server.url, province.tokens["province"])
    assert held(idle) == held(province.engine)
    unit.dispose()
    idle.dispose()


def test_a_reader_of_protocol_1_that_needs_a_snapshot_is_told_to_update(
    province: Province, server: RunningServer
) -> None:
    import_rights(province.engine, 1, 3)
    sequence_pending(province.engine)
    compact_log(province.engine)
    assert log_horizon_of(province.engine) > 0
    body = pack(PullRequest("old-node", 0, 10).to_json())
    headers = {
        "Authorization": f"Bearer {province.tokens['province']}",
        PROTOCOL_HEADER: "1",
        "Content-Encoding": "gzip",
    }
    answer = httpx.post(f"{server.url}{API_PREFIX}/pull", content=body, headers=headers)
    assert answer.status_code == 426
    assert "snapshot" in answer.json()["message"]


def log_horizon_of(engine: Engine) -> int:
    with read_tx(engine) as conn:
        return log_horizon(conn)


def test_a_sitthi_of_protocol_1_stops_with_a_message(
    province: Province, server: RunningServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_rights(province.engine, 1, 3)
    sequence_pending(province.engine)
    compact_log(province.engine)
    monkeypatch.setattr("sync.client.PROTOCOL_VERSION", 1)
    reader = open_store(tmp_path / "old.db")
    with pytest.raises(SyncRefused):
        sync_all(reader, server.url, province.tokens["province"])
    reader.dispose()


Step = tuple[str, int]
steps = st.lists(
    st.one_of(
        st.tuples(st.just("import"), st.integers(1, 6)),
        st.tuples(st.just("edit"), st.integers(0, 30)),
        st.tuples(st.just("delete"), st.integers(0, 30)),
        st.tuples(st.just("push"), st.just(0)),
        st.tuples(st.just("rights"), st.integers(1, 5)),
        st.tuples(st.just("unright"), st.integers(0, 30)),
        st.tuples(st.just("pull"), st.integers(0, 3)),
        st.tuples(st.just("cut"), st.integers(0, 3)),
        st.tuples(st.just("compact"), st.integers(0, 1)),
        st.tuples(st.just("join"), st.just(0)),
        st.tuples(st.just("backup"), st.integers(0, 3)),
        st.tuples(st.just("restore"), st.integers(0, 3)),
    ),
    min_size=4,
    max_size=18,
)
RESTORED_MISSES_A_DELETION: list[Step] = [
    *(("import", 4), ("push", 0), ("pull", 0), ("backup", 0), ("delete", 1), ("push", 0)),
    *(("pull", 0), ("compact", 0), ("restore", 0), ("rights", 2), ("cut", 0), ("compact", 1)),
]
"""A reader restored to before a deletion, behind a compacted log, cut off mid-snapshot."""


class World:
    """One unit, the server and provincial readers, run step by step."""

    def __init__(self, folder: Path, province: Province, server: RunningServer) -> None:
        self.folder, self.province, self.server = folder, province, server
        self.unit = open_store(folder / "unit.db")
        self.token = add_user(province.engine, "reader")
        self.readers: list[Path] = []
        self.engines: dict[Path, Engine] = {}
        self.backups: dict[Path, Path] = {}
        self.people = 0
        self.rights = 0
        self.clock = 0
        self.join()

    def join(self) -> None:
        path = self.folder / f"reader-{len(self.readers)}.db"
        self.readers.append(path)
        self.engines[path] = open_store(path)

    def reader(self, n: int) -> tuple[Path, Engine]:
        path = self.readers[n % len(self.readers)]
        return path, self.engines[path]

    def run(self, step: Step) -> None:
        action, n = step
        self.clock += 1
        engine = self.province.engine
        if action == "import":
            import_people(self.unit, self.people + 1, n)
            self.people += n
        elif action == "edit" and self.people:
            import_people(self.unit, 1 + n % self.people, 1, name=f"v{self.clock}")
        elif action == "delete" and self.people:
            person = stable_id("person", UNIT, str(1 + n % self.people))
            with write_tx(self.unit) as conn:
                conn.execute(text("DELETE FROM person WHERE id = :i"), {"i": person})
        elif action == "push":
            sync_all(self.unit, self.server.url, self.province.tokens[UNIT])
        elif action == "rights":
            import_rights(engine, self.rights + 1, n)
            self.rights += n
        elif action == "unright" and self.rights:
            right = stable_id("nhso_right", synthetic_cid(1 + n % self.rights), "2025-01-10")
            with write_tx(engine) as conn:
                conn.execute(text("DELETE FROM nhso_right WHERE id = :i"), {"i": right})
        elif action == "pull":
            sync_all(self.reader(n)[1], self.server.url, self.token)
        elif action == "cut":
            pull_some(self.reader(n)[1], self.server.url, self.token, pages=1 + n % 3)
        elif action == "compact":
            self.compact(active_days=30 if n else -1)
        elif action == "join":
            self.join()
        elif action == "backup":
            path, _engine = self.reader(n)
            self.backups[path] = path.with_suffix(".backup")
            backup(path, self.backups[path])
        elif action == "restore":
            path, reader = self.reader(n)
            if path in self.backups:
                reader.dispose()
                for extra in (Path(f"{path}-wal"), Path(f"{path}-shm")):
                    extra.unlink(missing_ok=True)
                shutil.copy(self.backups[path], path)
                self.engines[path] = open_store(path)

    def compact(self, *, active_days: int) -> None:
        """Compact, checking that no entry an active reader has not read goes missing and that
        what stays below the horizon is only deletions."""
        engine = self.province.engine
        with read_tx(engine) as conn:
            before = log_horizon(conn)
            slowest = conn.execute(
                text(
                    "SELECT min(p.pull_cursor) FROM sync_peer p JOIN sync_credential c "
                    "ON c.id = p.credential_id WHERE c.kind = 'province' AND c.revoked_at IS NULL "
                    "AND p.last_pull_at IS NOT NULL"
                )
            ).scalar()
            needed = set(
                conn.execute(
                    text("SELECT table_name, row_id, seq FROM sync_change WHERE seq > :c"),
                    {"c": max(slowest or 0, before)},
                ).all()
            )
        done = compact_log(engine, active_days=active_days)
        with read_tx(engine) as conn:
            kept = set(conn.execute(text("SELECT table_name, row_id, seq FROM sync_change")).all())
            for name, row_id, seq in kept:
                if seq is not None and 0 < seq <= done.horizon:
                    found = conn.execute(
                        text(f'SELECT 1 FROM "{name}" WHERE id = :i'), {"i": row_id}
                    ).first()
                    assert found is None, "an entry every reader has read was kept"
        if active_days > 0 and slowest is not None:
            assert needed <= kept, "compaction dropped an entry a reader of the log needs"

    def settle_and_check(self) -> None:
        sync_all(self.unit, self.server.url, self.province.tokens[UNIT])
        expected = held(self.province.engine)
        for path in self.readers:
            sync_all(self.engines[path], self.server.url, self.token)
            assert held(self.engines[path]) == expected, f"{path.name} differs from the province"

    def close(self) -> None:
        """Revoke this example's reader token: the next example's readers start afresh."""
        with write_tx(self.province.engine) as conn:
            held_ids = conn.execute(
                text("SELECT id FROM sync_credential WHERE name = 'reader' AND revoked_at IS NULL")
            ).scalars()
            for credential in list(held_ids):
                revoke(conn, credential)
        self.unit.dispose()
        for engine in self.engines.values():
            engine.dispose()


@pytest.fixture(name="shared_server")
def shared_server_fixture(province: Province) -> Iterator[RunningServer]:
    with running_server(province.engine) as running:
        yield running


@pytest.mark.slow
@settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(plan=steps)
@example(plan=RESTORED_MISSES_A_DELETION)
def test_every_reader_converges_whatever_compaction_runs_between_syncs(
    plan: list[Step], province: Province, shared_server: RunningServer
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        world = World(Path(folder), province, shared_server)
        try:
            for step in plan:
                world.run(step)
            world.settle_and_check()
        finally:
            world.close()


def test_sitthi_server_compact_says_what_it_removed_in_thai_and_english(
    province: Province, server: RunningServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    unit = open_store(tmp_path / "unit.db")
    import_people(unit, 1, 5)
    sync_all(unit, server.url, province.tokens[UNIT])
    sequence_pending(province.engine)
    db = str(province.engine.url.render_as_string(hide_password=False))
    code, out, _err = run(capsys, "server", "compact", "--db", db, "--json")
    assert code == 0 and json.loads(out)["removed"] == 5 and json.loads(out)["kept"] == 0
    code, out, _err = run(capsys, "--lang", "th", "server", "compact", "--db", db)
    assert code == 0 and "ลบรายการที่อ่านแล้ว" in out and "0 รายการ" in out
    code, out, _err = run(capsys, "--lang", "en", "server", "compact", "--db", db)
    assert code == 0 and "0 entries removed, 0 kept" in out
    unit.dispose()


def test_compaction_running_beside_pushes_and_pulls_loses_nothing(
    province: Province, server: RunningServer, tmp_path: Path
) -> None:
    unit = open_store(tmp_path / "unit.db")
    reader = open_store(tmp_path / "reader.db")
    stop = threading.Event()
    failures: list[BaseException] = []

    def keep_compacting() -> None:
        while not stop.is_set():
            try:
                compact_log(province.engine, chunk=3)
            except BaseException as exc:
                failures.append(exc)
                return

    compactor = threading.Thread(target=keep_compacting, daemon=True)
    compactor.start()
    try:
        for round_no in range(6):
            import_people(unit, 1 + 4 * round_no, 8, name=f"r{round_no}")
            import_rights(province.engine, 1 + 3 * round_no, 3)
            sync_all(unit, server.url, province.tokens[UNIT])
            sync_all(reader, server.url, province.tokens["province"])
    finally:
        stop.set()
        compactor.join(timeout=30)
    assert failures == []
    sync_all(reader, server.url, province.tokens["province"])
    assert held(reader) == held(province.engine)
    unit.dispose()
    reader.dispose()
