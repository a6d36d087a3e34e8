"""The store opens, migrates, refuses a newer schema, and lets the TUI and daemon share a file."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text

import store.engine as store_engine
from store.engine import SCHEMA_REVISIONS, StoreError, open_store, write_tx


def test_schema_revisions_list_matches_the_migrations() -> None:
    config = Config()
    config.set_main_option(
        "script_location", str(Path(store_engine.__file__).parent / "migrations")
    )
    script = ScriptDirectory.from_config(config)
    chain = [rev.revision for rev in reversed(list(script.walk_revisions()))]
    assert tuple(chain) == SCHEMA_REVISIONS


def test_a_new_store_gets_every_table(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert {
        "person",
        "card",
        "house",
        "village",
        "death",
        "nhso_right",
        "facility",
        "import_batch",
        "import_issue",
        "import_part",
        "alembic_version",
    } <= tables


def test_a_store_from_a_newer_version_is_refused_clearly(store_url: str) -> None:
    eng = open_store(store_url)
    with eng.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    eng.dispose()
    with pytest.raises(StoreError, match="newer Sitthi"):
        open_store(store_url)


def test_reopening_a_current_store_does_not_migrate(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_store(store_url).dispose()
    monkeypatch.setattr(store_engine, "upgrade", lambda _e: pytest.fail("upgraded again"))
    open_store(store_url).dispose()


def test_sqlite_connections_use_wal_and_foreign_keys(tmp_path: Path) -> None:
    eng = open_store(tmp_path / "s.db")
    with eng.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    eng.dispose()


def test_two_writers_on_one_sqlite_file_wait_for_each_other(tmp_path: Path) -> None:
    """Two processes' worth of engines: the second writer waits, neither fails as locked."""
    path = tmp_path / "shared.db"
    first, second = open_store(path), open_store(path)
    errors: list[BaseException] = []
    started = threading.Event()

    def slow_writer() -> None:
        try:
            with write_tx(first) as conn:
                started.set()
                conn.execute(text("INSERT INTO facility (hospcode, name) VALUES ('00001', 'a')"))
                threading.Event().wait(0.5)
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=slow_writer)
    thread.start()
    started.wait(5)
    with write_tx(second) as conn:
        count = conn.execute(text("SELECT count(*) FROM facility")).scalar()
        conn.execute(text("INSERT INTO facility (hospcode, name) VALUES ('00002', 'b')"))
    thread.join()
    assert not errors
    assert count == 1
    first.dispose()
    second.dispose()


def test_the_migrations_build_exactly_the_schema_the_models_describe(engine: Engine) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlmodel import SQLModel

    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diffs == []


def test_every_migration_downgrades_and_upgrades_again(store_url: str) -> None:
    from alembic import command

    eng = open_store(store_url)
    config = Config()
    config.set_main_option(
        "script_location", str(Path(store_engine.__file__).parent / "migrations")
    )
    with eng.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "base")
    with eng.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    assert store_engine.current_revision(eng) == SCHEMA_REVISIONS[-1]
    eng.dispose()
