"""A small, fixed centre for the app's tests: every gap kind once, a few import batches.

Everything is synthetic (names made up, CIDs built with a valid check digit) and dated relative
to `AS_OF`, so screens and snapshots come out the same on every run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import Engine, insert

from store.cid import check_digit
from store.engine import open_store, write_tx
from store.ids import stable_id
from store.models import SQLModel
from store.pp.catalog import shipped_catalog
from tests.support.pp_rows import service_record

AS_OF = dt.date(2025, 1, 15)
HOSPCODE = "01234"
OTHER_UNIT = "05678"
IMPORTED_AT = dt.datetime(2025, 1, 10, 9, 30, tzinfo=dt.UTC)
D_UPDATE = dt.datetime(2024, 12, 1, 8, 0)
RECENT_CHECK = dt.date(2025, 1, 5)

_T = SQLModel.metadata.tables


def make_cid(first12: str) -> str:
    return first12 + str(check_digit(first12))


def _registered_here() -> dict[str, object]:
    """The NHSO record of someone registered at the test unit under UC."""
    return {"maininscl": "UCS", "hsub": HOSPCODE}


@dataclass
class Someone:
    pid: str
    name: str
    lname: str
    cid: str
    village: str = "1"
    sex: str = "1"
    nation: str = "099"
    typearea: str = "1"
    card: str | None = "0100"
    nhso: dict[str, object] | None = field(default_factory=lambda: _registered_here())

    @property
    def person_id(self) -> str:
        return stable_id("person", HOSPCODE, self.pid)


PEOPLE: tuple[Someone, ...] = (
    Someone("1", "สมชาย", "ใจดี", make_cid("110170020345")),
    Someone("2", "สมหญิง", "รักไทย", make_cid("310040011223"), sex="2", nhso=None),
    Someone("3", "มานะ", "ขยันยิ่ง", make_cid("350010022334"), nhso={"maininscl": ""}),
    Someone(
        "4",
        "มานี",
        "มีสุข",
        make_cid("350010033445"),
        sex="2",
        village="2",
        nhso={"maininscl": "UCS", "hsub": HOSPCODE, "expdate": dt.date(2024, 12, 31)},
    ),
    Someone("5", "ปิติ", "ยินดี", make_cid("350010044556"), village="2", nhso={"maininscl": "STP"}),
    Someone(
        "6",
        "ชูใจ",
        "ใฝ่รู้",
        make_cid("350010055667"),
        sex="2",
        nhso={"maininscl": "UCS", "hsub": OTHER_UNIT},
    ),
    Someone(
        "7",
        "วีระ",
        "กล้าหาญ",
        make_cid("350010066778"),
        village="2",
        nhso={"maininscl": "UCS", "hsub": HOSPCODE, "deathdate": dt.date(2024, 11, 2)},
    ),
    Someone("8", "ดวงใจ", "งามตา", make_cid("350010077889"), sex="2", nhso={"maininscl": "OFC"}),
    Someone("9", "สมปอง", "ไม่มีเลข", "1234567890123", nhso=None, card="9100"),
    Someone(
        "10",
        "Aung",
        "Min",
        make_cid("700010088990"),
        nation="048",
        nhso={"maininscl": ""},
        card=None,
    ),
    Someone("11", "ผ่าน", "มา", make_cid("350010099001"), typearea="4"),
    *(
        Someone(str(n), "ประชา", f"สุขใจ{n}", make_cid(f"3500101{n:05d}"), village=str(1 + n % 2))
        for n in range(12, 20)
    ),
)

BATCH_LOADED = stable_id("import_batch", "loaded")
BATCH_REFUSED = stable_id("import_batch", "refused")
BATCH_STATEMENT = stable_id("import_batch", "statement")
STATEMENT_AT = dt.datetime(2025, 1, 12, 8, 0, tzinfo=dt.UTC)


@dataclass(frozen=True)
class PpCase:
    """One PP service of fiscal year 2568 and what NHSO's statement said about it."""

    person: int
    """Index into PEOPLE."""
    source: str
    day: str
    fields: dict[str, str]
    paid: str | None = None
    error: str = ""
    claimed: bool = True


PP_CASES: tuple[PpCase, ...] = (
    PpCase(1, "FP", "20241110", {"FPTYPE": "1"}, paid="40.00"),
    PpCase(1, "ANC", "20241205", {"GRAVIDA": "1", "ANCNO": "1"}, error="633"),
    PpCase(3, "FP", "20241020", {"FPTYPE": "2"}, claimed=False),
    PpCase(5, "ANC", "20250108", {"GRAVIDA": "1", "ANCNO": "1"}),
    PpCase(0, "FP", "20241201", {"FPTYPE": "1"}, claimed=False),
    PpCase(7, "SPECIALPP", "20241115", {"PPSPECIAL": "1B0044"}, paid="100.00"),
    PpCase(1, "EPI", "20250110", {"VACCINETYPE": "106"}, paid="20.00"),
)
"""Paid, denied (633), unclaimed, pending, not eligible (a man), partly paid, paid; and the
statement has one more line, for a service the centre never recorded (unmatched)."""


def build_store(url: str) -> Engine:
    """Open a new store at `url` and fill it with the centre above."""
    engine = open_store(url)
    with write_tx(engine) as conn:
        conn.execute(insert(_T["facility"]).values(hospcode=HOSPCODE, name="รพ.สต.บ้านทดสอบ"))
        for moo in ("1", "2"):
            vid = f"340101{int(moo):02d}"
            conn.execute(
                insert(_T["house"]).values(
                    id=stable_id("house", HOSPCODE, moo),
                    hospcode=HOSPCODE,
                    hid=moo,
                    house=f"{moo}/1",
                    villaname="",
                    vid=vid,
                    d_update=D_UPDATE,
                    batch_id=BATCH_LOADED,
                )
            )
        for someone in PEOPLE:
            _add_person(conn, someone)
        _add_batches(conn)
        _add_pp(conn)
    return engine


def _add_pp(conn: object) -> None:
    execute = conn.execute  # type: ignore[attr-defined]
    for seq, case in enumerate(PP_CASES, 1):
        someone = PEOPLE[case.person]
        values = {
            "HOSPCODE": HOSPCODE,
            "PID": someone.pid,
            "SEQ": str(seq),
            "DATE_SERV": case.day,
            "D_UPDATE": case.day + "120000",
            "CID": someone.cid,
            **case.fields,
        }
        execute(
            insert(_T["pp_service"]).values(
                **service_record(case.source, values, batch_id=BATCH_LOADED).row.model_dump()
            )
        )
        if not case.claimed:
            continue
        matched = shipped_catalog().match(2568, case.source, case.fields)
        assert matched is not None, case
        execute(
            insert(_T["pp_statement_line"]).values(
                id=stable_id("pp_statement_line", BATCH_STATEMENT, seq),
                hospcode=HOSPCODE,
                cid=someone.cid,
                date_serv=dt.date(int(case.day[:4]), int(case.day[4:6]), int(case.day[6:])),
                item_code=matched.item,
                paid=None if case.paid is None else Decimal(case.paid),
                error_code=case.error,
                statement_id="REP-68-0001",
                imported_at=STATEMENT_AT,
                batch_id=BATCH_STATEMENT,
                line_no=seq,
            )
        )
    stray = PEOPLE[3]
    execute(
        insert(_T["pp_statement_line"]).values(
            id=stable_id("pp_statement_line", BATCH_STATEMENT, "stray"),
            hospcode=HOSPCODE,
            cid=stray.cid,
            date_serv=dt.date(2025, 1, 2),
            item_code="ANC",
            paid=Decimal("360.00"),
            error_code="",
            statement_id="REP-68-0001",
            imported_at=STATEMENT_AT,
            batch_id=BATCH_STATEMENT,
            line_no=len(PP_CASES) + 1,
        )
    )


def _add_person(conn: object, someone: Someone) -> None:
    execute = conn.execute  # type: ignore[attr-defined]
    execute(
        insert(_T["person"]).values(
            id=someone.person_id,
            hospcode=HOSPCODE,
            pid=someone.pid,
            cid=someone.cid,
            hid=someone.village,
            name=someone.name,
            lname=someone.lname,
            sex=someone.sex,
            birth=dt.date(1980, 1, 1),
            nation=someone.nation,
            typearea=someone.typearea,
            discharge="9",
            telephone="",
            mobile="0812345678",
            d_update=D_UPDATE,
            batch_id=BATCH_LOADED,
        )
    )
    if someone.card is not None:
        execute(
            insert(_T["card"]).values(
                id=stable_id("card", HOSPCODE, someone.pid, someone.card),
                hospcode=HOSPCODE,
                pid=someone.pid,
                instype_new=someone.card,
                main=HOSPCODE,
                cid=someone.cid,
                d_update=D_UPDATE,
                batch_id=BATCH_LOADED,
            )
        )
    if someone.nhso is not None:
        execute(
            insert(_T["nhso_right"]).values(
                id=stable_id("nhso_right", someone.cid),
                cid=someone.cid,
                checkdate=RECENT_CHECK,
                checked_on=RECENT_CHECK,
                imported_at=IMPORTED_AT,
                batch_id=BATCH_LOADED,
                **someone.nhso,
            )
        )


def _add_batches(conn: object) -> None:
    execute = conn.execute  # type: ignore[attr-defined]
    execute(
        insert(_T["import_batch"]).values(
            id=BATCH_REFUSED,
            kind="f43",
            file_name="F43_01234_20250109080000.zip",
            sha256="b" * 64,
            hospcode=HOSPCODE,
            status="refused",
            message="person.txt: missing mandatory column PID",
            started_at=IMPORTED_AT - dt.timedelta(days=1),
            finished_at=IMPORTED_AT - dt.timedelta(days=1),
        )
    )
    execute(
        insert(_T["import_batch"]).values(
            id=BATCH_LOADED,
            kind="f43",
            file_name="F43_01234_20250110090000.zip",
            sha256="a" * 64,
            hospcode=HOSPCODE,
            status="loaded",
            started_at=IMPORTED_AT,
            finished_at=IMPORTED_AT + dt.timedelta(seconds=4),
            rows_loaded=62,
            issues=2,
            warnings=1,
        )
    )
    for line, fld, severity, reason in (
        (7, "BIRTH", "warning", "Buddhist-era year corrected to CE"),
        (12, "CID", "error", "CID fails the checksum"),
        (15, "D_UPDATE", "error", "not a YYYYMMDDHHMMSS timestamp"),
    ):
        execute(
            insert(_T["import_issue"]).values(
                batch_id=BATCH_LOADED,
                member="person.txt",
                line=line,
                field=fld,
                severity=severity,
                reason=reason,
            )
        )
