"""Answers shared between screens: computed once per question and store version, a waiter gets
the answer being computed, a newer store version frees the old answers."""

from __future__ import annotations

import functools
import threading
import time

import pytest

from tui.answers import KEPT_ANSWERS, AnswerAbandoned, SharedAnswers


def never() -> bool:
    return False


def test_the_same_question_is_computed_once_and_a_waiter_shares_it() -> None:
    answers = SharedAnswers()
    computed: list[int] = []
    release = threading.Event()

    def compute() -> str:
        computed.append(1)
        release.wait(5)
        return "league"

    got: list[str] = []
    askers = [
        threading.Thread(target=lambda: got.append(answers.get(1, "league", compute, never)))
        for _ in range(3)
    ]
    for asker in askers:
        asker.start()
    time.sleep(0.2)
    release.set()
    for asker in askers:
        asker.join(5)
    assert got == ["league"] * 3
    assert computed == [1]
    assert answers.get(1, "league", lambda: "again", never) == "league"


def test_a_newer_store_version_computes_again_and_frees_the_old_answers() -> None:
    answers = SharedAnswers()
    answers.get(1, "league", lambda: "old", never)
    assert answers.get(2, "league", lambda: "new", never) == "new"
    assert len(answers) == 1


def test_a_cancelled_waiter_stops_waiting_and_a_failed_answer_is_not_kept() -> None:
    answers = SharedAnswers()
    release = threading.Event()

    def slow() -> str:
        release.wait(5)
        raise RuntimeError("interrupted")

    failures: list[BaseException] = []

    def own() -> None:
        try:
            answers.get(1, "q", slow, never)
        except RuntimeError as exc:
            failures.append(exc)

    owner = threading.Thread(target=own)
    owner.start()
    time.sleep(0.1)
    with pytest.raises(AnswerAbandoned):
        answers.get(1, "q", lambda: "unused", lambda: True)
    release.set()
    owner.join(5)
    assert len(failures) == 1
    assert answers.get(1, "q", lambda: "fresh", never) == "fresh"


def test_only_the_newest_answers_are_kept() -> None:
    answers = SharedAnswers()
    for n in range(KEPT_ANSWERS + 5):
        answers.get(1, n, functools.partial(int, n), never)
    assert len(answers) == KEPT_ANSWERS
    assert answers.get(1, 0, lambda: "recomputed", never) == "recomputed"
