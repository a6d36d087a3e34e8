"""Synthetic people for the rights-gap tests: valid-checksum CIDs and rows written to a store.

`hand_counted_unit` writes one unit whose KPI figures were counted by hand; the numbers the
tests expect are in `HAND_COUNTED`, with the reason for each person beside it.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from sqlalchemy import Connection, insert

from store import models
from store.cid import check_digit
from store.ids import stable_id
from store.rights.inputs import save_partner_units

AS_OF = dt.date(2025, 1, 15)
UNIT = "10001"
PARTNER = "10002"
OTHER_UNIT = "10999"
EMPTY_UNIT = "10003"
RECENT = AS_OF - dt.timedelta(days=30)
IMPORTED_AT = dt.datetime(2025, 1, 1, 8, 0, 0, tzinfo=dt.UTC)
D_UPDATE = dt.datetime(2024, 6, 1, 9, 30, 0)


def make_cid(serial: int, first: str = "1") -> str:
    """A synthetic CID with a correct check digit."""
    first12 = f"{first}{serial:011d}"
    return first12 + str(check_digit(first12))


def wrong_check_digit(cid: str) -> str:
    return cid[:12] + str((int(cid[12]) + 1) % 10)


class StoreRows:
    """Writes inputs into a store the way an import would, with stable ids."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._serial = itertools.count(1)

    def person(
        self,
        hospcode: str,
        pid: str,
        *,
        cid: str = "",
        nation: str = "099",
        typearea: str = "1",
        discharge: str = "9",
        hid: str = "",
        **fields: Any,
    ) -> None:
        values = {
            "name": f"ทดสอบ{pid}",
            "lname": "สมมุติ",
            "sex": "1",
            "birth": dt.date(1980, 1, 1),
            **fields,
        }
        self.conn.execute(
            insert(models.Person).values(
                id=stable_id("person", hospcode, pid),
                hospcode=hospcode,
                pid=pid,
                cid=cid,
                nation=nation,
                typearea=typearea,
                discharge=discharge,
                hid=hid,
                d_update=D_UPDATE,
                batch_id="batch",
                **values,
            )
        )

    def house(
        self, hospcode: str, hid: str, *, villaname: str = "", vid: str = "", house: str = ""
    ) -> None:
        self.conn.execute(
            insert(models.House).values(
                id=stable_id("house", hospcode, hid),
                hospcode=hospcode,
                hid=hid,
                house=house,
                villaname=villaname,
                vid=vid,
                d_update=D_UPDATE,
                batch_id="batch",
            )
        )

    def card(
        self,
        hospcode: str,
        pid: str,
        instype: str,
        *,
        d_update: dt.datetime = D_UPDATE,
        expiredate: dt.date | None = None,
        main: str = "",
    ) -> None:
        self.conn.execute(
            insert(models.Card).values(
                id=stable_id("card", hospcode, pid, next(self._serial)),
                hospcode=hospcode,
                pid=pid,
                instype_new=instype,
                expiredate=expiredate,
                main=main,
                d_update=d_update,
                batch_id="batch",
            )
        )

    def nhso(
        self,
        cid: str,
        maininscl: str,
        *,
        checked_on: dt.date = RECENT,
        imported_at: dt.datetime = IMPORTED_AT,
        hsub: str = "",
        hmain_op: str = "",
        hmain: str = "",
        expdate: dt.date | None = None,
        deathdate: dt.date | None = None,
    ) -> None:
        self.conn.execute(
            insert(models.NhsoRight).values(
                id=stable_id("nhso_right", cid, next(self._serial)),
                cid=cid,
                maininscl=maininscl,
                hsub=hsub,
                hmain_op=hmain_op,
                hmain=hmain,
                expdate=expdate,
                deathdate=deathdate,
                checkdate=checked_on,
                checked_on=checked_on,
                imported_at=imported_at,
                batch_id="batch",
            )
        )

    def death(self, hospcode: str, pid: str) -> None:
        self.conn.execute(
            insert(models.Death).values(
                id=stable_id("death", hospcode, pid),
                hospcode=hospcode,
                pid=pid,
                ddeath=AS_OF - dt.timedelta(days=100),
                d_update=D_UPDATE,
                batch_id="batch",
            )
        )

    def facility(self, hospcode: str, name: str = "") -> None:
        self.conn.execute(insert(models.Facility).values(hospcode=hospcode, name=name))


HAND_COUNTED = {
    "population": 9,
    "thai_population": 7,
    "covered": 4,
    "coverage_pct": 57.14,
    "gaps": {
        "NO_CID": 1,
        "NO_RIGHT": 2,
        "EXPIRED": 1,
        "STP": 1,
        "OUTSIDE_UNIT": 1,
        "DEAD_AT_NHSO": 1,
        "MISMATCH": 1,
        "UNCHECKED": 3,
    },
}
"""UNIT's figures on AS_OF: population 1-8 and 11; Thai denominator without 7 (dead at NHSO)
and 8 (not Thai); covered 1, 2, 6 and 11 (their gaps do not break coverage): 4 / 7."""

HAND_COUNTED_WORK_LIST = [
    ("5", "", ["STP"]),
    ("7", "", ["DEAD_AT_NHSO"]),
    ("8", "", ["NO_RIGHT", "UNCHECKED"]),
    ("4", "หมู่ 2", ["EXPIRED"]),
    ("6", "หมู่ 2", ["OUTSIDE_UNIT", "MISMATCH", "UNCHECKED"]),
    ("3", "หมู่ 10", ["NO_RIGHT"]),
    ("11", "หมู่ 10", ["NO_CID", "UNCHECKED"]),
]
"""UNIT's persons with gaps in report order: village (natural order), then PID (natural order)."""


def hand_counted_unit(rows: StoreRows) -> None:
    """UNIT with twelve persons covering every rule, PARTNER as its partner, and EMPTY_UNIT."""
    rows.house(UNIT, "h1", villaname="บ้านหนองบัว", house="12/1")
    rows.house(UNIT, "h2", vid="34010203")
    rows.house(UNIT, "h3", vid="34010210")
    rows.house(UNIT, "h4", vid="34010202")
    save_partner_units(rows.conn, UNIT, [PARTNER])
    rows.facility(EMPTY_UNIT, "รพ.สต.ว่าง")

    # 1: UC at this unit, checked recently: no gaps.
    rows.person(UNIT, "1", cid=make_cid(1), hid="h1")
    rows.nhso(make_cid(1), "UCS", hsub=UNIT)
    rows.card(UNIT, "1", "0100")
    # 2: UC at the partner unit, NATION written the JHCIS way: no gaps.
    rows.person(UNIT, "2", cid=make_cid(2), nation="99", hid="h2")
    rows.nhso(make_cid(2), "UCS", hsub=PARTNER)
    rows.card(UNIT, "2", "0100")
    # 3: NHSO found no right.
    rows.person(UNIT, "3", cid=make_cid(3), hid="h3")
    rows.nhso(make_cid(3), "")
    # 4: the NHSO right expired the day before.
    rows.person(UNIT, "4", cid=make_cid(4), hid="h4")
    rows.nhso(make_cid(4), "UCS", hsub=UNIT, expdate=AS_OF - dt.timedelta(days=1))
    rows.card(UNIT, "4", "0100")
    # 5: status problems.
    rows.person(UNIT, "5", cid=make_cid(5))
    rows.nhso(make_cid(5), "STP")
    # 6: UC elsewhere, CARD says civil servant, checked 120 days ago.
    rows.person(UNIT, "6", cid=make_cid(6), hid="h4")
    rows.nhso(make_cid(6), "UCS", hsub=OTHER_UNIT, checked_on=AS_OF - dt.timedelta(days=120))
    rows.card(UNIT, "6", "1100")
    # 7: NHSO records a death; still a member locally.
    rows.person(UNIT, "7", cid=make_cid(7))
    rows.nhso(make_cid(7), "UCS", hsub=UNIT, deathdate=AS_OF - dt.timedelta(days=40))
    rows.card(UNIT, "7", "0100")
    # 8: a foreigner paying for himself, never checked.
    rows.person(UNIT, "8", cid=make_cid(8, first="6"), nation="048")
    rows.card(UNIT, "8", "9100")
    # 9 and 10: outside the responsible population, whatever their data.
    rows.person(UNIT, "9", typearea="4")
    rows.person(UNIT, "10", cid=make_cid(10), discharge="1")
    # 11: no CID, UC on CARD only.
    rows.person(UNIT, "11", hid="h3")
    rows.card(UNIT, "11", "0100")
    # 12: living in the area but with a local death record.
    rows.person(UNIT, "12", cid=make_cid(12), typearea="3")
    rows.death(UNIT, "12")
    # An NHSO record with no CID matches nobody.
    rows.nhso("", "UCS", hsub=OTHER_UNIT)
