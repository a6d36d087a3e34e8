"""`sitthi daemon`: watch folders, import what appears, sync on an interval, in the foreground.

One loop in the main thread does everything that touches the store, one step at a time: import
a settled file (through the same `import_paths` as `sitthi import`), then sync when due. A stop
request (SIGTERM, SIGINT) is honoured between steps, so the current import's transaction or
sync page commits first; a hard kill loses nothing either, since each of those is a single
transaction.

While the server cannot be reached, rounds are retried with exponential backoff and jitter (a
random wait between half and all of 5 s, doubling up to the sync interval), so the first round
after the network returns comes soon and a province's units do not all retry in step. A
successful import makes the next round due at once.

The log (a rotating file in the user log folder, and stderr for the service manager) and the
status file hold counts, file names and statuses, never row content: errors from the database
are logged by type only, because their text can quote values.
"""

from __future__ import annotations

import datetime as dt
import logging
import logging.handlers
import os
import random
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from store import paths
from store.engine import read_tx
from store.i18n import Message, message
from store.outbox import pending_count
from store.private import FILE_MODE, private_file
from sync.client import ServerUnavailable, SyncClient, SyncError, SyncResult
from sync.daemon_status import (
    STOPPED,
    DaemonStatus,
    error_record,
    now_text,
    store_name,
    write_status,
)
from sync.ingest.results import REFUSED
from sync.logformat import TerminalSafeFormatter
from sync.watch import RESCAN_S, SETTLE_S, FolderWatcher, ImportMemory, content_hash

log = logging.getLogger("sitthi.daemon")

LOG_FILE = "daemon.log"
LOG_BYTES = 1_000_000
LOG_BACKUPS = 5
FIRST_RETRY_S = 5.0
SIGNAL_CHECK_S = 0.5
"""Longest uninterrupted wait: a signal delivered to another thread (the watcher's) does not
wake a waiting main thread, so the loop looks at the stop request at least this often."""
_HANDLERS: list[logging.Handler] = []
Clock = Callable[[], float]


@dataclass
class DaemonOptions:
    folders: Sequence[Path] = ()
    poll: bool = False
    interval_s: float = 300.0
    server: str = ""
    token: str = ""
    ca_bundle: str | None = None
    settle_s: float = SETTLE_S
    rescan_s: float = RESCAN_S
    timeout_s: float = 60.0
    first_retry_s: float = FIRST_RETRY_S
    status_file: Path | None = None
    memory_file: Path | None = None


def backoff_delay(
    failures: int, ceiling: float, rng: random.Random, first: float = FIRST_RETRY_S
) -> float:
    """Wait before retry number `failures` (1, 2, ...): jitter over a doubling base."""
    base = min(ceiling, first * 2 ** max(0, failures - 1))
    return rng.uniform(base / 2, base)


def configure_logging(level: int = logging.INFO) -> Path:
    """Log to a rotating file in the user log folder and to stderr; returns the file's path.

    Calling it again replaces the handlers it added before (no doubled lines).
    """
    target = private_file(paths.log_dir() / LOG_FILE)
    formatter = TerminalSafeFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    rotating = _PrivateRotatingFile(
        target, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
    )
    console = logging.StreamHandler(sys.stderr)
    root = logging.getLogger("sitthi")
    root.setLevel(level)
    for old in _HANDLERS:
        root.removeHandler(old)
        old.close()
    _HANDLERS[:] = [rotating, console]
    for handler in _HANDLERS:
        handler.setFormatter(formatter)
        root.addHandler(handler)
    return target


class _PrivateRotatingFile(logging.handlers.RotatingFileHandler):
    """A rotating log whose every file, the ones made at rotation too, is owner-only."""

    def _open(self) -> Any:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
        if os.name != "nt":
            os.chmod(self.baseFilename, FILE_MODE)
        return os.fdopen(fd, "a", encoding=self.encoding or "utf-8", errors=self.errors)


@dataclass
class _Schedule:
    next_sync: float
    next_rescan: float
    failures: int = 0
    writable: list[str] | None = field(default=None)


class Daemon:
    """The watch-import-sync loop over one store."""

    def __init__(
        self,
        engine: Engine,
        options: DaemonOptions,
        *,
        clock: Clock = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        self.engine = engine
        self.options = options
        self.clock = clock
        self.rng = rng or random.Random()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self.watcher = FolderWatcher(
            options.folders,
            poll=options.poll,
            settle_s=options.settle_s,
            clock=clock,
            wake=self._wake,
        )
        self.memory = ImportMemory(options.memory_file)
        self.status = DaemonStatus(
            pid=os.getpid(),
            store=store_name(engine),
            watching=[str(f) for f in options.folders],
        )

    def request_stop(self) -> None:
        """Ask the loop to end after the step in progress (safe from a signal handler)."""
        self._stopping.set()
        self._wake.set()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def run(self, *, max_steps: int | None = None) -> int:
        """Loop until asked to stop (or `max_steps` wake-ups, for tests); returns an exit code."""
        log.info(
            "daemon started: %d folder(s), interval %.0f s, %s",
            len(self.options.folders),
            self.options.interval_s,
            "polling" if self.options.poll else "file events",
        )
        self.watcher.start()
        now = self.clock()
        schedule = _Schedule(next_sync=now, next_rescan=now)
        self._refresh_pending(schedule)
        steps = 0
        try:
            while not self.stopping and (max_steps is None or steps < max_steps):
                steps += 1
                self._step(schedule)
                self._save_status(schedule)
                self._wake.wait(self._sleep_for(schedule))
                self._wake.clear()
        finally:
            self.watcher.stop()
            self.status.state = STOPPED
            self.status.next_sync_at = None
            self._save_status(schedule)
            log.info("daemon stopped")
        return 0

    def _sleep_for(self, schedule: _Schedule) -> float:
        now = self.clock()
        waits = [schedule.next_rescan - now, self.watcher.next_check_in()]
        if self.options.server:
            waits.append(schedule.next_sync - now)
        return max(0.05, min(*waits, SIGNAL_CHECK_S))

    def _step(self, schedule: _Schedule) -> None:
        now = self.clock()
        if now >= schedule.next_rescan:
            self.watcher.rescan()
            schedule.next_rescan = now + self.options.rescan_s
        imported = False
        for path in self.watcher.ready():
            if self.stopping:
                return
            if self._import(path):
                imported = True
                schedule.next_sync = min(schedule.next_sync, self.clock())
        if imported:
            self._refresh_pending(schedule)
        if self.options.server and self.clock() >= schedule.next_sync and not self.stopping:
            self._sync(schedule)

    def _import(self, path: Path) -> bool:
        """Import one settled file; True when rows were loaded.

        Whatever goes wrong with one file is that file's refusal: logged by type (never the
        text, which can quote values), kept as the status's last error, and remembered by the
        file's content, so the file is tried again only once it changes. Only a store that is
        busy or cannot be written makes the daemon try the same file again later.
        """
        try:
            sha256 = content_hash(path)
        except OSError as exc:
            log.warning("cannot read %s (%s); will look again", path.name, type(exc).__name__)
            return False
        if sha256 in self.memory:
            self.watcher.done(path)
            return False
        from sync.ingest.importer import import_paths

        try:
            results = import_paths(self.engine, [path])
        except (OperationalError, OSError) as exc:
            self._error(message("daemon.store_failed", file=path.name, kind=_kind(exc)))
            return False
        except Exception as exc:
            self._file_failed(path, sha256, exc)
            return False
        loaded = False
        for result in results:
            name = Path(result.file).name
            log.info(
                "import %s: %s, %d rows loaded, %d unchanged, %d issues",
                name,
                result.status,
                result.rows_loaded,
                result.rows_unchanged,
                result.issues,
            )
            self.status.last_import = {
                "at": now_text(),
                "file": name,
                "status": result.status,
                "rows": result.rows_loaded,
            }
            if result.status == REFUSED:
                reason = result.reason or result.message
                self._error(message("daemon.file_refused", file=name, reason=reason))
            loaded = loaded or result.rows_loaded > 0
            self.memory.remember(sha256, name, result.status)
        self.watcher.done(path)
        return loaded

    def _file_failed(self, path: Path, sha256: str, exc: Exception) -> None:
        self._error(message("daemon.file_failed", file=path.name, kind=_kind(exc)))
        self.status.last_import = {
            "at": now_text(),
            "file": path.name,
            "status": REFUSED,
            "rows": 0,
        }
        self.memory.remember(sha256, path.name, REFUSED)
        self.watcher.done(path)

    def _sync(self, schedule: _Schedule) -> None:
        try:
            with SyncClient(
                self.engine,
                self.options.server,
                self.options.token,
                ca_bundle=self.options.ca_bundle,
                timeout=self.options.timeout_s,
                should_stop=lambda: self.stopping,
            ) as client:
                welcome = client.hello()
                schedule.writable = welcome.writable
                client.push_all(welcome)
                client.pull_all(welcome)
                result = client.result
        except ServerUnavailable as exc:
            self._sync_failed(schedule, exc.reason or exc.text)
            return
        except SyncError as exc:
            self._sync_failed(schedule, exc.reason or exc.text, refused=True)
            return
        except SQLAlchemyError as exc:
            self._sync_failed(schedule, message("daemon_status.store_failed", kind=_kind(exc)))
            return
        except Exception as exc:
            self._sync_failed(schedule, message("daemon.sync_failed", kind=_kind(exc)))
            return
        self._synced(schedule, result)

    def _synced(self, schedule: _Schedule, result: SyncResult) -> None:
        schedule.failures = 0
        schedule.next_sync = self.clock() + self.options.interval_s
        self._refresh_pending(schedule)
        self.status.last_sync = {
            "at": now_text(),
            "ok": True,
            "pushed": result.pushed,
            "pulled": result.pulled,
            "server": result.server,
        }
        self.status.last_sync_ok_at = self.status.last_sync["at"]
        log.info(
            "sync: %d rows sent, %d received, %d refused, %d pending",
            result.pushed,
            result.pulled,
            len(result.rejected),
            self.status.pending,
        )

    def _sync_failed(
        self, schedule: _Schedule, problem: Message | str, *, refused: bool = False
    ) -> None:
        schedule.failures += 1
        ceiling = self.options.interval_s
        delay = (
            ceiling
            if refused
            else backoff_delay(schedule.failures, ceiling, self.rng, self.options.first_retry_s)
        )
        schedule.next_sync = self.clock() + delay
        self.status.last_sync = {
            "at": now_text(),
            "ok": False,
            "pushed": 0,
            "pulled": 0,
            "server": self.options.server,
        }
        self._error(message("daemon_status.next_try", problem=problem, seconds=f"{delay:.0f}"))

    def _error(self, problem: Message) -> None:
        """Log the problem (in English) and keep it in the status file as its catalogue key and
        parameters, so the app and `sitthi` show it in their reader's language."""
        log.warning("%s", problem)
        self.status.last_error = error_record(problem)

    def _refresh_pending(self, schedule: _Schedule) -> None:
        try:
            with read_tx(self.engine) as conn:
                self.status.pending = pending_count(conn, schedule.writable)
        except SQLAlchemyError as exc:
            log.warning("cannot count the outbox (%s)", type(exc).__name__)

    def _save_status(self, schedule: _Schedule) -> None:
        if self.options.server and self.status.state != STOPPED:
            wait = max(0.0, schedule.next_sync - self.clock())
            moment = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=wait)
            self.status.next_sync_at = moment.isoformat(timespec="seconds")
        try:
            write_status(self.status, self.options.status_file)
        except OSError as exc:
            log.warning("cannot write the status file (%s)", type(exc).__name__)


def _kind(exc: BaseException) -> str:
    """What failed, by type only: an exception's text can quote the data it choked on."""
    orig = getattr(exc, "orig", None)
    return type(orig or exc).__name__
