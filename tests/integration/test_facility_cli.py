"""`sitthi facility list|partners`: partner units kept in the store and used by OUTSIDE_UNIT."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from store.engine import open_store, read_tx, write_tx
from store.rights.inputs import FACILITY, PARTNER_UNIT
from tests.support.cli import run
from tests.support.gaps_data import HAND_COUNTED, OTHER_UNIT, UNIT, StoreRows, hand_counted_unit
from tui.cli import main


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "centre.db")


def stored_partners(db: str) -> list[tuple[str, str]]:
    engine = open_store(db)
    with read_tx(engine) as conn:
        rows = conn.execute(
            select(PARTNER_UNIT.c.hospcode, PARTNER_UNIT.c.partner).order_by(PARTNER_UNIT.c.partner)
        )
        found = [(r.hospcode, r.partner) for r in rows]
    engine.dispose()
    return found


def test_setting_partners_stores_them_and_creates_the_unit(
    store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, "facility", "partners", UNIT, "--set", "10004,10002", "--db", store_url
    )
    assert code == 0
    assert "10002, 10004" in out
    assert stored_partners(store_url) == [(UNIT, "10002"), (UNIT, "10004")]
    engine = open_store(store_url)
    with read_tx(engine) as conn:
        assert list(conn.execute(select(FACILITY.c.hospcode)).scalars()) == [UNIT]
    engine.dispose()


def test_adding_removing_and_showing_partners(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "facility", "partners", UNIT, "--add", "10002", "--db", db)
    run(capsys, "facility", "partners", UNIT, "--add", "10004", "--db", db)
    run(capsys, "facility", "partners", UNIT, "--add", "10004", "--db", db)
    assert stored_partners(db) == [(UNIT, "10002"), (UNIT, "10004")]
    code, out, _ = run(capsys, "facility", "partners", UNIT, "--remove", "10002", "--db", db)
    assert code == 0 and stored_partners(db) == [(UNIT, "10004")]
    code, out, _ = run(capsys, "facility", "partners", UNIT, "--db", db, "--lang", "en")
    assert (code, out.strip()) == (0, f"Partner units of {UNIT}: 10004")
    run(capsys, "facility", "partners", UNIT, "--set", "", "--db", db)
    assert stored_partners(db) == []
    code, out, _ = run(capsys, "facility", "partners", UNIT, "--db", db, "--lang", "en")
    assert out.strip() == f"Partner units of {UNIT}: none"


@pytest.mark.parametrize(
    "argv",
    [
        ["1234"],
        ["10001x"],
        [UNIT, "--add", "abc"],
        [UNIT, "--set", "10002,99"],
        [UNIT, "--add", "10002", "--remove", "10004"],
    ],
    ids=["short unit", "letters", "bad partner", "bad list entry", "two changes"],
)
def test_bad_unit_codes_and_mixed_changes_are_usage_errors(
    db: str, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["facility", "partners", *argv, "--db", db])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err
    assert stored_partners(db) == []


@pytest.mark.parametrize("option", ["--add", "--set"])
def test_a_unit_cannot_be_its_own_partner(
    db: str, capsys: pytest.CaptureFixture[str], option: str
) -> None:
    code, _, err = run(capsys, "facility", "partners", UNIT, option, UNIT, "--db", db)
    assert code == 2 and UNIT in err
    assert stored_partners(db) == []


def test_the_facility_list_shows_units_persons_and_partners(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "facility", "list", "--db", db, "--lang", "en")
    assert (code, out.strip()) == (0, "No units in the store yet")
    engine = open_store(db)
    with write_tx(engine) as conn:
        hand_counted_unit(StoreRows(conn))
    engine.dispose()
    run(capsys, "facility", "partners", UNIT, "--add", "10004", "--db", db)
    code, out, _ = run(capsys, "facility", "list", "--db", db)
    assert code == 0
    lines = out.splitlines()
    assert "หน่วยบริการเครือข่าย" in lines[0]
    # no district known (a dash), the responsible population (the KPI's), then every PERSON
    # row: the two counts side by side
    population = str(HAND_COUNTED["population"])
    assert lines[1].split() == [UNIT, "-", "-", population, "12", "10002,", "10004"]
    assert lines[2].split() == ["10003", "รพ.สต.ว่าง", "-", "0", "0"]


def test_a_partner_set_on_the_command_line_clears_outside_unit(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = open_store(db)
    with write_tx(engine) as conn:
        hand_counted_unit(StoreRows(conn))
    engine.dispose()
    argv = ["report", "kpi", "--json", "--as-of", "2025-01-15", "--hospcode", UNIT, "--db", db]
    _, out, _ = run(capsys, *argv)
    assert json.loads(out)["units"][0]["gaps"]["OUTSIDE_UNIT"] == 1
    run(capsys, "facility", "partners", UNIT, "--add", OTHER_UNIT, "--db", db)
    _, out, _ = run(capsys, *argv)
    assert json.loads(out)["units"][0]["gaps"]["OUTSIDE_UNIT"] == 0
