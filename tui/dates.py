"""Dates as people type them, one parser for the command line and the app.

ISO `2025-06-30` and Thai `30/06/2568` (day/month/Buddhist-era year, the way a centre writes
dates on paper); a year above 2400 in the ISO form is read as Buddhist era too (`2568-06-30`).
A slashed date with a Christian-era year (`30/06/2025`) is refused: in that form a centre
always means the Buddhist era, and a CE year there is more likely a slip than a choice.
The calendar work is `store.thaidate`'s; this module only decides which typed shapes count as a
date, so a number such as `20250630` or an Excel serial (accepted in files) is not.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re

from store.i18n import Message, message

_ISO = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
_THAI = re.compile(r"\d{1,2}/\d{1,2}/(\d{4})")


def read_typed_date(text: str) -> dt.date | Message:
    """The date in `text`, or the message saying why it is not one."""
    from store.thaidate import BE_THRESHOLD, DateError, parse_any_date

    value = text.strip()
    thai = _THAI.fullmatch(value)
    if not (_ISO.fullmatch(value) or (thai and int(thai.group(1)) > BE_THRESHOLD)):
        return message("cli.arg.date", text=repr(text))
    try:
        day, _was_be = parse_any_date(value)
    except DateError:
        return message("cli.arg.no_such_date", text=repr(text))
    return day


def date_argument(text: str) -> dt.date:
    """An argparse `type=` for every command option that takes a date."""
    from tui.cli import language

    day = read_typed_date(text)
    if isinstance(day, Message):
        raise argparse.ArgumentTypeError(day.render(language()))
    return day
