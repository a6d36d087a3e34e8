"""The synthetic health centre: a plausible rural population with the usual rights problems."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from statistics import mean

import pytest

from store.cid import is_valid_cid
from store.reference import table
from sync.simulate.centre import Centre, build_centre
from sync.simulate.params import ParamsError, Section, load_params
from sync.simulate.population import THAI, Person
from sync.simulate.rights import ELIGIBLE

TODAY = dt.date(2025, 5, 20)
NO_CID_PROBLEMS = {"no_cid_blank", "no_cid_typo"}


@pytest.fixture(scope="module")
def centre() -> Centre:
    return build_centre(seed=7, today=TODAY)


def share(persons: list[Person], test: object) -> float:
    assert callable(test)
    return sum(1 for p in persons if test(p)) / len(persons)


def responsible(centre: Centre) -> list[Person]:
    return [p for p in centre.persons if p.responsible]


def test_a_centre_needs_at_least_one_person() -> None:
    with pytest.raises(ValueError, match="at least one person"):
        build_centre(persons=0, today=TODAY)


def test_a_rates_value_of_the_wrong_kind_is_named_with_its_section() -> None:
    section = Section("household", {"mean_size": "three"})
    with pytest.raises(ParamsError, match=r"\[household\] mean_size: expected a number"):
        section.number("mean_size")
    with pytest.raises(ParamsError, match=r"\[household\]: missing 'couple'"):
        section.number("couple")
    with pytest.raises(ParamsError, match=r"\[days\] died: expected \[fewest, most\]"):
        Section("days", {"died": [30, 1]}).span("died")


def test_every_problem_in_the_rates_file_is_one_the_simulation_knows() -> None:
    assert set(load_params().problems.section("share").values) == set(ELIGIBLE)


def test_the_default_centre_has_5000_persons_in_8_to_12_villages(centre: Centre) -> None:
    assert len(centre.persons) == 5000
    villages = [v for v in centre.population.villages if v.moo != "00"]
    assert 8 <= len(villages) <= 12
    assert all(v.vid == "990101" + v.moo for v in villages)
    outside = {p.hid for p in centre.persons if p.typearea == "4"}
    houses = {h.hid: h for h in centre.population.households}
    assert all(houses[hid].village is not None for hid in outside)
    assert {houses[hid].village.moo for hid in outside} == {"00"}  # type: ignore[union-attr]


def test_households_hold_three_to_four_persons_who_mostly_share_a_surname(
    centre: Centre,
) -> None:
    households = centre.population.households
    assert 3.0 <= mean(len(h.members) for h in households) <= 4.0
    assert max(len(h.members) for h in households) <= 10
    shared = [
        sum(m.lname == h.head.lname for m in h.members) / len(h.members)
        for h in households
        if len(h.members) > 1
    ]
    assert mean(shared) > 0.75
    assert all(p.hid in {h.hid for h in households} for p in centre.persons)


def test_mothers_are_of_an_age_to_have_borne_their_children(centre: Centre) -> None:
    gaps = [p.mother.age - p.age for p in centre.persons if p.mother is not None]
    assert len(gaps) > 1000
    assert all(17 <= gap <= 43 for gap in gaps)


def test_ages_follow_an_ageing_rural_pyramid(centre: Centre) -> None:
    persons = centre.persons
    children = share(persons, lambda p: p.age < 15)
    middle = share(persons, lambda p: 40 <= p.age < 70)
    elderly = share(persons, lambda p: p.age >= 60)
    assert 0.10 <= children <= 0.18
    assert 0.40 <= middle <= 0.55
    assert 0.20 <= elderly <= 0.32
    assert 0.50 <= share(persons, lambda p: p.sex == "2") <= 0.54


def test_some_elderly_have_unknown_birth_days_written_as_first_of_january(
    centre: Centre,
) -> None:
    unknown = [p for p in centre.persons if p.birth_unknown]
    assert 5 <= len(unknown) <= 60
    assert all((p.birth.month, p.birth.day) == (1, 1) and p.age >= 69 for p in unknown)


def test_prenames_follow_sex_age_and_marriage(centre: Centre) -> None:
    for person in centre.persons:
        if person.age < 15:
            assert person.prename == ("001" if person.sex == "1" else "002")
        elif person.sex == "1":
            assert person.prename == "003"
        else:
            assert person.prename == ("005" if person.married else "004")
    wives = [p for p in centre.persons if p.sex == "2" and p.couple is not None]
    assert wives and all(p.prename == "005" for p in wives)


def test_typearea_discharge_and_nationality_mix(centre: Centre) -> None:
    persons = centre.persons
    assert 0.70 <= share(persons, lambda p: p.typearea == "1") <= 0.80
    assert 0.08 <= share(persons, lambda p: p.typearea == "2") <= 0.14
    assert 0.04 <= share(persons, lambda p: p.typearea == "3") <= 0.09
    assert 0.06 <= share(persons, lambda p: p.typearea == "4") <= 0.10
    assert 0.92 <= share(persons, lambda p: p.discharge == "9") <= 0.96
    assert set(Counter(p.discharge for p in persons)) == {"1", "2", "3", "9"}
    assert 0.97 <= share(persons, lambda p: p.nation == THAI) <= 0.995
    nations = {r["code"] for r in table("nation.csv")}
    foreign = [p for p in persons if p.nation != THAI]
    assert all(p.nation in nations for p in foreign)
    assert all(p.cid[0] in "067" for p in foreign if p.cid)


def test_every_cid_is_valid_and_distinct_except_the_deliberate_no_cid_cases(
    centre: Centre,
) -> None:
    for person in centre.persons:
        assert is_valid_cid(person.cid) == (person.problem not in NO_CID_PROBLEMS)
        assert is_valid_cid(person.nhso_cid)
    cids = [p.nhso_cid for p in centre.persons]
    assert len(set(cids)) == len(cids)
    blank = [p for p in centre.persons if p.problem == "no_cid_blank"]
    assert blank and all(p.cid == "" for p in blank)


def test_cids_come_from_registering_offices_that_do_not_exist(centre: Centre) -> None:
    """Digits 2-3 of a CID are a province code; no province has 99."""
    assert {p.nhso_cid[1:3] for p in centre.persons} == {"99"}


def test_rights_of_the_responsible_population_are_mostly_uc(centre: Centre) -> None:
    persons = responsible(centre)
    assert 0.72 <= share(persons, lambda p: p.right == "0100") <= 0.80
    assert 0.10 <= share(persons, lambda p: p.right == "4200") <= 0.15
    assert 0.045 <= share(persons, lambda p: p.right[:2] in {"11", "12", "13", "14"}) <= 0.08
    assert 0.01 <= share(persons, lambda p: p.right[0] == "2") <= 0.035
    others = {p.right[:2] for p in persons} - {"01", "11", "12", "13", "14", "42"}
    assert {"31", "39", "83", "84", "91"} <= others
    assert all(p.right[:2] == "84" for p in persons if p.nation != THAI and not p.problem)


def test_local_deaths_have_a_death_row_and_are_mostly_elderly(centre: Centre) -> None:
    dead = [p for p in centre.persons if p.discharge == "1"]
    assert dead and all(p.death is not None for p in dead)
    assert all(p.death is None for p in centre.persons if p.discharge != "1")
    assert share(dead, lambda p: p.age >= 60) > 0.7
    assert all(p.death.ddeath < TODAY for p in dead if p.death)


@pytest.mark.parametrize("size", [300, 5000])
def test_every_problem_is_given_to_its_share_and_to_at_least_one_person(size: int) -> None:
    centre = build_centre(seed=3, today=TODAY, persons=size)
    pool = [p for p in responsible(centre) if p.nation == THAI or p.problem == "stp_other"]
    counts = Counter(p.problem for p in pool)
    shares = load_params().problems.section("share")
    for problem in ELIGIBLE:
        expected = max(1, round(shares.number(problem) * len(pool)))
        assert abs(counts[problem] - expected) <= 1, problem


def test_the_nhso_lists_cover_most_of_the_population_recently(centre: Centre) -> None:
    persons = [p for p in responsible(centre) if p.nation == THAI]
    recent = share(persons, lambda p: p.nhso_recent is not None)
    assert 0.93 <= recent <= 0.97
    for person in centre.persons:
        if person.nhso_recent is not None:
            assert 2 <= (TODAY - person.nhso_recent.checked_at.date()).days <= 45
        if person.nhso_old is not None:
            assert 120 <= (TODAY - person.nhso_old.checked_at.date()).days <= 330
    stale = [p for p in persons if p.problem == "stale_check"]
    assert stale and all(p.nhso_recent is None and p.nhso_old for p in stale)


def test_the_same_seed_and_day_give_the_same_centre() -> None:
    def summary(centre: Centre) -> list[tuple[object, ...]]:
        return [
            (p.cid, p.name, p.lname, p.birth, p.right, p.problem, p.nhso_recent, p.cards)
            for p in centre.persons
        ]

    first = build_centre(seed=11, today=TODAY, persons=400)
    again = build_centre(seed=11, today=TODAY, persons=400)
    other = build_centre(seed=12, today=TODAY, persons=400)
    assert summary(first) == summary(again)
    assert summary(first) != summary(other)
