"""The threads the app's workers run on: one per piece of work, none joined for long.

Textual runs a thread worker on the event loop's default executor. A pool keeps its threads and,
when the app ends, waits for every one still busy, so `q` during a long province evaluation
used to wait for it. Here each piece of work gets a daemon thread of its own, ending with the
work; at the end the app waits a moment for the work the gateway interrupted to notice, then
leaves whatever is still busy behind (nothing it does is kept: writes are never interrupted and
reads hold nobody's data).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")

EXIT_WAIT_SECONDS = 0.25
"""How long the end of the app waits for busy worker threads."""


class WorkerThreads(ThreadPoolExecutor):
    """An executor (asyncio asks for a `ThreadPoolExecutor`) that starts a daemon thread per
    task and never waits long for them when shut down."""

    def __init__(self) -> None:
        super().__init__(max_workers=1, thread_name_prefix="sitthi-worker")
        self._busy: set[threading.Thread] = set()
        self._busy_lock = threading.Lock()

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        future: Future[T] = Future()

        def run() -> None:
            try:
                if future.set_running_or_notify_cancel():
                    try:
                        future.set_result(fn(*args, **kwargs))
                    except BaseException as exc:  # handed to the side awaiting the future
                        future.set_exception(exc)
            finally:
                with self._busy_lock:
                    self._busy.discard(thread)

        thread = threading.Thread(target=run, name="sitthi-worker", daemon=True)
        with self._busy_lock:
            self._busy.add(thread)
        thread.start()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if wait:
            self.wait_busy(EXIT_WAIT_SECONDS)

    def wait_busy(self, seconds: float) -> bool:
        """Wait up to `seconds` for every busy thread; whether none is left."""
        deadline = time.monotonic() + seconds
        while True:
            with self._busy_lock:
                busy = list(self._busy)
            if not busy:
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            busy[0].join(left)

    @property
    def busy(self) -> int:
        with self._busy_lock:
            return len(self._busy)
