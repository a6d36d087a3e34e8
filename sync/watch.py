"""Finding export files to import in watched folders, without touching them.

Three sources of candidates: file-system events (watchfiles, or its polling mode for network
shares where events do not arrive), a periodic rescan of the folders (events get lost), and the
first scan at start. A candidate is offered for import only once its size and modification time
have stayed the same for `settle_s` seconds, so a file still being copied or written by the
health-centre system is left alone. Temporary and hidden names never qualify. Files are only
read: never moved, renamed or deleted.

What was imported is remembered by content hash in a small JSON file, so a rescan does not
re-read the same exports after a restart; within a run a file whose size and modification time
have not changed is not even hashed again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from store import paths
from store.private import write_private

log = logging.getLogger("sitthi.watch")

TEMPORARY_PREFIXES = (".", "~$", "~")
TEMPORARY_SUFFIXES = (".part", ".partial", ".tmp", ".temp", ".crdownload", ".download", ".swp", "~")
MEMORY_FILE = "watch-memory.json"
SETTLE_S = 2.0
RESCAN_S = 300.0
HASH_CHUNK = 1024 * 1024

Clock = Callable[[], float]


def is_candidate_name(name: str) -> bool:
    """Whether a file name can be an export (not hidden, a lock file or a partial download)."""
    lowered = name.lower()
    return not lowered.startswith(TEMPORARY_PREFIXES) and not lowered.endswith(TEMPORARY_SUFFIXES)


def content_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(HASH_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class Stamp:
    size: int
    mtime_ns: int


def stamp_of(path: Path) -> Stamp | None:
    try:
        info = path.stat()
    except OSError:
        return None
    if not path.is_file():
        return None
    return Stamp(info.st_size, info.st_mtime_ns)


class ImportMemory:
    """Content hashes already offered to the importer, kept across restarts."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or paths.data_dir() / MEMORY_FILE
        self._seen: dict[str, dict[str, str]] = {}
        try:
            loaded = json.loads(self.path.read_text("utf-8"))
            if isinstance(loaded, dict):
                self._seen = {str(k): dict(v) for k, v in loaded.items() if isinstance(v, dict)}
        except (OSError, ValueError):
            self._seen = {}

    def __contains__(self, sha256: str) -> bool:
        return sha256 in self._seen

    def remember(self, sha256: str, name: str, status: str) -> None:
        self._seen[sha256] = {"file": name, "status": status}
        write_private(self.path, json.dumps(self._seen, ensure_ascii=False))


def walk(folders: Iterable[Path]) -> Iterator[Path]:
    """Every candidate file under the folders (sub-folders included, hidden ones skipped)."""
    for folder in folders:
        if not folder.is_dir():
            continue
        for root, dirs, files in os.walk(folder):
            dirs[:] = [d for d in dirs if is_candidate_name(d)]
            for name in files:
                if is_candidate_name(name):
                    yield Path(root) / name


class FolderWatcher:
    """Candidates from events and rescans, released once their size and mtime have settled."""

    def __init__(
        self,
        folders: Iterable[Path],
        *,
        poll: bool = False,
        settle_s: float = SETTLE_S,
        clock: Clock = time.monotonic,
        wake: threading.Event | None = None,
    ) -> None:
        self.folders = [Path(f) for f in folders]
        self.wake = wake
        self.poll = poll
        self.settle_s = settle_s
        self.clock = clock
        self._events: queue.SimpleQueue[Path] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pending: dict[Path, tuple[Stamp, float]] = {}
        self._done: dict[Path, Stamp] = {}

    def start(self) -> None:
        """Begin listening for events in the folders that exist (rescans cover the rest)."""
        existing = [f for f in self.folders if f.is_dir()]
        for missing in sorted(set(self.folders) - set(existing)):
            log.warning("watched folder %s does not exist (yet); it is rescanned", missing)
        if not existing:
            return
        self._thread = threading.Thread(
            target=self._listen, args=(existing,), name="sitthi-watch", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _listen(self, folders: list[Path]) -> None:
        from watchfiles import Change, watch

        def wanted(change: Change, path: str) -> bool:
            return change != Change.deleted and is_candidate_name(Path(path).name)

        try:
            for changes in watch(
                *folders,
                watch_filter=wanted,
                stop_event=self._stop,
                force_polling=self.poll,
                poll_delay_ms=1000,
                rust_timeout=1000,
                raise_interrupt=False,
            ):
                for _change, path in changes:
                    self._events.put(Path(path))
                if self.wake is not None:
                    self.wake.set()
        except (OSError, RuntimeError) as exc:
            log.warning("file events stopped (%s); relying on rescans", type(exc).__name__)

    def rescan(self) -> None:
        """Look at every file in the folders again (events can be lost, folders may appear)."""
        for path in walk(self.folders):
            self._consider(path)

    def _consider(self, path: Path) -> None:
        stamp = stamp_of(path)
        if stamp is None or self._done.get(path) == stamp:
            self._pending.pop(path, None)
            return
        known = self._pending.get(path)
        if known is None or known[0] != stamp:
            self._pending[path] = (stamp, self.clock())

    def ready(self) -> list[Path]:
        """Files whose size and mtime held still for the settle time, oldest first."""
        while True:
            try:
                self._consider(self._events.get_nowait())
            except queue.Empty:
                break
        now = self.clock()
        settled: list[Path] = []
        for path, (stamp, since) in sorted(self._pending.items(), key=lambda item: item[1][1]):
            current = stamp_of(path)
            if current is None:
                del self._pending[path]
            elif current != stamp:
                self._pending[path] = (current, now)
            elif now - since >= self.settle_s:
                settled.append(path)
        return settled

    def done(self, path: Path) -> None:
        """The file was handled; it is offered again only if its size or mtime change."""
        stamp = self._pending.pop(path, (stamp_of(path), 0.0))[0]
        if stamp is not None:
            self._done[path] = stamp

    def next_check_in(self) -> float:
        """Seconds until a pending file could be ready (a large number when none is pending)."""
        if not self._pending:
            return 3600.0
        now = self.clock()
        return max(0.0, min(since + self.settle_s - now for _s, since in self._pending.values()))
