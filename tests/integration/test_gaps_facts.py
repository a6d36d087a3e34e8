"""Loading the rules' inputs from a store (SQLite and PostgreSQL), one unit at a time."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from store.engine import read_tx, write_tx
from store.rights.inputs import (
    iter_unit_facts,
    list_units,
    load_unit_facts,
    partner_units,
    save_partner_units,
    unit_hospcodes,
    village_name,
)
from tests.support.gaps_data import (
    EMPTY_UNIT,
    OTHER_UNIT,
    PARTNER,
    UNIT,
    StoreRows,
    hand_counted_unit,
    make_cid,
)


@pytest.mark.parametrize(
    ("villaname", "vid", "name"),
    [
        ("บ้านหนองบัว", "34010203", "บ้านหนองบัว"),
        ("", "34010203", "หมู่ 3"),
        ("  ", "34010212", "หมู่ 12"),
        ("", "34010200", ""),
        ("", "", ""),
        (None, None, ""),
        ("", "3401020x", ""),
    ],
)
def test_a_village_is_named_by_the_house_else_by_its_moo_number(
    villaname: str | None, vid: str | None, name: str
) -> None:
    assert village_name(villaname, vid) == name


def test_a_units_persons_come_with_their_cards_nhso_records_houses_and_deaths(
    engine: Engine,
) -> None:
    with write_tx(engine) as conn:
        hand_counted_unit(StoreRows(conn))
    with read_tx(engine) as conn:
        unit = load_unit_facts(conn, UNIT)
    persons = {p.pid: p for p in unit.persons}
    assert sorted(persons, key=int) == [str(n) for n in range(1, 13)]
    assert unit.partners == {PARTNER}

    first = persons["1"]
    assert (first.cid, first.nation, first.typearea, first.discharge) == (
        make_cid(1),
        "099",
        "1",
        "9",
    )
    assert (first.village, first.house_no, first.full_name) == ("บ้านหนองบัว", "12/1", "ทดสอบ1 สมมุติ")
    assert first.birth == dt.date(1980, 1, 1)
    assert [c.instype for c in first.cards] == ["0100"]
    assert [(r.maininscl, r.hsub) for r in first.nhso] == [("UCS", UNIT)]
    assert persons["2"].village == "หมู่ 3"
    assert persons["5"].village == ""
    assert persons["6"].nhso[0].hsub == OTHER_UNIT
    assert persons["7"].nhso[0].deathdate is not None
    assert persons["12"].has_local_death and not persons["1"].has_local_death
    assert persons["11"].nhso == ()
    assert persons["3"].cards == ()


def test_a_cid_shared_by_persons_of_two_units_gets_its_nhso_records_in_both(
    engine: Engine,
) -> None:
    with write_tx(engine) as conn:
        rows = StoreRows(conn)
        rows.person(UNIT, "1", cid=make_cid(1))
        rows.person(OTHER_UNIT, "77", cid=make_cid(1))
        rows.person(UNIT, "2", cid=make_cid(2))
        rows.nhso(make_cid(1), "UCS", hsub=UNIT)
        rows.nhso(make_cid(1), "UCS", hsub=UNIT, checked_on=dt.date(2024, 1, 1))
    with read_tx(engine) as conn:
        units = list(iter_unit_facts(conn))
    assert [u.hospcode for u in units] == [UNIT, OTHER_UNIT]
    by_unit = {u.hospcode: {p.pid: p for p in u.persons} for u in units}
    assert len(by_unit[UNIT]["1"].nhso) == 2
    assert len(by_unit[OTHER_UNIT]["77"].nhso) == 2
    assert by_unit[UNIT]["2"].nhso == ()


def test_units_are_those_with_a_facility_row_or_persons_in_hospcode_order(
    engine: Engine,
) -> None:
    with write_tx(engine) as conn:
        hand_counted_unit(StoreRows(conn))
        StoreRows(conn).person("00500", "1")
    with read_tx(engine) as conn:
        assert unit_hospcodes(conn) == ["00500", UNIT, EMPTY_UNIT]
        assert unit_hospcodes(conn, EMPTY_UNIT) == [EMPTY_UNIT]
        assert unit_hospcodes(conn, "99999") == []
        assert [u.hospcode for u in iter_unit_facts(conn, UNIT)] == [UNIT]
        empty = load_unit_facts(conn, EMPTY_UNIT)
    assert (empty.persons, empty.partners) == ((), frozenset())


def test_partner_units_are_saved_and_the_facility_row_made_when_missing(engine: Engine) -> None:
    with write_tx(engine) as conn:
        save_partner_units(conn, UNIT, ["10002", "10004"])
    with write_tx(engine) as conn:
        assert partner_units(conn, UNIT) == {"10002", "10004"}
        save_partner_units(conn, UNIT, ["10004", "10005", UNIT])
    with read_tx(engine) as conn:
        assert partner_units(conn, UNIT) == {"10004", "10005"}
        units = list_units(conn)
    assert [(u.hospcode, u.name, u.persons, u.partners) for u in units] == [
        (UNIT, "", 0, ("10004", "10005"))
    ]


def test_the_unit_list_counts_persons_and_names_units(engine: Engine) -> None:
    with write_tx(engine) as conn:
        hand_counted_unit(StoreRows(conn))
    with read_tx(engine) as conn:
        units = {u.hospcode: u for u in list_units(conn)}
    assert units[UNIT].persons == 12
    assert units[UNIT].partners == (PARTNER,)
    assert (units[EMPTY_UNIT].name, units[EMPTY_UNIT].persons) == ("รพ.สต.ว่าง", 0)
