"""Writing export files safely: a temporary file in the target folder, renamed when complete,
so a reader never sees half a file and a failed write leaves nothing behind."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from store.errors import SitthiError
from store.i18n import Message, message

TEMP_PREFIX = ".sitthi-export-"


class ExportError(SitthiError):
    """An export that could not be written, with a message for the user."""

    reason: Message

    def __init__(self, reason: Message) -> None:
        super().__init__(reason)


def be_stamp(day: dt.date) -> str:
    """`25691130`: the date as staff write it in file names (Buddhist era)."""
    from store.thaidate import BE_OFFSET

    return f"{day.year + BE_OFFSET:04d}{day.month:02d}{day.day:02d}"


def default_name(kind: str, hospcode: str | None, as_of: dt.date, suffix: str) -> str:
    """`gaps_09901_25691130.xlsx`: what, which unit (or `all`), the as-of date in BE."""
    return f"{kind}_{hospcode or 'all'}_{be_stamp(as_of)}.{suffix}"


def check_target(path: Path) -> None:
    """The folder exists and can be written, and `path` is not a folder; else ExportError."""
    folder = path.parent
    if path.is_dir():
        raise ExportError(message("export.is_folder", path=str(path)))
    if not folder.is_dir():
        raise ExportError(message("export.no_folder", folder=str(folder)))
    if not os.access(folder, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise ExportError(message("export.not_writable", folder=str(folder)))


@contextlib.contextmanager
def staged(path: Path) -> Iterator[Path]:
    """A temporary path beside `path` to write to; on success it is renamed to `path` (replacing
    an older file), on any error it is removed and the error goes on."""
    check_target(path)
    temp = path.parent / f"{TEMP_PREFIX}{uuid.uuid4().hex}{path.suffix}"
    try:
        # Created here (not by mkstemp) so that the file gets the user's usual permissions.
        os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    except OSError as exc:
        raise ExportError(message("export.not_writable", folder=str(path.parent))) from exc
    try:
        yield temp
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def write_atomically(path: Path, write: Callable[[Path], None]) -> Path:
    """`write(temp)` then rename to `path`; see `staged`."""
    with staged(path) as temp:
        write(temp)
    return path
