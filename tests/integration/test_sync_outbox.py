"""Local writes to synced tables land in the outbox in their own transaction, and only they do."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from store.engine import SCHEMA_REVISIONS, create_store_engine, open_store, read_tx, write_tx
from store.outbox import (
    acknowledge,
    applying_remote,
    captured_tables,
    pending_count,
    pending_entries,
    writing_as,
)
from sync.protocol import table_names
from tests.support.syncserver import add_followup, add_person, add_right, outbox_size, synthetic_cid

VERSIONS = Path(__file__).resolve().parents[2] / "store/migrations/versions"
MIGRATION = VERSIONS / "0004_sync.py"
STATEMENTS_MIGRATION = VERSIONS / "0007_statements_real_layouts.py"
EXPORTS_MIGRATION = VERSIONS / "0008_exports_log_and_volunteers.py"


def entries(engine: Engine) -> list[tuple[str, str, str]]:
    with read_tx(engine) as conn:
        rows = conn.execute(text("SELECT table_name, row_id, origin FROM sync_change ORDER BY id"))
        return [(str(t), str(r), str(o)) for t, r, o in rows]


def _migration(path: Path) -> object:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    return migration


def test_every_synced_table_is_captured_and_no_other(engine: Engine) -> None:
    """The tables the migrations put under capture: 0004's, the statements' and the export log."""
    synced = set(_migration(MIGRATION).SYNCED_TABLES)  # type: ignore[attr-defined]
    synced |= set(_migration(STATEMENTS_MIGRATION).NEW_TABLES)  # type: ignore[attr-defined]
    synced |= set(_migration(EXPORTS_MIGRATION).SYNCED_TABLES)  # type: ignore[attr-defined]
    with engine.connect() as conn:
        captured = captured_tables(conn)
    assert captured == set(table_names()) == synced


def test_a_local_write_enters_the_outbox_in_the_same_transaction(engine: Engine) -> None:
    with write_tx(engine) as conn:
        person = add_person(conn, "10001", "1", synthetic_cid(1))
        assert pending_count(conn) == 1, "visible inside the writing transaction"
    assert entries(engine) == [("person", person, "")]


def test_a_rolled_back_write_leaves_nothing_in_the_outbox(engine: Engine) -> None:
    with pytest.raises(RuntimeError), write_tx(engine) as conn:
        add_person(conn, "10001", "1", synthetic_cid(1))
        raise RuntimeError("the import failed half-way")
    assert outbox_size(engine) == 0


def test_update_and_delete_are_recorded_once_per_row(engine: Engine) -> None:
    with write_tx(engine) as conn:
        person = add_person(conn, "10001", "1", synthetic_cid(1))
    with write_tx(engine) as conn:
        add_person(conn, "10001", "1", synthetic_cid(1), name="Somsri")
        add_person(conn, "10001", "1", synthetic_cid(1), name="Somying")
    assert entries(engine) == [("person", person, "")]
    with write_tx(engine) as conn:
        conn.execute(text("DELETE FROM person"))
    assert entries(engine) == [("person", person, "")]


def test_rewriting_a_row_as_it_was_records_nothing(engine: Engine) -> None:
    with write_tx(engine) as conn:
        add_person(conn, "10001", "1", synthetic_cid(1))
    with write_tx(engine) as conn:
        acknowledge(conn, 10**9)
        conn.execute(text("UPDATE person SET batch_id = 'a-later-import'"))
        conn.execute(text("UPDATE person SET name = name"))
    assert outbox_size(engine) == 0


def test_rows_applied_from_a_pull_do_not_enter_the_outbox(engine: Engine) -> None:
    with write_tx(engine) as conn, applying_remote(conn):
        add_right(conn, synthetic_cid(7), hsub="10001")
    assert outbox_size(engine) == 0
    with write_tx(engine) as conn:
        add_right(conn, synthetic_cid(8))
    assert [e[0] for e in entries(engine)] == ["nhso_right"], "capture is back on afterwards"


def test_rows_applied_for_a_client_are_marked_with_its_origin(engine: Engine) -> None:
    with write_tx(engine) as conn, writing_as(conn, "10002"):
        person = add_person(conn, "10002", "1", synthetic_cid(1))
    assert entries(engine) == [("person", person, "10002")]


def test_an_edit_made_while_a_push_is_in_flight_survives_its_acknowledgement(
    engine: Engine,
) -> None:
    with write_tx(engine) as conn:
        add_person(conn, "10001", "1", synthetic_cid(1))
        edited = add_person(conn, "10001", "2", synthetic_cid(2))
    with read_tx(engine) as conn:
        in_flight = pending_entries(conn, 100)
    with write_tx(engine) as conn:
        add_person(conn, "10001", "2", synthetic_cid(2), name="edited meanwhile")
    with write_tx(engine) as conn:
        acknowledge(conn, in_flight[-1].id)
    remaining = entries(engine)
    assert remaining == [("person", edited, "")]
    with read_tx(engine) as conn:
        assert pending_entries(conn, 10)[0].id > in_flight[-1].id


def test_a_follow_up_lands_in_the_outbox_with_its_entry(engine: Engine) -> None:
    from store.followup import append_followup

    with write_tx(engine) as conn:
        person = add_person(conn, "10001", "1", synthetic_cid(1))
        acknowledge(conn, 10**9)
    with write_tx(engine) as conn:
        entry = append_followup(
            conn,
            hospcode="10001",
            person_id=person,
            action="PHONED",
            now=dt.datetime(2025, 2, 1, tzinfo=dt.UTC),
        )
    assert entries(engine) == [("followup_log", entry.id, "")]


def test_an_import_lands_in_the_outbox_row_for_row(tmp_path: Path) -> None:
    from sync.ingest.importer import import_paths
    from sync.simulate.files import write_demo_files

    engine = open_store(tmp_path / "centre.db")
    _centre, files = write_demo_files(
        tmp_path / "exports", seed=7, today=dt.date(2025, 3, 1), persons=40
    )
    zips = [f for f in files if f.suffix == ".zip"]
    results = import_paths(engine, zips, now=dt.datetime(2025, 3, 1, tzinfo=dt.UTC))
    assert [r.status for r in results] == ["loaded"]
    with read_tx(engine) as conn:
        for table in ("person", "card", "house", "village"):
            rows = {r[0] for r in conn.execute(text(f"SELECT id FROM {table}"))}
            recorded = {
                r[0]
                for r in conn.execute(
                    text("SELECT row_id FROM sync_change WHERE table_name = :t"), {"t": table}
                )
            }
            assert rows and rows == recorded, table
    before = outbox_size(engine)
    again = import_paths(engine, zips)
    assert [r.status for r in again] == ["unchanged"]
    assert outbox_size(engine) == before
    engine.dispose()


def test_a_store_from_before_sync_sends_everything_it_holds(store_url: str) -> None:
    from alembic import command
    from alembic.config import Config

    engine = create_store_engine(store_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATION.parents[1]))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, SCHEMA_REVISIONS[SCHEMA_REVISIONS.index("0004") - 1])
    with engine.begin() as conn:
        person = add_person(conn, "10001", "1", synthetic_cid(1))
        right = add_right(conn, synthetic_cid(1))
    engine.dispose()
    upgraded = open_store(store_url)
    assert sorted(entries(upgraded)) == sorted([("person", person, ""), ("nhso_right", right, "")])
    upgraded.dispose()


def test_the_sync_tables_can_be_removed_again(store_url: str) -> None:
    from alembic import command
    from alembic.config import Config

    engine = open_store(store_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATION.parents[1]))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0003")
    with engine.connect() as conn:
        assert captured_tables(conn) == set()
    with engine.begin() as conn:
        add_person(conn, "10001", "1", synthetic_cid(1))
    engine.dispose()


def test_a_follow_up_written_by_a_pull_keeps_the_clock_ahead(engine: Engine) -> None:
    """Events merged from elsewhere advance the local clock: a new entry sorts after them."""
    from store.followup import append_followup, followup_history

    with write_tx(engine) as conn:
        person = add_person(conn, "10001", "1", synthetic_cid(1))
    future_ms = int(dt.datetime(2030, 1, 1, tzinfo=dt.UTC).timestamp() * 1000)
    with write_tx(engine) as conn, applying_remote(conn):
        add_followup(conn, "10001", person, "from the province", hlc_ms=future_ms)
    with write_tx(engine) as conn:
        local = append_followup(conn, hospcode="10001", person_id=person, action="PHONED")
    with read_tx(engine) as conn:
        history = followup_history(conn, person)
    assert history[-1].id == local.id
