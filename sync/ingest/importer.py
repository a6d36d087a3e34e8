"""`import_paths`: the one entry for `sitthi import`, the watcher and the demo.

Each offered file is recognised (`sync.ingest.kinds`), then loaded in one write transaction:
all of it or none of it. A file whose exact bytes were imported before is `unchanged` and
writes nothing. A file whose every data row fails is refused (nothing of it written). A refused
file is still logged as a refused batch (with the message and no
rows) so the app can show it; a path that does not exist is reported only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from os import PathLike
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import DataError, IntegrityError, OperationalError

from store.engine import read_tx, write_tx
from store.errors import os_error
from store.i18n import message
from sync.ingest.keys import natural_keys, version_columns
from sync.ingest.kinds import Offered, Prepared, hospcode_hint, recognise
from sync.ingest.ledger import (
    earlier_import,
    finish_batch,
    new_batch_id,
    record_refusal,
    start_batch,
)
from sync.ingest.limits import DEFAULT_LIMITS, Limits
from sync.ingest.refused import Refused, carried_reason
from sync.ingest.results import LOADED, REFUSED, UNCHANGED, FileResult, every_row_failed
from sync.ingest.source import HEAD_BYTES, Source, file_source
from sync.ingest.spec import LoadContext

__all__ = ["import_file", "import_paths", "natural_keys", "version_columns"]

UNKNOWN_KIND = "unknown"
SKIPPED_PREFIXES = (".", "~$")
"""Names in an offered folder that are hidden files or office lock files, never exports."""

HASH_BLOCK_BYTES = 1024 * 1024

Clock = Callable[[], dt.datetime]


def import_paths(
    engine: Engine,
    paths: Iterable[str | PathLike[str]],
    *,
    now: dt.datetime | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> list[FileResult]:
    """Import each file (a folder stands for the files in it); one result per file, in order.
    Then the units whose stored judgements the files made stale are judged again
    (`store.judged.refresh.refresh_after_change`).

    `now` fixes the import time (tests, the demo); by default the clock is read as it goes.
    """
    from store.judged.refresh import refresh_after_change

    clock = _fixed_clock(now) if now is not None else _utc_now
    results = [
        import_file(engine, path, clock=clock, limits=limits) for path in expand_paths(paths)
    ]
    if any(result.status == LOADED for result in results):
        refresh_after_change(engine)
    return results


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _fixed_clock(now: dt.datetime) -> Clock:
    aware = now.astimezone(dt.UTC)
    return lambda: aware


def expand_paths(paths: Iterable[str | PathLike[str]]) -> Iterator[Path]:
    """The paths, with a folder replaced by its files (sorted, hidden and lock files left out)."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(
                child
                for child in path.iterdir()
                if child.is_file() and not child.name.startswith(SKIPPED_PREFIXES)
            )
        else:
            yield path


def import_file(
    engine: Engine, path: Path, *, clock: Clock = _utc_now, limits: Limits = DEFAULT_LIMITS
) -> FileResult:
    """Import one file; see the module text for what each outcome writes."""
    started = clock()
    if not path.exists():
        missing = message("ingest.offer.missing")
        return FileResult(str(path), UNKNOWN_KIND, REFUSED, str(missing), reason=missing)
    try:
        source, sha256 = _read(path, limits)
    except Refused as refusal:
        return _refuse(engine, path, "", refusal, started, clock)
    with read_tx(engine) as conn:
        earlier = earlier_import(conn, sha256)
    if earlier is not None:
        return _unchanged(path, earlier.kind, earlier.file_name, earlier.started_at)
    offered = Offered(path, source, sha256, limits)
    try:
        prepared = recognise(offered)
        return _load(engine, offered, prepared, started, clock)
    except Refused as refusal:
        return _refuse(engine, path, sha256, refusal, started, clock)
    except (DataError, IntegrityError) as exc:
        reason = type(exc.orig).__name__ if exc.orig is not None else type(exc).__name__
        rejected = Refused(message("ingest.offer.store_refused", reason=reason))
        return _refuse(engine, path, sha256, rejected, started, clock)
    except OperationalError:
        raise
    except Exception as exc:
        # Whatever else one file makes the readers meet (damaged compressed data, a value no
        # reader foresaw) is that file's refusal, named by type only: the text of such an
        # error can quote the file's content. A busy or failing store is not the file's doing.
        failed = Refused(message("import_guard.unexpected", kind=type(exc).__name__))
        return _refuse(engine, path, sha256, failed, started, clock)


def _read(path: Path, limits: Limits) -> tuple[Source, str]:
    """The file's leading bytes and content hash, read a block at a time (not held whole)."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise Refused(message("ingest.offer.not_a_file"))
        if size > limits.max_input_bytes:
            raise Refused(
                message(
                    "ingest.offer.too_large",
                    size=size // (1024 * 1024),
                    limit=limits.max_input_bytes // (1024 * 1024),
                )
            )
        digest = hashlib.sha256()
        with path.open("rb") as stream:
            head = stream.read(HEAD_BYTES)
            digest.update(head)
            for block in iter(lambda: stream.read(HASH_BLOCK_BYTES), b""):
                digest.update(block)
        return file_source(path, head, size), digest.hexdigest()
    except OSError as exc:
        raise Refused(message("ingest.offer.unreadable", reason=os_error(exc))) from exc


def _load(
    engine: Engine, offered: Offered, prepared: Prepared, started: dt.datetime, clock: Clock
) -> FileResult:
    batch_id = new_batch_id()
    context = LoadContext(batch_id, started)
    hospcodes: Counter[str] = Counter()
    with write_tx(engine) as conn:
        earlier = earlier_import(conn, offered.sha256)
        if earlier is not None:
            return _unchanged(offered.path, earlier.kind, earlier.file_name, earlier.started_at)
        start_batch(conn, batch_id, prepared.kind, str(offered.path), offered.sha256, started)
        parts = prepared.load(conn, context, hospcodes)
        failed = every_row_failed(parts)
        if failed is not None:
            # Raised inside the transaction: nothing of the file is written.
            raise Refused(failed, kind=prepared.kind)
        changed = any(p.rows_loaded or p.issues or p.warnings for p in parts)
        result = FileResult(
            file=str(offered.path),
            kind=prepared.kind,
            status=LOADED if changed else UNCHANGED,
            message="" if changed else "nothing new in it",
            reason=None if changed else message("ingest.offer.nothing_new"),
            batch_id=batch_id,
            hospcode=_main_hospcode(hospcodes) or hospcode_hint(offered.path.name),
            parts=parts,
        )
        finish_batch(conn, result, clock())
    return result


def _main_hospcode(hospcodes: Counter[str]) -> str | None:
    """The hospcode most rows name (a unit's export names only its own)."""
    ranked = hospcodes.most_common(1)
    return ranked[0][0] if ranked else None


def _unchanged(path: Path, kind: str, earlier_name: str, earlier_at: dt.datetime) -> FileResult:
    when = earlier_at.date().isoformat() if earlier_at else ""
    reason = message("ingest.offer.imported_before", file=Path(earlier_name).name, date=when)
    return FileResult(str(path), kind, UNCHANGED, str(reason), reason=reason)


def _refuse(
    engine: Engine,
    path: Path,
    sha256: str,
    refusal: Refused,
    started: dt.datetime,
    clock: Clock,
) -> FileResult:
    hint = hospcode_hint(path.name)
    reason = carried_reason(refusal)
    with write_tx(engine) as conn:
        batch_id = record_refusal(
            conn,
            kind=refusal.kind,
            file_name=str(path),
            sha256=sha256,
            hospcode=hint,
            message=refusal.message,
            started_at=started,
            finished_at=clock(),
            reason=reason,
        )
    return FileResult(
        str(path), refusal.kind, REFUSED, refusal.message, batch_id, hint, reason=reason
    )
