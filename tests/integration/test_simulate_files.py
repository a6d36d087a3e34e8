"""The synthetic centre's files: the real formats, byte for byte the same for the same seed."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from store.cid import is_valid_cid
from store.reference import table
from store.thaidate import parse_any_date, parse_ymd, parse_ymdhms
from sync.simulate.centre import Centre, build_centre
from sync.simulate.f43 import layout, member_text
from sync.simulate.files import write_centre_files, write_demo_files

TODAY = dt.date(2025, 5, 20)
F43_FILES = ("person", "card", "home", "village", "death", "service", "anc", "postnatal", "fp",
             "epi", "specialpp", "ncdscreen")  # fmt: skip
MEMBERS = {f"{name}.txt" for name in F43_FILES}
EXTRA_XLSX_COLUMNS = {"ลำดับ", "ชื่อ - สกุล"}


@pytest.fixture(scope="module")
def centre() -> Centre:
    return build_centre(seed=5, today=TODAY, persons=1500)


@pytest.fixture(scope="module")
def files(centre: Centre, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The centre's files: `.csv` and `.xlsx` are the rights lists, `.zip` the export,
    `rep.xls`, `stm.xls`, `ktb.xlsx` and `smt.xlsx` the statements and the money transferred."""
    paths = write_centre_files(centre, tmp_path_factory.mktemp("centre"))
    named = {statement_kind(p.name) + p.suffix: p for p in paths}
    assert len(named) == len(paths) == 7
    return named


STATEMENT_PREFIXES = {"eclaim_": "rep", "STM_": "stm", "REP_INDIVIDUAL_": "ktb", "SMT_": "smt"}


def statement_kind(name: str) -> str:
    return next((k for prefix, k in STATEMENT_PREFIXES.items() if name.startswith(prefix)), "")


def members(zip_path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(zip_path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def aliases() -> set[str]:
    return {r["alias"] for r in table("nhso_rights_aliases.csv")}


def test_the_same_seed_and_day_write_the_same_bytes(tmp_path: Path) -> None:
    _, first = write_demo_files(tmp_path / "a", seed=9, today=TODAY, persons=300)
    _, again = write_demo_files(tmp_path / "b", seed=9, today=TODAY, persons=300)
    _, other = write_demo_files(tmp_path / "c", seed=10, today=TODAY, persons=300)
    assert [p.name for p in first] == [p.name for p in again]
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(first, again, strict=True))
    assert first[1].read_bytes() != other[1].read_bytes()


def test_another_process_writes_the_same_bytes(tmp_path: Path) -> None:
    """No hash-seeded ordering leaks into the files."""
    code = (
        "import datetime, pathlib, sys\n"
        "from sync.simulate.files import write_demo_files\n"
        "write_demo_files(pathlib.Path(sys.argv[1]), seed=9, today=datetime.date(2025, 5, 20),"
        " persons=300)\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "123"}
    subprocess.run([sys.executable, "-c", code, str(tmp_path / "other")], check=True, env=env)
    _, here = write_demo_files(tmp_path / "here", seed=9, today=TODAY, persons=300)
    for path in here:
        assert (tmp_path / "other" / path.name).read_bytes() == path.read_bytes()


def test_files_are_dated_by_the_day_they_are_made_on(files: dict[str, Path]) -> None:
    assert files[".zip"].name == "F43_09901_20250520081500.zip"
    for key in (".xlsx", ".csv"):
        day = dt.datetime.strptime(files[key].stem.rsplit("_", 1)[1], "%Y%m%d").date()
        assert day < TODAY
    be_today = f"{TODAY.year + 543}{TODAY:%m%d}"
    assert files["rep.xls"].name.startswith("eclaim_09901_OP_2568")
    assert files["rep.xls"].name.endswith("_1.xls") and be_today not in files["rep.xls"].name
    assert files["stm.xls"].name.startswith("STM_09901_OPUCS2568")
    assert files["ktb.xlsx"].name < f"REP_INDIVIDUAL_09901_{be_today}"
    assert files["smt.xlsx"].name == f"SMT_09901_{be_today}.xlsx"
    with zipfile.ZipFile(files[".zip"]) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2025, 5, 20, 8, 15, 0)}


def test_the_zip_holds_its_members_as_jhcis_writes_them(files: dict[str, Path]) -> None:
    for name, data in members(files[".zip"]).items():
        assert name in MEMBERS
        text = data.decode("utf-8")
        assert not text.startswith("\ufeff")
        assert text.endswith("\r\n")
        assert "\n" not in text.replace("\r\n", "")
        lines = text.split("\r\n")[:-1]
        fields = layout(name.removesuffix(".txt"))
        assert lines[0].split("|") == list(fields)
        assert len(lines) > 1
        assert all(len(line.split("|")) == len(fields) for line in lines)
    assert set(members(files[".zip"])) == MEMBERS


def rows(zip_path: Path, member: str) -> list[dict[str, str]]:
    text = members(zip_path)[member].decode("utf-8")
    lines = text.split("\r\n")[:-1]
    header = lines[0].split("|")
    return [dict(zip(header, line.split("|"), strict=True)) for line in lines[1:]]


def test_person_rows_carry_valid_dates_codes_and_ids(
    centre: Centre, files: dict[str, Path]
) -> None:
    persons = rows(files[".zip"], "person.txt")
    assert len(persons) == 1500
    typos = {p.cid for p in centre.persons if p.problem == "no_cid_typo"}
    for row in persons:
        assert row["HOSPCODE"] == "09901"
        assert is_valid_cid(row["CID"]) or row["CID"] in typos or row["CID"] == ""
        born, be = parse_ymd(row["BIRTH"])
        assert not be and born <= TODAY
        updated, _ = parse_ymdhms(row["D_UPDATE"])
        assert updated <= centre.exported_at
        assert row["SEX"] in {"1", "2"} and row["DISCHARGE"] in {"1", "2", "3", "9"}
        assert row["TYPEAREA"] in {"1", "2", "3", "4"} and len(row["NATION"]) == 3
    assert any(row["BIRTH"].endswith("0101") for row in persons)
    homes = {row["HID"] for row in rows(files[".zip"], "home.txt")}
    assert {row["HID"] for row in persons} <= homes


def test_card_and_death_rows_point_at_persons_and_use_known_rights(
    files: dict[str, Path],
) -> None:
    pids = {row["PID"] for row in rows(files[".zip"], "person.txt")}
    instypes = {r["code"] for r in table("instype.csv")}
    cards = rows(files[".zip"], "card.txt")
    assert {row["PID"] for row in cards} <= pids
    assert {row["INSTYPE_NEW"] for row in cards} <= instypes
    deaths = rows(files[".zip"], "death.txt")
    assert deaths and {row["PID"] for row in deaths} <= pids
    villages = {row["VID"] for row in rows(files[".zip"], "village.txt")}
    assert all(len(vid) == 8 and vid.startswith("990101") for vid in villages)


def test_the_recent_nhso_list_is_an_xlsx_download_with_thai_headers(
    centre: Centre, files: dict[str, Path]
) -> None:
    from openpyxl import load_workbook

    book = load_workbook(files[".xlsx"])
    sheet = book.active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert "09901" in str(values[0][0])
    header = [str(v) for v in values[2]]
    assert set(header) <= aliases() | EXTRA_XLSX_COLUMNS
    assert "เลขประจำตัวประชาชน" in header and "สิทธิหลัก" in header
    cid_column = header.index("เลขประจำตัวประชาชน")
    body = values[3:]
    assert len(body) == sum(1 for p in centre.persons if p.nhso_recent is not None)
    assert all(isinstance(r[cid_column], str) and len(r[cid_column]) == 13 for r in body)
    assert sheet.cell(row=4, column=cid_column + 1).number_format == "@"
    checked = header.index("วันที่ตรวจสอบ")
    for row in body:
        day, be = parse_any_date(row[checked])
        assert be and (TODAY - day).days <= 45


def test_the_older_nhso_batch_is_a_right_search_dump(
    centre: Centre, files: dict[str, Path]
) -> None:
    data = files[".csv"].read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    assert reader.fieldnames is not None
    assert {"pid", "checkDate", "mainInscl_id", "hospMainOp_hcode"} <= set(reader.fieldnames)
    known = {name.casefold() for name in aliases()}
    assert {"mainInscl_id", "hospSub_hcode", "startDateTime"} <= {
        n for n in reader.fieldnames if n.casefold() in known
    }
    lines = list(reader)
    assert len(lines) == sum(1 for p in centre.persons if p.nhso_old is not None)
    for line in lines:
        assert is_valid_cid(line["pid"])
        checked, be = parse_any_date(line["checkDate"])
        assert not be and (TODAY - checked).days > 90
        if line["startDateTime"]:
            assert line["startDateTime"].endswith("T00:00:00")
        if line["birthDate"]:
            assert parse_any_date(line["birthDate"])[1], "a Buddhist-era year"


def test_a_value_holding_the_separator_is_refused() -> None:
    with pytest.raises(ValueError, match="separator"):
        member_text("VILLAGE", [{"HOSPCODE": "09901", "VID": "9901|0101"}])
    with pytest.raises(ValueError, match="not in the layout"):
        member_text("VILLAGE", [{"HOSPCODE": "09901", "NAME": "x"}])


safe_text = st.text(
    alphabet=st.characters(exclude_characters="|\r\n", exclude_categories=["Cs"]),
    max_size=12,
)


@given(st.lists(st.tuples(safe_text, safe_text, safe_text), max_size=5))
def test_member_lines_split_back_into_the_values_written(values: list[tuple[str, ...]]) -> None:
    fields = layout("VILLAGE")
    written = [dict(zip(("HOSPCODE", "VID", "D_UPDATE"), v, strict=True)) for v in values]
    lines = member_text("VILLAGE", written).split("\r\n")[:-1]
    assert lines[0] == "|".join(fields)
    for line, row in zip(lines[1:], written, strict=True):
        parsed = dict(zip(fields, line.split("|"), strict=True))
        assert {k: parsed[k] for k in row} == row
