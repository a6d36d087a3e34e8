"""Reading `sitthi report`'s own options: dates, fiscal years and claim statuses."""

from __future__ import annotations

import argparse
import datetime as dt
import re

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def add_fiscal_year_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--fiscal-year",
        type=parse_fiscal_year,
        default=None,
        metavar="N",
        help="Thai fiscal year (Buddhist era, e.g. 2568) of the PP figures "
        "(default: the fiscal year of the as-of date)",
    )


def add_claims_options(parser: argparse.ArgumentParser) -> None:
    add_fiscal_year_option(parser)
    parser.add_argument(
        "--status",
        type=parse_status,
        default=None,
        metavar="S",
        help="only claims in this status: NOT_ELIGIBLE, UNCLAIMED, PENDING, PAID, PARTIAL "
        "or DENIED",
    )


def parse_fiscal_year(text: str) -> int:
    """A Buddhist-era fiscal year such as 2568."""
    from store.thaidate import BE_OFFSET, BE_THRESHOLD

    value = text.strip()
    if not (value.isascii() and value.isdigit() and BE_THRESHOLD < int(value) < 3000):
        example = int(value) + BE_OFFSET if value.isdigit() and len(value) == 4 else 2568
        raise argparse.ArgumentTypeError(
            f"not a fiscal year {text!r}: use the Buddhist-era year, e.g. {example}"
        )
    return int(value)


def parse_status(text: str) -> str:
    """A claim status name (any case)."""
    from store.pp.claims import ClaimStatus

    names = [s.value for s in ClaimStatus]
    value = text.strip().upper()
    if value not in names:
        raise argparse.ArgumentTypeError(f"no claim status {text!r}: use one of {', '.join(names)}")
    return value


def parse_as_of(text: str) -> dt.date:
    """`YYYY-MM-DD`; a Buddhist-era year (e.g. 2568-01-15) is read as BE."""
    from store.thaidate import DateError, parse_any_date

    if not _ISO_DATE.fullmatch(text.strip()):
        raise argparse.ArgumentTypeError(f"not a date {text!r}: use YYYY-MM-DD, e.g. 2025-01-15")
    try:
        day, _ = parse_any_date(text.strip())
    except DateError as exc:
        raise argparse.ArgumentTypeError(f"no such date {text!r}") from exc
    return day
