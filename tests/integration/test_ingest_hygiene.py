"""Input hygiene at `sitthi import`: odd digits, unbounded amounts, impossible dates, control
characters, mixed encodings and damaged zips are the row's (or the file's) refusal, never a
traceback, never stored as data, and never able to break a report afterwards."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert

from store import models
from store.engine import open_store, read_tx, write_tx
from store.ids import stable_id
from store.queries.imports import batch_issues, recent_batches
from tests.support.cli import run
from tests.support.ingest_builders import (
    HOSPCODE,
    cid,
    count,
    data_rows,
    export_zip,
    f43_text,
    person,
    rows_of,
)
from tests.support.pp_builders import statement_csv

TODAY = dt.date.today()
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def import_json(
    capsys: pytest.CaptureFixture[str], url: str, *paths: Path
) -> tuple[int, dict[str, Any]]:
    code, out, err = run(capsys, "--db", url, "--lang", "en", "import", "--json", *map(str, paths))
    assert "Traceback" not in err
    return code, json.loads(out)


def first_issues(document: dict[str, Any]) -> list[tuple[int, str, str, str]]:
    return [
        (i["line"], i["field"], i["severity"], i["reason_key"].rsplit(".", 1)[-1])
        for f in document["files"]
        for p in f["parts"]
        for i in p["first_issues"]
    ]


def rights_csv(path: Path, rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["pid", "maininscl", "hsub", "hmain_op", "checkdate"])
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    return path


# --- finding 5: amounts and odd digits stop nothing ---------------------------------------------


def test_amounts_1e308_and_1e9999_in_a_statement_are_row_issues_and_the_rest_loads(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    day = TODAY - dt.timedelta(days=30)
    path = statement_csv(
        tmp_path / "stm.csv",
        [
            (1, day, "ANC", "360", ""),
            (2, day, "ANC", "1e308", ""),
            (3, day, "ANC", "1e9999", ""),
            (4, day, "ANC", "NaN", ""),
            (5, day, "ANC", "-inf", ""),
            (6, day, "ANC", "9999999999.999", ""),
        ],
    )
    code, document = import_json(capsys, store_url, path)
    assert code == 0
    [part] = document["files"][0]["parts"]
    assert (part["rows_read"], part["rows_loaded"], part["issues"]) == (6, 1, 5)
    assert first_issues(document) == [
        (3, "paid", "error", "baht_range"),
        (4, "paid", "error", "baht_range"),
        (5, "paid", "error", "baht"),
        (6, "paid", "error", "baht"),
        (7, "paid", "error", "baht_range"),
    ]
    engine = open_store(store_url)
    assert rows_of(engine, "pp_statement_line", "cid", "paid") == [(cid(1), 360)]
    engine.dispose()


def test_superscript_digits_in_a_cid_or_a_date_are_row_issues(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        person(1),
        person(2, CID=cid(2).translate(SUPERSCRIPTS)),
        person(3, BIRTH="19800115".translate(SUPERSCRIPTS)),
        person(4, D_UPDATE="20250101120000".translate(SUPERSCRIPTS)),
    ]
    code, document = import_json(
        capsys, store_url, export_zip(tmp_path, person=f43_text("PERSON", rows))
    )
    assert code == 0
    assert first_issues(document) == [
        (3, "CID", "error", "odd_digits"),
        (4, "BIRTH", "error", "odd_digits"),
        (5, "D_UPDATE", "error", "odd_digits"),
    ]
    engine = open_store(store_url)
    assert rows_of(engine, "person", "pid") == [("1",)]
    engine.dispose()


# --- finding 6: one bad CID never breaks a report -------------------------------------------


def test_a_superscript_cid_is_refused_for_its_row_and_every_report_still_works(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [person(1), person(2, CID="¹⁹⁹⁰" + cid(2)[4:])]
    code, document = import_json(
        capsys, store_url, export_zip(tmp_path, person=f43_text("PERSON", rows))
    )
    assert (code, first_issues(document)) == (0, [(3, "CID", "error", "odd_digits")])
    for report in ("kpi", "gaps", "claims"):
        code, _out, err = run(capsys, "--db", store_url, "report", report, "--json")
        assert (code, err) == (0, ""), report
    gaps = json.loads(run(capsys, "--db", store_url, "report", "gaps", "--json")[1])
    assert [g["pid"] for g in gaps["gaps"]] == ["1"]


def test_an_odd_cid_already_in_the_store_shows_as_no_cid_and_breaks_no_report(
    store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A value stored before these checks, or arriving by sync, is shown, never a crash."""
    engine = open_store(store_url)
    with write_tx(engine) as conn:
        odd_values = (
            ("1", "¹⁹⁹⁰" + cid(1)[4:]),
            ("2", cid(2).translate(FULL_WIDTH)),
            ("³", cid(3)),  # a PID in superscript: sorted as text, not as a number
        )
        for pid, odd in odd_values:
            conn.execute(
                insert(models.Person).values(
                    id=stable_id("person", HOSPCODE, pid),
                    hospcode=HOSPCODE,
                    pid=pid,
                    cid=odd,
                    name="ทดสอบ",
                    lname="สมมุติ",
                    sex="1",
                    birth=dt.date(1980, 1, 1),
                    nation="099",
                    typearea="1",
                    discharge="9",
                    hid="",
                    d_update=dt.datetime(2025, 1, 1),
                    batch_id="batch",
                )
            )
    engine.dispose()
    for report in ("kpi", "gaps", "claims"):
        code, _out, err = run(capsys, "--db", store_url, "--lang", "en", "report", report)
        assert (code, err) == (0, ""), report
    gaps = json.loads(run(capsys, "--db", store_url, "report", "gaps", "--json")[1])
    codes = {g["pid"]: g["codes"][0] for g in gaps["gaps"]}
    assert (codes["1"], codes["2"], "³" in codes) == ("NO_CID", "NO_CID", True)


def test_a_cid_in_thai_digits_is_stored_in_ascii_and_matches_its_nhso_record(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    people = export_zip(
        tmp_path, person=f43_text("PERSON", [person(1, CID=cid(1).translate(THAI_DIGITS))])
    )
    rights = rights_csv(
        tmp_path / "rights.csv", [[cid(1), "UCS", HOSPCODE, HOSPCODE, TODAY.strftime("%Y%m%d")]]
    )
    code, document = import_json(capsys, store_url, people, rights)
    assert (code, document["totals"]["issues"]) == (0, 0)
    engine = open_store(store_url)
    assert rows_of(engine, "person", "cid") == [(cid(1),)]
    engine.dispose()
    kpi = json.loads(run(capsys, "--db", store_url, "report", "kpi", "--json")[1])
    [unit] = kpi["units"]
    assert (unit["population"], unit["covered"]) == (1, 1)


def test_full_width_digits_are_refused_in_cids_of_43_files_and_nhso_lists(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    people = export_zip(
        tmp_path,
        person=f43_text("PERSON", [person(1), person(2, CID=cid(2).translate(FULL_WIDTH))]),
    )
    rights = rights_csv(
        tmp_path / "rights.csv",
        [
            [cid(1), "UCS", HOSPCODE, HOSPCODE, "20250115"],
            [cid(2).translate(FULL_WIDTH), "UCS", HOSPCODE, HOSPCODE, "20250115"],
        ],
    )
    code, document = import_json(capsys, store_url, people, rights)
    assert code == 0
    assert first_issues(document) == [
        (3, "CID", "error", "odd_digits"),
        (3, "cid", "error", "odd_digits"),
    ]
    engine = open_store(store_url)
    assert (count(engine, "person"), count(engine, "nhso_right")) == (1, 1)
    engine.dispose()


# --- finding 8: impossible dates are row issues -----------------------------------------------


def test_future_and_pre_1900_dates_are_row_issues_and_nothing_else_changes(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = export_zip(tmp_path, person=f43_text("PERSON", [person(1), person(2), person(3)]))
    rights = rights_csv(tmp_path / "r1.csv", [[cid(1), "UCS", HOSPCODE, HOSPCODE, "20250115"]])
    assert import_json(capsys, store_url, first, rights)[0] == 0
    engine = open_store(store_url)
    before = {
        "person": rows_of(engine, "person", "pid", "birth", "d_update", order="pid"),
        "nhso_right": rows_of(engine, "nhso_right", "cid", "maininscl", "checked_on"),
    }
    tomorrow = TODAY + dt.timedelta(days=1)
    (tmp_path / "later").mkdir()
    later = export_zip(
        tmp_path / "later",
        person=f43_text(
            "PERSON",
            [
                person(1, D_UPDATE="29991231235959", TYPEAREA="4"),
                person(2, BIRTH="20990101", D_UPDATE="20250301120000"),
                person(3, BIRTH="18000101", D_UPDATE="20250301120000"),
                person(4, BIRTH=tomorrow.strftime("%Y%m%d"), D_UPDATE="20250301120000"),
            ],
        ),
    )
    future_check = rights_csv(
        tmp_path / "r2.csv",
        [
            [cid(1), "", "", "", "2099-01-01"],
            [cid(2), "OFC", "", "", tomorrow.strftime("%d/%m/") + str(tomorrow.year + 543)],
        ],
    )
    code, document = import_json(capsys, store_url, later, future_check)
    assert code == 0
    assert first_issues(document) == [
        (2, "D_UPDATE", "error", "future"),
        (3, "BIRTH", "error", "future"),
        (4, "BIRTH", "error", "before_1900"),
        (2, "checkdate", "error", "future"),
    ]
    assert rows_of(engine, "person", "pid", "birth", "d_update", order="pid") == [
        *before["person"],
        ("4", tomorrow, dt.datetime(2025, 3, 1, 12, 0)),
    ]
    assert sorted(rows_of(engine, "nhso_right", "cid", "maininscl", "checked_on")) == sorted(
        [*before["nhso_right"], (cid(2), "OFC", tomorrow)]
    )
    engine.dispose()


# --- control characters ------------------------------------------------------------------------


def test_control_characters_are_removed_from_text_fields_with_a_warning(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [person(1, NAME="\x1b]0;pwned\x07สมชาย", LNAME="ใจ\x1b[2Jดี"), person(2, NAME="สม\tหญิง")]
    code, document = import_json(
        capsys, store_url, export_zip(tmp_path, person=f43_text("PERSON", rows))
    )
    assert code == 0
    assert first_issues(document) == [
        (2, "NAME", "warning", "controls"),
        (2, "LNAME", "warning", "controls"),
        (3, "NAME", "warning", "controls"),
    ]
    engine = open_store(store_url)
    assert rows_of(engine, "person", "name", "lname", order="pid") == [
        ("]0;pwnedสมชาย", "ใจ[2Jดี"),
        ("สม หญิง", "ใจดี"),
    ]
    engine.dispose()


# --- finding 14: mixed encodings ---------------------------------------------------------------


def test_a_tis620_person_file_with_one_utf8_line_reads_that_line_as_utf8_with_a_warning(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tis = f43_text("PERSON", [person(1, NAME="สมหญิง"), person(2, NAME="มานี")], encoding="cp874")
    utf8_line = f43_text("PERSON", [person(3, NAME="ปิติ", LNAME="ชูใจ")], header=False)
    path = export_zip(tmp_path, person=tis + utf8_line)
    code, document = import_json(capsys, store_url, path)
    assert code == 0
    [part] = document["files"][0]["parts"]
    assert (part["encoding"], part["rows_loaded"], part["warnings"]) == ("cp874", 3, 1)
    [warning] = part["first_issues"]
    assert (warning["line"], warning["reason_key"]) == (4, "ingest.issue.other_encoding")
    assert "UTF-8" in warning["reason"] and "TIS-620" in warning["reason"]
    engine = open_store(store_url)
    assert rows_of(engine, "person", "name", "lname", order="pid") == [
        ("สมหญิง", "ใจดี"),
        ("มานี", "ใจดี"),
        ("ปิติ", "ชูใจ"),
    ]
    engine.dispose()


def test_a_utf8_person_file_with_one_tis620_line_reads_that_line_as_tis620(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    utf8 = f43_text("PERSON", [person(1, NAME="สมหญิง"), person(2, NAME="มานี")])
    tis_line = f43_text("PERSON", [person(3, NAME="ปิติ")], header=False, encoding="cp874")
    code, document = import_json(capsys, store_url, export_zip(tmp_path, person=utf8 + tis_line))
    assert code == 0
    [part] = document["files"][0]["parts"]
    assert (part["encoding"], part["rows_loaded"], part["warnings"]) == ("utf-8", 3, 1)
    engine = open_store(store_url)
    assert rows_of(engine, "person", "name", order="pid")[-1] == ("ปิติ",)
    engine.dispose()


# --- damaged zips ------------------------------------------------------------------------------


def test_a_zip_whose_compressed_bytes_are_damaged_is_refused_with_a_clear_message(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    people = f43_text("PERSON", [person(n) for n in range(1, 40)])
    path = export_zip(tmp_path, person=people)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("person.txt")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start] = 0xFF  # a deflate block of the reserved type: zlib cannot inflate it
    path.write_bytes(bytes(data))
    code, out, err = run(capsys, "--db", store_url, "--lang", "en", "import", str(path))
    assert (code, err) == (1, "")
    [line] = [line for line in out.splitlines() if line.startswith(f"{path}: refused: ")]
    assert "person.txt" in line and "damaged" in line
    engine = open_store(store_url)
    assert {t: n for t, n in data_rows(engine).items() if n} == {}
    engine.dispose()


# --- reasons in the reader's language ------------------------------------------------------------


def test_stored_issue_reasons_are_shown_in_the_readers_language(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [person(1), person(2, BIRTH="20990101"), person(3, BIRTH="25230101")]
    path = export_zip(tmp_path, person=f43_text("PERSON", rows))
    code, out, _ = run(capsys, "--db", store_url, "import", str(path))
    assert code == 0
    assert "บรรทัด 3 BIRTH: วันที่เลยวันพรุ่งนี้ไปแล้ว" in out
    assert "บรรทัด 4 BIRTH: ปีเป็น พ.ศ. ลบ 543 ปีแล้ว" in out
    engine = open_store(store_url)
    with read_tx(engine) as conn:
        [batch] = recent_batches(conn)
        issues = batch_issues(conn, batch.id).rows
        conn.execute(
            insert(models.ImportIssue).values(
                batch_id=batch.id,
                member="old.txt",
                line=9,
                field="X",
                severity="error",
                reason="written before the catalogue",
            )
        )
    engine.dispose()
    assert [i.reason for i in issues] == [
        "a date after tomorrow, which cannot be true; correct it in the system that wrote the file",
        "Buddhist-era year; 543 years subtracted",
    ]
    assert issues[1].reason_in("th") == "ปีเป็น พ.ศ. ลบ 543 ปีแล้ว"
    assert issues[1].reason_in("en") == issues[1].reason
    engine = open_store(store_url)
    with read_tx(engine) as conn:
        [old] = [i for i in batch_issues(conn, batch.id).rows if i.member == "old.txt"]
    engine.dispose()
    assert (old.reason_key, old.reason_in("th")) == ("", "written before the catalogue")
