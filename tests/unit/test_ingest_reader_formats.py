"""Spreadsheets as they come: .xls, HTML under .xls, .ods, title rows, multi-row headers,
total rows, facts in title rows and file names, and workbooks too large to read."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest

from sync.ingest.filecontext import file_context
from sync.ingest.limits import DEFAULT_LIMITS, Limits
from sync.ingest.refused import Refused
from sync.ingest.tabular import find_header, load_aliases, open_tabular, read_rows, read_tabular
from sync.ingest.xlsx_bounds import measure_xlsx
from tests.support.ingest_builders import cid
from tests.support.tabular_builders import html_xls_bytes, ods_bytes, xls_bytes, xlsx_bytes

RIGHTS = load_aliases("nhso_rights_aliases.csv")
STATEMENTS = load_aliases("nhso_statement_aliases.csv")
MANDATORY = ("cid", "maininscl")


def rights_rows(data: bytes, name: str) -> list[tuple[int, dict[str, object]]]:
    _header, rows = read_tabular(data, name, RIGHTS, MANDATORY, DEFAULT_LIMITS)
    return list(rows)


# --- formats ----------------------------------------------------------------------------------


def test_an_old_excel_workbook_with_title_rows_is_read_with_numbers_as_excel_keeps_them() -> None:
    data = xls_bytes(
        [
            ["รายงานผลการตรวจสอบสิทธิ"],
            ["โรงพยาบาล 09901 โรงพยาบาลตัวอย่าง"],
            [],
            ["PID", "MAININSCL", "HMAIN_OP", "STARTDATE"],
            [int(cid(1)), "UCS", 9901, 25680910],
            [int(cid(2)), "SSS", 10676, 25670101],
        ]
    )
    header, rows = read_tabular(data, "rights.xls", RIGHTS, MANDATORY, DEFAULT_LIMITS)
    assert header.sheet.format == "xls"
    assert header.sheet.label == "rights.xls [Detail]"
    assert header.row == 4
    assert list(rows) == [
        (5, {"cid": int(cid(1)), "maininscl": "UCS", "hmain_op": 9901, "startdate": 25680910}),
        (6, {"cid": int(cid(2)), "maininscl": "SSS", "hmain_op": 10676, "startdate": 25670101}),
    ]
    assert header.context("rights.xls").hospcode == "09901"


def test_an_html_table_under_an_xls_name_is_read_as_a_table() -> None:
    data = html_xls_bytes(
        [
            ["ลำดับ", "PID", "สิทธิหลัก", "หน่วยบริการประจำ"],
            ["1", cid(3), "UCS", "07543"],
            ["2", cid(4), "OFC", "07543"],
        ],
        title="รายงานตรวจสอบสิทธิ หน่วยบริการ 07543",
    )
    sheets = open_tabular(data, "report.xls", DEFAULT_LIMITS)
    assert [(s.format, s.encoding) for s in sheets] == [("html", "utf-8-sig")]
    header, rows = read_tabular(data, "report.xls", RIGHTS, MANDATORY, DEFAULT_LIMITS)
    assert [r for _n, r in rows] == [
        {"cid": cid(3), "maininscl": "UCS", "hmain_op": "07543"},
        {"cid": cid(4), "maininscl": "OFC", "hmain_op": "07543"},
    ]
    assert header.title_rows == (("รายงานตรวจสอบสิทธิ หน่วยบริการ 07543",),)
    assert header.context("report.xls").hospcode == "07543"


def test_an_html_colspan_reads_as_a_merged_cell() -> None:
    page = (
        '\ufeff<html><body><table><tr><th colspan="2">ผู้รับบริการ</th><th>สิทธิหลัก</th></tr>'
        "<tr><th>ลำดับ</th><th>PID</th><th></th></tr>"
        f"<tr><td>1</td><td>{cid(5)}</td><td>WEL</td></tr></table></body></html>"
    ).encode()
    rows = list(open_tabular(page, "r.xls", DEFAULT_LIMITS)[0].rows())
    assert rows[0] == (1, ["ผู้รับบริการ", "", "สิทธิหลัก"])
    assert [r for _n, r in rights_rows(page, "r.xls")] == [{"cid": cid(5), "maininscl": "WEL"}]


def test_an_html_rowspan_keeps_sub_headers_under_their_group() -> None:
    # PID spans both header rows; "สิทธิ" is a group over the sub-headers หลัก / ย่อย.
    page = (
        '<table><tr><th rowspan=2>ลำดับ</th><th rowspan="2">PID</th>'
        "<th colspan=2>สิทธิ</th><th rowspan=2>วันที่ตรวจสอบ</th></tr>"
        "<tr><th>หลัก</th><th>ย่อย</th></tr>"
        f"<tr><td>1</td><td>{cid(15)}</td><td>UCS</td><td>89</td><td>10/01/2568</td></tr>"
        "</table>"
    ).encode()
    rows = list(open_tabular(page, "r.xls", DEFAULT_LIMITS)[0].rows())
    assert rows[1] == (2, ["", "", "หลัก", "ย่อย", ""])
    aliases = load_aliases("nhso_rights_aliases.csv")
    header = find_header(open_tabular(page, "r.xls", DEFAULT_LIMITS), aliases)
    assert header is not None and header.row == 2
    assert header.columns == {"cid": 1, "maininscl": 2, "subinscl": 3, "checkdate": 4}
    assert [r for _n, r in read_rows(header, needs_cid=True)] == [
        {"cid": cid(15), "maininscl": "UCS", "subinscl": "89", "checkdate": "10/01/2568"}
    ]


@pytest.mark.parametrize("stored_mimetype", [True, False])
def test_an_opendocument_spreadsheet_is_read(stored_mimetype: bool) -> None:
    data = ods_bytes(
        [["cid", "maininscl", "hsub"], [cid(6), "UCS", 7543]], stored_mimetype=stored_mimetype
    )
    assert open_tabular(data, "r.ods", DEFAULT_LIMITS)[0].format == "ods"
    assert [r for _n, r in rights_rows(data, "r.ods")] == [
        {"cid": cid(6), "maininscl": "UCS", "hsub": 7543}
    ]


def test_an_xlsx_keeps_real_dates_and_big_numbers_exact() -> None:
    data = xlsx_bytes(
        [["person_id", "maininscl", "expdate"], [int(cid(7)), "UCS", dt.date(2026, 9, 30)]]
    )
    assert [r for _n, r in rights_rows(data, "r.xlsx")] == [
        {"cid": int(cid(7)), "maininscl": "UCS", "expdate": dt.date(2026, 9, 30)}
    ]


def test_the_format_comes_from_the_bytes_not_the_name() -> None:
    data = xls_bytes([["cid", "maininscl"], [cid(8), "UCS"]])
    assert [r for _n, r in rights_rows(data, "renamed.csv")] == [
        {"cid": cid(8), "maininscl": "UCS"}
    ]


# --- header finding -----------------------------------------------------------------------------


def test_the_header_is_the_row_naming_most_fields_not_the_first_naming_two() -> None:
    data = xls_bytes(
        [
            ["สิทธิหลัก", "PID"],  # a legend row that happens to hold two column names
            ["เลขประจำตัวประชาชน", "สิทธิหลัก", "สิทธิย่อย", "หน่วยบริการประจำ"],
            [cid(9), "UCS", "89", "07543"],
        ]
    )
    header, rows = read_tabular(data, "r.xls", RIGHTS, MANDATORY, DEFAULT_LIMITS)
    assert header.row == 2
    assert header.title_rows == (("สิทธิหลัก", "PID"),)
    assert [n for n, _r in rows] == [3]


def test_a_group_label_over_sub_headers_is_read_as_one_header() -> None:
    # A REP-like header: row 6 holds group labels (merged over their sub-columns),
    # rows 7 the sub-headers; the fund amounts are named only by both together.
    aliases = load_aliases("nhso_statement_aliases.csv")
    data = xls_bytes(
        [
            ["REP"],
            [],
            [],
            [],
            [],
            ["rep_no", "pid", "หน่วยบริการ", "", "ชดเชย", ""],
            ["", "", "hcode", "date_serv", "pp", "fs"],
            ["R1", int(cid(10)), 7543, "2025-01-15", 360, 0],
            ["รวม", "", "", "", 360, 0],
        ],
        merges=[(5, 5, 2, 3), (5, 5, 4, 5)],
    )
    header = find_header(open_tabular(data, "rep.xls", DEFAULT_LIMITS), aliases)
    assert header is not None
    assert (header.first_row, header.row) == (6, 7)
    assert header.columns == {"statement_id": 0, "cid": 1, "hospcode": 2, "date_serv": 3}
    assert [n for n, _r in read_rows(header, needs_cid=True)] == [8]


def test_total_rows_sub_headers_and_repeated_headers_are_not_data() -> None:
    data = xls_bytes(
        [
            ["pid", "maininscl", "hsub"],
            ["(เลข 13 หลัก)", "(รหัส)", "(รหัส)"],
            [cid(11), "UCS", "07543"],
            ["pid", "maininscl", "hsub"],
            [cid(12), "OFC", "07543"],
            ["รวม 2 ราย", "", ""],
            ["", "Total", ""],
        ]
    )
    assert [n for n, _r in rights_rows(data, "r.xls")] == [3, 5]


def test_a_row_with_a_wrong_cid_is_still_data_for_the_converters_to_report() -> None:
    data = xls_bytes([["pid", "maininscl"], ["12345", "UCS"], [cid(13), "UCS"]])
    assert [r["cid"] for _n, r in rights_rows(data, "r.xls")] == ["12345", cid(13)]


# --- facts of the file ----------------------------------------------------------------------------


def test_an_eclaim_rep_file_name_gives_unit_type_and_buddhist_era_date() -> None:
    context = file_context("/downloads/eclaim_09901_OPLGO_25680910_01.xls")
    assert (context.hospcode, context.report_type) == ("09901", "OPLGO")
    assert (context.period, context.period_precision) == (dt.date(2025, 9, 10), "day")


def test_an_stm_file_name_gives_unit_fund_and_month() -> None:
    context = file_context("STM_10676_IPUCS256801_02.xls")
    assert (context.hospcode, context.report_type) == ("10676", "IPUCS")
    assert (context.period, context.period_precision) == (dt.date(2025, 1, 1), "month")


def test_a_unit_in_a_title_row_wins_over_the_file_name() -> None:
    titles = (("รายงานพึงรับ",), ("โรงพยาบาล 09901 โรงพยาบาลตัวอย่าง",))
    context = file_context("STM_10676_OPUCS256801_01.xls", titles)
    assert context.hospcode == "09901"
    assert context.report_type == "OPUCS"


def test_a_file_name_with_no_known_pattern_gives_no_facts() -> None:
    context = file_context("สิทธิ มกราคม.xlsx")
    assert (context.hospcode, context.report_type, context.period) == (None, None, None)


def test_an_impossible_date_in_a_name_is_left_out() -> None:
    assert file_context("eclaim_09901_OP_25681345_01.xls").period is None


# --- workbooks too large to read ------------------------------------------------------------------


def _hostile_shared_strings(unused: int) -> bytes:
    """A small XLSX with `unused` shared strings no cell refers to (the shape of a 16.5 MB
    workbook that once took 1.2 GB to open)."""
    data = xlsx_bytes([["cid", "maininscl"], [cid(14), "UCS"]])
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == "xl/sharedStrings.xml":
                extra = b"".join(b"<si><t>x%d</t></si>" % i for i in range(unused))
                body = body.replace(b"</sst>", extra + b"</sst>")
            target.writestr(info.filename, body)
    return buffer.getvalue()


def test_a_workbook_with_millions_of_unused_shared_strings_is_refused_before_reading() -> None:
    data = _hostile_shared_strings(30_000)
    assert len(data) < 200_000
    assert measure_xlsx(data, DEFAULT_LIMITS).shared_strings == 30_004
    with pytest.raises(Refused, match=r"30004 texts but only 4 cells"):
        open_tabular(data, "r.xlsx", DEFAULT_LIMITS)[0].rows()


def test_too_many_shared_strings_is_refused_with_the_limit() -> None:
    data = xlsx_bytes([[f"text {i}" for i in range(50)] for _ in range(3)])
    limits = Limits(max_shared_strings=40)
    with pytest.raises(Refused, match=r"50 different texts, more than the 40"):
        open_tabular(data, "r.xlsx", limits)


def test_two_far_apart_cells_span_a_grid_too_large_to_read() -> None:
    buffer = io.BytesIO()
    import xlsxwriter

    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    page = book.add_worksheet()
    page.write(0, 0, "cid")
    page.write(1_000_000, 16_000, "x")
    book.close()
    data = buffer.getvalue()
    assert measure_xlsx(data, DEFAULT_LIMITS).grid_cells == 1_000_001 * 16_001
    with pytest.raises(Refused, match=r"Save the sheet as CSV"):
        open_tabular(data, "r.xlsx", DEFAULT_LIMITS)


def test_a_sheet_over_the_row_limit_is_refused_when_read() -> None:
    data = xls_bytes([["cid", "maininscl"]] + [[cid(n), "UCS"] for n in range(20)])
    sheet = open_tabular(data, "r.xls", Limits(max_sheet_rows=10))[0]
    with pytest.raises(Refused, match=r"21 rows"):
        list(sheet.rows())


def test_a_normal_workbook_measures_its_true_grid() -> None:
    rows = [["cid", "maininscl", "hsub"]] + [[cid(n), "UCS", 7543] for n in range(100)]
    size = measure_xlsx(xlsx_bytes(rows), DEFAULT_LIMITS)
    assert (size.rows, size.cells, size.grid_cells) == (101, 303, 303)
