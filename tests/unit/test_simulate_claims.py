"""The synthetic centre's year of services and the NHSO statements of its PP claims."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest

from store.cid import is_valid_cid
from store.pp.catalog import shipped_catalog
from store.pp.nhso_errors import error_codes
from store.thaidate import parse_any_date, parse_ymd
from sync.simulate.centre import Centre, build_centre
from sync.simulate.claims import demo_catalog
from sync.simulate.files import write_centre_files
from sync.simulate.statement_files import province_catalog

TODAY = dt.date(2025, 5, 20)
PP_FILES = ("anc", "postnatal", "fp", "epi", "specialpp", "ncdscreen")


@pytest.fixture(scope="module")
def centre() -> Centre:
    return build_centre(seed=11, today=TODAY, persons=2500)


@pytest.fixture(scope="module")
def files(centre: Centre, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_centre_files(centre, tmp_path_factory.mktemp("centre"))


def member_rows(paths: list[Path], member: str) -> list[dict[str, str]]:
    [zip_path] = [p for p in paths if p.suffix == ".zip"]
    with zipfile.ZipFile(zip_path) as archive:
        lines = archive.read(member).decode("utf-8").split("\r\n")[:-1]
    header = lines[0].split("|")
    return [dict(zip(header, line.split("|"), strict=True)) for line in lines[1:]]


def test_a_year_of_visits_each_a_service_row_with_its_pp_rows_under_its_seq(
    centre: Centre, files: list[Path]
) -> None:
    services = member_rows(files, "service.txt")
    assert len(services) == len(centre.services.visits) > 5 * 2500
    seqs = {r["SEQ"] for r in services}
    assert len(seqs) == len(services)
    first = TODAY - dt.timedelta(days=365)
    for row in services:
        day, _ = parse_ymd(row["DATE_SERV"])
        assert first <= day < TODAY
    for member in PP_FILES:
        rows = member_rows(files, f"{member}.txt")
        assert rows, member
        assert {(r["SEQ"], r["PID"]) for r in rows} <= {(r["SEQ"], r["PID"]) for r in services}


def test_pp_rows_are_the_services_of_real_programmes(centre: Centre, files: list[Path]) -> None:
    persons = {r["PID"]: r for r in member_rows(files, "person.txt")}
    for row in member_rows(files, "anc.txt") + member_rows(files, "postnatal.txt"):
        assert persons[row["PID"]]["SEX"] == "2"
    postnatal = member_rows(files, "postnatal.txt")
    late = [
        r for r in postnatal if (parse_ymd(r["PPCARE"])[0] - parse_ymd(r["BDATE"])[0]).days > 42
    ]
    assert 0 < len(late) < len(postnatal) / 2
    fp_types = Counter(r["FPTYPE"] for r in member_rows(files, "fp.txt"))
    assert fp_types["1"] and fp_types["2"]
    children = [r for r in member_rows(files, "epi.txt") if r["VACCINETYPE"].startswith("D2")]
    for row in children:
        born, _ = parse_ymd(persons[row["PID"]]["BIRTH"])
        assert (parse_ymd(row["DATE_SERV"])[0] - born).days < 365
    codes = Counter(r["PPSPECIAL"] for r in member_rows(files, "specialpp.txt"))
    assert any(c.startswith("1B004") for c in codes) and "1B0060" in codes
    screens = member_rows(files, "ncdscreen.txt")
    with_sugar = [r for r in screens if r["BSLEVEL"]]
    assert 0.8 * len(screens) < len(with_sugar) < len(screens)


def workbook(files: list[Path], prefix: str) -> dict[str, Sequence[Sequence[object]]]:
    """The sheets of the one file whose name starts with `prefix`, read as a user's would be."""
    from python_calamine import CalamineWorkbook

    [path] = [p for p in files if p.name.startswith(prefix)]
    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def test_the_older_statement_is_an_eclaim_rep_xls_with_title_rows_and_a_merged_header(
    centre: Centre, files: list[Path]
) -> None:
    sheets = workbook(files, "eclaim_09901_OP_")
    assert list(sheets) == ["Detail", "Summary"]
    rows = sheets["Detail"]
    assert rows[1][0] == f"โรงพยาบาล 09901 {centre.name}"
    header = [str(c) for c in rows[5]]
    assert {"REP No.", "TRAN_ID", "PID", "วันเข้ารักษา", "Error Code", "ชดเชยสุทธิ"} <= set(header)
    group = header.index("เงินชดเชยแยกตามกองทุน")
    assert rows[6][group : group + 2] == ["PP", "FS"]
    body = rows[8:]
    assert len(body) == len({(e.cid, e.date_serv) for e in centre.statements.older})
    tran = header.index("TRAN_ID")
    assert len({line[tran] for line in body}) == len(body)
    for line in body:
        day, be = parse_any_date(line[header.index("วันเข้ารักษา")])
        assert be and day < TODAY
        assert is_valid_cid(str(line[header.index("PID")]))
    errors = [line for line in body if line[header.index("Error Code")]]
    assert 0 < len(errors) < len(body) / 2
    assert sheets["Summary"][2][1] == len(errors)


def test_the_stm_pays_the_reps_visits_without_an_error_and_names_its_unit_in_a_title(
    files: list[Path],
) -> None:
    rep = workbook(files, "eclaim_")["Detail"]
    sheets = workbook(files, "STM_09901_OPUCS")
    assert list(sheets) == ["รายงานพึงรับ", "รายงานสรุป", "รายละเอียด"]
    rows = sheets["รายละเอียด"]
    assert str(rows[2][0]).startswith("โรงพยาบาล 09901")
    assert (rows[13][2], rows[13][33], rows[13][34]) == ("tran_id", "PP", "FS")
    body = rows[14:-1]
    assert rows[-1][0] == "รวม"
    header = [str(c) for c in rep[5]]
    paid = {
        line[header.index("TRAN_ID")]
        for line in rep[8:]
        if not line[header.index("Error Code")] and line[header.index("ชดเชยสุทธิ")]
    }
    assert {line[2] for line in body} == paid
    assert all(isinstance(line[5], float) for line in body), "CIDs as numbers"


def test_the_recent_statement_is_a_ktb_rep_individual_naming_items_by_service_name(
    centre: Centre, files: list[Path]
) -> None:
    [rows] = workbook(files, "REP_INDIVIDUAL_09901_").values()
    assert str(rows[0][0]).startswith("วันที่จัดพิมพ์") and str(rows[1][0]).startswith("โครงการ")
    header = [str(c) for c in rows[4]]
    assert header[:2] == ["ลำดับที่", "REP No."] and header[-1] == "HSEND"
    body = rows[5:]
    assert len(body) == len(centre.statements.recent)
    names = {n for item in shipped_catalog().items for n in item.nhso_names}
    status = Counter(line[header.index("สถานะ")] for line in body)
    assert set(status) == {"ชดเชย", "ไม่ชดเชย", "รออนุมัติ"}
    unknown = [line for line in body if line[header.index("ชื่อบริการ")] not in names]
    assert 0 < len(unknown) < 10
    for line in body:
        if line[header.index("สถานะ")] == "ไม่ชดเชย":
            code = str(line[header.index("หมายเหตุ")]).split()[0]
            assert code in error_codes()
    assert {line[header.index("HSEND")] for line in body} == {"09901"}


def test_the_smt_file_names_its_unit_in_a3_and_transfers_all_but_the_last_month(
    files: list[Path],
) -> None:
    [rows] = workbook(files, "SMT_09901_").values()
    assert str(rows[2][0]).startswith("09901 ")
    assert rows[4][0] == "วันที่โอน" and rows[4][-1] == "เงินโอนเข้าบัญชี"
    body = rows[5:]
    assert body and all(isinstance(line[-1], int | float) and line[-1] > 0 for line in body)
    assert len({line[1] for line in body}) == len(body)


def test_statements_hold_paid_partial_denied_and_pending_lines_and_some_for_no_service(
    centre: Centre,
) -> None:
    entries = [*centre.statements.older, *centre.statements.recent]
    rates = {item.item: item.rate for item in shipped_catalog().items}
    paid = [e for e in entries if e.paid is not None and e.paid >= rates.get(e.item, 10**6)]
    partial = [e for e in entries if e.paid is not None and 0 < e.paid < rates.get(e.item, 0)]
    denied = [e for e in entries if e.error_code]
    pending = [e for e in entries if e.paid is None]
    assert paid and partial and denied and pending
    assert {e.error_code for e in denied} <= set(error_codes())
    assert len({e.error_code for e in denied}) >= 5
    assert all(is_valid_cid(e.cid) for e in entries)
    assert any(e.item not in rates for e in entries)


def test_the_demo_catalog_carries_the_latest_year_forward_only_when_the_shipped_one_lacks_it(
    centre: Centre,
) -> None:
    assert province_catalog(centre).items == ()
    later = demo_catalog(dt.date(2026, 6, 1), dt.date(2026, 11, 22))
    latest = max(shipped_catalog().fiscal_years)
    assert later.fiscal_years == (*shipped_catalog().fiscal_years, 2570)
    assert [(i.item, i.rate) for i in later.for_year(2570)] == [
        (i.item, i.rate) for i in shipped_catalog().for_year(latest)
    ]


@pytest.mark.slow
def test_the_large_centre_has_about_a_hundred_thousand_service_rows() -> None:
    large = build_centre(seed=2568, today=TODAY, persons=10_000)
    rows = sum(1 + len(v.rows) for v in large.services.visits)
    assert 90_000 <= rows <= 110_000
