"""Where Sitthi keeps its files: per-user folders, or everything under `SITTHI_HOME` when set."""

from __future__ import annotations

import os
from pathlib import Path

APP = "sitthi"


def _home() -> Path | None:
    value = os.environ.get("SITTHI_HOME")
    return Path(value) if value else None


def data_dir() -> Path:
    home = _home()
    if home:
        return home / "data"
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP, appauthor=False))


def config_dir() -> Path:
    home = _home()
    if home:
        return home / "config"
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP, appauthor=False))


def log_dir() -> Path:
    home = _home()
    if home:
        return home / "log"
    from platformdirs import user_log_dir

    return Path(user_log_dir(APP, appauthor=False))


def default_db_path() -> Path:
    """The centre's real store."""
    return data_dir() / "sitthi.db"


def demo_db_path() -> Path:
    """The demo store: separate, so a demo never touches the real one."""
    return data_dir() / "demo.db"


def province_demo_db_path() -> Path:
    """The province demo's store (`sitthi demo --province`), beside the centre demo's."""
    return data_dir() / "province-demo.db"


def reference_override_dir() -> Path:
    """CSV files here with the name of a shipped reference table extend or replace its rows."""
    return config_dir() / "reference"


def resolve_url(db: str | os.PathLike[str] | None, *, demo: bool = False) -> str:
    """`--db` value (URL or path), else `SITTHI_DB`, else the default (or demo) SQLite file.
    (Here rather than in `store.engine` so that naming a store costs no SQLAlchemy import.)"""
    value = os.fspath(db) if db is not None else os.environ.get("SITTHI_DB")
    if not value:
        value = os.fspath(demo_db_path() if demo else default_db_path())
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def display_url(url: str) -> str:
    """The URL without a password, for messages."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}@{host}"
    return url.removeprefix("sqlite:///")
