"""Files only their owner can read: Sitthi's stores, logs, status and settings hold personal
data or tokens, and a provincial server is often a machine several people reach over SSH.

Folders Sitthi creates are 0700 and files 0600 whatever the process's umask (the mode is set
after creating, since the umask would mask the mode given at creation). Folders that already
existed are left as their owner set them.
"""

from __future__ import annotations

import os
from pathlib import Path

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def private_folder(folder: Path) -> Path:
    """Create `folder` and any missing parents as owner-only folders."""
    missing: list[Path] = []
    current = folder
    while not current.exists() and current != current.parent:
        missing.append(current)
        current = current.parent
    folder.mkdir(parents=True, exist_ok=True)
    for created in missing:
        _chmod(created, FOLDER_MODE)
    return folder


def private_file(path: Path) -> Path:
    """Create `path` (if missing) as an owner-only file in an owner-only folder; an existing
    file Sitthi writes is made owner-only too."""
    private_folder(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
    os.close(fd)
    _chmod(path, FILE_MODE)
    return path


def write_private(path: Path, text: str) -> None:
    """Replace `path` in one step with `text`, owner-only (readers never see half a file)."""
    private_folder(path.parent)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    _chmod(temporary, FILE_MODE)
    os.replace(temporary, path)


def _chmod(path: Path, mode: int) -> None:
    """Set `mode` where the platform has POSIX modes (Windows keeps its own ACLs)."""
    if os.name != "nt":
        os.chmod(path, mode)
