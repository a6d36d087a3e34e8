"""A rights record checked after the as-of date is not known on that date (domain 7.3)."""

from __future__ import annotations

import datetime as dt

from store.rights.rules import NhsoFact, evaluate, known_on
from tests.support.gaps_data import AS_OF, OTHER_UNIT, UNIT
from tests.support.gaps_facts import RULES, nhso, person

DAY = dt.timedelta(days=1)


def test_records_checked_after_the_day_are_left_out_and_the_day_itself_counts() -> None:
    before = nhso(checked_on=AS_OF - DAY)
    on_the_day = nhso(checked_on=AS_OF)
    after = nhso(checked_on=AS_OF + DAY)
    assert known_on((before, after, on_the_day), AS_OF) == (before, on_the_day)
    assert known_on((after,), AS_OF) == ()


def test_a_later_check_naming_another_unit_does_not_move_the_person_back_in_time() -> None:
    # Checked at the unit before the as-of date; a check a week after it says another unit.
    earlier: NhsoFact = nhso(checked_on=AS_OF - 10 * DAY, hsub=UNIT)
    later: NhsoFact = nhso(checked_on=AS_OF + 7 * DAY, hsub=OTHER_UNIT)
    someone = person(nhso=(earlier, later))
    on_the_day = evaluate(someone, AS_OF, rules=RULES)
    assert on_the_day.codes == ()
    assert on_the_day.last_checked == AS_OF - 10 * DAY
    assert on_the_day.best is not None and on_the_day.best.unit == UNIT
    a_week_later = evaluate(someone, AS_OF + 7 * DAY, rules=RULES)
    assert "OUTSIDE_UNIT" in a_week_later.codes


def test_a_person_checked_only_after_the_day_is_unchecked_on_it() -> None:
    someone = person(nhso=(nhso(checked_on=AS_OF + DAY),))
    evaluation = evaluate(someone, AS_OF, rules=RULES)
    assert "UNCHECKED" in evaluation.codes
    assert evaluation.last_checked is None
    assert evaluation.person.nhso == ()


def test_a_death_reported_by_a_later_check_is_not_known_on_the_day() -> None:
    dead_later = nhso(checked_on=AS_OF + 3 * DAY, deathdate=AS_OF - DAY)
    someone = person(nhso=(nhso(), dead_later))
    assert "DEAD_AT_NHSO" not in evaluate(someone, AS_OF, rules=RULES).codes
    assert "DEAD_AT_NHSO" in evaluate(someone, AS_OF + 3 * DAY, rules=RULES).codes
