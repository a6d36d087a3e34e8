"""The centre's NHSO statements as files, and the province's catalog when the shipped one lacks
a fiscal year of the demo.

The older statement is an XLSX laid out like a download: title rows above the header, Thai column
names, Buddhist-era dates as `dd/mm/yyyy` text, CIDs and unit codes as numbers (as a spreadsheet
leaves them once someone has typed over them), amounts as numbers and blank when there is none.
The recent one is a CSV with English column names, CE dates and a byte-order mark. Column names
come from `store/reference/nhso_statement_aliases.csv`, so whatever is written here the
importer knows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path

from store.pp.catalog import Catalog, catalog_csv, shipped_catalog
from store.reference import table
from sync.simulate.centre import Centre
from sync.simulate.claims import StatementEntry, demo_catalog
from sync.simulate.nhso import be_text, ce_text
from sync.simulate.xlsx import workbook_bytes

ALIASES = "nhso_statement_aliases.csv"
FIELDS = ("hospcode", "cid", "date_serv", "item_code", "paid", "error_code", "statement_id")
ROW_NUMBER = "ลำดับ"
SHEET_TITLE = "REP"


def header(field: str, *, thai: bool) -> str:
    """The column name for a field: its first Thai alias if wanted and known, else its first."""
    aliases = [r["alias"] for r in table(ALIASES) if r["field"] == field]
    if not aliases:
        raise KeyError(f"no alias for the statement field {field!r}")
    if thai:
        return next((a for a in aliases if not a.isascii()), aliases[0])
    return aliases[0]


def write_statement_xlsx(
    directory: Path, centre: Centre, entries: Sequence[StatementEntry], day: dt.date
) -> Path:
    """The older statement as an XLSX download; same centre, same bytes."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET_TITLE)
    sheet.append([f"รายงานการจ่ายชดเชยค่าบริการ PP fee schedule หน่วยบริการ {centre.hospcode}"])
    sheet.append([f"{centre.name} ข้อมูล ณ วันที่ {be_text(day)} จำนวน {len(entries):,} รายการ"])
    sheet.append([ROW_NUMBER, *(header(f, thai=True) for f in FIELDS)])
    for number, entry in enumerate(entries, start=1):
        sheet.append(
            [
                number,
                int(entry.hospcode),
                int(entry.cid),
                be_text(entry.date_serv),
                entry.item,
                None if entry.paid is None else float(entry.paid),
                entry.error_code or None,
                entry.statement_id,
            ]
        )
    path = directory / f"rep_{centre.hospcode}_{day:%Y%m%d}.xlsx"
    path.write_bytes(workbook_bytes(book, dt.datetime.combine(day, dt.time(10, 0))))
    return path


def write_statement_csv(
    directory: Path, centre: Centre, entries: Sequence[StatementEntry], day: dt.date
) -> Path:
    """The recent statement as CSV: English headers, CE dates, blank amounts left blank."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([header(f, thai=False) for f in FIELDS])
    for entry in entries:
        writer.writerow(
            [
                entry.hospcode,
                entry.cid,
                ce_text(entry.date_serv),
                entry.item,
                "" if entry.paid is None else f"{entry.paid:.2f}",
                entry.error_code,
                entry.statement_id,
            ]
        )
    path = directory / f"rep_{centre.hospcode}_{day:%Y%m%d}.csv"
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))
    return path


def province_catalog(centre: Centre) -> Catalog:
    """The items of the fiscal years of the centre's services that the shipped catalog lacks
    (empty when it has them all)."""
    shipped = set(shipped_catalog().fiscal_years)
    catalog = demo_catalog(centre.services.first_day, centre.today)
    return Catalog(tuple(i for i in catalog.items if i.fiscal_year not in shipped))


def write_province_catalog(directory: Path, catalog: Catalog) -> Path:
    """The province's catalog CSV for the fiscal years it holds."""
    years = "_".join(str(y) for y in catalog.fiscal_years)
    path = directory / f"pp_catalog_{years}.csv"
    path.write_bytes(catalog_csv(catalog).encode("utf-8"))
    return path
