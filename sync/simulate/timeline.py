"""Dates and timestamps of the synthetic centre, all counted back from `today`."""

from __future__ import annotations

import datetime as dt
import random

OFFICE_OPENS = dt.time(8, 0)
OFFICE_SECONDS = 8 * 3600 + 30 * 60


def birth_for_age(rng: random.Random, age: int, today: dt.date) -> dt.date:
    """A birth date on which the person is `age` completed years old on `today`."""
    latest = _years_before(today, age)
    earliest = _years_before(today, age + 1) + dt.timedelta(days=1)
    return earliest + dt.timedelta(days=rng.randint(0, (latest - earliest).days))


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def days_before(rng: random.Random, day: dt.date, span: tuple[int, int]) -> dt.date:
    """A day between `span[1]` and `span[0]` days before `day`."""
    return day - dt.timedelta(days=rng.randint(*span))


def days_after(rng: random.Random, day: dt.date, span: tuple[int, int]) -> dt.date:
    """A day between `span[0]` and `span[1]` days after `day`."""
    return day + dt.timedelta(days=rng.randint(*span))


def office_stamp(rng: random.Random, earliest: dt.date, latest: dt.datetime) -> dt.datetime:
    """A moment in office hours between the morning of `earliest` and `latest`."""
    first = min(earliest, latest.date())
    day = first + dt.timedelta(days=rng.randint(0, (latest.date() - first).days))
    stamp = dt.datetime.combine(day, OFFICE_OPENS) + dt.timedelta(
        seconds=rng.randrange(OFFICE_SECONDS)
    )
    return min(stamp, latest)
