"""The demo's village health volunteers: about one per 10-15 houses of a village, written to
HOME as VHVID and loaded by the importer."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from sync.simulate.centre import Centre, build_centre
from sync.simulate.f43 import f43_tables
from sync.simulate.population import OUTSIDE_MOO


@pytest.fixture(scope="module")
def centre() -> Centre:
    return build_centre(seed=5, today=dt.date(2025, 5, 20), persons=1500)


def test_every_house_of_a_village_has_a_volunteer_of_its_village(centre: Centre) -> None:
    houses = [h for h in centre.population.households if h.village and h.village.moo != OUTSIDE_MOO]
    assert houses and all(h.volunteer is not None for h in houses)
    for house in houses:
        volunteer = house.volunteer
        assert volunteer is not None and volunteer.responsible and 25 <= volunteer.age <= 65
        homes = {h.hid: h for h in centre.population.households}
        assert homes[volunteer.hid].village is house.village
    outside = [
        h for h in centre.population.households if h.village and h.village.moo == OUTSIDE_MOO
    ]
    assert all(h.volunteer is None for h in outside)


def test_a_volunteer_looks_after_about_ten_to_fifteen_houses(centre: Centre) -> None:
    load = Counter(h.volunteer.pid for h in centre.population.households if h.volunteer)
    per_village_last = 15  # a village's last run of houses may be shorter
    assert all(n <= per_village_last for n in load.values())
    assert 10 <= sum(load.values()) / len(load) <= 15


def test_home_rows_carry_the_volunteer_as_vhvid(centre: Centre) -> None:
    homes = f43_tables(centre)["HOME"]
    pids = {row["PID"] for row in f43_tables(centre)["PERSON"]}
    named = [row["VHVID"] for row in homes if row["VHVID"]]
    assert named and set(named) <= pids
    assert all(row["HEADID"] in pids for row in homes)
