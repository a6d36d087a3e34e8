"""What every list of persons shares: the unit's and volunteers' names, phones when the unit
allows them, grouping by village or volunteer, and houses in house-number order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import Connection, select

from exporters.document import Cell, Column
from exporters.files import ExportError
from store.cid import format_cid, mask_cid
from store.codes import setting
from store.i18n import message, render
from store.kpi import natural_key
from store.models import SQLModel
from store.rights.inputs import MOO, village_name, village_number
from store.rights.rules import PersonFacts
from store.thaidate import age_on

_TABLES = SQLModel.metadata.tables
PERSON = _TABLES["person"]
FACILITY = _TABLES["facility"]
HOUSE = _TABLES["house"]

T = TypeVar("T")
VillageKey = tuple[str, str]
"""A village of the lists: (hospcode, village name as `PersonFacts.village` holds it)."""


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
    """Who and where the sheet is for, in the page header: the village, or the volunteer and
    their villages; then the unit when the list spans several units."""


def _village(person: PersonFacts, context: ListContext) -> str:
    return person.village or context.t("export.no_village")


def group_key(person: PersonFacts, by: Grouping) -> str:
    return f"{person.hospcode}/{person.volunteer if by is Grouping.VOLUNTEER else person.village}"


def describe_group(
    members: Sequence[PersonFacts], by: Grouping, context: ListContext, *, units: bool
) -> Group:
    """The sheet of one village's or one volunteer's persons (all of one unit). With `units`
    (a list of several units) its name starts with the unit's code and its header ends with the
    unit's code and name (after the village, so that a long unit name is what gets shortened)."""
    first = members[0]
    if by is Grouping.VOLUNTEER:
        if first.volunteer:
            name = context.t("export.volunteer_sheet", name=context.volunteer(first))
            villages = sorted({_village(m, context) for m in members}, key=natural_key)
            place = context.t("export.volunteer_place", name=name, villages=", ".join(villages))
        else:
            name = place = context.t("export.no_volunteer")
    else:
        name = _village(first, context)
        named = not name.startswith(MOO)  # "หมู่ 3" (no VILLANAME) needs no "village" before it
        place = context.t("export.village_place", village=name) if named else name
    if units:
        name = f"{first.hospcode} {name}"
        place = f"{place} · {context.unit_label(first.hospcode)}"
    return Group(group_key(first, by), name, place)


def grouped(
    items: Iterable[T],
    person: Callable[[T], PersonFacts],
    by: Grouping,
    context: ListContext,
    *,
    units: bool = False,
) -> list[tuple[Group, list[T]]]:
    """Items by village (natural order) or volunteer (by name), houses in number order; by unit
    first. `units`: the list spans several units (see `describe_group`)."""
    found: dict[str, list[T]] = {}
    for item in items:
        found.setdefault(group_key(person(item), by), []).append(item)
    groups = [
        (describe_group([person(m) for m in members], by, context, units=units), members)
        for members in found.values()
    ]
    ordered = sorted(groups, key=lambda pair: _group_order(pair[0], by))
    return [
        (group, sorted(members, key=lambda i: house_key(person(i)))) for group, members in ordered
    ]


def _group_order(group: Group, by: Grouping) -> tuple[str, bool, list[Any]]:
    unit, _, rest = group.key.partition("/")
    missing = not rest
    if by is Grouping.VOLUNTEER:
        return unit, missing, [group.name.casefold()]
    return unit, missing, natural_key(rest)


def volunteer_column(by: Grouping, context: ListContext) -> list[Column]:
    """A village's sheet names each house's volunteer (a village has several); a volunteer's
    sheet needs no such column."""
    return [Column(context.t("export.col.volunteer"), 18)] if by is Grouping.VILLAGE else []


def volunteer_cell(person: PersonFacts, by: Grouping, context: ListContext) -> list[Cell]:
    return [context.volunteer(person)] if by is Grouping.VILLAGE else []


@dataclass(frozen=True)
class Village:
    """A village as the houses name it: its name in the lists, its VID and number (หมู่ที่)."""

    hospcode: str
    name: str
    vid: str

    @property
    def number(self) -> int | None:
        return village_number(self.vid)

    def label(self, units: bool) -> str:
        """`หมู่ 1 บ้านเหนือ (30020101)`, the unit's code first on a store of several."""
        number = (
            f"{MOO} {self.number} " if self.number and self.name != f"{MOO} {self.number}" else ""
        )
        vid = f" ({self.vid})" if self.vid else ""
        text = f"{number}{self.name}{vid}"
        return f"{self.hospcode} {text}" if units else text


def known_villages(conn: Connection, hospcode: str | None) -> list[Village]:
    """The villages the unit's houses (every unit's without `hospcode`) are in."""
    query = select(HOUSE.c.hospcode, HOUSE.c.villaname, HOUSE.c.vid).distinct()
    if hospcode is not None:
        query = query.where(HOUSE.c.hospcode == hospcode)
    found = {
        Village(r.hospcode, village_name(r.villaname, r.vid), (r.vid or "").strip())
        for r in conn.execute(query)
    }
    villages = [v for v in found if v.name]
    return sorted(villages, key=lambda v: (v.hospcode, natural_key(v.vid), v.name))


def resolve_village(conn: Connection, hospcode: str | None, asked: str) -> frozenset[VillageKey]:
    """The villages `--village` names: by name, VID, or number (หมู่ที่, "3" or "หมู่ 3") when
    that number is one village's (one VID of one unit); else ExportError listing the villages
    there are."""
    villages = known_villages(conn, hospcode)
    text = asked.strip()
    named = {(v.hospcode, v.name) for v in villages if text in (v.name, v.vid)}
    if named:
        return frozenset(named)
    number = _village_number(text)
    numbered = [v for v in villages if number and v.number == number]
    if len({(v.hospcode, v.vid) for v in numbered}) == 1:  # one village, maybe under two names
        return frozenset((v.hospcode, v.name) for v in numbered)
    units = len({v.hospcode for v in villages}) > 1
    listed = _listing([v.label(units) for v in numbered or villages])
    key = "export.ambiguous_village" if numbered else "export.unknown_village"
    count = len(numbered or villages)
    raise ExportError(message(key, village=asked, villages=listed, count=count))


LISTED_MAX = 30
"""A refusal names at most this many villages or volunteers, then how many more there are."""


def _listing(labels: Sequence[str]) -> str:
    """The first `LISTED_MAX` labels, "…" when there are more (the message says how many)."""
    shown = ", ".join(labels[:LISTED_MAX]) or "-"
    return shown if len(labels) <= LISTED_MAX else f"{shown}, …"


def _village_number(text: str) -> int | None:
    digits = text.removeprefix(MOO).removeprefix("ม.").strip()
    return int(digits) if digits.isascii() and digits.isdigit() and int(digits) > 0 else None


def resolve_volunteer(conn: Connection, hospcode: str | None, asked: str) -> str:
    """`--volunteer` as a VHVID some house names; else ExportError listing the VHVIDs there
    are (ids only: a volunteer's name is personal data)."""
    query = select(HOUSE.c.vhvid).distinct().where(HOUSE.c.vhvid != "")
    if hospcode is not None:
        query = query.where(HOUSE.c.hospcode == hospcode)
    known = sorted({v for v in conn.execute(query).scalars() if v}, key=natural_key)
    if asked.strip() in known:
        return asked.strip()
    raise ExportError(
        message(
            "export.unknown_volunteer",
            volunteer=asked,
            volunteers=_listing(known),
            count=len(known),
        )
    )


def selected(
    persons: Sequence[T],
    person: Callable[[T], PersonFacts],
    *,
    villages: frozenset[VillageKey] | None = None,
    volunteer: str | None = None,
) -> list[T]:
    """Only the villages (`resolve_village`) and/or the volunteer (VHVID) asked for."""
    return [
        item
        for item in persons
        if (villages is None or (person(item).hospcode, person(item).village) in villages)
        and (volunteer is None or person(item).volunteer == volunteer)
    ]
