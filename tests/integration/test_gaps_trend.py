"""Judging a person once per span of `judgement_changes` gives what judging every day gives."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from store.engine import open_store, read_tx, write_tx
from store.queries.dashboard import month_ends, trend_of
from store.rights.inputs import iter_unit_facts
from store.rights.rules import GapRules, evaluate, evaluate_on_days
from tests.support.gaps_data import AS_OF, StoreRows, hand_counted_unit


def test_span_judgement_equals_daily_judgement_over_two_years(tmp_path: Path) -> None:
    engine = open_store(tmp_path / "s.db")
    with write_tx(engine) as conn:
        hand_counted_unit(StoreRows(conn))
    with read_tx(engine) as conn:
        units = list(iter_unit_facts(conn))
    engine.dispose()
    rules = GapRules.from_reference()
    days = [AS_OF - dt.timedelta(days=n) for n in range(400, -330, -1)]
    checked = 0
    for unit in units:
        for person in unit.persons:
            spans = evaluate_on_days(person, days, partners=unit.partners, rules=rules)
            for day, quick in zip(days, spans, strict=True):
                slow = evaluate(person, day, partners=unit.partners, rules=rules)
                assert (quick.codes, quick.in_coverage, quick.covered) == (
                    slow.codes,
                    slow.in_coverage,
                    slow.covered,
                ), (person.pid, day)
                checked += 1
    assert checked > 5000
    trend = trend_of(units, month_ends(AS_OF, 12))
    assert trend.points[-1].coverage_pct is not None
