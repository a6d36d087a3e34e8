"""The daemon's status record: a small JSON file the terminal app reads to show sync health.

`daemon-status.json` in the user data folder, replaced atomically on every change, format 1:

    {"format": 1, "pid": 4242, "state": "running" | "stopped",
     "started_at": ISO, "updated_at": ISO, "store": "path or URL without password",
     "watching": ["/folder", ...],
     "last_import": {"at": ISO, "file": "name.zip", "status": "loaded" | "unchanged" | "refused",
                     "rows": n} | null,
     "last_sync": {"at": ISO, "ok": bool, "pushed": n, "pulled": n, "server": URL} | null,
     "last_sync_ok_at": ISO | null, "pending": n,
     "last_error": {"at": ISO, "message": text} | null, "next_sync_at": ISO | null}

Times are UTC. Nothing in it is personal data: file names, counts and statuses only.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from store import paths
from store.private import write_private

FORMAT = 1
FILE_NAME = "daemon-status.json"
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

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> DaemonStatus:
        known = {name for name in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in value.items() if k in known})


def status_path() -> Path:
    return paths.data_dir() / FILE_NAME


def write_status(status: DaemonStatus, path: Path | None = None) -> None:
    """Replace the status file in one step, so a reader never sees half of it."""
    target = path or status_path()
    status.updated_at = now_text()
    write_private(target, json.dumps(status.to_json(), ensure_ascii=False, indent=1))


def read_status(path: Path | None = None) -> DaemonStatus | None:
    """The last status written, or None when there is none or it cannot be read."""
    try:
        value = json.loads((path or status_path()).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(value, dict) or value.get("format") != FORMAT:
        return None
    try:
        return DaemonStatus.from_json(value)
    except TypeError:
        return None


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
