"""PP service rows, NHSO statements and catalogs in the real formats, and a hand-counted centre.

The hand-counted centre (unit `HOSPCODE`, fiscal year 2568, as of `AS_OF`) has these services,
and the two statements below give them the status named:

    woman (Thai, born 1990): ANC 10 Oct 2024 PAID 360 · 10 Nov PARTIAL 200 · 10 Dec DENIED 420 ·
        10 Jan 2025 PENDING · 10 Feb denied 603 in the first statement, paid 360 in the second:
        PAID · 10 Mar: a sixth ANC in the fiscal year, NOT_ELIGIBLE (denied 633 too) ·
        pill 1 Apr PAID 40 · injection 15 Apr UNCLAIMED · ANC 10 Sep 2024 (fiscal year 2567)
        UNCLAIMED · ANC 1 Jun 2025 (after the as-of date)
    elder (Thai woman, born 1950): cervical screening 5 Jan 2025, NOT_ELIGIBLE (age 74)
    man (Thai, born 1970): FIT 1 Feb 2025 PAID 60 · blood sugar 1 Feb UNCLAIMED · blood sugar
        again 1 Mar, NOT_ELIGIBLE (once per fiscal year) · ordinary visits (no PP service)
    migrant (woman, nation 048): ANC 15 Jan 2025, NOT_ELIGIBLE (Thai only)
    statement lines matching no service: the man's blood sugar on 4 Apr (NO_SERVICE), an item
        `XYZ` (UNKNOWN_ITEM)

Fiscal year 2568: 13 services, 9 qualify; claimable 2,000 baht, paid 1,020, denied 360,
pending 360, unclaimed 100; claim rate 51.00 %. Due on the as-of date (PP-due): the woman (35)
for cervical screening (250) and blood sugar (40); the man had both of his this year or within
the interval; the elder is past every age range, the migrant not Thai: 2 due, 290 baht.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping, Sequence
from pathlib import Path

from store.pp.catalog import catalog_csv, shipped_catalog
from store.thaidate import BE_OFFSET
from tests.support.ingest_builders import HOSPCODE, cid, export_zip_of, f43_text, person

AS_OF = dt.date(2025, 5, 20)
WOMAN, ELDER, MAN, MIGRANT = 1, 2, 3, 4
PERSONS = {
    WOMAN: {"SEX": "2", "BIRTH": "19900301"},
    ELDER: {"SEX": "2", "BIRTH": "19500601"},
    MAN: {"SEX": "1", "BIRTH": "19700101"},
    MIGRANT: {"SEX": "2", "BIRTH": "19920101", "NATION": "048"},
}
HAND_COUNTED_PP = {
    "fiscal_year": 2568,
    "rates_from_fiscal_year": 2568,
    "qualifying": 9,
    "eligible_baht": 2000.0,
    "paid_baht": 1020.0,
    "denied_baht": 360.0,
    "pending_baht": 360.0,
    "unclaimed_baht": 100.0,
    "claim_rate_pct": 51.0,
    "due_count": 2,
    "to_earn_baht": 290.0,
}
HAND_COUNTED_STATUS = {
    ("ANC", "2024-10-10"): "PAID",
    ("ANC", "2024-11-10"): "PARTIAL",
    ("ANC", "2024-12-10"): "DENIED",
    ("ANC", "2025-01-10"): "PENDING",
    ("ANC", "2025-02-10"): "PAID",
    ("ANC", "2025-03-10"): "NOT_ELIGIBLE",
    ("FP_PILL", "2025-04-01"): "PAID",
    ("FP_INJ", "2025-04-15"): "UNCLAIMED",
    ("CX_SCREEN", "2025-01-05"): "NOT_ELIGIBLE",
    ("FIT", "2025-02-01"): "PAID",
    ("FPG", "2025-02-01"): "UNCLAIMED",
    ("FPG", "2025-03-01"): "NOT_ELIGIBLE",
    ("ANC", "2025-01-15"): "NOT_ELIGIBLE",
}


def ymd(day: dt.date) -> str:
    return day.strftime("%Y%m%d")


def stamp(day: dt.date, hour: int = 12) -> str:
    return f"{ymd(day)}{hour:02d}0000"


def row(file: str, pid: int, seq: str, day: dt.date, **fields: str) -> dict[str, str]:
    """A row of a PP source file; `day` is its service date (PPCARE for POSTNATAL)."""
    date_field = "PPCARE" if file == "POSTNATAL" else "DATE_SERV"
    values = {"HOSPCODE": HOSPCODE, "PID": str(pid), "SEQ": seq, date_field: ymd(day)}
    values["D_UPDATE"] = stamp(day)
    values["CID"] = cid(pid)
    values.update(fields)
    return values


def anc(pid: int, seq: str, day: dt.date, **fields: str) -> dict[str, str]:
    return row("ANC", pid, seq, day, **{"GRAVIDA": "1", "ANCNO": "1", "ANCRESULT": "1", **fields})


def hand_counted_tables() -> dict[str, list[dict[str, str]]]:
    """The 43-file tables of the hand-counted centre (see the module text)."""
    d = dt.date
    return {
        "PERSON": [person(pid, **fields) for pid, fields in PERSONS.items()],
        "SERVICE": [
            row("SERVICE", MAN, "900", d(2025, 1, 20), CHIEFCOMP="ไข้"),
            row("SERVICE", MAN, "901", d(2025, 4, 20), CHIEFCOMP="ปวดท้อง"),
        ],
        "ANC": [
            anc(WOMAN, "100", d(2024, 9, 10)),
            anc(WOMAN, "101", d(2024, 10, 10)),
            anc(WOMAN, "102", d(2024, 11, 10)),
            anc(WOMAN, "103", d(2024, 12, 10)),
            anc(WOMAN, "104", d(2025, 1, 10)),
            anc(WOMAN, "105", d(2025, 2, 10)),
            anc(WOMAN, "106", d(2025, 3, 10)),
            anc(WOMAN, "107", d(2025, 6, 1)),
            anc(MIGRANT, "400", d(2025, 1, 15)),
        ],
        "FP": [
            row("FP", WOMAN, "110", d(2025, 4, 1), FPTYPE="1"),
            row("FP", WOMAN, "111", d(2025, 4, 15), FPTYPE="2"),
        ],
        "SPECIALPP": [
            row("SPECIALPP", ELDER, "200", d(2025, 1, 5), PPSPECIAL="1B0040"),
            row("SPECIALPP", MAN, "300", d(2025, 2, 1), PPSPECIAL="1B0060"),
        ],
        "NCDSCREEN": [
            row("NCDSCREEN", MAN, "301", d(2025, 2, 1), BSLEVEL="98", BSTEST="1"),
            row("NCDSCREEN", MAN, "302", d(2025, 3, 1), BSLEVEL="104", BSTEST="1"),
        ],
    }


def hand_counted_zip(directory: Path) -> Path:
    members = {file.lower(): f43_text(file, rows) for file, rows in hand_counted_tables().items()}
    return export_zip_of(directory, members)


Line = tuple[int, dt.date, str, str | None, str]
"""(pid, service date, item, paid or None, error code)."""

FIRST_STATEMENT: list[Line] = [
    (WOMAN, dt.date(2024, 10, 10), "ANC", "360", ""),
    (WOMAN, dt.date(2024, 11, 10), "ANC", "200", ""),
    (WOMAN, dt.date(2024, 12, 10), "ANC", "0", "420"),
    (WOMAN, dt.date(2025, 2, 10), "ANC", "0", "603"),
    (WOMAN, dt.date(2025, 3, 10), "ANC", "0", "633"),
]
SECOND_STATEMENT: list[Line] = [
    (WOMAN, dt.date(2025, 1, 10), "ANC", None, ""),
    (WOMAN, dt.date(2025, 2, 10), "ANC", "360", ""),
    (WOMAN, dt.date(2025, 4, 1), "FP_PILL", "40", ""),
    (MAN, dt.date(2025, 2, 1), "FIT", "60", ""),
    (MAN, dt.date(2025, 4, 4), "FPG", "40", ""),
    (MAN, dt.date(2025, 4, 4), "XYZ", "100", ""),
]


def be_text(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year + BE_OFFSET}"


THAI_HEADER = [
    "ลำดับ",
    "รหัสหน่วยบริการ",
    "เลขประจำตัวประชาชน",
    "วันที่รับบริการ",
    "รหัสรายการ",
    "ยอดชดเชย",
    "รหัสข้อผิดพลาด",
    "เลขที่ statement",
]


def statement_xlsx(
    path: Path, lines: Sequence[Line], *, statement_id: str = "STM6801", excel_dates: bool = False
) -> Path:
    """A statement downloaded as XLSX: two title rows, Thai headers, Buddhist-era dates as text
    (or real Excel dates), CIDs and the unit code as numbers, error codes as `633.0`."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["รายงานการจ่ายชดเชยค่าบริการ PP fee schedule"])
    sheet.append([f"หน่วยบริการ {HOSPCODE}"])
    sheet.append(THAI_HEADER)
    for number, (pid, day, item, paid, error) in enumerate(lines, start=1):
        sheet.append(
            [
                number,
                int(HOSPCODE),
                int(cid(pid)),
                dt.datetime.combine(day, dt.time()) if excel_dates else be_text(day),
                item,
                None if paid is None else float(paid),
                f"{error}.0" if error else None,
                statement_id,
            ]
        )
    book.save(path)
    return path


def statement_csv(
    path: Path,
    lines: Sequence[Line],
    *,
    statement_id: str = "STM6802",
    header: Sequence[str] = (
        "hcode",
        "pid",
        "date_serv",
        "fs_code",
        "amount",
        "deny_code",
        "rep_no",
    ),
) -> Path:
    """A statement as CSV with English headers and CE dates (UTF-8 with a byte-order mark)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for pid, day, item, paid, error in lines:
        writer.writerow([HOSPCODE, cid(pid), ymd(day), item, paid or "", error, statement_id])
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))
    return path


def catalog_file(path: Path, rows: Sequence[Mapping[str, str]]) -> Path:
    """A catalog CSV of the shipped columns: the 2568 items, with `rows` replacing fields of the
    item each names (`{"item": "ANC", "rate": "400"}`)."""
    items = {r["item"]: r for r in rows}
    text = catalog_csv(shipped_catalog())
    reader = csv.DictReader(io.StringIO(text))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(reader.fieldnames or ()), lineterminator="\n")
    writer.writeheader()
    for line in reader:
        if line["fiscal_year"] == "2568":
            writer.writerow({**line, **items.get(line["item"], {})})
    path.write_text(out.getvalue(), encoding="utf-8")
    return path
