"""A store of three units for the province view: the test centre of `tests.support.tui_store`,
one unit where everyone is covered and one where half are not."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, insert

from store.cid import check_digit
from store.districts import save_district
from store.engine import write_tx
from store.ids import stable_id
from store.models import SQLModel
from tests.support.tui_store import (
    BATCH_LOADED,
    D_UPDATE,
    HOSPCODE,
    IMPORTED_AT,
    RECENT_CHECK,
    build_store,
)

_T = SQLModel.metadata.tables

NORTH = "05678"
SOUTH = "07777"
NORTH_PEOPLE = 4
"""All covered: UC registered at the unit itself."""
SOUTH_PEOPLE = 4
"""Two covered, two checked at NHSO with no right at all: 50 % coverage, the worst of the three."""

RIVER = "9902"
"""The district of NORTH and SOUTH, set with its name; the test centre's district is derived
from its one village (VID 9901...), and has no name."""
RIVER_NAME = "ริมน้ำ"
CENTRE_DISTRICT = "9901"


def build_three_units(url: str) -> None:
    """The test centre of `tests.support.tui_store`, and two more units with a few people each."""
    engine = build_store(url)
    with write_tx(engine) as conn:
        _add_unit(conn, NORTH, "รพ.สต.บ้านเหนือ", NORTH_PEOPLE, uncovered=0)
        _add_unit(conn, SOUTH, "รพ.สต.บ้านใต้", SOUTH_PEOPLE, uncovered=2)
        for hospcode in (NORTH, SOUTH):
            save_district(conn, hospcode, RIVER, RIVER_NAME)
        conn.execute(
            insert(_T["village"]).values(
                id=stable_id("village", HOSPCODE, "99010101"),
                hospcode=HOSPCODE,
                vid=f"{CENTRE_DISTRICT}0101",
                d_update=D_UPDATE,
                batch_id=BATCH_LOADED,
            )
        )
    engine.dispose()


def _add_unit(conn: Connection, hospcode: str, name: str, people: int, uncovered: int) -> None:
    conn.execute(insert(_T["facility"]).values(hospcode=hospcode, name=name))
    for n in range(1, people + 1):
        first12 = f"3{hospcode}{n:06d}"
        cid = first12 + str(check_digit(first12))
        pid = str(n)
        conn.execute(
            insert(_T["person"]).values(
                id=stable_id("person", hospcode, pid),
                hospcode=hospcode,
                pid=pid,
                cid=cid,
                hid="1",
                name="คนที่",
                lname=f"{hospcode}-{n}",
                sex="1",
                birth=dt.date(1980, 1, 1),
                nation="099",
                typearea="1",
                discharge="9",
                telephone="",
                mobile="",
                d_update=D_UPDATE,
                batch_id=BATCH_LOADED,
            )
        )
        covered = n > uncovered
        if covered:
            conn.execute(
                insert(_T["card"]).values(
                    id=stable_id("card", hospcode, pid, "0100"),
                    hospcode=hospcode,
                    pid=pid,
                    instype_new="0100",
                    main=hospcode,
                    cid=cid,
                    d_update=D_UPDATE,
                    batch_id=BATCH_LOADED,
                )
            )
        conn.execute(
            insert(_T["nhso_right"]).values(
                id=stable_id("nhso_right", cid),
                cid=cid,
                maininscl="UCS" if covered else "",
                hsub=hospcode if covered else "",
                checkdate=RECENT_CHECK,
                checked_on=RECENT_CHECK,
                imported_at=IMPORTED_AT,
                batch_id=BATCH_LOADED,
            )
        )
