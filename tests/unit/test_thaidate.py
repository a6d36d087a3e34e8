from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from store.thaidate import (
    BE_OFFSET,
    EXCEL_EPOCH,
    THAI_MONTHS,
    THAI_MONTHS_SHORT,
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


# --- every form of 7.1, as properties -----------------------------------------------------------

THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
ODD_DIGITS = ("²", "５", "٣", "७")
"""A superscript, a full-width, an Arabic-Indic and a Devanagari digit."""
_DAYS = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2172, 12, 31))


def _forms(day: dt.date) -> list[tuple[object, bool]]:
    """Each way a file writes `day`, and whether its year is Buddhist era."""
    be = day.year + BE_OFFSET
    full, short = THAI_MONTHS[day.month - 1]
    return [
        (f"{day:%Y%m%d}", False),
        (f"{be}{day:%m%d}", True),
        (f"{day:%Y%m%d}093015", False),
        (day.isoformat(), False),
        (f"{day.isoformat()} 09:30:15", False),
        (f"{day:%d/%m}/{be}", True),
        (f"{day.day}/{day.month}/{be} 09:30:15", True),
        (f"{day.day} {short} {be}", True),
        (f"{day.day} {full} {be}", True),
        (f"{day.day}{short}{be}", True),
        (f"{day:%d/%m}/{be}".translate(THAI_DIGITS), True),
        (int(f"{day:%Y%m%d}"), False),
        (int(f"{be}{day:%m%d}"), True),
        (float(f"{day:%Y%m%d}"), False),
        (int(f"{day:%Y%m%d}093015"), False),
        ((day - EXCEL_EPOCH).days, False),
        (float((day - EXCEL_EPOCH).days) + 0.5, False),
        (day, False),
        (dt.datetime.combine(day, dt.time(9, 30)), False),
    ]


@given(_DAYS)
def test_every_written_form_of_a_date_reads_as_that_date(day: dt.date) -> None:
    for value, be in _forms(day):
        assert parse_any_date(value) == (day, be), value


@given(_DAYS)
def test_a_month_and_year_alone_is_the_first_of_the_month(day: dt.date) -> None:
    full, short = THAI_MONTHS[day.month - 1]
    first = day.replace(day=1)
    assert parse_any_date(f"{full} {day.year + BE_OFFSET}") == (first, True)
    assert parse_any_date(f"{short} {day.year + BE_OFFSET}") == (first, True)


@given(_DAYS)
def test_the_thai_display_form_reads_back(day: dt.date) -> None:
    assert parse_any_date(format_be(day)) == (day, True)


@given(_DAYS, st.sampled_from(ODD_DIGITS), st.integers(min_value=0, max_value=7))
def test_a_digit_of_another_script_is_never_read_as_a_date(
    day: dt.date, odd: str, where: int
) -> None:
    text = f"{day:%Y%m%d}"
    with pytest.raises(DateError):
        parse_any_date(text[:where] + odd + text[where + 1 :])
    with pytest.raises(DateError):
        parse_ymd(text[:where] + odd + text[where + 1 :])


@given(
    st.one_of(
        st.text(),
        st.text(alphabet="0123456789/-: .๐๑๒๓๔๕๖๗๘๙²５มกราคมย", max_size=24),
        st.integers(),
        st.floats(allow_nan=True, allow_infinity=True),
        st.booleans(),
        st.timedeltas(),
    )
)
def test_anything_else_is_a_date_error_never_another_exception(value: object) -> None:
    try:
        day, _be = parse_any_date(value)
    except DateError:
        return
    assert dt.date(1, 1, 1) <= day


def test_a_number_from_19000101_is_a_yyyymmdd_not_an_excel_serial() -> None:
    assert parse_any_date(19000101) == (dt.date(1900, 1, 1), False)
    assert parse_any_date(25680910.0) == (dt.date(2025, 9, 10), True)
    for number in (0, -5, 100_000, 19_000_100, 20250115.5, 1e308):
        with pytest.raises(DateError):
            parse_any_date(number)


def test_one_table_of_thai_month_names_without_duplicates() -> None:
    names = [name for month in THAI_MONTHS for name in month]
    assert len(THAI_MONTHS) == 12
    assert len(set(names)) == len(names) == 24
    assert THAI_MONTHS_SHORT[0] == "ม.ค."


def test_29_february_of_a_be_leap_year_that_is_no_ce_leap_year_is_no_date() -> None:
    for value in (dt.date(2568, 2, 29), "29/02/2568", "25680229"):
        with pytest.raises(DateError):
            parse_any_date(value)
    assert parse_any_date("29/02/2567") == (dt.date(2024, 2, 29), True)
