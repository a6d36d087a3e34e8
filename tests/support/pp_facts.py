"""PP rule inputs without a store: services of one unit and the woman they were given to."""

from __future__ import annotations

import datetime as dt

from store.cid import check_digit
from store.pp.eligibility import Person, Service

UNIT = "10001"
T0 = dt.datetime(2025, 3, 1, 2, 0, tzinfo=dt.UTC)


def make_cid(n: int) -> str:
    first12 = f"1{n:011d}"
    return first12 + str(check_digit(first12))


WOMAN = Person(sex="2", birth=dt.date(1985, 6, 15), thai=True, cid=make_cid(1))


def service(
    source: str,
    day: dt.date,
    fields: dict[str, str] | None = None,
    *,
    pid: str = "1",
    hospcode: str = UNIT,
    seq: str = "",
    gravida: str = "1",
    related: dt.date | None = None,
) -> Service:
    seq = seq or f"{day:%Y%m%d}{source}"
    return Service(source, hospcode, pid, seq, day, fields or {}, gravida, related, id=seq)
