"""The daemon's status record: a small JSON file the terminal app reads to show sync health.

Each store has its own: `daemon-status-<key>.json` in the user data folder, where the key is a
digest of the store's URL without its password (`status_path`), so the app opened on one store
never shows the daemon of another (the demo store beside the centre's real one, two centres'
stores on a provincial machine). Replaced atomically on every change, format 1:

    {"format": 1, "pid": 4242, "state": "running" | "stopped",
     "started_at": ISO, "updated_at": ISO, "store": "path or URL without password",
     "watching": ["/folder", ...],
     "last_import": {"at": ISO, "file": "name.zip", "status": "loaded" | "unchanged" | "refused",
                     "rows": n} | null,
     "last_sync": {"at": ISO, "ok": bool, "pushed": n, "pulled": n, "server": URL} | null,
     "last_sync_ok_at": ISO | null, "pending": n,
     "last_error": {"at": ISO, "message": text, "key": key, "params": JSON} | null,
     "next_sync_at": ISO | null}

Times are UTC. Nothing in it is personal data: file names, counts and statuses only.
`last_error` keeps the catalogue key and parameters of the problem (as the store's import log
does, `store.i18n.stored`) beside its English text: the daemon is a service without a reader, and
whoever reads the file (the app, in the language chosen there) renders it in their own language.
A file written before the key was kept has the text only, and shows it as it is.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from store import paths
from store.engine import display_url
from store.i18n import Message, shown
from store.i18n.stored import params_json, stored_message
from store.private import write_private

FORMAT = 1
FILE_PREFIX = "daemon-status-"
RUNNING = "running"
STOPPED = "stopped"


def now_text() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass
class DaemonStatus:
    pid: int
    state: str = RUNNING
    started_at: str = field(default_factory=now_text)
    updated_at: str = field(default_factory=now_text)
    store: str = ""
    watching: list[str] = field(default_factory=list)
    last_import: dict[str, Any] | None = None
    last_sync: dict[str, Any] | None = None
    last_sync_ok_at: str | None = None
    pending: int = 0
    last_error: dict[str, Any] | None = None
    next_sync_at: str | None = None
    format: int = FORMAT

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def last_problem(self) -> Message | str | None:
        """The last problem as its catalogue message (the stored text when it has none), None
        when there was none."""
        error = self.last_error
        if not isinstance(error, dict) or not error.get("message"):
            return None
        key, params = str(error.get("key") or ""), str(error.get("params") or "")
        return stored_message(key, params) or str(error["message"])

    def problem(self, lang: str) -> str | None:
        """The last problem in `lang`, None when there was none."""
        problem = self.last_problem()
        return None if problem is None else shown(problem, lang)

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> DaemonStatus:
        known = {name for name in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in value.items() if k in known})


def error_record(problem: Message) -> dict[str, str]:
    """The status file's `last_error` for a problem now."""
    return {
        "at": now_text(),
        "message": str(problem),
        "key": problem.key,
        "params": params_json(problem),
    }


def store_name(engine: Engine) -> str:
    """How the status file names the store an engine serves (its URL, password left out)."""
    return display_url(engine.url.render_as_string(hide_password=True))


def status_path(store: str) -> Path:
    """The status file of the daemon serving `store` (a store URL, with or without password)."""
    key = hashlib.sha256(display_url(store).encode("utf-8")).hexdigest()[:16]
    return paths.data_dir() / f"{FILE_PREFIX}{key}.json"


def write_status(status: DaemonStatus, path: Path | None = None) -> None:
    """Replace the status file in one step, so a reader never sees half of it."""
    target = path or status_path(status.store)
    status.updated_at = now_text()
    write_private(target, json.dumps(status.to_json(), ensure_ascii=False, indent=1))


def read_status(store: str | Path) -> DaemonStatus | None:
    """The last status written for `store` (or the file at a path), None when there is none,
    it cannot be read, or it belongs to another store."""
    path = store if isinstance(store, Path) else status_path(store)
    try:
        value = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(value, dict) or value.get("format") != FORMAT:
        return None
    try:
        status = DaemonStatus.from_json(value)
    except TypeError:
        return None
    if isinstance(store, str) and display_url(status.store) != display_url(store):
        return None
    return status


def is_running(status: DaemonStatus) -> bool:
    """Whether the daemon that wrote `status` is still alive (not just marked running).

    On Windows signal 0 would end the process, so there the record's state is trusted.
    """
    if status.state != RUNNING or status.pid <= 0:
        return False
    if os.name == "nt":
        return True
    try:
        os.kill(status.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
