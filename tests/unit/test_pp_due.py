"""PP-due rules: the catalog's sex, age, Thai, interval and per-year conditions applied to a
person on a date (store.pp.due), table by table, boundaries included."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from store.pp.catalog import shipped_catalog
from store.pp.due import DuePerson, due_for, due_items_for, is_due, to_earn

ON = dt.date(2025, 5, 20)  # fiscal year 2568
ITEMS = {item.item: item for item in shipped_catalog().for_year(2568)}
CX, FIT, FPG = ITEMS["CX_SCREEN"], ITEMS["FIT"], ITEMS["FPG"]


def born(years_ago: int, *, days: int = 0) -> dt.date:
    """Born `years_ago` years before ON, moved `days` later (positive: not yet that age)."""
    return ON.replace(year=ON.year - years_ago) + dt.timedelta(days=days)


WOMAN_35 = DuePerson("2", born(35), True)

AGE_CASES = [
    # item, sex, birth, Thai, due?   (completed years on ON)
    (CX, "2", born(30), True, True),  # 30th birthday today: in range
    (CX, "2", born(30, days=1), True, False),  # 29 until tomorrow
    (CX, "2", born(60), True, True),
    (CX, "2", born(61), True, False),  # 61 today
    (CX, "2", born(61, days=1), True, True),  # still 60 until tomorrow
    (CX, "1", born(40), True, False),  # men are not screened for cervical cancer
    (CX, "", born(40), True, False),  # unknown sex fits no item asking for one
    (CX, "2", None, True, False),  # unknown birth fits no item with an age range
    (CX, "2", born(40), False, False),  # Thai only
    (FIT, "1", born(50), True, True),
    (FIT, "2", born(49), True, False),
    (FIT, "1", born(70), True, True),
    (FIT, "1", born(71), True, False),
    (FPG, "1", born(35), True, True),
    (FPG, "2", born(34), True, False),
    (FPG, "2", born(59), True, True),
    (FPG, "2", born(60), True, False),
]


@pytest.mark.parametrize(("item", "sex", "birth", "thai", "due"), AGE_CASES)
def test_sex_age_and_thai_decide_who_an_item_is_for(
    item: object, sex: str, birth: dt.date | None, thai: bool, due: bool
) -> None:
    assert is_due(item, DuePerson(sex, birth, thai), ON) is due  # type: ignore[arg-type]


HISTORY_CASES = [
    # item, earlier qualifying services (days before ON), due?
    (CX, [], True),
    (CX, [1825], False),  # screened 1,825 days ago: the 1,826-day interval has not passed
    (CX, [1826], True),  # exactly the interval ago: due again
    (CX, [3000, 1000], False),  # the latest counts
    (FIT, [729], False),
    (FIT, [730], True),
    (FIT, [-10], True),  # a service after the day does not count on the day
    (FPG, [], True),
    (FPG, [10], False),  # once per fiscal year, had it this year
    (FPG, [(ON - dt.date(2024, 10, 1)).days], False),  # on the fiscal year's first day
    (FPG, [(ON - dt.date(2024, 9, 30)).days], True),  # the day before: last fiscal year
]


@pytest.mark.parametrize(("item", "days_ago", "due"), HISTORY_CASES)
def test_interval_and_per_year_limits_count_the_services_already_had(
    item: object, days_ago: list[int], due: bool
) -> None:
    person = DuePerson("2", born(55), True)  # fits every one of the three
    history = [ON - dt.timedelta(days=d) for d in days_ago]
    assert is_due(item, person, ON, history) is due  # type: ignore[arg-type]


def test_an_item_without_limits_is_due_once_a_fiscal_year() -> None:
    epi = ITEMS["EPI_SVC"]
    person = DuePerson("1", born(1), True)
    assert is_due(epi, person, ON)
    assert not is_due(epi, person, ON, [ON - dt.timedelta(days=30)])
    assert is_due(epi, person, ON, [dt.date(2024, 9, 1)])


def test_the_offered_items_come_from_the_setting_and_carry_the_rates_forward() -> None:
    offered = due_items_for(shipped_catalog(), 2568)
    assert [i.item for i in offered.items] == ["CX_SCREEN", "FIT", "FPG"]
    assert not offered.carried_forward
    later = due_items_for(shipped_catalog(), 2571)
    assert later.catalog_year == 2569 and later.carried_forward
    assert [i.item for i in later.items] == ["CX_SCREEN", "FIT", "FPG"]
    assert due_items_for(shipped_catalog(), 2500).items == ()


def test_baht_to_earn_is_the_rate_of_every_item_due() -> None:
    due = due_for((CX, FIT, FPG), WOMAN_35, ON, {"FPG": [ON - dt.timedelta(days=3)]})
    assert [i.item for i in due] == ["CX_SCREEN"]
    assert to_earn(due_for((CX, FIT, FPG), DuePerson("2", born(55), True), ON, {})) == Decimal(
        "350"
    )
