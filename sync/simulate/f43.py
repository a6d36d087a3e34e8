"""The centre's 43-file export, as JHCIS writes it: `F43_<HOSPCODE>_<YYYYMMDDHHMMSS>.zip`.

Members are lower-case `<file>.txt`, UTF-8, `|`-separated, with an upper-case header line, CRLF
line ends and the fields in the order of `store/reference/f43_layout.csv` (version-2 columns
included). Dates are CE `YYYYMMDD`, D_UPDATE `YYYYMMDDHHMMSS`. The zip's entries carry the export
time, so the same centre always gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from store.reference import table
from sync.simulate.centre import Centre
from sync.simulate.population import HEAD, Household, Person, Village
from sync.simulate.services import PpRow, Visit

Row = Mapping[str, str]

SEPARATOR = "|"
LINE_END = "\r\n"
ENCODING = "utf-8"
RELIGION_BUDDHISM = "01"
VSTATUS_VILLAGER = "5"
HOUSETYPE_HOUSE = "1"
FSTATUS_HEAD, FSTATUS_MEMBER = "1", "2"
PDEATH_HOSPITAL, PDEATH_ELSEWHERE = "1", "2"
MSTATUS_SINGLE, MSTATUS_MARRIED, MSTATUS_WIDOWED, MSTATUS_DIVORCED = "1", "2", "3", "4"
WIDOWED_AGE = 55


def layout(file: str) -> tuple[str, ...]:
    """The fields of a 43-file table in export order."""
    rows = [r for r in table("f43_layout.csv") if r["file"] == file.upper()]
    if not rows:
        raise KeyError(f"no layout for the 43-file table {file!r}")
    return tuple(r["field"] for r in sorted(rows, key=lambda r: int(r["position"])))


def ymd(day: dt.date | None) -> str:
    return day.strftime("%Y%m%d") if day else ""


def ymdhms(moment: dt.datetime) -> str:
    return moment.strftime("%Y%m%d%H%M%S")


def member_text(file: str, rows: Iterable[Row]) -> str:
    """One member's text: the header line, then one line per row in layout order."""
    fields = layout(file)
    lines = [SEPARATOR.join(fields)]
    for row in rows:
        unknown = set(row) - set(fields)
        if unknown:
            raise ValueError(f"{file}: fields not in the layout: {sorted(unknown)}")
        values = [row.get(name, "") for name in fields]
        if any(SEPARATOR in v or "\n" in v or "\r" in v for v in values):
            raise ValueError(f"{file}: a value holds a separator or a line break")
        lines.append(SEPARATOR.join(values))
    return LINE_END.join(lines) + LINE_END


def zip_name(hospcode: str, exported_at: dt.datetime) -> str:
    return f"F43_{hospcode}_{ymdhms(exported_at)}.zip"


def write_f43_zip(
    directory: Path,
    hospcode: str,
    exported_at: dt.datetime,
    tables: Mapping[str, Sequence[Row]],
) -> Path:
    """Write the zip of `tables` (file name → rows) into `directory`; returns its path."""
    buffer = io.BytesIO()
    stamp = exported_at.timetuple()[:6]
    with zipfile.ZipFile(buffer, "w") as archive:
        for file, rows in tables.items():
            info = zipfile.ZipInfo(f"{file.lower()}.txt", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, member_text(file, rows).encode(ENCODING))
    path = directory / zip_name(hospcode, exported_at)
    path.write_bytes(buffer.getvalue())
    return path


def f43_tables(centre: Centre) -> dict[str, list[dict[str, str]]]:
    """PERSON, CARD, HOME, VILLAGE and DEATH rows of the centre, then its year of services:
    SERVICE and the PP files (in PP_FILES order)."""
    hospcode = centre.hospcode
    persons = sorted(centre.persons, key=lambda p: p.pid)
    households = sorted(centre.population.households, key=lambda h: h.hid)
    tables = {
        "PERSON": [person_row(hospcode, p) for p in persons],
        "CARD": [row for p in persons for row in card_rows(hospcode, p)],
        "HOME": [home_row(hospcode, h) for h in households],
        "VILLAGE": [village_row(hospcode, v) for v in centre.population.villages],
        "DEATH": [death_row(hospcode, p) for p in persons if p.death is not None],
        "SERVICE": [service_row(centre, v) for v in centre.services.visits],
    }
    pp: dict[str, list[dict[str, str]]] = {file: [] for file in PP_FILES}
    for visit, row in centre.services.pp_rows():
        pp[row.file].append(pp_row(hospcode, visit, row))
    tables.update(pp)
    return tables


PP_FILES = ("ANC", "POSTNATAL", "FP", "EPI", "SPECIALPP", "NCDSCREEN")
LOCATION_IN_AREA, LOCATION_OUTSIDE = "1", "2"
INTIME_OFFICE_HOURS = "1"
TYPEIN_WALK_IN = "1"
SERVPLACE_UNIT = "1"
TYPEOUT_HOME = "1"


def service_row(centre: Centre, visit: Visit) -> dict[str, str]:
    """The SERVICE row of a visit."""
    person = visit.person
    return {
        "HOSPCODE": centre.hospcode,
        "PID": str(person.pid),
        "HN": str(person.pid),
        "SEQ": visit.seq,
        "DATE_SERV": ymd(visit.day),
        "TIME_SERV": visit.moment.strftime("%H%M%S"),
        "LOCATION": LOCATION_OUTSIDE if person.typearea == "4" else LOCATION_IN_AREA,
        "INTIME": INTIME_OFFICE_HOURS,
        "INSTYPE": person.right,
        "INSID": person.cid,
        "MAIN": centre.params.centre.text("hospital_hospcode"),
        "TYPEIN": TYPEIN_WALK_IN,
        "SERVPLACE": SERVPLACE_UNIT,
        "TYPEOUT": TYPEOUT_HOME,
        "PAYPRICE": "0",
        "ACTUALPAY": "0",
        **visit.details,
        "D_UPDATE": ymdhms(visit.d_update),
        "HSUB": centre.hospcode,
        "CID": person.cid,
    }


def pp_row(hospcode: str, visit: Visit, row: PpRow) -> dict[str, str]:
    """A PP file's row made at a visit, with the visit's SEQ."""
    return {
        "HOSPCODE": hospcode,
        "PID": str(visit.person.pid),
        "SEQ": visit.seq,
        **row.fields,
        "PROVIDER": visit.provider,
        "D_UPDATE": ymdhms(visit.d_update),
        "CID": visit.person.cid,
    }


def person_row(hospcode: str, person: Person) -> dict[str, str]:
    return {
        "HOSPCODE": hospcode,
        "CID": person.cid,
        "PID": str(person.pid),
        "HID": str(person.hid),
        "PRENAME": person.prename,
        "NAME": person.name,
        "LNAME": person.lname,
        "HN": str(person.pid),
        "SEX": person.sex,
        "BIRTH": ymd(person.birth),
        "MSTATUS": _mstatus(person),
        "RACE": person.nation,
        "NATION": person.nation,
        "RELIGION": RELIGION_BUDDHISM,
        "FSTATUS": FSTATUS_HEAD if person.role == HEAD else FSTATUS_MEMBER,
        "FATHER": person.father.cid if person.father else "",
        "MOTHER": person.mother.cid if person.mother else "",
        "COUPLE": person.couple.cid if person.couple else "",
        "VSTATUS": VSTATUS_VILLAGER,
        "MOVEIN": ymd(person.movein),
        "DISCHARGE": person.discharge,
        "DDISCHARGE": ymd(person.ddischarge),
        "TYPEAREA": person.typearea,
        "D_UPDATE": ymdhms(person.d_update),
    }


def _mstatus(person: Person) -> str:
    if person.couple is not None:
        return MSTATUS_MARRIED
    if person.married:
        return MSTATUS_WIDOWED if person.age >= WIDOWED_AGE else MSTATUS_DIVORCED
    return MSTATUS_SINGLE


def card_rows(hospcode: str, person: Person) -> list[dict[str, str]]:
    return [
        {
            "HOSPCODE": hospcode,
            "PID": str(person.pid),
            "INSTYPE_NEW": card.instype,
            "STARTDATE": ymd(card.startdate),
            "EXPIREDATE": ymd(card.expiredate),
            "MAIN": card.main,
            "SUB": card.sub,
            "D_UPDATE": ymdhms(card.d_update),
            "CID": person.cid,
        }
        for card in person.cards
    ]


def home_row(hospcode: str, house: Household) -> dict[str, str]:
    village = house.village
    vid = village.vid if village else ""
    return {
        "HOSPCODE": hospcode,
        "HID": str(house.hid),
        "HOUSE_ID": house.house_id,
        "HOUSETYPE": HOUSETYPE_HOUSE,
        "HOUSE": house.house_no,
        "VILLAGE": vid[6:8],
        "TAMBON": vid[4:6],
        "AMPUR": vid[2:4],
        "CHANGWAT": vid[0:2],
        "NFAMILY": "1",
        "VHVID": str(house.volunteer.pid) if house.volunteer else "",
        "HEADID": str(house.head.pid),
        "D_UPDATE": ymdhms(house.d_update),
    }


def village_row(hospcode: str, village: Village) -> dict[str, str]:
    return {"HOSPCODE": hospcode, "VID": village.vid, "D_UPDATE": ymdhms(village.d_update)}


def death_row(hospcode: str, person: Person) -> dict[str, str]:
    death = person.death
    if death is None:
        raise ValueError("a DEATH row needs a death")
    return {
        "HOSPCODE": hospcode,
        "PID": str(person.pid),
        "HOSPDEATH": death.hospdeath,
        "DDEATH": ymd(death.ddeath),
        "CDEATH_A": death.cause,
        "CDEATH": death.cause,
        "PDEATH": PDEATH_HOSPITAL if death.hospdeath else PDEATH_ELSEWHERE,
        "D_UPDATE": ymdhms(death.d_update),
        "CID": person.cid,
    }
