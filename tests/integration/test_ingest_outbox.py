"""What an import writes is sent: each row it writes enters the outbox in the same transaction."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine, text

from store.engine import read_tx, write_tx
from store.ids import stable_id
from store.outbox import acknowledge, pending_entries
from sync.ingest.importer import import_paths
from sync.ingest.results import FileResult
from tests.support.ingest_builders import (
    HOSPCODE,
    card,
    cid,
    count,
    death,
    export_zip,
    f43_text,
    home,
    person,
    village,
)

NOW = dt.datetime(2025, 2, 1, 12, 0, tzinfo=dt.UTC)
IMPORTED_TABLES = ("village", "house", "person", "card", "death")


def _import(engine: Engine, *paths: Path) -> list[FileResult]:
    return import_paths(engine, list(paths), now=NOW)


def _outbox(engine: Engine) -> list[tuple[int, str, str, str]]:
    with read_tx(engine) as conn:
        rows = conn.execute(
            text("SELECT id, table_name, row_id, origin FROM sync_change ORDER BY id")
        )
        return [(int(i), str(t), str(r), str(o)) for i, t, r, o in rows]


def _stored_ids(engine: Engine, table: str) -> set[str]:
    with read_tx(engine) as conn:
        return {str(r[0]) for r in conn.execute(text(f"SELECT id FROM {table}"))}


def _full_export(folder: Path, people: list[dict[str, str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return export_zip(
        folder,
        village=f43_text("VILLAGE", [village("30020103")]),
        home=f43_text("HOME", [home(1)]),
        person=f43_text("PERSON", people),
        card=f43_text("CARD", [card(1), card(2)]),
        death=f43_text("DEATH", [death(2)]),
    )


def test_every_row_an_import_writes_is_in_the_outbox_once(engine: Engine, tmp_path: Path) -> None:
    people = [person(n) for n in range(1, 2501)]
    [result] = _import(engine, _full_export(tmp_path, people))
    assert result.status == "loaded"
    outbox = _outbox(engine)
    for table in IMPORTED_TABLES:
        recorded = [row_id for _i, name, row_id, _o in outbox if name == table]
        assert sorted(recorded) == sorted(_stored_ids(engine, table)), table
    assert {origin for *_rest, origin in outbox} == {""}, "a local write"
    assert len(outbox) == sum(count(engine, t) for t in IMPORTED_TABLES)


def test_a_newer_export_sends_the_rows_it_changed_again(engine: Engine, tmp_path: Path) -> None:
    january = [person(1, TYPEAREA="1"), person(2)]
    _import(engine, _full_export(tmp_path / "jan", january))
    with write_tx(engine) as conn:
        sent = pending_entries(conn, 1000)
        acknowledge(conn, sent[-1].id)
    march = [person(1, TYPEAREA="3", D_UPDATE="20250301080000"), person(2)]
    [newer] = _import(engine, _full_export(tmp_path / "mar", march))
    assert (newer.rows_loaded, newer.rows_unchanged) == (1, 1)
    [(entry_id, table, row_id, origin)] = _outbox(engine)
    assert (table, row_id, origin) == ("person", stable_id("person", HOSPCODE, "1"), "")
    assert entry_id > sent[-1].id, "a fresh entry, not covered by the earlier acknowledgement"

    february = [person(1, TYPEAREA="2", D_UPDATE="20250201080000")]
    [older] = _import(engine, _full_export(tmp_path / "feb", february))
    assert older.rows_loaded == 0
    assert [e[2] for e in _outbox(engine)] == [row_id], "an older export sends nothing"


def test_a_file_the_store_refuses_half_way_leaves_no_row_and_no_outbox_entry(
    engine: Engine, tmp_path: Path
) -> None:
    with write_tx(engine) as conn:
        conn.execute(text("CREATE UNIQUE INDEX ix_test_one_person_per_cid ON person (cid)"))
    twins = [person(1), person(2, CID=cid(1))]
    path = _full_export(tmp_path, twins)
    [refused] = _import(engine, path)
    assert refused.status == "refused"
    assert refused.message.startswith("the store did not accept the data")
    for table in IMPORTED_TABLES:
        assert count(engine, table) == 0, f"{table} rows of the refused file stayed"
    assert _outbox(engine) == []
    assert count(engine, "import_batch", "status = 'refused'") == 1

    with write_tx(engine) as conn:
        conn.execute(text("DROP INDEX ix_test_one_person_per_cid"))
    [loaded] = _import(engine, path)
    assert loaded.status == "loaded", "the store takes the same file once it can"
    assert len(_outbox(engine)) == sum(count(engine, t) for t in IMPORTED_TABLES) > 0
