"""A centre's store restored from a backup loses nothing at the province and doubles nothing.

The store keeps how far it has sent; the server says how far it has applied. A restored store
finds the server ahead of it, takes a new sync identity and sends everything it owns again,
which the server applies once by row id (an older copy never replacing a newer one); the
server sends the new identity the unit's own follow-ups, which cannot be imported again.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from store.engine import open_store, write_tx
from store.ids import stable_id
from tests.support.syncserver import (
    Province,
    RunningServer,
    add_followup,
    add_person,
    make_province,
    outbox_size,
    province_fixture,  # noqa: F401
    running_server,
    server_fixture,  # noqa: F401
    snapshot,
    sync_all,
    synthetic_cid,
)

UNIT = "10001"


def backup(store: Path, to: Path) -> None:
    """A consistent copy of a live SQLite store, as a backup tool makes it."""
    with closing(sqlite3.connect(store)) as source, closing(sqlite3.connect(to)) as target:
        source.backup(target)


def restore(engine: Engine, store: Path, copy: Path) -> Engine:
    engine.dispose()
    for extra in (Path(f"{store}-wal"), Path(f"{store}-shm")):
        extra.unlink(missing_ok=True)
    shutil.copy(copy, store)
    return open_store(store)


def import_persons(engine: Engine, first: int, count: int, stamp: int) -> list[str]:
    """Persons as an import writes them, updated at `stamp` (minutes of a made-up clock)."""
    at = dt.datetime(2025, 1, 1) + dt.timedelta(minutes=stamp)
    with write_tx(engine) as conn:
        return [
            add_person(conn, UNIT, str(n), synthetic_cid(n), name=f"v{stamp}", d_update=at)
            for n in range(first, first + count)
        ]


def test_a_restored_store_sends_the_changes_it_makes_next(
    server: RunningServer, province: Province, tmp_path: Path
) -> None:
    store = tmp_path / "centre.db"
    centre = open_store(store)
    import_persons(centre, 1, 5, stamp=1)
    sync_all(centre, server.url, province.tokens[UNIT])
    backup(store, tmp_path / "backup.db")
    import_persons(centre, 100, 30, stamp=2)
    sync_all(centre, server.url, province.tokens[UNIT])
    centre = restore(centre, store, tmp_path / "backup.db")
    new = import_persons(centre, 200, 11, stamp=3)
    result = sync_all(centre, server.url, province.tokens[UNIT])
    held = snapshot(province.engine)["person"]
    assert set(new) <= set(held), "the persons imported after the restore reached the server"
    assert result.reidentified and result.pending == 0 and result.rejected == []
    assert len(held) == 5 + 30 + 11
    mine = snapshot(centre)["person"]
    assert {i: held[i] for i in mine} == mine
    again = sync_all(centre, server.url, province.tokens[UNIT])
    assert (again.pushed, again.reidentified) == (0, False)
    centre.dispose()


def write_followup(engine: Engine, person_id: str, note: str, stamp: int) -> str:
    with write_tx(engine) as conn:
        return add_followup(conn, UNIT, person_id, note, hlc_ms=1_736_000_000_000 + stamp)


def test_a_restored_centre_gets_back_its_own_follow_ups_and_nothing_twice(
    server: RunningServer, province: Province, tmp_path: Path
) -> None:
    store = tmp_path / "centre.db"
    centre = open_store(store)
    person = import_persons(centre, 1, 2, stamp=1)[0]
    first = write_followup(centre, person, "called", stamp=1)
    sync_all(centre, server.url, province.tokens[UNIT])
    backup(store, tmp_path / "backup.db")
    second = write_followup(centre, person, "visited", stamp=2)
    assert sync_all(centre, server.url, province.tokens[UNIT]).pulled == 0, "not sent back"
    centre = restore(centre, store, tmp_path / "backup.db")
    assert set(snapshot(centre)["followup_log"]) == {first}
    assert sync_all(centre, server.url, province.tokens[UNIT]).reidentified
    held = snapshot(province.engine)["followup_log"]
    assert snapshot(centre)["followup_log"] == held and set(held) == {first, second}
    assert sync_all(centre, server.url, province.tokens[UNIT]).pulled == 0
    third = write_followup(centre, person, "registered", stamp=3)
    sync_all(centre, server.url, province.tokens[UNIT])
    assert sync_all(centre, server.url, province.tokens[UNIT]).pulled == 0
    assert set(snapshot(centre)["followup_log"]) == {first, second, third}
    centre.dispose()


def test_a_store_that_lost_an_answer_is_not_taken_for_a_restored_one(
    server: RunningServer, province: Province, tmp_path: Path
) -> None:
    centre = open_store(tmp_path / "centre.db")
    import_persons(centre, 1, 3, stamp=1)
    first = sync_all(centre, server.url, province.tokens[UNIT])
    import_persons(centre, 10, 2, stamp=2)
    second = sync_all(centre, server.url, province.tokens[UNIT])
    assert not first.reidentified and not second.reidentified and second.pushed == 2
    centre.dispose()


Step = tuple[str, int]
LOST_NEXT_CHANGES: list[Step] = [
    *(("import", 3), ("sync", 0), ("backup", 0), ("import", 20), ("sync", 0)),
    *(("restore", 0), ("import", 5), ("edit", 2), ("sync", 0), ("backup", 0), ("restore", 1)),
]
FOLLOW_UP_LOST: list[Step] = [
    *(("import", 2), ("followup", 0), ("sync", 0), ("backup", 0), ("followup", 1), ("sync", 0)),
    *(("restore", 0), ("followup", 1), ("sync", 0), ("backup", 0), ("followup", 0)),
    *(("sync", 0), ("restore", 0), ("restore", 1)),
]
"""Follow-ups recorded and synced after a backup, restored twice: the centre's own log must
come back from the province."""
"""Sync, back up, import and sync, restore, import fewer rows than were lost: the case that
lost the next changes."""
steps = st.lists(
    st.one_of(
        st.tuples(st.just("import"), st.integers(1, 30)),
        st.tuples(st.just("edit"), st.integers(1, 40)),
        st.tuples(st.just("followup"), st.integers(0, 40)),
        st.tuples(st.just("sync"), st.just(0)),
        st.tuples(st.just("backup"), st.just(0)),
        st.tuples(st.just("restore"), st.integers(0, 5)),
    ),
    min_size=3,
    max_size=14,
)


class Centre:
    def __init__(self, folder: Path, server: RunningServer, token: str) -> None:
        self.folder, self.server, self.token = folder, server, token
        self.store = folder / "centre.db"
        self.engine = open_store(self.store)
        self.backups: list[Path] = []
        self.clock = 0
        self.next_pid = 1

    def run(self, step: Step) -> None:
        action, n = step
        self.clock += 1
        if action == "import":
            import_persons(self.engine, self.next_pid, n, self.clock)
            self.next_pid += n
        elif action == "edit" and self.next_pid > 1:
            import_persons(self.engine, 1 + n % (self.next_pid - 1), 1, self.clock)
        elif action == "followup" and self.next_pid > 1:
            person = stable_id("person", UNIT, str(1 + n % (self.next_pid - 1)))
            write_followup(self.engine, person, f"step {self.clock}", self.clock)
        elif action == "sync":
            sync_all(self.engine, self.server.url, self.token)
        elif action == "backup":
            self.backups.append(self.folder / f"backup-{len(self.backups)}.db")
            backup(self.store, self.backups[-1])
        elif action == "restore" and self.backups:
            chosen = self.backups[n % len(self.backups)]
            self.engine = restore(self.engine, self.store, chosen)


@pytest.mark.slow
@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(plan=steps)
@example(plan=LOST_NEXT_CHANGES)
@example(plan=FOLLOW_UP_LOST)
def test_a_restored_store_converges_after_any_syncs_and_restores(plan: list[Step]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        province = make_province(f"sqlite:///{root / 'server.db'}", (UNIT,))
        with running_server(province.engine) as server:
            centre = Centre(root, server, province.tokens[UNIT])
            for step in plan:
                centre.run(step)
            last = sync_all(centre.engine, server.url, centre.token)
            assert last.pending == 0 and outbox_size(centre.engine) == 0
            assert sync_all(centre.engine, server.url, centre.token).pushed == 0
            held = snapshot(province.engine)["person"]
            mine = snapshot(centre.engine)["person"]
            for row_id, row in mine.items():
                assert row_id in held, "a row of the store is missing at the province"
                if held[row_id] != row:
                    assert held[row_id]["d_update"] > row["d_update"], "a newer copy was lost"
            followups = snapshot(centre.engine)["followup_log"]
            assert followups == snapshot(province.engine)["followup_log"], "follow-ups differ"
            centre.engine.dispose()
        province.engine.dispose()
