"""Answers shared between screens: one evaluation per question and store version.

The dashboard, the units screen and a screen coming back after a drill-down often ask the same
expensive question (the province's league, its coverage) while the store has not changed. The
first asker computes; an asker arriving while it computes waits for that answer instead of
starting its own; later askers get the kept answer. Answers are kept only for the newest store
version seen, so a change in the store frees them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")

WAIT_STEP_SECONDS = 0.05
"""How often a waiting asker checks whether it was cancelled itself."""
KEPT_ANSWERS = 32
"""Answers kept at most (the oldest go first): a few screens' figures for a few units."""


@dataclass
class _Pending:
    done: threading.Event = field(default_factory=threading.Event)
    answer: Any = None
    answered: bool = False


class SharedAnswers:
    """Answers by (store version, question), oldest first; thread safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version = -1
        self._answers: dict[Hashable, Any] = {}
        self._pending: dict[Hashable, _Pending] = {}

    def get(
        self,
        version: int,
        question: Hashable,
        compute: Callable[[], T],
        cancelled: Callable[[], bool],
    ) -> T:
        """The answer to `question` at store `version`, computed at most once while it is kept.

        `cancelled` tells a waiting asker to stop waiting (it raises `AnswerAbandoned`); when the
        asker computing is cancelled instead, a waiter takes its place."""
        key = (version, question)
        while True:
            with self._lock:
                if version > self._version:
                    self._version = version
                    self._answers.clear()
                if key in self._answers:
                    answer: T = self._answers[key]
                    return answer
                pending = self._pending.get(key)
                owner = pending is None
                if pending is None:
                    pending = self._pending[key] = _Pending()
            if owner:
                return self._compute(key, version, pending, compute)
            while not pending.done.wait(WAIT_STEP_SECONDS):
                if cancelled():
                    raise AnswerAbandoned
            if pending.answered:
                shared: T = pending.answer
                return shared

    def _compute(
        self, key: Hashable, version: int, pending: _Pending, compute: Callable[[], T]
    ) -> T:
        try:
            answer = compute()
        except BaseException:
            with self._lock:
                del self._pending[key]
            pending.done.set()
            raise
        with self._lock:
            del self._pending[key]
            if version >= self._version:
                self._answers[key] = answer
                while len(self._answers) > KEPT_ANSWERS:
                    del self._answers[next(iter(self._answers))]
        pending.answer, pending.answered = answer, True
        pending.done.set()
        return answer

    def __len__(self) -> int:
        with self._lock:
            return len(self._answers)


class AnswerAbandoned(Exception):
    """The asker was cancelled while it waited for another's answer.
    Not a `SitthiError`: the cancelled asker shows nothing."""
