"""Shared fixtures: an isolated Sitthi home per test, and stores on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from store import codes
from store.engine import open_store

PG_ADMIN_URL = os.environ.get(
    "SITTHI_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


pytest_plugins = ["tests.support.tui_snapshot"]
"""The snapshot tests' store folder (`folder`), a fixture of every TUI snapshot module."""


@pytest.fixture(autouse=True)
def sitthi_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data, config and log folders, and no inherited store."""
    home = tmp_path / "sitthi-home"
    monkeypatch.setenv("SITTHI_HOME", str(home))
    monkeypatch.delenv("SITTHI_DB", raising=False)
    codes.clear_cache()
    return home


def _postgres_available() -> str | None:
    try:
        engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:
        return str(exc).splitlines()[0]
    return None


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[Engine]:
    """An autocommit connection to the test PostgreSQL server; in CI its absence is a failure."""
    problem = _postgres_available()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI: {problem}")
        pytest.skip(f"no PostgreSQL server at {PG_ADMIN_URL}: {problem}")
    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


@pytest.fixture
def postgres_url(postgres_admin: Engine) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    name = f"sitthi_test_{uuid.uuid4().hex[:12]}"
    with postgres_admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with postgres_admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def sqlite_path(tmp_path: Path) -> Path:
    return tmp_path / "store.db"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty store; tests using it run once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    """An opened (migrated) store on each backend."""
    eng = open_store(store_url)
    yield eng
    eng.dispose()


@pytest.fixture
def anyio_backend() -> str:
    """The app's async Pilot tests run on asyncio."""
    return "asyncio"


@pytest.fixture
def url(tmp_path: Path) -> str:
    """The URL of a small synthetic centre's store, as the app's tests open it."""
    from tests.support.tui_pilot import centre_url

    return centre_url(tmp_path)
