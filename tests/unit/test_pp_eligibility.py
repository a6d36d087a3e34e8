"""Which services are claimable PP services: each condition at its edge, in order, earliest first.

Persons and services are synthetic; citizen IDs carry valid check digits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import pytest

from store.cid import check_digit
from store.pp.catalog import COLUMNS, Catalog, parse_catalog, shipped_catalog
from store.pp.eligibility import Evaluation, Person, Service, evaluate

D = dt.date
UNIT = "10001"


def make_cid(n: int) -> str:
    first12 = f"3{n:011d}"
    return first12 + str(check_digit(first12))


BORN_1985 = D(1985, 6, 15)


def woman(birth: dt.date = BORN_1985, *, thai: bool = True) -> Person:
    return Person(sex="2", birth=birth, thai=thai, cid=make_cid(1))


def service(
    source: str,
    day: dt.date,
    *,
    fields: dict[str, str] | None = None,
    gravida: str = "",
    related: dt.date | None = None,
    hospcode: str = UNIT,
    pid: str = "1",
) -> Service:
    seq = f"{day:%Y%m%d}{source}{gravida}"
    return Service(source, hospcode, pid, seq, day, fields or {}, gravida, related, id=seq)


def anc(day: dt.date, gravida: str = "1", *, hospcode: str = UNIT, pid: str = "1") -> Service:
    return service("ANC", day, gravida=gravida, hospcode=hospcode, pid=pid)


def pnc(day: dt.date, born: dt.date | None, gravida: str = "1") -> Service:
    return service("POSTNATAL", day, gravida=gravida, related=born)


def cx(day: dt.date) -> Service:
    return service("SPECIALPP", day, fields={"PPSPECIAL": "1B0044"})


def fpg(day: dt.date) -> Service:
    return service("NCDSCREEN", day, fields={"BSLEVEL": "101"})


def judge(
    services: Sequence[Service], person: Person | None = None, catalog: Catalog | None = None
) -> list[Evaluation]:
    who = person or woman()
    persons = {(s.hospcode, s.pid): who for s in services}
    return evaluate(services, persons, catalog or shipped_catalog())


def reasons(evaluations: Sequence[Evaluation]) -> list[str | None]:
    return [e.reason.code if e.reason else None for e in evaluations]


def catalog_of(*cells: dict[str, str]) -> Catalog:
    rows = [",".join(row.get(c, "") for c in COLUMNS) for row in cells]
    return parse_catalog("\n".join([",".join(COLUMNS), *rows]))


# One condition at a time, at its boundary -------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "day", "expected"),
    [
        (D(1964, 3, 10), D(2025, 3, 9), None),  # 60 the day before turning 61
        (D(1964, 3, 10), D(2025, 3, 10), "AGE"),  # 61 on the birthday
        (D(1995, 3, 10), D(2025, 3, 9), "AGE"),  # 29
        (D(1995, 3, 10), D(2025, 3, 10), None),  # 30
    ],
)
def test_age_counts_completed_years_on_the_service_date(
    birth: dt.date, day: dt.date, expected: str | None
) -> None:
    assert reasons(judge([cx(day)], woman(birth))) == [expected]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2025, 1, 1), None),  # the delivery day itself
        (D(2025, 2, 12), None),  # day 42
        (D(2025, 2, 13), "WINDOW"),  # day 43
        (D(2024, 12, 31), "WINDOW_BEFORE"),
    ],
)
def test_postnatal_care_counts_within_42_days_of_the_delivery(
    day: dt.date, expected: str | None
) -> None:
    assert reasons(judge([pnc(day, D(2025, 1, 1))])) == [expected]


def test_postnatal_care_without_a_delivery_date_fails_the_window() -> None:
    (result,) = judge([pnc(D(2025, 2, 1), None)])
    assert result.reason is not None
    assert (result.reason.code, result.reason.condition) == ("WINDOW_NO_DATE", "WINDOW")


def fit(day: dt.date) -> Service:
    return service("SPECIALPP", day, fields={"PPSPECIAL": "1B0060"})


def screening_every_year() -> Catalog:
    """The starter cervical-screening row for fiscal years 2560-2579, to span its 5 years."""
    (row,) = [i for i in shipped_catalog().for_year(2568) if i.item == "CX_SCREEN"]
    cells = {"item": row.item, "rate": str(row.rate), "source": row.source, "sex": "2"}
    cells |= {"code_field": row.code_field, "codes": row.codes_text, "thai_only": "1"}
    cells |= {"age_min": "30", "age_max": "60", "min_interval_days": "1826"}
    return catalog_of(*({**cells, "fiscal_year": str(year)} for year in range(2560, 2580)))


@pytest.mark.parametrize(
    ("make", "catalog", "interval"),
    [(cx, screening_every_year(), 1826), (fit, shipped_catalog(), 730)],
    ids=["cervical", "colorectal"],
)
@pytest.mark.parametrize(("short", "expected"), [(1, "INTERVAL"), (0, None)])
def test_screening_again_needs_the_full_interval(
    make: Callable[[dt.date], Service],
    catalog: Catalog,
    interval: int,
    short: int,
    expected: str | None,
) -> None:
    first = D(2023, 10, 6)
    again = first + dt.timedelta(days=interval - short)
    results = judge([make(first), make(again)], woman(D(1970, 1, 1)), catalog)
    assert reasons(results) == [None, expected]


def test_the_interval_runs_from_the_last_qualifying_service_only() -> None:
    person = woman(D(1974, 5, 1))
    too_young = fit(D(2024, 4, 30))  # 49: not qualifying, so no interval starts
    results = judge([too_young, fit(D(2024, 5, 1)), fit(D(2025, 5, 1))], person)
    assert reasons(results) == ["AGE", None, "INTERVAL"]


def test_a_sixth_antenatal_visit_in_a_fiscal_year_is_over_the_limit() -> None:
    visits = [anc(D(2024, 10, 1) + dt.timedelta(days=30 * i)) for i in range(6)]
    assert reasons(judge(visits)) == [None] * 5 + ["PER_YEAR"]


def test_antenatal_visits_count_again_from_1_october() -> None:
    visits = [anc(D(2024, 11, 1) + dt.timedelta(days=30 * i)) for i in range(5)]
    visits += [anc(D(2025, 9, 30)), anc(D(2025, 10, 1))]
    results = judge(visits)
    assert reasons(results) == [None] * 5 + ["PER_YEAR", None]
    assert [r.fiscal_year for r in results[-2:]] == [2568, 2569]


def test_a_fourth_postnatal_visit_of_one_pregnancy_is_over_the_limit_but_a_new_one_counts() -> None:
    born = D(2025, 1, 1)
    visits = [pnc(born + dt.timedelta(days=d), born) for d in (3, 7, 14, 30)]
    second_born = D(2026, 3, 1)
    visits.append(pnc(D(2026, 3, 5), second_born, gravida="2"))
    assert reasons(judge(visits)) == [None, None, None, "PER_PREGNANCY", None]


def test_glucose_screening_once_per_fiscal_year_across_the_boundary() -> None:
    days = [D(2025, 9, 29), D(2025, 9, 30), D(2025, 10, 1), D(2025, 10, 2)]
    person = woman(D(1980, 1, 1))
    assert reasons(judge([fpg(d) for d in days], person)) == [None, "PER_YEAR", None, "PER_YEAR"]


def test_a_service_uses_the_catalog_of_its_own_fiscal_year() -> None:
    base = {"item": "ANC", "source": "ANC", "thai_only": "1", "name_th": "ฝากครรภ์"}
    catalog = catalog_of(
        {**base, "fiscal_year": "2567", "rate": "300"},
        {**base, "fiscal_year": "2568", "rate": "360"},
    )
    results = judge([anc(D(2024, 9, 30)), anc(D(2024, 10, 1))], catalog=catalog)
    assert [(r.item.fiscal_year, str(r.item.rate)) for r in results] == [
        (2567, "300"),
        (2568, "360"),
    ]


def test_services_no_item_selects_are_not_pp_services() -> None:
    others = [
        service("FP", D(2025, 1, 5), fields={"FPTYPE": "5"}),
        service("SPECIALPP", D(2025, 1, 5), fields={"PPSPECIAL": "1B0030"}),
        service("NCDSCREEN", D(2025, 1, 5), fields={"SMOKE": "1"}),
        service("SERVICE", D(2025, 1, 5)),
    ]
    pill = service("FP", D(2025, 1, 5), fields={"FPTYPE": "1"})
    results = judge([*others, pill])
    assert [r.item.item for r in results] == ["FP_PILL"]


def test_a_service_of_a_year_without_a_catalog_is_judged_by_the_carried_forward_items() -> None:
    # Fiscal year 2570 has no catalog yet: the 2569 items and rates apply (domain 5).
    [result] = judge([anc(D(2026, 10, 1))])
    assert (result.item.item, result.item.fiscal_year) == ("ANC", 2569)


# The first failed condition --------------------------------------------------------------

MAN = Person(sex="1", birth=D(1955, 1, 1), thai=False, cid=make_cid(9))


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        (MAN, "SEX"),
        (woman(D(1955, 1, 1), thai=False), "AGE"),
        (woman(D(1985, 1, 1), thai=False), "THAI"),
        (Person(sex="", birth=D(1955, 1, 1), thai=False), "SEX_UNKNOWN"),
        (Person(sex="2", birth=None, thai=False), "AGE_UNKNOWN"),
        (woman(D(1985, 1, 1)), None),
    ],
)
def test_cervical_screening_reports_sex_then_age_then_nationality(
    person: Person, expected: str | None
) -> None:
    assert reasons(judge([cx(D(2025, 1, 6))], person)) == [expected]


def test_nationality_is_reported_before_the_window() -> None:
    late = pnc(D(2025, 3, 1), D(2025, 1, 1))
    assert reasons(judge([late], woman(thai=False))) == ["THAI"]


def test_the_window_is_reported_before_the_pregnancy_limit() -> None:
    born = D(2025, 1, 1)
    visits = [pnc(born + dt.timedelta(days=d), born) for d in (3, 7, 14, 50)]
    assert reasons(judge(visits)) == [None, None, None, "WINDOW"]


def test_age_is_reported_before_the_interval() -> None:
    person = woman(D(1964, 3, 10))
    results = judge([cx(D(2024, 3, 1)), cx(D(2025, 3, 10))], person)
    assert reasons(results) == [None, "AGE"]


@pytest.mark.parametrize(
    ("limits", "expected"),
    [
        ({"min_interval_days": "30", "max_per_pregnancy": "1", "max_per_fiscal_year": "1"},
         "INTERVAL"),
        ({"max_per_pregnancy": "1", "max_per_fiscal_year": "1"}, "PER_PREGNANCY"),
        ({"max_per_fiscal_year": "1"}, "PER_YEAR"),
    ],
)  # fmt: skip
def test_interval_then_pregnancy_then_fiscal_year(limits: dict[str, str], expected: str) -> None:
    item = {"fiscal_year": "2568", "item": "ANC_X", "rate": "100", "source": "ANC", **limits}
    results = judge([anc(D(2025, 1, 1)), anc(D(2025, 1, 11))], catalog=catalog_of(item))
    assert reasons(results) == [None, expected]


def test_a_service_of_a_person_the_store_does_not_know_is_not_eligible() -> None:
    results = evaluate([anc(D(2025, 1, 1))], {}, shipped_catalog())
    assert reasons(results) == ["NO_PERSON"]


# Limits count the earliest services, per person -------------------------------------------


def test_the_earliest_services_count_whatever_order_they_come_in() -> None:
    visits = [anc(D(2024, 10, 1) + dt.timedelta(days=30 * i)) for i in range(6)]
    results = judge(list(reversed(visits)))
    assert [r.service.date for r in results] == [v.date for v in visits]
    assert reasons(results) == [None] * 5 + ["PER_YEAR"]


def test_one_citizen_id_at_two_units_is_one_person_for_the_limits() -> None:
    person = woman()
    visits = [
        anc(D(2024, 10, 1) + dt.timedelta(days=30 * i), hospcode=unit, pid=pid)
        for i, (unit, pid) in enumerate([("10001", "7"), ("10002", "55")] * 3)
    ]
    persons = {("10001", "7"): person, ("10002", "55"): person}
    assert reasons(evaluate(visits, persons, shipped_catalog())) == [None] * 5 + ["PER_YEAR"]


def test_without_a_valid_citizen_id_each_unit_counts_its_own_pid() -> None:
    person = Person(sex="2", birth=D(1985, 6, 15), thai=True, cid="")
    visits = [
        anc(D(2024, 10, 1) + dt.timedelta(days=30 * i), hospcode=unit, pid="7")
        for i, unit in enumerate(["10001", "10002"] * 3)
    ]
    persons = {("10001", "7"): person, ("10002", "7"): person}
    assert reasons(evaluate(visits, persons, shipped_catalog())) == [None] * 6


# What staff read -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("services", "person", "th", "en"),
    [
        ([cx(D(2025, 3, 10))], woman(D(1964, 3, 10)), "อายุ 61 ปี",
         "Age 61 is outside the item's age range 30-60"),
        ([pnc(D(2025, 2, 13), D(2025, 1, 1))], woman(), "43 วัน",
         "Service 43 days after BDATE; the item allows 42"),
        ([anc(D(2024, 10, 1) + dt.timedelta(days=30 * i)) for i in range(6)], woman(),
         "ปีงบประมาณ 2568", "More than 5 in fiscal year 2568"),
        ([cx(D(2025, 1, 6))], MAN, "SEX = 2",
         "The person's sex does not fit the item (SEX 2 required)"),
    ],
)  # fmt: skip
def test_reasons_read_in_thai_and_english_with_the_values_that_failed(
    services: list[Service], person: Person, th: str, en: str
) -> None:
    reason = judge(services, person)[-1].reason
    assert reason is not None
    assert th in reason.text("th")
    assert reason.text("en") == en
