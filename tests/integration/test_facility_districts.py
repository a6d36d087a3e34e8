"""`sitthi facility set --district/--district-name` and `facility list`: a unit's district, set
or derived from its villages, and the Thai refusals of malformed codes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import insert

from store.districts import District, unit_districts
from store.engine import open_store, read_tx, write_tx
from store.ids import stable_id
from store.models import SQLModel
from tests.support.cli import run
from tui.cli import main

UNIT = "20101"
OTHER = "20102"
VILLAGES = {"99020301": 3, "99020399": 1, "99070101": 1}
"""VID -> how many VILLAGE rows: most of the unit's villages lie in district 9902."""


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "province.db")


def add_villages(db: str, hospcode: str, villages: dict[str, int]) -> None:
    engine = open_store(db)
    table = SQLModel.metadata.tables["village"]
    with write_tx(engine) as conn:
        for vid, count in villages.items():
            for n in range(count):
                conn.execute(
                    insert(table).values(
                        id=stable_id("village", hospcode, f"{vid}-{n}"),
                        hospcode=hospcode,
                        vid=vid,
                        d_update=dt.datetime(2025, 1, 1),
                        batch_id="b",
                    )
                )
    engine.dispose()


def districts(db: str) -> dict[str, District]:
    engine = open_store(db)
    with read_tx(engine) as conn:
        found = unit_districts(conn)
    engine.dispose()
    return found


def test_a_district_set_and_named_is_listed_for_the_unit(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys,
        "facility", "set", UNIT, "--name", "รพ.สต.บ้านหนองบัว",
        "--district", "3001", "--district-name", "เมืองนครราชสีมา", "--db", db,
    )  # fmt: skip
    assert code == 0
    assert "ตั้งอำเภอของหน่วยบริการ 20101 เป็น 3001 เมืองนครราชสีมา แล้ว" in out
    run(capsys, "facility", "set", OTHER, "--district", "3001", "--db", db)
    code, out, _ = run(capsys, "facility", "list", "--db", db)
    assert code == 0
    lines = out.splitlines()
    assert "อำเภอ" in lines[0]
    assert lines[1].split()[:4] == [UNIT, "รพ.สต.บ้านหนองบัว", "3001", "เมืองนครราชสีมา"]
    # the district's name, given for one unit, serves every unit set to the same code
    assert lines[2].split()[:4] == [OTHER, "-", "3001", "เมืองนครราชสีมา"]
    assert districts(db)[OTHER] == District("3001", "เมืองนครราชสีมา", derived=False)


def test_without_a_setting_the_district_comes_from_the_villages_and_says_so(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    add_villages(db, UNIT, VILLAGES)
    run(capsys, "facility", "set", UNIT, "--name", "รพ.สต.บ้านหนองบัว", "--db", db)
    assert districts(db)[UNIT] == District("9902", "", derived=True)
    code, out, _ = run(capsys, "facility", "list", "--db", db)
    assert code == 0
    assert out.splitlines()[1].split()[:4] == [UNIT, "รพ.สต.บ้านหนองบัว", "9902", "(จากหมู่บ้าน)"]
    assert "(จากหมู่บ้าน) = ยังไม่ได้ตั้งอำเภอ" in out

    # naming the district alone fixes the derived code with its name
    code, out, _ = run(capsys, "facility", "set", UNIT, "--district-name", "นาสิทธิ์", "--db", db)
    assert code == 0
    assert districts(db)[UNIT] == District("9902", "นาสิทธิ์", derived=False)
    _, out, _ = run(capsys, "facility", "list", "--db", db, "--lang", "en")
    assert out.splitlines()[1].split()[:4] == [UNIT, "รพ.สต.บ้านหนองบัว", "9902", "นาสิทธิ์"]
    assert "(from villages)" not in out


@pytest.mark.parametrize(
    ("argv", "refusal"),
    [
        (["1234", "--name", "x"], "'1234' ไม่ใช่รหัสหน่วยบริการ: ใส่ตัวเลข 5 หลัก"),
        ([UNIT, "--district", "30"], "'30' ไม่ใช่รหัสอำเภอ: ใส่ตัวเลข 4 หลัก"),
        ([UNIT, "--district", "30a1"], "'30a1' ไม่ใช่รหัสอำเภอ: ใส่ตัวเลข 4 หลัก"),
    ],
    ids=["short unit", "short district", "letters in district"],
)
def test_malformed_codes_are_refused_in_thai(
    db: str, capsys: pytest.CaptureFixture[str], argv: list[str], refusal: str
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["facility", "set", *argv, "--db", db])
    assert exit_info.value.code == 2
    assert refusal in capsys.readouterr().err
    assert districts(db) == {}


@pytest.mark.parametrize(
    ("argv", "refusal"),
    [
        ([UNIT], "ไม่ได้บอกว่าจะตั้งอะไร"),
        ([UNIT, "--district-name", "นาสิทธิ์"], "ยังไม่รู้ว่าหน่วยบริการ 20101 อยู่อำเภอใด"),
        ([UNIT, "--district", "9902", "--district-name", " "], "ชื่ออำเภอว่างไม่ได้"),
    ],
    ids=["nothing", "name of an unknown district", "blank name"],
)
def test_settings_that_cannot_be_made_are_refused_in_thai(
    db: str, capsys: pytest.CaptureFixture[str], argv: list[str], refusal: str
) -> None:
    code, _, err = run(capsys, "facility", "set", *argv, "--db", db)
    assert code == 1
    assert refusal in err
    assert districts(db) == {}
