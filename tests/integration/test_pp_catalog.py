"""The PP catalog: the shipped starter, a province's replacement file checked whole, the store."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select

from store.engine import write_tx
from store.models import PpCatalogItem
from store.pp.catalog import (
    COLUMNS,
    OPTIONAL_COLUMNS,
    CatalogError,
    parse_catalog,
    read_catalog_file,
    shipped_catalog,
)
from store.pp.catalog_store import load_catalog, replace_catalog, seed_catalog

HEADER = ",".join(c for c in COLUMNS if c not in OPTIONAL_COLUMNS)
"""A catalog written before `nhso_names` existed: still read."""
GOOD_ROW = "2568,ANC,ฝากครรภ์,Antenatal care,360,ANC,,,2,,,1,,5,,,"
CX_ROW = (
    "2568,CX_SCREEN,มะเร็งปากมดลูก,Cervical,250,SPECIALPP,PPSPECIAL,1B0040-1B0049,2,30,60,1,,,1826,,"
)


def csv_text(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def with_cell(row: str, column: str, value: str) -> str:
    cells = row.split(",")
    cells[COLUMNS.index(column)] = value
    return ",".join(cells)


# The starter catalog ----------------------------------------------------------------------

STARTER = [
    # item, source, code_field, codes, rate, sex, ages, per pregnancy/year, interval, window
    ("ANC", "ANC", "", "", "360", "2", None, None, None, 5, None, None),
    ("PNC", "POSTNATAL", "", "", "150", "2", None, None, 3, None, None, 42),
    ("FP_PILL", "FP", "FPTYPE", "1", "40", "2", 10, 60, None, None, None, None),
    ("FP_INJ", "FP", "FPTYPE", "2", "60", "2", 10, 60, None, None, None, None),
    ("CX_SCREEN", "SPECIALPP", "PPSPECIAL", "1B0040-1B0049", "250", "2", 30, 60,
     None, None, 1826, None),
    ("FIT", "SPECIALPP", "PPSPECIAL", "1B0060-1B0061", "60", "", 50, 70,
     None, None, 730, None),
    ("FPG", "NCDSCREEN", "BSLEVEL", "*", "40", "", 35, 59, None, 1, None, None),
    ("EPI_SVC", "EPI", "", "", "20", "", None, None, None, None, None, None),
]  # fmt: skip


@pytest.mark.parametrize("fiscal_year", [2567, 2568, 2569])
@pytest.mark.parametrize("expected", STARTER, ids=[row[0] for row in STARTER])
def test_the_starter_catalog_has_the_eight_items_with_their_rates_and_conditions(
    fiscal_year: int, expected: tuple[object, ...]
) -> None:
    item_code, source, code_field, codes, rate, sex, age_min, age_max, *limits = expected
    (item,) = [i for i in shipped_catalog().for_year(fiscal_year) if i.item == item_code]
    assert (item.source, item.code_field, item.codes_text) == (source, code_field, codes)
    assert item.name("th") and item.name("en") != item.name("th")
    assert item.rate == Decimal(str(rate))
    assert (item.sex, item.age_min, item.age_max, item.thai_only) == (sex, age_min, age_max, True)
    assert [
        item.max_per_pregnancy,
        item.max_per_fiscal_year,
        item.min_interval_days,
        item.window_days,
    ] == limits


def test_the_starter_catalog_covers_exactly_fiscal_years_2567_to_2569() -> None:
    catalog = shipped_catalog()
    assert catalog.fiscal_years == (2567, 2568, 2569)
    assert all(len(catalog.for_year(year)) == 8 for year in catalog.fiscal_years)


def test_the_shipped_csv_has_exactly_the_documented_columns() -> None:
    path = Path(__file__).parents[2] / "store" / "reference" / "pp_catalog.csv"
    assert path.read_text(encoding="utf-8").splitlines()[0] == ",".join(COLUMNS)


def test_every_starter_item_names_the_services_statements_use_for_it() -> None:
    catalog = shipped_catalog()
    assert all(item.nhso_names for item in catalog.items)
    assert catalog.resolve_name(2569, "  บริการ ฝากครรภ์ ") is None
    found = catalog.resolve_name(2568, "คัดกรองมะเร็งลำไส้ใหญ่และลำไส้ตรง (FIT TEST)")
    assert found is not None and found.item == "FIT"
    assert catalog.resolve_name(2568, "บริการฝากครรภ์") is catalog.resolve(2568, "ANC")
    assert catalog.resolve_name(2568, "ตรวจสุขภาพช่องปาก") is None


def test_a_service_name_of_two_items_refuses_the_catalog() -> None:
    rows = (f"{GOOD_ROW},ฝากครรภ์", f"{CX_ROW},ฝากครรภ์|Pap smear")
    with pytest.raises(CatalogError, match="line 3, column nhso_names: the name 'ฝากครรภ์'"):
        parse_catalog(csv_text(*rows, header=",".join(COLUMNS)))


# Selecting rows -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "fields", "expected"),
    [
        ("SPECIALPP", {"PPSPECIAL": "1B0039"}, None),
        ("SPECIALPP", {"PPSPECIAL": "1B0040"}, "CX_SCREEN"),
        ("SPECIALPP", {"PPSPECIAL": "1b0044"}, "CX_SCREEN"),
        ("SPECIALPP", {"PPSPECIAL": "1B0049"}, "CX_SCREEN"),
        ("SPECIALPP", {"PPSPECIAL": "1B0050"}, None),
        ("SPECIALPP", {"PPSPECIAL": "1B00400"}, None),
        ("SPECIALPP", {"PPSPECIAL": "1B0061"}, "FIT"),
        ("FP", {"FPTYPE": "1"}, "FP_PILL"),
        ("FP", {"FPTYPE": "2"}, "FP_INJ"),
        ("FP", {"FPTYPE": "5"}, None),
        ("NCDSCREEN", {"BSLEVEL": "96"}, "FPG"),
        ("NCDSCREEN", {"BSLEVEL": ""}, None),
        ("NCDSCREEN", {}, None),
        ("EPI", {"VACCINETYPE": "010"}, "EPI_SVC"),
        ("ANC", {}, "ANC"),
        ("DENTAL", {}, None),
    ],
)
def test_an_item_selects_rows_of_its_source_by_code_field_and_codes(
    source: str, fields: dict[str, str], expected: str | None
) -> None:
    item = shipped_catalog().match(2568, source, fields)
    assert (item.item if item else None) == expected


def test_a_statement_code_names_an_item_by_its_code_or_an_nhso_code() -> None:
    row = with_cell(GOOD_ROW, "nhso_codes", "30008 30009")
    catalog = parse_catalog(csv_text(row))
    assert [catalog.resolve(2568, c) is not None for c in ("ANC", "anc", "30009", "99")] == [
        True,
        True,
        True,
        False,
    ]
    # A later year without a catalog of its own carries 2568's items forward; an earlier not.
    carried = catalog.resolve(2569, "ANC")
    assert carried is not None and carried.fiscal_year == 2568
    assert catalog.resolve(2567, "ANC") is None


# A province's file, refused whole with every problem placed ------------------------------

BAD_FILES = [
    ("missing column", csv_text(GOOD_ROW[:-1], header=HEADER.removesuffix(",nhso_codes")),
     "line 1: missing columns: nhso_codes"),
    ("unknown column", csv_text(GOOD_ROW + ",x", header=HEADER + ",colour"),
     "line 1, column colour: unknown column"),
    ("column twice", csv_text(GOOD_ROW + ",ANC", header=HEADER + ",item"),
     "line 1, column item: column named twice"),
    ("rate not a number", csv_text(with_cell(GOOD_ROW, "rate", "สามร้อย")),
     "line 2, column rate: 'สามร้อย' is not an amount in baht"),
    ("rate zero", csv_text(with_cell(GOOD_ROW, "rate", "0")),
     "line 2, column rate: '0' is not an amount in baht above 0"),
    ("rate with three decimals", csv_text(with_cell(GOOD_ROW, "rate", "1.005")),
     "line 2, column rate: '1.005' has more than 2 decimals"),
    ("age not a number", csv_text(with_cell(CX_ROW, "age_min", "3O")),
     "line 2, column age_min: '3O' is not a whole number"),
    ("negative age", csv_text(with_cell(CX_ROW, "age_max", "-1")),
     "line 2, column age_max: '-1' is not a whole number"),
    ("age_min above age_max", csv_text(with_cell(CX_ROW, "age_min", "61")),
     "line 2, column age_min: age_min 61 is greater than age_max 60"),
    ("fiscal year in CE", csv_text(with_cell(GOOD_ROW, "fiscal_year", "2025")),
     "line 2, column fiscal_year: '2025' is not a Buddhist-era year"),
    ("huge limit", csv_text(with_cell(GOOD_ROW, "max_per_fiscal_year", "123456")),
     "line 2, column max_per_fiscal_year: 123456 is more than 99999"),
    ("long name", csv_text(with_cell(GOOD_ROW, "name_en", "x" * 201)),
     "line 2, column name_en: longer than 200 characters"),
    ("fiscal year blank", csv_text(with_cell(GOOD_ROW, "fiscal_year", "")),
     "line 2, column fiscal_year: required"),
    ("zero limit", csv_text(with_cell(GOOD_ROW, "max_per_fiscal_year", "0")),
     "line 2, column max_per_fiscal_year: must be at least 1"),
    ("unknown source", csv_text(with_cell(GOOD_ROW, "source", "ANCX")),
     "line 2, column source: 'ANCX' is not a 43 file"),
    ("person file as source", csv_text(with_cell(GOOD_ROW, "source", "PERSON")),
     "line 2, column source: 'PERSON' is not a 43 file"),
    ("code field not in source", csv_text(with_cell(CX_ROW, "code_field", "FPTYPE")),
     "line 2, column code_field: 'FPTYPE' is not a field of SPECIALPP"),
    ("codes without code field", csv_text(with_cell(CX_ROW, "code_field", "")),
     "line 2, column code_field: required when codes is given"),
    ("code field without codes", csv_text(with_cell(CX_ROW, "codes", "")),
     "line 2, column codes: required with a code_field"),
    ("range reversed", csv_text(with_cell(CX_ROW, "codes", "1B0049-1B0040")),
     "line 2, column codes: '1B0049-1B0040': the range ends before it starts"),
    ("range open", csv_text(with_cell(CX_ROW, "codes", "1B0040-")),
     "line 2, column codes: '1B0040-' is not a code or a range"),
    ("range of two lengths", csv_text(with_cell(CX_ROW, "codes", "1B004-1B0049")),
     "line 2, column codes: '1B004-1B0049': both ends of a range must have the same length"),
    ("range twice dashed", csv_text(with_cell(CX_ROW, "codes", "1B0040--1B0049")),
     "line 2, column codes: '1B0040--1B0049' is not a code or a range"),
    ("sex", csv_text(with_cell(GOOD_ROW, "sex", "F")),
     "line 2, column sex: 'F' is not one of blank, 1, 2"),
    ("thai_only", csv_text(with_cell(GOOD_ROW, "thai_only", "yes")),
     "line 2, column thai_only: must be 1, 0 or blank"),
    ("pregnancy limit without pregnancy", csv_text(with_cell(CX_ROW, "max_per_pregnancy", "1")),
     "line 2, column max_per_pregnancy: SPECIALPP rows carry no pregnancy number"),
    ("window without a related date", csv_text(with_cell(GOOD_ROW, "window_days", "84")),
     "line 2, column window_days: ANC rows carry no date to count the window from"),
    ("duplicate item", csv_text(GOOD_ROW, CX_ROW, with_cell(GOOD_ROW, "rate", "400")),
     "line 4, column item: ANC 2568 already on line 2"),
    ("statement code of two items",
     csv_text(with_cell(GOOD_ROW, "nhso_codes", "30008"), with_cell(CX_ROW, "nhso_codes", "30008")),
     "line 3, column nhso_codes: 30008 already names item ANC in 2568"),
    ("too many values", csv_text(GOOD_ROW + ",extra"), "line 2: more values than columns"),
    ("too few values", csv_text(GOOD_ROW.rsplit(",", 3)[0]), "line 2: fewer values than columns"),
    ("empty file", "", "line 1: empty file"),
    ("header only", csv_text(), "line 1: no items"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "message"), [c[1:] for c in BAD_FILES], ids=[c[0] for c in BAD_FILES]
)
def test_a_bad_catalog_is_refused_naming_line_and_column(text: str, message: str) -> None:
    with pytest.raises(CatalogError) as caught:
        parse_catalog(text, "province.csv")
    assert message in str(caught.value)
    assert str(caught.value).startswith("province.csv: PP catalog refused, nothing was loaded")


def test_one_bad_row_refuses_the_whole_file_and_every_problem_is_listed() -> None:
    text = csv_text(GOOD_ROW, with_cell(CX_ROW, "age_min", "x"), with_cell(GOOD_ROW, "sex", "3"))
    with pytest.raises(CatalogError) as caught:
        parse_catalog(text)
    places = [(p.line, p.column) for p in caught.value.problems]
    assert places == [(3, "age_min"), (4, "item"), (4, "sex")]


def test_line_numbers_count_the_lines_a_quoted_name_spans() -> None:
    multiline = with_cell(GOOD_ROW, "name_th", '"ฝาก\nครรภ์"')
    text = csv_text(multiline, with_cell(CX_ROW, "sex", "9"))
    with pytest.raises(CatalogError, match="line 4, column sex"):
        parse_catalog(text)


def test_a_good_replacement_file_is_read_with_or_without_bom(tmp_path: Path) -> None:
    path = tmp_path / "catalog.csv"
    path.write_bytes(b"\xef\xbb\xbf" + csv_text(GOOD_ROW, CX_ROW).encode("utf-8"))
    catalog = read_catalog_file(path)
    assert [i.item for i in catalog.items] == ["ANC", "CX_SCREEN"]


def test_a_catalog_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "catalog.csv"
    path.write_bytes(csv_text(GOOD_ROW).encode("cp874"))
    with pytest.raises(CatalogError, match=r"(?s)catalog.csv: .*line 2: not UTF-8 text"):
        read_catalog_file(path)


@given(st.text(max_size=300))
def test_any_text_gives_a_catalog_or_a_catalog_error(text: str) -> None:
    try:
        parse_catalog(text)
    except CatalogError as exc:
        assert exc.problems


ITEM_CODES = st.from_regex(r"[A-Z][A-Z0-9_]{0,9}", fullmatch=True)


@given(
    item=ITEM_CODES,
    rate=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999"), places=2),
    ages=st.tuples(st.integers(0, 120), st.integers(0, 120)).map(sorted),
    interval=st.none() | st.integers(1, 4000),
)
def test_a_valid_row_reads_back_exactly(
    item: str, rate: Decimal, ages: list[int], interval: int | None
) -> None:
    row = with_cell(CX_ROW, "item", item)
    row = with_cell(row, "rate", str(rate))
    row = with_cell(with_cell(row, "age_min", str(ages[0])), "age_max", str(ages[1]))
    row = with_cell(row, "min_interval_days", "" if interval is None else str(interval))
    (parsed,) = parse_catalog(csv_text(row)).items
    assert (parsed.item, parsed.rate, parsed.age_min, parsed.age_max) == (item, rate, *ages)
    assert parsed.min_interval_days == interval


# The catalog in the store ---------------------------------------------------------------

NOW = dt.datetime(2025, 1, 15, 3, 0, tzinfo=dt.UTC)


def stored_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(PpCatalogItem)).scalar_one())


def test_an_empty_store_uses_the_shipped_catalog(engine: Engine) -> None:
    with engine.connect() as conn:
        assert load_catalog(conn) == shipped_catalog()


def test_seeding_stores_the_shipped_years_once(engine: Engine) -> None:
    with write_tx(engine) as conn:
        assert seed_catalog(conn, NOW) == 24
    with write_tx(engine) as conn:
        assert seed_catalog(conn, NOW) == 0
        assert load_catalog(conn).items == shipped_catalog().items
    assert stored_count(engine) == 24


def test_a_province_catalog_replaces_whole_fiscal_years_only(engine: Engine) -> None:
    province = parse_catalog(
        csv_text(with_cell(CX_ROW, "rate", "300"), with_cell(GOOD_ROW, "nhso_codes", "30008"))
    )
    with write_tx(engine) as conn:
        seed_catalog(conn, NOW)
        assert replace_catalog(conn, province, origin="province-2568.csv", now=NOW) == 2
    with engine.connect() as conn:
        catalog = load_catalog(conn)
        origins = set(conn.execute(select(PpCatalogItem.origin)).scalars())  # type: ignore[call-overload]
    assert [i.item for i in catalog.for_year(2568)] == ["CX_SCREEN", "ANC"]
    assert catalog.for_year(2568)[0].rate == Decimal("300")
    assert catalog.resolve(2568, "30008") is not None
    assert catalog.for_year(2567) == shipped_catalog().for_year(2567)
    assert origins == {"shipped", "province-2568.csv"}
    assert stored_count(engine) == 16 + 2
