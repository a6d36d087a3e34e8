"""The synthetic centre's year of services and the NHSO statements of its PP claims."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from store.cid import is_valid_cid
from store.pp.catalog import shipped_catalog
from store.pp.nhso_errors import error_codes
from store.reference import table
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


def statement_lines(files: list[Path]) -> tuple[list[list[object]], list[dict[str, str]]]:
    from openpyxl import load_workbook

    [xlsx] = [p for p in files if p.name.startswith("rep_") and p.suffix == ".xlsx"]
    [text] = [p for p in files if p.name.startswith("rep_") and p.suffix == ".csv"]
    sheet = load_workbook(xlsx).active
    assert sheet is not None
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    reader = csv.DictReader(io.StringIO(text.read_bytes().decode("utf-8-sig")))
    return rows, list(reader)


def test_the_older_statement_is_an_xlsx_with_thai_headers_and_be_dates(
    files: list[Path],
) -> None:
    rows, _ = statement_lines(files)
    assert "09901" in str(rows[0][0])
    header = [str(c) for c in rows[2]]
    aliases = {r["alias"] for r in table("nhso_statement_aliases.csv")}
    assert set(header[1:]) <= aliases
    assert "วันที่รับบริการ" in header and "ยอดชดเชย" in header
    body = rows[3:]
    day_column = header.index("วันที่รับบริการ")
    cid_column = header.index("เลขประจำตัวประชาชน")
    for line in body:
        day, be = parse_any_date(line[day_column])
        assert be and day < TODAY
        assert isinstance(line[cid_column], int)


def test_statements_hold_paid_partial_denied_and_pending_lines_and_some_for_no_service(
    centre: Centre, files: list[Path]
) -> None:
    _, recent = statement_lines(files)
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
    assert {r["pid"] for r in recent} and all(r["date_serv"].isdigit() for r in recent)
    assert {r["paid"] for r in recent if not r["paid"]} == {""}


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
