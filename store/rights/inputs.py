"""Loading the rights-gap rules' inputs from the store, one unit at a time.

Each unit costs a fixed handful of set-based queries (persons with their houses, CARD rows,
DEATH rows, the NHSO records of the unit's CIDs, partner units), never one query per person, and
only one unit's facts are in memory at a time, so a province's store streams through in order.
Each query's rows are fetched at once (`.all()`): one unit's rows are few, and fetching them one
by one cost a third of the loading time on PostgreSQL.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import Connection, and_, delete, func, insert, select, update

from store import models
from store.rights.rules import CardFact, NhsoFact, PersonFacts

_TABLES = models.SQLModel.metadata.tables
PERSON = _TABLES["person"]
HOUSE = _TABLES["house"]
CARD = _TABLES["card"]
DEATH = _TABLES["death"]
NHSO_RIGHT = _TABLES["nhso_right"]
FACILITY = _TABLES["facility"]
PARTNER_UNIT = _TABLES["partner_unit"]

MOO = "หมู่"


@dataclass(frozen=True)
class UnitFacts:
    """The rule inputs of every person of one unit, with the unit's partner units."""

    hospcode: str
    partners: frozenset[str]
    persons: tuple[PersonFacts, ...]


def village_number(vid: str | None) -> int | None:
    """The village's number (หมู่ที่): the VID's last two digits, None when it has none."""
    code = (vid or "").strip()
    if len(code) > 2 and code.isascii() and code.isdigit() and int(code[-2:]) > 0:
        return int(code[-2:])
    return None


def village_name(villaname: str | None, vid: str | None) -> str:
    """The house's village name, else "หมู่ N" from the VID's last two digits, else ""."""
    name = (villaname or "").strip()
    if name:
        return name
    number = village_number(vid)
    return f"{MOO} {number}" if number else ""


def unit_hospcodes(conn: Connection, hospcode: str | None = None) -> list[str]:
    """Units known to the store (a facility row or persons), sorted; or just `hospcode` if known."""
    known: set[str] = set()
    for table in (FACILITY, PERSON):
        query = select(table.c.hospcode).distinct()
        if hospcode is not None:
            query = query.where(table.c.hospcode == hospcode)
        known.update(conn.execute(query).scalars())
    return sorted(known)


def partner_units(conn: Connection, hospcode: str) -> frozenset[str]:
    """The unit's configured partner units (OUTSIDE_UNIT treats them as the unit itself)."""
    query = select(PARTNER_UNIT.c.partner).where(PARTNER_UNIT.c.hospcode == hospcode)
    return frozenset(conn.execute(query).scalars())


def save_partner_units(conn: Connection, hospcode: str, partners: Iterable[str]) -> None:
    """Make `partners` the unit's partner units, creating its facility row if it has none."""
    wanted = set(partners) - {hospcode}
    known = conn.execute(select(FACILITY.c.hospcode).where(FACILITY.c.hospcode == hospcode))
    if known.first() is None:
        conn.execute(insert(FACILITY).values(hospcode=hospcode, name=""))
    current = partner_units(conn, hospcode)
    if current - wanted:
        conn.execute(
            delete(PARTNER_UNIT).where(
                PARTNER_UNIT.c.hospcode == hospcode,
                PARTNER_UNIT.c.partner.in_(sorted(current - wanted)),
            )
        )
    for partner in sorted(wanted - current):
        conn.execute(insert(PARTNER_UNIT).values(hospcode=hospcode, partner=partner))


def save_unit_name(conn: Connection, hospcode: str, name: str) -> None:
    """Give a unit its name (the one every screen and report shows), creating its row if new."""
    known = conn.execute(select(FACILITY.c.hospcode).where(FACILITY.c.hospcode == hospcode))
    if known.first() is None:
        conn.execute(insert(FACILITY).values(hospcode=hospcode, name=name))
    else:
        conn.execute(update(FACILITY).where(FACILITY.c.hospcode == hospcode).values(name=name))


@dataclass(frozen=True)
class UnitInfo:
    """A unit as the facility list shows it."""

    hospcode: str
    name: str
    persons: int
    partners: tuple[str, ...]


def list_units(conn: Connection) -> list[UnitInfo]:
    """Every known unit (facility row or persons) with its name, PERSON rows and partners."""
    facilities = conn.execute(select(FACILITY.c.hospcode, FACILITY.c.name))
    names: dict[str, str] = {row.hospcode: row.name for row in facilities}
    count_query = select(PERSON.c.hospcode, func.count().label("persons")).group_by(
        PERSON.c.hospcode
    )
    counts: dict[str, int] = {row.hospcode: row.persons for row in conn.execute(count_query)}
    partners: dict[str, list[str]] = defaultdict(list)
    for row in conn.execute(select(PARTNER_UNIT.c.hospcode, PARTNER_UNIT.c.partner)):
        partners[row.hospcode].append(row.partner)
    return [
        UnitInfo(code, names.get(code, ""), counts.get(code, 0), tuple(sorted(partners[code])))
        for code in sorted(set(names) | set(counts))
    ]


def load_unit_facts(conn: Connection, hospcode: str) -> UnitFacts:
    """Every person of one unit with their CARD rows, NHSO records and local death record."""
    cards = _cards(conn, hospcode)
    nhso = _nhso_records(conn, hospcode)
    dead = _dead_pids(conn, hospcode)
    query = (
        select(
            PERSON.c.pid,
            PERSON.c.cid,
            PERSON.c.prename,
            PERSON.c.name,
            PERSON.c.lname,
            PERSON.c.sex,
            PERSON.c.birth,
            PERSON.c.nation,
            PERSON.c.typearea,
            PERSON.c.discharge,
            PERSON.c.hid,
            HOUSE.c.house,
            HOUSE.c.villaname,
            HOUSE.c.vid,
            HOUSE.c.vhvid,
        )
        .select_from(
            PERSON.outerjoin(
                HOUSE, and_(HOUSE.c.hospcode == PERSON.c.hospcode, HOUSE.c.hid == PERSON.c.hid)
            )
        )
        .where(PERSON.c.hospcode == hospcode)
    )
    persons: dict[str, PersonFacts] = {}
    no_cards: tuple[CardFact, ...] = ()
    for (
        pid,
        cid,
        prename,
        name,
        lname,
        sex,
        birth,
        nation,
        typearea,
        discharge,
        hid,
        house,
        villaname,
        vid,
        vhvid,
    ) in conn.execute(query).all():
        if pid in persons:
            continue
        persons[pid] = PersonFacts(
            hospcode=hospcode,
            pid=pid,
            cid=cid or "",
            prename=prename or "",
            name=name or "",
            lname=lname or "",
            sex=sex or "",
            birth=birth,
            nation=nation or "",
            typearea=typearea or "",
            discharge=discharge or "",
            hid=hid or "",
            house_no=house or "",
            village=village_name(villaname, vid),
            volunteer=vhvid or "",
            cards=tuple(cards.get(pid, no_cards)),
            nhso=tuple(nhso.get(cid, ())) if cid else (),
            has_local_death=pid in dead,
        )
    return UnitFacts(hospcode, partner_units(conn, hospcode), tuple(persons.values()))


def iter_unit_facts(conn: Connection, hospcode: str | None = None) -> Iterator[UnitFacts]:
    """Each known unit's facts in hospcode order (only `hospcode` when given)."""
    for code in unit_hospcodes(conn, hospcode):
        yield load_unit_facts(conn, code)


def unit_facts_of(conn: Connection, hospcodes: Iterable[str]) -> Iterator[UnitFacts]:
    """The facts of each of `hospcodes`, in the order given, one unit at a time."""
    for code in hospcodes:
        yield load_unit_facts(conn, code)


def _cards(conn: Connection, hospcode: str) -> dict[str, list[CardFact]]:
    query = select(
        CARD.c.pid,
        CARD.c.instype_new,
        CARD.c.d_update,
        CARD.c.expiredate,
        CARD.c.startdate,
        CARD.c.main,
        CARD.c.sub,
    ).where(CARD.c.hospcode == hospcode)
    found: dict[str, list[CardFact]] = defaultdict(list)
    for pid, instype, d_update, expiredate, startdate, main, sub in conn.execute(query).all():
        found[pid].append(
            CardFact(
                instype=instype or "",
                d_update=d_update,
                expiredate=expiredate,
                startdate=startdate,
                main=main or "",
                sub=sub or "",
            )
        )
    return found


def _nhso_records(conn: Connection, hospcode: str) -> dict[str, list[NhsoFact]]:
    unit_cids = select(PERSON.c.cid).where(PERSON.c.hospcode == hospcode, PERSON.c.cid != "")
    query = select(
        NHSO_RIGHT.c.cid,
        NHSO_RIGHT.c.maininscl,
        NHSO_RIGHT.c.subinscl,
        NHSO_RIGHT.c.hmain_op,
        NHSO_RIGHT.c.hsub,
        NHSO_RIGHT.c.hmain,
        NHSO_RIGHT.c.startdate,
        NHSO_RIGHT.c.expdate,
        NHSO_RIGHT.c.deathdate,
        NHSO_RIGHT.c.status,
        NHSO_RIGHT.c.checked_on,
        NHSO_RIGHT.c.imported_at,
    ).where(NHSO_RIGHT.c.cid.in_(unit_cids))
    found: dict[str, list[NhsoFact]] = defaultdict(list)
    for (
        cid,
        maininscl,
        subinscl,
        hmain_op,
        hsub,
        hmain,
        startdate,
        expdate,
        deathdate,
        status,
        checked_on,
        imported_at,
    ) in conn.execute(query).all():
        found[cid].append(
            NhsoFact(
                maininscl=maininscl or "",
                checked_on=checked_on,
                imported_at=imported_at,
                subinscl=subinscl or "",
                hmain_op=hmain_op or "",
                hsub=hsub or "",
                hmain=hmain or "",
                startdate=startdate,
                expdate=expdate,
                deathdate=deathdate,
                status=status or "",
            )
        )
    return found


def _dead_pids(conn: Connection, hospcode: str) -> set[str]:
    query = select(DEATH.c.pid).where(DEATH.c.hospcode == hospcode).distinct()
    return set(conn.execute(query).scalars())
