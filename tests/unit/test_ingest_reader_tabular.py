"""Reading NHSO downloads (CSV, XLSX, .xls, .ods, HTML) through an alias table, wherever the
header row is."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from sync.ingest.limits import DEFAULT_LIMITS
from sync.ingest.refused import Refused
from sync.ingest.tabular import (
    load_aliases,
    normalise_header,
    read_tabular,
    sniff_delimiter,
)
from tests.support.ingest_builders import cid

RIGHTS = load_aliases("nhso_rights_aliases.csv")
MANDATORY = ("cid", "maininscl")


def read(data: bytes, name: str = "rights.csv") -> list[tuple[int, dict[str, object]]]:
    _header, rows = read_tabular(data, name, RIGHTS, MANDATORY, DEFAULT_LIMITS)
    return list(rows)


def csv_bytes(rows: list[list[object]], *, delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[object]], *, title_rows: int = 0) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for i in range(title_rows):
        sheet.append([f"รายงานผลการตรวจสอบสิทธิ ฉบับที่ {i + 1}"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- refusals first ---------------------------------------------------------------------------


def test_a_rights_file_without_the_main_right_column_is_refused() -> None:
    data = csv_bytes([["pid", "hmain_op", "status"], [cid(1), "07543", "ok"]])
    with pytest.raises(Refused, match="missing mandatory columns maininscl"):
        read(data)


def test_a_table_with_no_known_header_is_refused() -> None:
    data = csv_bytes([["a", "b"], ["1", "2"]])
    with pytest.raises(Refused, match="no header row"):
        read(data)


def test_binary_garbage_is_refused() -> None:
    with pytest.raises(Refused):
        read(random.Random(3).randbytes(3000), "rights.csv")


def test_a_damaged_old_excel_workbook_is_refused_with_advice() -> None:
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500)
    with pytest.raises(Refused, match=r"XLS workbook cannot be read.*save it as CSV"):
        read(ole2, "rights.xls")


def test_a_broken_workbook_is_refused() -> None:
    data = xlsx_bytes([["pid", "maininscl"]])
    with pytest.raises(Refused, match="not a readable"):
        read(data[: len(data) // 2], "rights.xlsx")


# --- CSV ----------------------------------------------------------------------------------------


def test_english_headers_in_any_case_with_spaces() -> None:
    data = csv_bytes(
        [
            [" PID ", "MAININSCL", "Sub_Inscl", "hmain_op", "Unknown column"],
            [cid(1), "UCS", "89", "07543", "x"],
        ]
    )
    assert read(data) == [
        (2, {"cid": cid(1), "maininscl": "UCS", "subinscl": "89", "hmain_op": "07543"})
    ]


def test_thai_headers_below_title_rows_in_tis620_with_semicolons() -> None:
    rows: list[list[object]] = [
        ["รายงานผลการตรวจสอบสิทธิ"],
        ["หน่วยบริการ 07543", ""],
        ["เลขประจำตัวประชาชน", "สิทธิหลัก", "หน่วยบริการประจำ", "วันที่ตรวจสอบ"],
        [cid(2), "SSS", "10676", "15/01/2568"],
    ]
    data = csv_bytes(rows, delimiter=";", encoding="cp874")
    header, body = read_tabular(data, "rights.csv", RIGHTS, MANDATORY, DEFAULT_LIMITS)
    assert header.row == 3
    assert header.sheet.encoding == "cp874"
    assert list(body) == [
        (4, {"cid": cid(2), "maininscl": "SSS", "hmain_op": "10676", "checkdate": "15/01/2568"})
    ]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_the_delimiter_is_sniffed(delimiter: str) -> None:
    data = csv_bytes([["cid", "maininscl"], [cid(3), "OFC"], [cid(4), ""]], delimiter=delimiter)
    assert sniff_delimiter(data.decode()) == delimiter
    assert [r["maininscl"] for _n, r in read(data)] == ["OFC", ""]


def test_empty_rows_are_skipped_with_true_row_numbers() -> None:
    data = b"cid,maininscl\r\n,\r\n" + cid(5).encode() + b",UCS\r\n"
    assert [n for n, _r in read(data)] == [3]


def test_the_first_column_naming_a_field_wins() -> None:
    data = csv_bytes([["cid", "pid", "maininscl"], [cid(6), "99", "UCS"]])
    assert read(data)[0][1]["cid"] == cid(6)


def test_normalised_headers_ignore_case_spaces_and_byte_order_marks() -> None:
    assert normalise_header("\ufeff  Main   InsCL ") == "main inscl"
    assert normalise_header(None) == ""


# --- XLSX ---------------------------------------------------------------------------------------


def test_xlsx_keeps_excel_dates_and_numbers_for_the_converters() -> None:
    data = xlsx_bytes(
        [
            ["เลขบัตรประชาชน", "MAININSCL", "hsub", "expdate", "ws_date_request"],
            [int(cid(7)), "UCS", 7543, dt.datetime(2026, 9, 30), "2025-01-15"],
        ],
        title_rows=2,
    )
    rows = read(data, "rights.xlsx")
    assert rows == [
        (
            4,
            {
                "cid": int(cid(7)),
                "maininscl": "UCS",
                "hsub": 7543,
                "expdate": dt.date(2026, 9, 30),
                "checkdate": "2025-01-15",
            },
        )
    ]


def test_xlsx_header_may_be_on_a_later_sheet() -> None:
    book = Workbook()
    first = book.active
    assert first is not None
    first.append(["notes only"])
    second = book.create_sheet("rights")
    second.append(["cid", "maininscl"])
    second.append([cid(8), "WEL"])
    buffer = io.BytesIO()
    book.save(buffer)
    header, rows = read_tabular(buffer.getvalue(), "r.xlsx", RIGHTS, MANDATORY, DEFAULT_LIMITS)
    assert header.sheet.label == "r.xlsx [rights]"
    assert [r for _n, r in rows] == [{"cid": cid(8), "maininscl": "WEL"}]


def test_an_alias_table_of_another_kind_reads_its_own_columns() -> None:
    statements = load_aliases("nhso_statement_aliases.csv")
    data = csv_bytes([["hcode", "pid", "fs_code"], ["07543", cid(9), "ANC"]])
    header, _rows = read_tabular(data, "stm.csv", statements, ("cid",), DEFAULT_LIMITS)
    assert set(header.columns) >= {"hospcode", "cid"}


# --- property: written rows read back whatever the layout ----------------------------------------

_VALUE = st.text(
    alphabet=st.characters(
        categories=("L", "N", "P", "S", "Zs"), exclude_characters="\u2028\u2029\x85"
    ),
    max_size=10,
).map(str.strip)
_FIELDS = ("cid", "maininscl", "subinscl", "hmain_op", "status")


@st.composite
def _downloads(draw: st.DrawFn) -> tuple[list[list[object]], list[dict[str, object]]]:
    header = [
        draw(st.sampled_from([a for a, f in RIGHTS.by_alias.items() if f == field]))
        for field in _FIELDS
    ]
    header = [draw(st.sampled_from([h, h.upper(), f" {h} "])) for h in header]
    expected = []
    for n in range(draw(st.integers(1, 6))):
        row: dict[str, object] = {f: draw(_VALUE) for f in _FIELDS}
        row["cid"] = cid(n)
        expected.append(row)
    titles: list[list[object]] = [["รายงาน"]] * draw(st.integers(0, 3))
    body: list[list[object]] = [[r[f] for f in _FIELDS] for r in expected]
    return [*titles, list(header), *body], expected


@settings(max_examples=100, deadline=None)
@given(
    download=_downloads(),
    delimiter=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
)
def test_round_trip_of_a_csv_download(
    download: tuple[list[list[object]], list[dict[str, object]]], delimiter: str, encoding: str
) -> None:
    rows, expected = download
    data = csv_bytes(rows, delimiter=delimiter, encoding=encoding)
    assert [row for _n, row in read(data)] == expected
