"""What every list of persons shares: the unit's and volunteers' names, phones when the unit
allows them, grouping by village or volunteer, and houses in house-number order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import Connection, select

from store.cid import format_cid, mask_cid
from store.codes import setting
from store.i18n import render
from store.kpi import natural_key
from store.models import SQLModel
from store.rights.rules import PersonFacts
from store.thaidate import age_on

_TABLES = SQLModel.metadata.tables
PERSON = _TABLES["person"]
FACILITY = _TABLES["facility"]

T = TypeVar("T")


class Grouping(StrEnum):
    """One sheet (and printed page group) per village, or per village health volunteer."""

    VILLAGE = "village"
    VOLUNTEER = "volunteer"


@dataclass(frozen=True)
class ListContext:
    """Names and numbers a list shows beside the rules' facts."""

    as_of: dt.date
    lang: str
    show_cid: bool
    unit_names: dict[str, str]
    volunteer_names: dict[tuple[str, str], str]
    phones: dict[tuple[str, str], str] | None
    """Phone by (hospcode, pid); None when the unit does not allow phones on lists."""

    def t(self, key: str, **params: object) -> str:
        return render(key, self.lang, **params)

    def unit_label(self, hospcode: str | None) -> str:
        if hospcode is None:
            return self.t("export.all_units")
        name = self.unit_names.get(hospcode, "")
        return f"{hospcode} {name}".strip()

    def cid(self, cid: str) -> str:
        return format_cid(cid) if self.show_cid else mask_cid(cid)

    def age(self, person: PersonFacts) -> int | None:
        return age_on(person.birth, self.as_of) if person.birth else None

    def phone(self, person: PersonFacts) -> str:
        if self.phones is None:
            return ""
        return self.phones.get((person.hospcode, person.pid), "")

    def volunteer(self, person: PersonFacts) -> str:
        """The volunteer's name when VHVID names a person of the unit, else the VHVID."""
        if not person.volunteer:
            return ""
        name = self.volunteer_names.get((person.hospcode, person.volunteer), "")
        return name or person.volunteer


def unit_of_store(conn: Connection, hospcode: str | None) -> str | None:
    """The unit an export is of: the one asked for, else the store's only unit (a centre's),
    else None (every unit of a province's store)."""
    if hospcode is not None:
        return hospcode
    from store.rights.inputs import unit_hospcodes

    units = unit_hospcodes(conn)
    return units[0] if len(units) == 1 else None


def phones_allowed() -> bool:
    """The unit allows phone numbers on printed lists (setting `export_show_phone`)."""
    return setting("export_show_phone").strip() == "1"


def load_context(
    conn: Connection,
    as_of: dt.date,
    hospcode: str | None,
    *,
    lang: str = "th",
    show_cid: bool = False,
) -> ListContext:
    """Unit names, volunteer names (VHVID read as the volunteer's PID) and, when allowed, phones."""
    units = {r.hospcode: r.name for r in conn.execute(select(FACILITY.c.hospcode, FACILITY.c.name))}
    query = select(
        PERSON.c.hospcode,
        PERSON.c.pid,
        PERSON.c.name,
        PERSON.c.lname,
        PERSON.c.mobile,
        PERSON.c.telephone,
    )
    if hospcode is not None:
        query = query.where(PERSON.c.hospcode == hospcode)
    names: dict[tuple[str, str], str] = {}
    phones: dict[tuple[str, str], str] | None = {} if phones_allowed() else None
    for row in conn.execute(query):
        key = (row.hospcode, row.pid)
        names[key] = " ".join(p for p in (row.name, row.lname) if p)
        if phones is not None:
            phones[key] = row.mobile or row.telephone or ""
    return ListContext(as_of, lang, show_cid, units, names, phones)


def house_key(person: PersonFacts) -> tuple[list[Any], list[Any], str]:
    """House-number order within a village ("2" < "10", "12" < "12/3" < "13"), then name."""
    return natural_key(person.house_no), natural_key(person.hid), person.full_name


@dataclass(frozen=True)
class Group:
    key: str
    name: str
    """Sheet name."""
    place: str
    """Village and volunteer for the page header."""


def group_of(person: PersonFacts, by: Grouping, context: ListContext) -> Group:
    village = person.village or context.t("export.no_village")
    volunteer = context.volunteer(person)
    if by is Grouping.VOLUNTEER:
        if not person.volunteer:
            name = context.t("export.no_volunteer")
            return Group(f"{person.hospcode}/", name, name)
        label = context.t("export.volunteer_sheet", name=volunteer)
        return Group(f"{person.hospcode}/{person.volunteer}", label, label)
    place = village
    if volunteer:
        place += " · " + context.t("export.volunteer_sheet", name=volunteer)
    return Group(f"{person.hospcode}/{person.village}", village, place)


def grouped(
    items: Iterable[T],
    person: Callable[[T], PersonFacts],
    by: Grouping,
    context: ListContext,
) -> list[tuple[Group, list[T]]]:
    """Items by village (natural order) or volunteer (by name), houses in number order."""
    groups: dict[str, tuple[Group, list[T]]] = {}
    for item in items:
        group = group_of(person(item), by, context)
        groups.setdefault(group.key, (group, []))[1].append(item)
    ordered = sorted(groups.values(), key=lambda pair: _group_order(pair[0], by))
    return [
        (group, sorted(members, key=lambda i: house_key(person(i)))) for group, members in ordered
    ]


def _group_order(group: Group, by: Grouping) -> tuple[bool, list[Any]]:
    unit, _, rest = group.key.partition("/")
    missing = not rest
    if by is Grouping.VOLUNTEER:
        return missing, [unit, group.name.casefold()]
    return missing, [unit, *natural_key(rest)]


def selected(
    persons: Sequence[T],
    person: Callable[[T], PersonFacts],
    *,
    village: str | None = None,
    volunteer: str | None = None,
) -> list[T]:
    """Only the village (its name) and/or the volunteer (VHVID) asked for."""
    return [
        item
        for item in persons
        if (village is None or person(item).village == village)
        and (volunteer is None or person(item).volunteer == volunteer)
    ]
