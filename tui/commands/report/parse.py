"""Reading `sitthi report`'s own options: dates, fiscal years and claim statuses."""

from __future__ import annotations

import argparse
import datetime as dt

from tui.cli import say


def add_fiscal_year_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--fiscal-year",
        type=parse_fiscal_year,
        default=None,
        metavar="N",
        help=say("cli.help.report.fiscal_year"),
    )


def add_kpi_options(parser: argparse.ArgumentParser) -> None:
    """The fiscal year, and `--fresh`: evaluate instead of reading the stored judgements."""
    add_fiscal_year_option(parser)
    parser.add_argument("--fresh", action="store_true", help=say("cli.help.judged.fresh"))


def add_claims_options(parser: argparse.ArgumentParser) -> None:
    add_fiscal_year_option(parser)
    parser.add_argument(
        "--status",
        type=parse_status,
        default=None,
        metavar="S",
        help=say("cli.help.report.status"),
    )


def parse_fiscal_year(text: str) -> int:
    """A Buddhist-era fiscal year such as 2568."""
    from store.thaidate import BE_OFFSET, BE_THRESHOLD

    value = text.strip()
    if not (value.isascii() and value.isdigit() and BE_THRESHOLD < int(value) < 3000):
        example = int(value) + BE_OFFSET if value.isdecimal() and len(value) == 4 else 2568
        raise argparse.ArgumentTypeError(
            say("cli.arg.fiscal_year", text=repr(text), example=example)
        )
    return int(value)


def parse_status(text: str) -> str:
    """A claim status name (any case)."""
    from store.pp.claims import ClaimStatus

    names = [s.value for s in ClaimStatus]
    value = text.strip().upper()
    if value not in names:
        raise argparse.ArgumentTypeError(
            say("cli.arg.status", text=repr(text), names=", ".join(names))
        )
    return value


def parse_as_of(text: str) -> dt.date:
    """`YYYY-MM-DD` or Thai `dd/mm/BBBB`; a Buddhist-era year (2568-01-15) is read as BE."""
    from tui.dates import date_argument

    return date_argument(text)
