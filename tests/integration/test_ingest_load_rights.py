"""Loading NHSO rights lists from CSV and XLSX, whatever their headers and date forms."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine

from store.i18n import Message
from store.ids import stable_id
from sync.ingest import importer, textfile
from sync.ingest.importer import import_paths
from tests.support.ingest_builders import cid, count, rows_of

NOW = dt.datetime(2025, 2, 1, 12, 0, tzinfo=dt.UTC)
IMPORT_DAY = NOW.astimezone().date()


def write_csv(path: Path, rows: list[list[object]], encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["ผลการตรวจสอบสิทธิรายบุคคล"])
    sheet.append([])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_an_english_csv_loads_with_each_date_form_be_included(
    engine: Engine, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "rights.csv",
        [
            [
                "PID",
                "MAININSCL",
                "SUBINSCL",
                "HMAIN_OP",
                "HSUB",
                "HMAIN",
                "STARTDATE",
                "EXPDATE",
                "STATUS",
                "CHECKDATE",
            ],
            [cid(1), "ucs", "89", "10676", "07543", "10676", "20200101", "", "ok", "20250115"],
            [cid(2), "OFC", "", "", "", "", "2020-01-01", "2026-09-30", "", "2025-01-15"],
            [cid(3), "", "", "", "", "", "", "", "no right", "15/01/2568"],
        ],
    )
    [result] = import_paths(engine, [path], now=NOW)
    assert (result.status, result.kind, result.rows_loaded) == ("loaded", "nhso_rights", 3)
    assert result.parts[0].table == "nhso_right"
    assert (result.issues, result.warnings) == (0, 0)
    assert rows_of(
        engine,
        "nhso_right",
        "cid",
        "maininscl",
        "hsub",
        "startdate",
        "expdate",
        "checked_on",
        order="cid",
    ) == [
        (cid(1), "UCS", "07543", dt.date(2020, 1, 1), None, dt.date(2025, 1, 15)),
        (cid(2), "OFC", "", dt.date(2020, 1, 1), dt.date(2026, 9, 30), dt.date(2025, 1, 15)),
        (cid(3), "", "", None, None, dt.date(2025, 1, 15)),
    ]
    stored = rows_of(engine, "nhso_right", "id", order="cid")[0][0]
    assert stored == stable_id("nhso_right", cid(1), "2025-01-15")


def test_a_thai_xlsx_with_excel_numbers_and_dates(engine: Engine, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "rights.xlsx",
        [
            [
                " เลขประจำตัวประชาชน ",
                "สิทธิหลัก",
                "สิทธิย่อย",
                "หน่วยบริการปฐมภูมิ",
                "วันที่ตรวจสอบ",
                "deathdate",
            ],
            [float(cid(4)), "WEL", 74, 7543, dt.datetime(2025, 1, 20), None],
            [int(cid(5)), "SSS", "", 10676, dt.date(2025, 1, 21), dt.datetime(2567 - 543, 6, 1)],
        ],
    )
    [result] = import_paths(engine, [path], now=NOW)
    assert (result.rows_loaded, result.issues) == (2, 0)
    assert rows_of(
        engine,
        "nhso_right",
        "cid",
        "maininscl",
        "subinscl",
        "hsub",
        "checked_on",
        "deathdate",
        order="cid",
    ) == [
        (cid(4), "WEL", "74", "07543", dt.date(2025, 1, 20), None),
        (cid(5), "SSS", "", "10676", dt.date(2025, 1, 21), dt.date(2024, 6, 1)),
    ]


def test_without_a_check_date_the_import_day_is_used(engine: Engine, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [["cid", "maininscl"], [cid(6), "UCS"]])
    import_paths(engine, [path], now=NOW)
    assert rows_of(engine, "nhso_right", "checked_on", "checkdate") == [(IMPORT_DAY, None)]


def test_a_row_without_a_valid_cid_is_an_issue(engine: Engine, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "r.csv",
        [
            ["cid", "maininscl", "checkdate"],
            [cid(7), "UCS", "20250110"],
            [cid(7)[:12] + str((int(cid(7)[12]) + 1) % 10), "UCS", "20250110"],
            ["", "OFC", "20250110"],
            [cid(8), "OFC", "31/02/2568"],
        ],
    )
    [result] = import_paths(engine, [path], now=NOW)
    assert (result.rows_loaded, result.issues) == (1, 3)
    assert rows_of(engine, "import_issue", "line", "field", "reason", order="line") == [
        (3, "cid", "not a valid 13-digit citizen ID"),
        (4, "cid", "missing (required)"),
        (5, "checkdate", "not a date (YYYYMMDD, YYYY-MM-DD or dd/mm/yyyy)"),
    ]


def test_a_later_list_for_the_same_day_replaces_the_rows(engine: Engine, tmp_path: Path) -> None:
    first = write_csv(
        tmp_path / "a.csv", [["cid", "maininscl", "checkdate"], [cid(9), "", "20250110"]]
    )
    second = write_csv(
        tmp_path / "b.csv",
        [
            ["PID", "MAIN_INSCL", "CHECK_DATE", "status"],
            [cid(9), "UCS", "2025-01-10", "registered"],
        ],
    )
    import_paths(engine, [first], now=NOW)
    [result] = import_paths(engine, [second], now=NOW + dt.timedelta(hours=1))
    assert result.rows_loaded == 1
    assert count(engine, "nhso_right") == 1
    assert rows_of(engine, "nhso_right", "maininscl", "status") == [("UCS", "registered")]


def test_a_tis620_csv_with_thai_headers(engine: Engine, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "r.csv",
        [["เลขบัตรประชาชน", "สิทธิหลัก", "status_desc"], [cid(10), "STP", "บุคคลที่มีปัญหาสถานะ"]],
        encoding="cp874",
    )
    [result] = import_paths(engine, [path], now=NOW)
    assert result.parts[0].encoding == "cp874"
    assert rows_of(engine, "nhso_right", "maininscl", "status") == [("STP", "บุคคลที่มีปัญหาสถานะ")]


# --- large downloads, read as a stream ---------------------------------------------------------

STATUSES = ("บุคคลที่มีปัญหาสถานะ", "ผู้มีสิทธิหลักประกันสุขภาพ", "active")


def _dump_rows(rows: int) -> list[list[object]]:
    header: list[object] = ["person_id", "maininscl", "status_desc"]
    return [header] + [[cid(100 + n), "UCS", STATUSES[n % 3]] for n in range(rows)]


def _read_in_small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks and head of a few hundred bytes, so that small files cross many blocks."""
    monkeypatch.setattr(importer, "HEAD_BYTES", 300)
    monkeypatch.setattr(textfile, "BLOCK_BYTES", 257)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp874"])
def test_a_dump_larger_than_a_read_block_loads_every_row_in_each_encoding(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, encoding: str
) -> None:
    _read_in_small_blocks(monkeypatch)
    rows = _dump_rows(60)
    path = write_csv(tmp_path / "dump.csv", rows, encoding=encoding)
    [result] = import_paths(engine, [path], now=NOW)
    assert (result.status, result.rows_loaded, result.parts[0].encoding) == (
        "loaded",
        60,
        encoding,
    )
    stored = rows_of(engine, "nhso_right", "cid", "status", order="cid")
    assert stored == sorted((r[0], r[2]) for r in rows[1:])


def test_a_tis620_line_far_into_a_utf8_dump_is_read_as_tis620_with_a_warning_on_its_line(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _read_in_small_blocks(monkeypatch)
    path = write_csv(tmp_path / "dump.csv", _dump_rows(40))
    odd = f"{cid(999)},WEL,ผู้พิการ\r\n".encode("cp874")
    path.write_bytes(path.read_bytes() + odd)
    [result] = import_paths(engine, [path], now=NOW)
    assert (result.rows_loaded, result.parts[0].encoding, result.warnings) == (41, "utf-8", 1)
    [warning] = result.parts[0].sample
    assert warning.line == 42
    assert isinstance(warning.message, Message)
    assert warning.message.key == "ingest.issue.other_encoding"
    assert ("WEL", "ผู้พิการ") in rows_of(engine, "nhso_right", "maininscl", "status")


def test_a_dump_whose_first_lines_are_ascii_and_later_ones_tis620_is_tis620_without_warnings(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _read_in_small_blocks(monkeypatch)
    ascii_rows: list[list[object]] = [[cid(100 + n), "UCS", "active"] for n in range(20)]
    thai_row: list[object] = [cid(99), "SSS", "ผู้พิการ"]
    rows: list[list[object]] = [["person_id", "maininscl", "status_desc"], *ascii_rows, thai_row]
    path = write_csv(tmp_path / "dump.csv", rows, encoding="cp874")
    [result] = import_paths(engine, [path], now=NOW)
    assert (result.rows_loaded, result.parts[0].encoding, result.warnings) == (21, "cp874", 0)
    assert ("SSS", "ผู้พิการ") in rows_of(engine, "nhso_right", "maininscl", "status")


def test_binary_bytes_far_into_a_dump_refuse_it_and_write_none_of_its_rows(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _read_in_small_blocks(monkeypatch)
    path = write_csv(tmp_path / "dump.csv", _dump_rows(40))
    path.write_bytes(path.read_bytes() + b"\x00\x00\x00\r\n")
    [result] = import_paths(engine, [path], now=NOW)
    assert result.status == "refused"
    assert "binary" in result.message
    assert count(engine, "nhso_right") == 0
