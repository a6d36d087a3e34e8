"""Every NHSO rights layout of domain 7.3, built in its real shape and imported with exact
counts: the UCWS batch dump (CSV, and re-saved by Excel with numeric cells), the right-search
answers flattened (camelCase), the same as a Thai report (HTML `.xls`, XLSX) and JAUDIT's
rights-check Excel (.xls with title rows)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import Engine

from sync.ingest.importer import import_paths
from tests.support.ingest_builders import cid, rows_of
from tests.support.tabular_builders import html_xls_bytes, ods_bytes, xls_bytes, xlsx_bytes

NOW = dt.datetime(2025, 2, 1, 12, 0, tzinfo=dt.UTC)
STORED = ("cid", "maininscl", "subinscl", "hmain_op", "hsub", "hmain", "startdate", "expdate")

UCWS_HEADER = [
    "person_id", "title_name", "fname", "lname", "sex", "birthdate", "nation", "maininscl",
    "maininscl_main", "maininscl_name", "subinscl", "subinscl_name", "hmain", "hmain_name",
    "hmain_op", "hmain_op_name", "hsub", "hsub_name", "startdate", "expdate", "paid_model",
    "purchaseprovince", "status", "status_desc", "ws_status", "ws_status_desc",
    "ws_date_request", "wsid",
]  # fmt: skip


def _ucws_row(n: int, *, numeric: bool) -> list[object]:
    """One person as searchCurrentByPID answers; `numeric` as Excel re-saves it."""
    right, sub = [("UCS", "89"), ("OFC", "O1"), ("SSS", "S1"), ("", "")][n % 4]
    hmain, hmain_op, hsub = ("10676", "09901", "09901") if right == "UCS" else ("", "", "")
    start, exp = ("25600101", "") if right else ("", "")
    request = "25680110"
    row: list[object] = [
        cid(n), "นาย", "ทดสอบ", "ระบบ", "1", "25230115", "099", right, right, "", sub, "",
        hmain, "", hmain_op, "", hsub, "", start, exp, "", "3000", "001", "", "000", "",
        request, f"W{n}",
    ]  # fmt: skip
    if numeric:
        row[0] = int(cid(n))
        for i in (12, 14, 16, 18, 26):
            row[i] = int(row[i]) if row[i] else ""  # type: ignore[call-overload]
    return row


def _expected_ucws(n: int) -> tuple[object, ...]:
    right, sub = [("UCS", "89"), ("OFC", "O1"), ("SSS", "S1"), ("", "")][n % 4]
    units = ("09901", "09901", "10676") if right == "UCS" else ("", "", "")
    start = dt.date(2017, 1, 1) if right else None
    return (cid(n), right, sub, *units, start, None)


def _csv(path: Path, rows: list[Sequence[object]]) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))
    return path


def _stored(engine: Engine, *extra: str) -> list[tuple[object, ...]]:
    return rows_of(engine, "nhso_right", *STORED, *extra, order="cid")


def test_a_ucws_batch_dump_csv_loads_every_row(engine: Engine, tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "ucws.csv", [UCWS_HEADER, *(_ucws_row(n, numeric=False) for n in range(1, 8))]
    )
    [result] = import_paths(engine, [path], now=NOW)
    assert (result.status, result.kind, result.rows_loaded, result.issues) == (
        "loaded",
        "nhso_rights",
        7,
        0,
    )
    assert _stored(engine, "checked_on") == [
        (*_expected_ucws(n), dt.date(2025, 1, 10)) for n in range(1, 8)
    ]


def test_a_ucws_dump_re_saved_by_excel_with_numeric_cells_loads_every_row(
    engine: Engine, tmp_path: Path
) -> None:
    # Excel turned CIDs, unit codes and BE YYYYMMDD dates into numbers (9901, 25680110).
    path = tmp_path / "ucws.xlsx"
    path.write_bytes(xlsx_bytes([UCWS_HEADER, *(_ucws_row(n, numeric=True) for n in range(1, 8))]))
    [result] = import_paths(engine, [path], now=NOW)
    assert (result.status, result.rows_loaded, result.issues) == ("loaded", 7, 0)
    assert _stored(engine, "checked_on") == [
        (*_expected_ucws(n), dt.date(2025, 1, 10)) for n in range(1, 8)
    ]


RIGHT_SEARCH_HEADER = [
    "pid", "fname", "lname", "birthDate", "checkDate", "deathDate", "mainInscl_id",
    "mainInscl_name", "subInscl_id", "subInscl_name", "startDateTime", "expireDateTime",
    "hospMainOp_hcode", "hospSub_hcode", "hospMain_hcode",
]  # fmt: skip


def test_right_search_answers_flattened_with_camel_case_names(
    engine: Engine, tmp_path: Path
) -> None:
    rows: list[Sequence[object]] = [
        RIGHT_SEARCH_HEADER,
        [cid(1), "ทดสอบ", "ระบบ", "15 ม.ค. 2523", "2025-01-10T09:30:00", "", "UCS",
         "สิทธิหลักประกันสุขภาพแห่งชาติ", "89", "", "2017-01-01T00:00:00", "",
         "09901", "09902", "10676"],
        [cid(2), "ทดสอบ", "ระบบ", "1 ก.พ. 2500", "2025-01-11T10:00:00", "2024-12-31", "OFC",
         "ข้าราชการ", "O1", "", "2010-05-01T00:00:00", "2026-09-30T00:00:00", "", "", ""],
    ]  # fmt: skip
    [result] = import_paths(engine, [_csv(tmp_path / "srm.csv", rows)], now=NOW)
    assert (result.status, result.rows_loaded, result.issues) == ("loaded", 2, 0)
    assert _stored(engine, "deathdate", "checked_on") == [
        (cid(1), "UCS", "89", "09901", "09902", "10676", dt.date(2017, 1, 1), None, None,
         dt.date(2025, 1, 10)),
        (cid(2), "OFC", "O1", "", "", "", dt.date(2010, 5, 1), dt.date(2026, 9, 30),
         dt.date(2024, 12, 31), dt.date(2025, 1, 11)),
    ]  # fmt: skip


THAI_REPORT_HEADER = [
    "ลำดับ", "PID", "ชื่อ-สกุล", "สิทธิหลัก (ID)", "สิทธิย่อย (ID)", "รพ.หลัก (รหัส)",
    "รพ.ย่อย (รหัส)", "วันเริ่มสิทธิ", "วันหมดสิทธิ", "ประเภทกองทุน", "วันที่ตรวจสอบ",
]  # fmt: skip


def _thai_report_rows() -> list[Sequence[object]]:
    return [
        ["1", cid(1), "ทดสอบ ระบบ", "UCS", "89", "10676", "09901", "01/10/2560", "", "UC",
         "10/01/2568 09:12:00"],
        ["2", cid(2), "ทดสอบ ระบบ", "SSS", "S1", "", "", "01/01/2565", "31/12/2568", "SSS",
         "10/01/2568 09:12:05"],
        ["3", cid(3), "ทดสอบ ระบบ", "", "", "", "", "", "", "", "10/01/2568 09:12:09"],
    ]  # fmt: skip


_THAI_EXPECTED = [
    (cid(1), "UCS", "89", "", "09901", "10676", dt.date(2017, 10, 1), None, dt.date(2025, 1, 10)),
    (cid(2), "SSS", "S1", "", "", "", dt.date(2022, 1, 1), dt.date(2025, 12, 31),
     dt.date(2025, 1, 10)),
    (cid(3), "", "", "", "", "", None, None, dt.date(2025, 1, 10)),
]  # fmt: skip


def test_the_thai_rights_report_as_an_html_table_under_an_xls_name(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "personfund.xls"
    path.write_bytes(
        html_xls_bytes(
            [THAI_REPORT_HEADER, *_thai_report_rows()],
            title="รายงานผลการตรวจสอบสิทธิ หน่วยบริการ 09901",
        )
    )
    [result] = import_paths(engine, [path], now=NOW)
    assert (result.status, result.kind, result.rows_loaded, result.issues) == (
        "loaded",
        "nhso_rights",
        3,
        0,
    )
    assert result.parts[0].encoding == "utf-8-sig"
    assert _stored(engine, "checked_on") == _THAI_EXPECTED


def test_the_thai_rights_report_as_xlsx_with_title_rows(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "personfund.xlsx"
    titles: list[Sequence[object]] = [["รายงานผลการตรวจสอบสิทธิ"], ["หน่วยบริการ 09901"], []]
    path.write_bytes(xlsx_bytes([*titles, THAI_REPORT_HEADER, *_thai_report_rows()]))
    [result] = import_paths(engine, [path], now=NOW)
    assert (result.status, result.rows_loaded, result.issues) == ("loaded", 3, 0)
    assert _stored(engine, "checked_on") == _THAI_EXPECTED


def test_jaudit_rights_check_excel_as_old_xls_with_title_rows(
    engine: Engine, tmp_path: Path
) -> None:
    rows: list[Sequence[object]] = [
        ["ผลการตรวจสอบสิทธิการรักษาพยาบาล"],
        ["หน่วยบริการ 09901 รพ.สต.ตัวอย่าง", "", "", "", "", "ข้อมูล ณ 10/01/2568"],
        [],
        ["CID", "รหัสสิทธิหลัก", "ชื่อสิทธิหลัก", "รหัสสิทธิย่อย", "ชื่อสิทธิย่อย",
         "วันที่ตรวจสอบสิทธิ", "สถานะการเสียชีวิต"],
        [int(cid(1)), "UCS", "บัตรทอง", 89, "", "10/01/2568", "มีชีวิต"],
        [int(cid(2)), "OFC", "ข้าราชการ", "O1", "", "10/01/2568", "มีชีวิต"],
        [int(cid(3)), "", "", "", "", "10/01/2568", "เสียชีวิต"],
        ["รวม 3 ราย"],
    ]  # fmt: skip
    path = tmp_path / "person_srm_inscl.xls"
    path.write_bytes(xls_bytes(rows, sheet="Sheet1"))
    [result] = import_paths(engine, [path], now=NOW)
    assert (result.status, result.rows_loaded, result.issues) == ("loaded", 3, 0)
    assert rows_of(
        engine, "nhso_right", "cid", "maininscl", "subinscl", "status", "checked_on", order="cid"
    ) == [
        (cid(1), "UCS", "89", "มีชีวิต", dt.date(2025, 1, 10)),
        (cid(2), "OFC", "O1", "มีชีวิต", dt.date(2025, 1, 10)),
        (cid(3), "", "", "เสียชีวิต", dt.date(2025, 1, 10)),
    ]


def test_the_thai_rights_report_saved_by_libreoffice_as_ods(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "personfund.ods"
    path.write_bytes(ods_bytes([THAI_REPORT_HEADER, *_thai_report_rows()]))
    [result] = import_paths(engine, [path], now=NOW)
    assert (result.status, result.kind, result.rows_loaded, result.issues) == (
        "loaded",
        "nhso_rights",
        3,
        0,
    )
    assert _stored(engine, "checked_on") == _THAI_EXPECTED
