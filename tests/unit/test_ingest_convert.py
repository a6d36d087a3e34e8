"""The cell converters take every type a spreadsheet reader yields (python-calamine gives int,
float, str, bool, date, datetime and timedelta cells) and give the stored value or the issue a
person can act on."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import Table

from store.models import NhsoRight, PpStatementLine
from sync.ingest.convert import Column, ColumnConverter, Columns

RIGHTS: Table = NhsoRight.__table__  # type: ignore[attr-defined]
LINES: Table = PpStatementLine.__table__  # type: ignore[attr-defined]
TODAY = dt.date(2025, 2, 1)
CID = "1101700203450"
D = dt.date


def convert_one(table: Table, kind: str, value: object, *, event: bool = False) -> object:
    """The stored value of one cell, or the catalogue key of its issue (`!key`)."""
    column = "cid" if kind.startswith("cid") else {"baht": "paid", "unit": "hsub"}.get(kind, "")
    column = column or ("checkdate" if table is RIGHTS else "date_serv")
    if kind in ("text", "upper", "free"):
        column = "status" if table is RIGHTS else "statement_id"
    converter = ColumnConverter(
        "sheet", table, [Column("f", column, kind, event=event)], (), today=TODAY
    )
    converted = converter.convert(Columns([2], {"f": [value]}))
    errors = [i.key.rsplit(".", 1)[-1] for i in converted.issues if i.severity == "error"]
    return f"!{errors[0]}" if errors else converted.values[column][0]


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        (1101700203450, CID),
        (1.10170020345e12, CID),
        (CID, CID),
        ("1-1017-00203-45-0", CID),
        ("๑๑๐๑๗๐๐๒๐๓๔๕๐", CID),
        ("1101700203450.0", CID),
        (True, "!cell_type"),
        (dt.timedelta(hours=1), "!cell_type"),
        (D(2025, 1, 1), "!cid_invalid"),
        ("¹¹⁰¹⁷⁰⁰²⁰³⁴⁵⁰", "!odd_digits"),
        ("１１０１７００２０３４５０", "!odd_digits"),
        (1e308, "!cid_invalid"),
        (float("nan"), "!cid_invalid"),
    ],
)
def test_cid_cells(value: object, stored: object) -> None:
    assert convert_one(RIGHTS, "cid", value) == stored


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        (D(2025, 1, 15), D(2025, 1, 15)),
        (dt.datetime(2025, 1, 15, 10, 30), D(2025, 1, 15)),
        (dt.datetime(2568, 1, 15), D(2025, 1, 15)),
        (20250115, D(2025, 1, 15)),
        (25680115, D(2025, 1, 15)),
        (25680115.0, D(2025, 1, 15)),
        (45672, D(2025, 1, 15)),
        (45672.75, D(2025, 1, 15)),
        ("15/01/2568", D(2025, 1, 15)),
        ("15/01/2568 10:30:00", D(2025, 1, 15)),
        ("15 ม.ค. 2568", D(2025, 1, 15)),
        ("15 มกราคม 2568", D(2025, 1, 15)),
        ("มกราคม 2568", D(2025, 1, 1)),
        ("๑๕/๐๑/๒๕๖๘", D(2025, 1, 15)),
        (True, "!cell_type"),
        (dt.timedelta(days=3), "!cell_type"),
        (150_000, "!date"),
        (1e308, "!date"),
        ("²⁰²⁵⁰¹¹⁵", "!odd_digits"),
    ],
)
def test_date_cells(value: object, stored: object) -> None:
    assert convert_one(RIGHTS, "date", value) == stored


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        (D(2025, 2, 2), D(2025, 2, 2)),
        (D(2025, 2, 3), "!future"),
        ("20990101", "!future"),
        (dt.datetime(2099, 1, 1), "!future"),
        (D(1899, 12, 31), "!before_1900"),
        ("01/01/2443", D(1900, 1, 1)),
    ],
)
def test_event_dates_run_from_1900_to_tomorrow(value: object, stored: object) -> None:
    assert convert_one(RIGHTS, "date", value, event=True) == stored


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        (9901, "09901"),
        (9901.0, "09901"),
        ("9901", "09901"),
        ("9901.0", "09901"),
        ("10676", "10676"),
        ("๐๙๙๐๑", "09901"),
    ],
)
def test_unit_codes_get_their_leading_zeros_back(value: object, stored: str) -> None:
    assert convert_one(RIGHTS, "unit", value) == stored


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        (360, Decimal("360.00")),
        (360.5, Decimal("360.50")),
        ("1,234.50", Decimal("1234.50")),
        ("๓๖๐", Decimal("360.00")),
        (-40, Decimal("-40.00")),
        (9_999_999_999.99, Decimal("9999999999.99")),
        (True, "!cell_type"),
        (dt.timedelta(minutes=5), "!cell_type"),
        (1e308, "!baht_range"),
        ("1e9999", "!baht_range"),
        (float("inf"), "!baht"),
        (float("nan"), "!baht"),
        ("NaN", "!baht"),
        ("٣٦٠", "!odd_digits"),
        ("360฿", "!baht"),
    ],
)
def test_amount_cells(value: object, stored: object) -> None:
    assert convert_one(LINES, "baht", value) == stored


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("ok", "ok"),
        (12, "12"),
        (12.0, "12"),
        (12.5, "12.5"),
        (D(2025, 1, 15), "2025-01-15"),
        (dt.datetime(2025, 1, 15, 10, 30), "2025-01-15T10:30:00"),
        (dt.timedelta(hours=1, minutes=30), "1:30:00"),
        (False, "0"),
    ],
)
def test_text_cells_of_any_type(value: object, stored: str) -> None:
    assert convert_one(RIGHTS, "free", value) == stored
