"""A small centre for the export tests: two villages, houses numbered as JHCIS writes them,
two volunteers (HOME VHVID), and people whose rights need work.

    village 1 "บ้านเหนือ" (moo 1), volunteer PID 50 (บุญมี อาสา, lives in house 1):
        houses "10", "2", "12/3", "12", "13" (HIDs 1-5), one person each (PIDs 1-5)
    village 2 "บ้านใต้" (moo 2), volunteer PID 60 (สมหญิง ใจงาม, lives in house 7):
        houses "1" and "3" (HIDs 6-7): PID 6 "=HYPERLINK(...)" (a name Excel would run),
        PID 7 "+66 คน", PID 8 "@admin" (house 3), PID 9 non-Thai (NATION 048, CID starting 6)
        PID 10 with a CID that fails its checksum (house 1)
    PID 11 discharged (moved away), PID 12 TYPEAREA 4 (outside): no gaps

No NHSO record exists, so everyone of the responsible population is UNCHECKED; the volunteers
(PIDs 50, 60) are UNCHECKED too. Every person has a UC CARD row.
"""

from __future__ import annotations

from pathlib import Path

from tests.support.ingest_builders import (
    HOSPCODE,
    card,
    cid,
    export_zip,
    f43_text,
    home,
    person,
    village,
)

AS_OF = "2025-05-20"
VOLUNTEER_NORTH, VOLUNTEER_SOUTH = "50", "60"
NORTH, SOUTH = "บ้านเหนือ", "บ้านใต้"
HOUSES = {  # hid: (house number, village moo, village name, volunteer)
    1: ("10", "1", NORTH, VOLUNTEER_NORTH),
    2: ("2", "1", NORTH, VOLUNTEER_NORTH),
    3: ("12/3", "1", NORTH, VOLUNTEER_NORTH),
    4: ("12", "1", NORTH, VOLUNTEER_NORTH),
    5: ("13", "1", NORTH, VOLUNTEER_NORTH),
    6: ("1", "2", SOUTH, VOLUNTEER_SOUTH),
    7: ("3", "2", SOUTH, VOLUNTEER_SOUTH),
}
HOUSE_ORDER_NORTH = ["2", "10", "12", "12", "12/3", "13"]
"""Village 1 in house-number order (the volunteer PID 50 lives in house "10" with PID 1... and
in the list by name within a house)."""
INJECTION_NAMES = ('=HYPERLINK("http://x")', "+66 คน", "@admin")
NON_THAI_CID = cid(9, first="6")
BAD_CID = "1234567890123"


def people() -> list[dict[str, str]]:
    rows = [
        person(1, HID="1", NAME="สมชาย", LNAME="บ้านสิบ"),
        person(2, HID="2", NAME="สมศรี", LNAME="บ้านสอง", SEX="2", BIRTH="19900301"),
        person(3, HID="3", NAME="มานะ", LNAME="สิบสองทับสาม"),
        person(4, HID="4", NAME="มานี", LNAME="สิบสอง", SEX="2", BIRTH="19700101"),
        person(5, HID="5", NAME="ปิติ", LNAME="สิบสาม"),
        person(6, HID="6", NAME=INJECTION_NAMES[0], LNAME=""),
        person(7, HID="7", NAME=INJECTION_NAMES[1], LNAME=""),
        person(8, HID="7", NAME=INJECTION_NAMES[2], LNAME=""),
        person(9, HID="7", NAME="Aung", LNAME="Min", NATION="048", CID=NON_THAI_CID),
        person(10, HID="6", NAME="วีระ", LNAME="เลขผิด", CID=BAD_CID),
        person(11, HID="5", NAME="ย้าย", LNAME="ออก", DISCHARGE="2"),
        person(12, HID="6", NAME="นอก", LNAME="เขต", TYPEAREA="4"),
        person(50, HID="1", NAME="บุญมี", LNAME="อาสา", SEX="2", BIRTH="19750505"),
        person(60, HID="7", NAME="สมหญิง", LNAME="ใจงาม", SEX="2", BIRTH="19800808"),
    ]
    return rows


RESPONSIBLE_WITH_GAPS = 12
"""PIDs 1-10, 50 and 60: everyone but the discharged and the outsider."""


def homes() -> list[dict[str, str]]:
    return [
        home(hid, HOUSE=number, VILLAGE=moo, VILLANAME=name, VHVID=volunteer, HEADID=str(hid))
        for hid, (number, moo, name, volunteer) in HOUSES.items()
    ]


def village_zip(directory: Path, hospcode: str = HOSPCODE) -> Path:
    """The centre's export; another `hospcode` makes a second unit of the same kind of people
    (other valid CIDs, so nobody is in both units)."""
    unit = {"HOSPCODE": hospcode}
    persons = [{**p, **unit} for p in people()]
    if hospcode != HOSPCODE:
        for p in persons:
            if p["CID"] not in (NON_THAI_CID, BAD_CID):
                p["CID"] = cid(int(p["PID"]) + 1000)
    cards = [{**card(int(p["PID"]), CID=p["CID"]), **unit} for p in persons]
    return export_zip(
        directory,
        name=f"F43_{hospcode}_20250101120000.zip",
        person=f43_text("PERSON", persons),
        card=f43_text("CARD", cards),
        home=f43_text("HOME", [{**h, **unit} for h in homes()]),
        village=f43_text("VILLAGE", [{**village(v), **unit} for v in ("30020101", "30020102")]),
    )
