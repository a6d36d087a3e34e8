"""Dates as Thai files and staff write them: CE in files, Buddhist era (BE = CE + 543) on screen."""

from __future__ import annotations

import datetime as dt
import re

BE_OFFSET = 543
BE_THRESHOLD = 2400

THAI_MONTHS_SHORT = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)

EXCEL_EPOCH = dt.date(1899, 12, 30)

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:\s.*)?$")


class DateError(ValueError):
    """A date that cannot be read."""


def _year(year: int) -> tuple[int, bool]:
    if year > BE_THRESHOLD:
        return year - BE_OFFSET, True
    return year, False


def parse_ymd(text: str) -> tuple[dt.date, bool]:
    """`YYYYMMDD` → (date, was_BE). Unknown day/month are exported as `0101`."""
    if len(text) != 8 or not text.isdigit():
        raise DateError(f"not a YYYYMMDD date: {text!r}")
    year, be = _year(int(text[:4]))
    try:
        return dt.date(year, int(text[4:6]), int(text[6:8])), be
    except ValueError as exc:
        raise DateError(f"no such date: {text!r}") from exc


def parse_ymdhms(text: str) -> tuple[dt.datetime, bool]:
    """`YYYYMMDDHHMMSS` (D_UPDATE) → (datetime, was_BE); a bare `YYYYMMDD` is midnight."""
    if len(text) == 8:
        day, be = parse_ymd(text)
        return dt.datetime(day.year, day.month, day.day), be
    if len(text) != 14 or not text.isdigit():
        raise DateError(f"not a YYYYMMDDHHMMSS timestamp: {text!r}")
    day, be = parse_ymd(text[:8])
    try:
        return dt.datetime(
            day.year, day.month, day.day, int(text[8:10]), int(text[10:12]), int(text[12:14])
        ), be
    except ValueError as exc:
        raise DateError(f"no such time: {text!r}") from exc


def parse_any_date(value: object) -> tuple[dt.date, bool]:
    """A date from an NHSO file: CE `YYYYMMDD`, ISO, Thai `dd/mm/yyyy`, or an Excel cell/serial."""
    if isinstance(value, dt.datetime):
        return _year_fixed(value.date())
    if isinstance(value, dt.date):
        return _year_fixed(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return EXCEL_EPOCH + dt.timedelta(days=int(value)), False
    text = str(value).strip()
    if text.isdigit() and len(text) == 8:
        return parse_ymd(text)
    if text.isdigit() and len(text) == 14:
        stamp, be = parse_ymdhms(text)
        return stamp.date(), be
    for pattern, order in ((_ISO, (1, 2, 3)), (_SLASHED, (3, 2, 1))):
        match = pattern.match(text)
        if match:
            year, be = _year(int(match.group(order[0])))
            try:
                return dt.date(year, int(match.group(order[1])), int(match.group(order[2]))), be
            except ValueError as exc:
                raise DateError(f"no such date: {text!r}") from exc
    raise DateError(f"not a date: {text!r}")


def _year_fixed(day: dt.date) -> tuple[dt.date, bool]:
    if day.year > BE_THRESHOLD:
        return day.replace(year=day.year - BE_OFFSET), True
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
