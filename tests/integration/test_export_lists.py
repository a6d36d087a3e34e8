"""`sitthi export gaps|pp-due|claims`: the files a volunteer or claims officer works from,
opened again with openpyxl and csv, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import text

from exporters.audit import audit_path
from store.cid import format_cid, mask_cid
from store.engine import open_store
from tests.support.cli import run
from tests.support.export_builders import (
    AS_OF,
    INJECTION_NAMES,
    NORTH,
    RESPONSIBLE_WITH_GAPS,
    SOUTH,
    VOLUNTEER_NORTH,
    village_zip,
)
from tests.support.ingest_builders import HOSPCODE, cid
from tests.support.pp_builders import AS_OF as PP_AS_OF
from tests.support.pp_builders import (
    FIRST_STATEMENT,
    SECOND_STATEMENT,
    hand_counted_zip,
    statement_csv,
    statement_xlsx,
)

HEADER_ROW = 2
FIRST_DATA_ROW = 3


@pytest.fixture
def villages(store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    code, _, err = run(capsys, "import", str(village_zip(tmp_path)), "--db", store_url)
    assert (code, err) == (0, "")
    return store_url


@pytest.fixture
def centre(store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    files = [
        hand_counted_zip(tmp_path),
        statement_xlsx(tmp_path / "rep_first.xlsx", FIRST_STATEMENT),
        statement_csv(tmp_path / "rep_second.csv", SECOND_STATEMENT),
    ]
    code, _, err = run(capsys, "import", *map(str, files), "--db", store_url)
    assert (code, err) == (0, "")
    return store_url


def export(capsys: pytest.CaptureFixture[str], db: str, *argv: str) -> str:
    code, out, err = run(capsys, "export", *argv, "--db", db)
    assert (code, err) == (0, ""), err
    return out


def data_rows(sheet: Worksheet) -> list[tuple[object, ...]]:
    return [r for r in sheet.iter_rows(min_row=FIRST_DATA_ROW, values_only=True) if any(r)]


def column(sheet: Worksheet, label: str) -> list[object]:
    header = [c.value for c in sheet[HEADER_ROW]]
    index = header.index(label)
    return [row[index] for row in data_rows(sheet)]


def gaps_json(capsys: pytest.CaptureFixture[str], db: str, *extra: str) -> list[dict[str, object]]:
    code, out, _ = run(capsys, "report", "gaps", "--json", "--as-of", AS_OF, "--db", db, *extra)
    assert code == 0
    rows: list[dict[str, object]] = json.loads(out)["gaps"]
    return rows


def test_the_gaps_list_has_a_printable_sheet_per_village_in_house_order(
    villages: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "gaps.xlsx"
    out = export(capsys, villages, "gaps", "--as-of", AS_OF, "-o", str(target))
    assert str(target) in out
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == [NORTH, SOUTH]
    north = book[NORTH]
    assert north["A1"].value.startswith("รายชื่อผู้มีปัญหาสิทธิ บ้านเหนือ")
    assert [c.value for c in north[HEADER_ROW]] == [
        "บ้านเลขที่",
        "ชื่อ-สกุล",
        "อายุ",
        "เลขประจำตัวประชาชน",
        "ปัญหาสิทธิ",
        "สิ่งที่ต้องทำ",
        "ติดตามครั้งล่าสุด",
        "อสม.",
        "วันที่เยี่ยม",
        "ผลการติดตาม",
    ]
    assert column(north, "บ้านเลขที่") == ["2", "10", "10", "12", "12/3", "13"]
    assert column(north, "ชื่อ-สกุล")[1:3] == ["บุญมี อาสา", "สมชาย บ้านสิบ"]
    assert set(column(north, "ปัญหาสิทธิ")) == {"ยังไม่ได้ตรวจสอบสิทธิกับ สปสช. หรือตรวจสอบนานเกินกำหนด"}
    assert column(north, "วันที่เยี่ยม") == [None] * 6, "left empty for the volunteer"
    listed = sum(len(data_rows(book[name])) for name in book.sheetnames)
    assert listed == len(gaps_json(capsys, villages)) == RESPONSIBLE_WITH_GAPS
    for sheet in book.worksheets:
        setup = sheet.page_setup
        assert setup.paperSize == 9, "A4"
        assert setup.orientation == "landscape", "nine columns do not fit upright"
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert (setup.fitToWidth, setup.fitToHeight) in ((1, 0), (None, 0))
        assert sheet.print_title_rows == "$1:$2"
        assert sheet.print_options.gridLines
        assert HOSPCODE in sheet.oddHeader.left.text
        assert sheet.oddHeader.right.text.endswith(f"หมู่บ้าน {sheet.title}")
        assert "2568" in sheet.oddFooter.left.text, "the as-of date in BE"
        assert sheet.oddFooter.right.text == "หน้า &P จาก &N"


def test_cids_are_masked_unless_asked_for_and_the_export_is_audited(
    villages: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    masked, whole = tmp_path / "masked.xlsx", tmp_path / "whole.xlsx"
    export(capsys, villages, "gaps", "--as-of", AS_OF, "-o", str(masked))
    export(capsys, villages, "gaps", "--as-of", AS_OF, "--show-cid", "-o", str(whole))
    shown = column(openpyxl.load_workbook(masked)[NORTH], "เลขประจำตัวประชาชน")
    assert mask_cid(cid(2)) in shown and format_cid(cid(2)) not in shown
    revealed = column(openpyxl.load_workbook(whole)[NORTH], "เลขประจำตัวประชาชน")
    assert format_cid(cid(2)) in revealed
    lines = [json.loads(x) for x in audit_path().read_text(encoding="utf-8").splitlines()]
    assert [(x["command"], x["persons"]) for x in lines] == [
        ("export gaps", RESPONSIBLE_WITH_GAPS),
        ("export gaps --show-cid", RESPONSIBLE_WITH_GAPS),
    ]
    assert cid(2) not in audit_path().read_text(encoding="utf-8")
    engine = open_store(villages)
    with engine.connect() as conn:
        logged = conn.execute(
            text(
                "SELECT kind, hospcode, file_name, persons, show_cid FROM export_log "
                "ORDER BY created_at"
            )
        ).all()
        every_value = " ".join(
            str(v) for row in conn.execute(text("SELECT * FROM export_log")) for v in row
        )
    engine.dispose()
    assert [tuple(r) for r in logged] == [
        ("gaps", HOSPCODE, "masked.xlsx", RESPONSIBLE_WITH_GAPS, False),
        ("gaps", HOSPCODE, "whole.xlsx", RESPONSIBLE_WITH_GAPS, True),
    ]
    assert cid(2) not in every_value


def test_a_name_starting_with_an_equals_sign_stays_text(
    villages: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "south.xlsx"
    export(capsys, villages, "gaps", "--as-of", AS_OF, "--village", SOUTH, "-o", str(target))
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == [SOUTH]
    sheet = book[SOUTH]
    names = column(sheet, "ชื่อ-สกุล")
    for name in INJECTION_NAMES:
        assert name in names
    cells = [c for row in sheet.iter_rows(min_row=FIRST_DATA_ROW) for c in row]
    assert all(c.data_type != "f" for c in cells), "no cell is a formula"
    csv_target = tmp_path / "south.csv"
    export(
        capsys,
        villages,
        "gaps",
        "--as-of",
        AS_OF,
        "--village",
        SOUTH,
        "--format",
        "csv",
        "-o",
        str(csv_target),
    )
    raw = csv_target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 byte-order mark for Excel"
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][:3] == ["หมู่บ้าน", "บ้านเลขที่", "ชื่อ-สกุล"]
    csv_names = [r[2] for r in rows[1:]]
    assert "'" + INJECTION_NAMES[0] in csv_names and "'" + INJECTION_NAMES[2] in csv_names
    assert "'" + INJECTION_NAMES[1] in csv_names
    assert "Aung Min" in csv_names
    assert len(rows) - 1 == len(column(sheet, "ชื่อ-สกุล"))


def test_the_csv_without_bom_and_one_sheet_per_volunteer(
    villages: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = tmp_path / "plain.csv"
    export(
        capsys, villages, "gaps", "--as-of", AS_OF, "--format", "csv", "--no-bom", "-o", str(plain)
    )
    assert plain.read_bytes().startswith("หมู่บ้าน".encode())
    by_volunteer = tmp_path / "volunteers.xlsx"
    export(capsys, villages, "gaps", "--as-of", AS_OF, "--by", "volunteer", "-o", str(by_volunteer))
    book = openpyxl.load_workbook(by_volunteer)
    assert book.sheetnames == ["อสม. บุญมี อาสา", "อสม. สมหญิง ใจงาม"]
    one = tmp_path / "one.xlsx"
    export(
        capsys, villages, "gaps", "--as-of", AS_OF, "--volunteer", VOLUNTEER_NORTH, "-o", str(one)
    )
    assert openpyxl.load_workbook(one).sheetnames == ["อสม. บุญมี อาสา"]


def test_the_default_file_name_carries_the_unit_and_the_be_date(
    villages: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    export(capsys, villages, "gaps", "--as-of", AS_OF, "--hospcode", HOSPCODE)
    assert (tmp_path / f"gaps_{HOSPCODE}_25680520.xlsx").is_file()
    assert not list(tmp_path.glob(".sitthi-export-*")), "no temporary file is left"


def test_an_unwritable_target_is_refused_clearly_and_leaves_nothing(
    villages: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, _, err = run(
        capsys,
        "export",
        "gaps",
        "--as-of",
        AS_OF,
        "--db",
        villages,
        "-o",
        str(tmp_path / "no-such-folder" / "x.xlsx"),
    )
    assert code == 1 and "ไม่พบโฟลเดอร์" in err
    locked = tmp_path / "locked"
    locked.mkdir()
    monkeypatch.setattr("exporters.files.os.access", lambda *_a, **_k: False)
    code, _, err = run(
        capsys,
        "export",
        "gaps",
        "--as-of",
        AS_OF,
        "--db",
        villages,
        "-o",
        str(locked / "x.xlsx"),
        "--lang",
        "en",
    )
    assert code == 1
    assert f"cannot write in the folder {locked}" in err
    assert list(locked.iterdir()) == []
    assert not audit_path().exists(), "a file that was not written is not recorded"


def test_the_gaps_list_can_carry_the_pp_services_each_person_is_due_for(
    villages: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "due.xlsx"
    export(capsys, villages, "gaps", "--as-of", AS_OF, "--with-due", "-o", str(target))
    north = openpyxl.load_workbook(target)[NORTH]
    due = dict(zip(column(north, "ชื่อ-สกุล"), column(north, "ควรได้รับบริการ"), strict=True))
    # สมศรี: a Thai woman of 35; มานี: 55; บุญมี: 50 (born 5 May 1975); men of 45: blood sugar
    cervix = "บริการคัดกรองมะเร็งปากมดลูก"
    bowel = "บริการคัดกรองมะเร็งลำไส้ใหญ่และลำไส้ตรงด้วย FIT test"
    sugar = "บริการคัดกรองเบาหวานด้วยการตรวจระดับน้ำตาลในเลือด"
    assert due["สมศรี บ้านสอง"] == f"{cervix}, {sugar}"
    assert due["มานี สิบสอง"] == f"{cervix}, {bowel}, {sugar}"
    assert due["บุญมี อาสา"] == f"{cervix}, {bowel}, {sugar}"
    assert due["สมชาย บ้านสิบ"] == sugar
    english = tmp_path / "due_en.xlsx"
    export(
        capsys, villages, "gaps", "--as-of", AS_OF, "--with-due", "--lang", "en", "-o", str(english)
    )
    sheet = openpyxl.load_workbook(english)[NORTH]
    due_en = dict(zip(column(sheet, "Name"), column(sheet, "Due"), strict=True))
    assert due_en["สมชาย บ้านสิบ"] == "Diabetes screening (blood glucose)"


def test_the_pp_due_list_names_who_is_due_and_the_baht_to_earn(
    centre: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "due.xlsx"
    export(
        capsys, centre, "pp-due", "--as-of", PP_AS_OF.isoformat(), "-o", str(target), "--lang", "en"
    )
    book = openpyxl.load_workbook(target)
    [sheet] = book.worksheets
    rows = data_rows(sheet)
    header = [c.value for c in sheet[HEADER_ROW]]
    assert header[:7] == ["House no.", "Name", "Age", "CID", "Due for", "Last had", "Baht to earn"]
    woman = [r for r in rows if r[2] == 35]
    assert len(woman) == 1
    assert woman[0][4] == "Cervical cancer screening, Diabetes screening (blood glucose)"
    assert woman[0][6] == 290
    assert rows[-1][0] == "Total" and rows[-1][6] == 290
    _code, out, _ = run(
        capsys, "report", "kpi", "--json", "--as-of", PP_AS_OF.isoformat(), "--db", centre
    )
    [unit] = json.loads(out)["units"]
    assert unit["pp"]["to_earn_baht"] == 290.0 and unit["pp"]["due_count"] == 2


def test_the_claims_work_list_has_a_sheet_per_status_most_money_first(
    centre: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "claims.xlsx"
    export(capsys, centre, "claims", "--as-of", PP_AS_OF.isoformat(), "-o", str(target))
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["ยังไม่ได้เบิก", "ถูกปฏิเสธ", "ได้รับชดเชยบางส่วน", "รอผลการพิจารณา"]
    _code, out, _ = run(
        capsys, "report", "claims", "--json", "--as-of", PP_AS_OF.isoformat(), "--db", centre
    )
    claims = json.loads(out)["claims"]
    by_status: dict[str, int] = {}
    for claim in claims:
        by_status[claim["status"]] = by_status.get(claim["status"], 0) + 1
    counts = [len(data_rows(s)) - 1 for s in book.worksheets]  # less the totals row
    assert counts == [by_status[s] for s in ("UNCLAIMED", "DENIED", "PARTIAL", "PENDING")]
    unclaimed = book.worksheets[0]
    stakes = [float(str(stake)) for stake in column(unclaimed, "ยังขาด (บาท)")[:-1]]
    assert stakes == sorted(stakes, reverse=True)
    assert column(unclaimed, "ยังขาด (บาท)")[-1] == sum(stakes)
    denied = book.worksheets[1]
    assert column(denied, "รหัสข้อผิดพลาด")[:-1] == ["420"]
    assert column(denied, "วันที่รับบริการ")[0] == "10 ธ.ค. 2567"
    assert column(denied, "ความหมาย")[0]


def test_phones_are_listed_only_where_the_unit_allows_them(
    villages: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], sitthi_home: Path
) -> None:
    without = tmp_path / "without.xlsx"
    export(capsys, villages, "gaps", "--as-of", AS_OF, "-o", str(without))
    assert "โทรศัพท์" not in [c.value for c in openpyxl.load_workbook(without)[NORTH][HEADER_ROW]]
    override = sitthi_home / "config" / "reference" / "settings.csv"
    override.parent.mkdir(parents=True)
    override.write_text("key,value,meaning\nexport_show_phone,1,allowed\n", encoding="utf-8")
    from store import codes

    codes.clear_cache()
    allowed = tmp_path / "allowed.xlsx"
    export(capsys, villages, "gaps", "--as-of", AS_OF, "-o", str(allowed))
    assert set(column(openpyxl.load_workbook(allowed)[NORTH], "โทรศัพท์")) == {"0800000000"}


def refused(capsys: pytest.CaptureFixture[str], db: str, target: Path, *argv: str) -> str:
    code, out, err = run(capsys, "export", *argv, "--as-of", AS_OF, "--db", db, "-o", str(target))
    assert (code, out) == (1, "")
    assert not target.exists() and not list(target.parent.glob(".sitthi-export-*"))
    assert not audit_path().exists(), "nothing was exported, so nothing is recorded"
    return err


@pytest.mark.parametrize("kind", ["gaps", "pp-due"])
def test_an_unknown_village_or_volunteer_is_refused_with_the_ones_there_are(
    kind: str, villages: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "list.xlsx"
    err = refused(capsys, villages, target, kind, "--village", "บ้านกลาง")
    assert 'ไม่พบหมู่บ้าน "บ้านกลาง"' in err
    assert f"หมู่ 1 {NORTH} (30020101), หมู่ 2 {SOUTH} (30020102)" in err
    err = refused(capsys, villages, target, kind, "--village", "7", "--lang", "en")
    assert err.startswith('sitthi: no village "7" in the store')
    err = refused(capsys, villages, target, kind, "--volunteer", "99", "--lang", "en")
    assert "the 2 volunteer ids there are: 50, 60" in err
    assert "บุญมี" not in err, "a volunteer's name is personal data"


def test_a_village_can_be_asked_for_by_its_number_or_vid(
    villages: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for asked, village in (("2", SOUTH), ("หมู่ 2", SOUTH), ("30020101", NORTH)):
        target = tmp_path / f"{asked}.xlsx"
        export(capsys, villages, "gaps", "--as-of", AS_OF, "--village", asked, "-o", str(target))
        assert openpyxl.load_workbook(target).sheetnames == [village], asked


def test_a_village_sheet_names_each_houses_volunteer_and_a_volunteer_sheet_their_villages(
    villages: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], sitthi_home: Path
) -> None:
    engine = open_store(villages)
    with engine.begin() as conn:  # house 2 of the north village gets the south's volunteer
        conn.execute(text("UPDATE house SET vhvid = '60' WHERE hid = '2'"))
    engine.dispose()
    for kind in ("gaps", "pp-due"):
        target = tmp_path / f"{kind}.xlsx"
        export(capsys, villages, kind, "--as-of", AS_OF, "-o", str(target))
        north = openpyxl.load_workbook(target)[NORTH]
        assert north.oddHeader.right.text.endswith(f"หมู่บ้าน {NORTH}")
        assert "อสม." not in north.oddHeader.right.text
        houses = dict(zip(column(north, "บ้านเลขที่"), column(north, "อสม."), strict=False))
        assert houses["2"] == "สมหญิง ใจงาม" and houses["13"] == "บุญมี อาสา"
    target = tmp_path / "volunteers.xlsx"
    export(capsys, villages, "gaps", "--as-of", AS_OF, "--by", "volunteer", "-o", str(target))
    book = openpyxl.load_workbook(target)
    south = book["อสม. สมหญิง ใจงาม"]
    assert south.oddHeader.right.text.endswith(f"อสม. สมหญิง ใจงาม · {NORTH}, {SOUTH}")
    assert "อสม." not in [c.value for c in south[HEADER_ROW]], "one volunteer: no such column"
    assert book["อสม. บุญมี อาสา"].oddHeader.right.text.endswith(f"อสม. บุญมี อาสา · {NORTH}")


OTHER_UNIT = "07599"


@pytest.fixture
def two_units(villages: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    other = tmp_path / "other"
    other.mkdir()
    code, _, err = run(capsys, "import", str(village_zip(other, OTHER_UNIT)), "--db", villages)
    assert (code, err) == (0, "")
    long_name = "โรงพยาบาลส่งเสริมสุขภาพตำบลบ้านหนองน้ำใสใจดีมีสุข"
    code, _, err = run(capsys, "facility", "set", OTHER_UNIT, "--name", long_name, "--db", villages)
    assert (code, err) == (0, ""), err
    return villages


@pytest.mark.parametrize("kind", ["gaps", "pp-due"])
def test_a_list_of_several_units_names_the_unit_of_each_sheet(
    kind: str, two_units: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "province.xlsx"
    export(capsys, two_units, kind, "--as-of", AS_OF, "-o", str(target))
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == [
        f"{HOSPCODE} {NORTH}",
        f"{HOSPCODE} {SOUTH}",
        f"{OTHER_UNIT} {NORTH}",
        f"{OTHER_UNIT} {SOUTH}",
    ]
    other = book[f"{OTHER_UNIT} {NORTH}"]
    assert other.oddHeader.right.text.startswith(
        f"หมู่บ้าน {NORTH} · {OTHER_UNIT} โรงพยาบาลส่งเสริมสุขภาพตำบล"
    ), "the unit's long name is shortened, never the village"
    assert book[f"{HOSPCODE} {NORTH}"].oddHeader.right.text == f"หมู่บ้าน {NORTH} · {HOSPCODE}"
    by_volunteer = tmp_path / "volunteers.xlsx"
    export(capsys, two_units, kind, "--as-of", AS_OF, "--by", "volunteer", "-o", str(by_volunteer))
    names = openpyxl.load_workbook(by_volunteer).sheetnames
    assert names[-2] == f"{OTHER_UNIT} อสม. บุญมี อาสา" and len(set(names)) == len(names) == 4
    assert all(len(name) <= 31 for name in names)


def test_a_village_number_two_units_share_needs_the_unit(
    two_units: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "one.xlsx"
    err = refused(capsys, two_units, target, "gaps", "--village", "1")
    assert 'หมู่ที่ "1" มีมากกว่าหนึ่งหมู่บ้าน' in err and "--hospcode" in err
    assert f"{OTHER_UNIT} หมู่ 1 {NORTH} (30020101)" in err and SOUTH not in err
    export(capsys, two_units, "gaps", "--as-of", AS_OF, "--village", "1", "--hospcode",
           OTHER_UNIT, "-o", str(target))  # fmt: skip
    assert openpyxl.load_workbook(target).sheetnames == [NORTH]
