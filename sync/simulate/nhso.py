"""The centre's NHSO rights lists: a recent one as XLSX, an older batch check as a right-search
dump (CSV).

The XLSX is laid out like a download from the NHSO web site: two title rows above the header,
Thai column names where the alias table has one, CIDs as text cells, Thai Buddhist-era dates as
text and the start date as a real Excel date. The CSV holds the NHSO right-search answers as
JHCIS-side tools flatten them: camelCase columns, ISO dates, UTF-8 with a byte-order mark.
Every column name is an alias of `store/reference/nhso_rights_aliases.csv`, or one the importer
need not read (names, the birth date).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path

from store.reference import table
from store.thaidate import BE_OFFSET
from sync.simulate.centre import Centre
from sync.simulate.records import NhsoRow
from sync.simulate.xlsx import workbook_bytes

FIELDS = (
    "cid",
    "maininscl",
    "subinscl",
    "hmain_op",
    "hsub",
    "hmain",
    "startdate",
    "expdate",
    "deathdate",
    "status",
    "checkdate",
)
ROW_NUMBER = "ลำดับ"
FULL_NAME = "ชื่อ - สกุล"
SHEET_TITLE = "ผลตรวจสอบสิทธิ"
TEXT_FORMAT = "@"
DATE_FORMAT = "dd/mm/yyyy"


def header(field: str, *, thai: bool) -> str:
    """The column name for a field: its first Thai alias if wanted and known, else its first."""
    aliases = [r["alias"] for r in table("nhso_rights_aliases.csv") if r["field"] == field]
    if not aliases:
        raise KeyError(f"no alias for the NHSO field {field!r}")
    if thai:
        return next((a for a in aliases if not a.isascii()), aliases[0])
    return aliases[0]


def be_text(day: dt.date | None) -> str:
    """`dd/mm/yyyy` with the Buddhist-era year, as NHSO pages print dates."""
    return f"{day.day:02d}/{day.month:02d}/{day.year + BE_OFFSET}" if day else ""


def list_date(rows: Sequence[NhsoRow]) -> dt.date:
    """The day a list was downloaded: its latest check."""
    return max(r.checked_at for r in rows).date()


def rights_file_name(centre: Centre, rows: Sequence[NhsoRow], suffix: str) -> str:
    return f"nhso_rights_{centre.hospcode}_{list_date(rows):%Y%m%d}.{suffix}"


def recent_rows(centre: Centre) -> list[NhsoRow]:
    return _rows(centre, recent=True)


def old_rows(centre: Centre) -> list[NhsoRow]:
    return _rows(centre, recent=False)


def _rows(centre: Centre, *, recent: bool) -> list[NhsoRow]:
    rows = [p.nhso_recent if recent else p.nhso_old for p in centre.persons]
    return sorted((r for r in rows if r is not None), key=lambda r: (r.checked_at, r.cid))


def write_rights_xlsx(directory: Path, centre: Centre, rows: Sequence[NhsoRow]) -> Path:
    """The recent list as an XLSX download; same centre, same bytes."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    names = {p.nhso_cid: f"{p.name} {p.lname}" for p in centre.persons}
    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET_TITLE)
    day = list_date(rows)
    sheet.append([f"ผลการตรวจสอบสิทธิหลักประกันสุขภาพ หน่วยบริการ {centre.hospcode} {centre.name}"])
    sheet.append([f"ข้อมูล ณ วันที่ {be_text(day)} จำนวน {len(rows):,} ราย"])
    headers = [header(f, thai=True) for f in FIELDS]
    sheet.append([ROW_NUMBER, headers[0], FULL_NAME, *headers[1:]])
    for number, row in enumerate(rows, start=1):
        cid = WriteOnlyCell(sheet, value=row.cid)
        cid.number_format = TEXT_FORMAT
        start = WriteOnlyCell(sheet, value=row.startdate)
        start.number_format = DATE_FORMAT
        sheet.append(
            [
                number,
                cid,
                names.get(row.cid, ""),
                row.maininscl or None,
                row.subinscl or None,
                row.hmain_op or None,
                row.hsub or None,
                row.hmain or None,
                start,
                be_text(row.expdate) or None,
                be_text(row.deathdate) or None,
                row.status or None,
                be_text(row.checked_at.date()),
            ]
        )
    path = directory / rights_file_name(centre, rows, "xlsx")
    path.write_bytes(workbook_bytes(book, dt.datetime.combine(day, dt.time(9, 0))))
    return path


RIGHT_SEARCH_COLUMNS = (
    "pid", "checkDate", "birthDate", "deathDate", "mainInscl_id", "mainInscl_name",
    "subInscl_id", "subInscl_name", "startDateTime", "expireDateTime", "hospMainOp_hcode",
    "hospSub_hcode", "hospMain_hcode",
)  # fmt: skip
"""The NHSO right-search answers flattened, as JHCIS-side tools save them (domain 7.3)."""


def iso_text(day: dt.date | None) -> str:
    """A right-search answer's date: ISO with the time of day."""
    return f"{day.isoformat()}T00:00:00" if day else ""


def write_rights_csv(directory: Path, centre: Centre, rows: Sequence[NhsoRow]) -> Path:
    """An older batch check as a right-search dump (CSV, UTF-8 with BOM): camelCase columns,
    ISO dates and check times, the birth date as Thai text with its Buddhist-era year."""
    births = {p.nhso_cid: p.birth for p in centre.persons}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(RIGHT_SEARCH_COLUMNS)
    for row in rows:
        writer.writerow(
            [
                row.cid,
                row.checked_at.isoformat(timespec="seconds"),
                be_text(births.get(row.cid)),
                iso_text(row.deathdate),
                row.maininscl,
                "",
                row.subinscl,
                "",
                iso_text(row.startdate),
                iso_text(row.expdate),
                row.hmain_op,
                row.hsub,
                row.hmain,
            ]
        )
    path = directory / rights_file_name(centre, rows, "csv")
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))
    return path
