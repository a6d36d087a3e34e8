"""Rule inputs without a store: one person's facts for the rights-gap rules (`store.rights.rules`),
a registered Thai member of the unit unless a test changes a field."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from store.rights.rules import CardFact, GapRules, NhsoFact, PersonFacts
from tests.support.gaps_data import AS_OF, UNIT, make_cid

RULES = GapRules(
    responsible_typeareas=frozenset({"1", "3"}),
    thai_nations=frozenset({"099", "99"}),
    unchecked_after_days=90,
)
DAY = dt.timedelta(days=1)
CHECKED = AS_OF - 10 * DAY
IMPORTED = dt.datetime(2025, 1, 1, 8, 0, tzinfo=dt.UTC)
UPDATED = dt.datetime(2024, 6, 1, 9, 0)

# The builders below take `**fields: Any` because they hand them to `dataclasses.replace`, which
# mypy checks against the dataclass's own fields (name and type) at each call site.


def nhso(maininscl: str = "UCS", **fields: Any) -> NhsoFact:
    base = NhsoFact(maininscl=maininscl, checked_on=CHECKED, imported_at=IMPORTED, hsub=UNIT)
    return dataclasses.replace(base, **fields)


def card(instype: str = "0100", **fields: Any) -> CardFact:
    return dataclasses.replace(CardFact(instype=instype, d_update=UPDATED), **fields)


def person(**changes: Any) -> PersonFacts:
    """A Thai member of the unit with a current UC right at the unit: no gaps."""
    base = PersonFacts(
        hospcode=UNIT,
        pid="101",
        cid=make_cid(101),
        name="สมชาย",
        lname="ใจดี",
        nation="099",
        typearea="1",
        discharge="9",
        cards=(card(),),
        nhso=(nhso(),),
    )
    return dataclasses.replace(base, **changes)
