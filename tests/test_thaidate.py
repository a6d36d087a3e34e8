from __future__ import annotations

import datetime as dt

import pytest

from store.thaidate import (
    DateError,
    age_on,
    fiscal_year,
    fiscal_year_bounds,
    format_be,
    parse_any_date,
    parse_ymd,
    parse_ymdhms,
)


def test_ce_dates_read_as_they_are() -> None:
    assert parse_ymd("20250115") == (dt.date(2025, 1, 15), False)


def test_be_years_are_corrected_and_flagged() -> None:
    assert parse_ymd("25680115") == (dt.date(2025, 1, 15), True)
    assert parse_ymdhms("25680115093000") == (dt.datetime(2025, 1, 15, 9, 30), True)


@pytest.mark.parametrize("text", ["2025011", "20251301", "20250230", "abcdefgh", ""])
def test_bad_dates_raise(text: str) -> None:
    with pytest.raises(DateError):
        parse_ymd(text)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-01-15", (dt.date(2025, 1, 15), False)),
        ("15/01/2568", (dt.date(2025, 1, 15), True)),
        ("20250115", (dt.date(2025, 1, 15), False)),
        (dt.datetime(2568, 1, 15), (dt.date(2025, 1, 15), True)),
        (45672, (dt.date(2025, 1, 15), False)),
    ],
)
def test_nhso_date_forms(value: object, expected: tuple[dt.date, bool]) -> None:
    assert parse_any_date(value) == expected


def test_fiscal_year_runs_october_to_september_named_by_its_be_end_year() -> None:
    assert fiscal_year(dt.date(2024, 10, 1)) == 2568
    assert fiscal_year(dt.date(2025, 9, 30)) == 2568
    assert fiscal_year(dt.date(2024, 9, 30)) == 2567
    assert fiscal_year_bounds(2568) == (dt.date(2024, 10, 1), dt.date(2025, 9, 30))


def test_age_counts_completed_years() -> None:
    assert age_on(dt.date(1965, 3, 10), dt.date(2025, 3, 9)) == 59
    assert age_on(dt.date(1965, 3, 10), dt.date(2025, 3, 10)) == 60


def test_be_display() -> None:
    assert format_be(dt.date(2025, 1, 15)) == "15 ม.ค. 2568"
