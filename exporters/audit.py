"""The export audit log: one line per deliberate export of person-level data (PDPA).

Each line is a JSON object with the time (UTC), the command, the unit (or "all"), the number of
persons exported and the operating-system user. It never holds CIDs, names or other personal
data, so the log itself can be shown to an auditor.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
from pathlib import Path

from store import paths
from store.private import private_file

AUDIT_FILE = "audit.log"
ALL_UNITS = "all"


def audit_path() -> Path:
    return paths.log_dir() / AUDIT_FILE


def os_user() -> str:
    """The login name of whoever runs Sitthi, or "unknown" when the system cannot tell."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def record_export(
    command: str,
    hospcode: str | None,
    persons: int,
    *,
    now: dt.datetime | None = None,
) -> Path:
    """Append one audit line; raises OSError when it cannot be written (export then refused)."""
    line = {
        "time": (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"),
        "command": command,
        "hospcode": hospcode or ALL_UNITS,
        "persons": persons,
        "user": os_user(),
    }
    path = audit_path()
    private_file(path)
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
    return path
