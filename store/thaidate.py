"""Dates as Thai files and staff write them: CE in files, Buddhist era (BE = CE + 543) on screen."""

from __future__ import annotations

import datetime as dt
import math
import re

BE_OFFSET = 543
BE_THRESHOLD = 2400
"""A year above this is a Buddhist-era year (CE 2400 is far away; BE 2400 was CE 1857)."""

THAI_MONTHS: tuple[tuple[str, str], ...] = (
    ("มกราคม", "ม.ค."),
    ("กุมภาพันธ์", "ก.พ."),
    ("มีนาคม", "มี.ค."),
    ("เมษายน", "เม.ย."),
    ("พฤษภาคม", "พ.ค."),
    ("มิถุนายน", "มิ.ย."),
    ("กรกฎาคม", "ก.ค."),
    ("สิงหาคม", "ส.ค."),
    ("กันยายน", "ก.ย."),
    ("ตุลาคม", "ต.ค."),
    ("พฤศจิกายน", "พ.ย."),
    ("ธันวาคม", "ธ.ค."),
)
"""The Thai months in order: full name and abbreviation (the one table of them)."""

THAI_MONTHS_SHORT = tuple(short for _full, short in THAI_MONTHS)

EXCEL_EPOCH = dt.date(1899, 12, 30)
EXCEL_SERIAL_LIMIT = 100_000
"""Excel serials of real dates are below this (day 100,000 is in 2173); a numeric cell of at
least `NUMERIC_YMD_FLOOR` is a `YYYYMMDD` date that a spreadsheet turned into a number."""
NUMERIC_YMD_FLOOR = 19_000_101

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
"""Thai digits → ASCII digits (Thai text writes dates, CIDs and amounts with either)."""

_TIME = r"[0-9]{1,2}[:.][0-9]{2}(?:[:.][0-9]{2}(?:\.[0-9]+)?)?"
_ISO = re.compile(
    rf"([0-9]{{4}})-([0-9]{{1,2}})-([0-9]{{1,2}})(?:[ T]{_TIME}(?:Z|[+-][0-9]{{2}}:?[0-9]{{2}})?)?"
)
_SLASHED = re.compile(rf"([0-9]{{1,2}})/([0-9]{{1,2}})/([0-9]{{4}})(?:\s+{_TIME}(?:\s*น\.)?)?")
_NAMED = re.compile(r"(?:([0-9]{1,2})\s*)?([^\s0-9][^0-9]*?)\s*(?:(?:พ|ค)\.\s?ศ\.\s*)?([0-9]{4})")
_MONTH_MARKS = str.maketrans("", "", ". ")


def _month_key(name: str) -> str:
    return name.translate(_MONTH_MARKS)


_MONTH_BY_NAME = {
    _month_key(name): number for number, names in enumerate(THAI_MONTHS, 1) for name in names
}
"""A month's full name or abbreviation, without dots and spaces (`มค`, `มกราคม`) → 1-12."""


class DateError(ValueError):
    """A date that cannot be read.

    Not a `SitthiError`: nobody reads it as it is. Its callers say what they were reading and
    turn it into their own catalogue message (a row issue of `sync.ingest.convert`, the command
    line's `cli.arg.date`), so its text is only for the developer."""


def _year(year: int) -> tuple[int, bool]:
    if year > BE_THRESHOLD:
        return year - BE_OFFSET, True
    return year, False


def ascii_digits(text: str) -> str | None:
    """`text` with Thai digits made ASCII; None when another script's digit remains (a
    superscript, a full-width digit, ...), which no Thai system writes on purpose."""
    mapped = text.translate(THAI_DIGITS)
    if not mapped.isascii() and any(ch.isdigit() and not ch.isascii() for ch in mapped):
        return None
    return mapped


def _ascii_digits(text: str) -> str:
    mapped = ascii_digits(text)
    if mapped is None:
        raise DateError("digits other than 0-9 and Thai digits")
    return mapped


def _is_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _day(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise DateError("no such date") from exc


def parse_ymd(text: str) -> tuple[dt.date, bool]:
    """`YYYYMMDD` → (date, was_BE). Unknown day/month are exported as `0101`.

    Messages of the errors raised never quote the value: it may be a birth date.
    """
    text = _ascii_digits(text)
    if len(text) != 8 or not _is_digits(text):
        raise DateError("not a YYYYMMDD date")
    year, be = _year(int(text[:4]))
    return _day(year, int(text[4:6]), int(text[6:8])), be


def parse_ymdhms(text: str) -> tuple[dt.datetime, bool]:
    """`YYYYMMDDHHMMSS` (D_UPDATE) → (datetime, was_BE); a bare `YYYYMMDD` is midnight."""
    text = _ascii_digits(text)
    if len(text) == 8:
        day, be = parse_ymd(text)
        return dt.datetime(day.year, day.month, day.day), be
    if len(text) != 14 or not _is_digits(text):
        raise DateError("not a YYYYMMDDHHMMSS timestamp")
    day, be = parse_ymd(text[:8])
    try:
        return dt.datetime(
            day.year, day.month, day.day, int(text[8:10]), int(text[10:12]), int(text[12:14])
        ), be
    except ValueError as exc:
        raise DateError("no such time") from exc


def parse_any_date(value: object) -> tuple[dt.date, bool]:
    """A date from an NHSO file or a spreadsheet cell → (date, was_BE).

    Read: date and datetime cells; numbers (a `YYYYMMDD` or `YYYYMMDDHHMMSS` turned into a
    number when at least 19000101, else an Excel serial below 100,000); text `YYYYMMDD`,
    `YYYYMMDDHHMMSS`, ISO `YYYY-MM-DD` (with a time), `dd/mm/yyyy` (with `hh:mm:ss`), and
    Thai `15 ม.ค. 2568`, `15 มกราคม 2568`, `กันยายน 2524` (a month alone is its first day).
    Thai digits are read as digits. A year above 2400 is Buddhist era. DateError otherwise
    (durations, booleans, other scripts' digits).
    """
    if isinstance(value, dt.datetime):
        return _year_fixed(value.date())
    if isinstance(value, dt.date):
        return _year_fixed(value)
    if isinstance(value, bool | dt.timedelta):
        raise DateError("not a date")
    if isinstance(value, int | float):
        return _number_date(value)
    text = " ".join(_ascii_digits(str(value)).split())
    if _is_digits(text) and len(text) == 8:
        return parse_ymd(text)
    if _is_digits(text) and len(text) == 14:
        stamp, be = parse_ymdhms(text)
        return stamp.date(), be
    return _text_date(text)


def _number_date(value: float) -> tuple[dt.date, bool]:
    if not math.isfinite(value):
        raise DateError("not a date")
    if value >= NUMERIC_YMD_FLOOR:
        if not float(value).is_integer():
            raise DateError("not a date")
        digits = str(int(value))
        if len(digits) == 14:
            stamp, be = parse_ymdhms(digits)
            return stamp.date(), be
        return parse_ymd(digits)
    if 1 <= value < EXCEL_SERIAL_LIMIT:
        return EXCEL_EPOCH + dt.timedelta(days=int(value)), False
    raise DateError("a number that is neither a YYYYMMDD date nor an Excel date")


def _text_date(text: str) -> tuple[dt.date, bool]:
    match = _ISO.fullmatch(text)
    if match:
        year, be = _year(int(match.group(1)))
        return _day(year, int(match.group(2)), int(match.group(3))), be
    match = _SLASHED.fullmatch(text)
    if match:
        year, be = _year(int(match.group(3)))
        return _day(year, int(match.group(2)), int(match.group(1))), be
    match = _NAMED.fullmatch(text)
    if match:
        month = _MONTH_BY_NAME.get(_month_key(match.group(2)))
        if month is not None:
            year, be = _year(int(match.group(3)))
            return _day(year, month, int(match.group(1) or 1)), be
    raise DateError("not a date")


def _year_fixed(day: dt.date) -> tuple[dt.date, bool]:
    if day.year > BE_THRESHOLD:
        return _day(day.year - BE_OFFSET, day.month, day.day), True
    return day, False


def fiscal_year(day: dt.date) -> int:
    """Thai fiscal year (BE) containing the day: 1 Oct 2024 .. 30 Sep 2025 is 2568."""
    return day.year + BE_OFFSET + (1 if day.month >= 10 else 0)


def fiscal_year_bounds(year_be: int) -> tuple[dt.date, dt.date]:
    """First and last day of a Thai fiscal year."""
    end_ce = year_be - BE_OFFSET
    return dt.date(end_ce - 1, 10, 1), dt.date(end_ce, 9, 30)


def age_on(birth: dt.date, day: dt.date) -> int:
    """Completed years on a day."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def format_be(day: dt.date) -> str:
    """`15 ม.ค. 2568`."""
    return f"{day.day} {THAI_MONTHS_SHORT[day.month - 1]} {day.year + BE_OFFSET}"
