"""The district (อำเภอ) of each unit: set in the facility table, else derived from its villages.

A district is named by its AMPUR code as the 43 files write it: the changwat and the ampur, two
digits each (the first four digits of a VID). No code table of districts ships with Sitthi, so a
district's Thai name is whatever `sitthi facility set --district-name` gave it; a name given for
one unit of a district serves every unit with the same code.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlalchemy import Connection, func, insert, select, update

from store import models

_TABLES = models.SQLModel.metadata.tables
FACILITY = _TABLES["facility"]
VILLAGE = _TABLES["village"]

DISTRICT_CODE = re.compile(r"\d{4}")
DISTRICT_WIDTH = 4
"""Changwat (2 digits) and ampur (2 digits)."""


@dataclass(frozen=True)
class District:
    code: str
    name: str
    """The district's Thai name where one was given, else blank."""
    derived: bool
    """True when the code comes from the unit's villages, not from the facility table."""

    @property
    def label(self) -> str:
        """What a screen shows: the name, else the code."""
        return self.name or self.code


NO_DISTRICT = District("", "", derived=False)
"""A unit whose district is not known."""


def is_district_code(text: str) -> bool:
    return DISTRICT_CODE.fullmatch(text) is not None


def unit_districts(conn: Connection) -> dict[str, District]:
    """Every unit whose district is known: its own setting, else the district most of its
    villages lie in (ties to the lower code)."""
    facilities = list(
        conn.execute(select(FACILITY.c.hospcode, FACILITY.c.district, FACILITY.c.district_name))
    )
    names: dict[str, str] = {}
    for row in facilities:
        if row.district and row.district_name:
            names.setdefault(row.district, row.district_name)
    districts = {
        row.hospcode: District(
            row.district, row.district_name or names.get(row.district, ""), False
        )
        for row in facilities
        if row.district
    }
    for hospcode, code in _village_districts(conn).items():
        if hospcode not in districts:
            districts[hospcode] = District(code, names.get(code, ""), True)
    return districts


def _village_districts(conn: Connection) -> dict[str, str]:
    prefix = func.substr(VILLAGE.c.vid, 1, DISTRICT_WIDTH).label("code")
    query = (
        select(VILLAGE.c.hospcode, prefix, func.count().label("villages"))
        .where(func.length(VILLAGE.c.vid) >= DISTRICT_WIDTH)
        .group_by(VILLAGE.c.hospcode, prefix)
    )
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for row in conn.execute(query):
        if is_district_code(row.code):
            counts[row.hospcode][row.code] += row.villages
    return {
        hospcode: min(found, key=lambda code: (-found[code], code))
        for hospcode, found in counts.items()
    }


def save_district(conn: Connection, hospcode: str, code: str, name: str | None = None) -> None:
    """Set a unit's district (and, if given, the district's name), creating its row if new."""
    values: dict[str, str] = {"district": code}
    if name is not None:
        values["district_name"] = name
    known = conn.execute(select(FACILITY.c.hospcode).where(FACILITY.c.hospcode == hospcode))
    if known.first() is None:
        conn.execute(insert(FACILITY).values(hospcode=hospcode, **values))
    else:
        conn.execute(update(FACILITY).where(FACILITY.c.hospcode == hospcode).values(**values))
