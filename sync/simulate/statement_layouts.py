"""The centre's NHSO statements written as NHSO's own files look (domain section 7.4).

- The older statement is an **e-Claim REP** (`eclaim_{HCODE}_OP_{BE yyyymmdd}_1.xls`, BIFF8,
  sheets Detail and Summary): five title rows naming the unit "โรงพยาบาล HCODE name", a header
  on row 6 whose fund money columns sit under a merged group label, sub-header rows 7-8, then one
  line per visit (TRAN_ID) with its error code and its PP and FS money; no item code.
- Its paid visits come back in an **STM statement** (`STM_{HCODE}_OPUCS{BE yyyymm}_1.xls`,
  sheets รายงานพึงรับ / รายงานสรุป / รายละเอียด): the unit only in a title row, the detail from
  row 15 with the PP amount in column 34 and FS in column 35, CIDs as numbers.
- The recent statement is a **KTB REP INDIVIDUAL** export (`.xlsx`): "วันที่จัดพิมพ์" and
  "โครงการ" rows above a header with "ลำดับที่" and "REP", one line per item named by its
  service name, NHSO's verdict in words (ชดเชย / ไม่ชดเชย / รออนุมัติ), the reason with its
  error code in หมายเหตุ, the sending unit in HSEND.
- The money of both reaches the bank in a **Smart Money Transfer** file (`.xlsx`): the unit as
  "HCODE name" in A3, the data from row 6; this fiscal year's money, the last month's not
  transferred yet.

The same centre always gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from store.pp.catalog import Catalog
from store.pp.nhso_errors import error_code
from store.thaidate import BE_OFFSET, fiscal_year
from sync.simulate.centre import Centre
from sync.simulate.claims import StatementEntry, demo_catalog
from sync.simulate.nhso import be_text
from sync.simulate.xlsx import workbook_bytes

ZERO = Decimal(0)
UNKNOWN_SERVICE_NAME = "บริการเคลือบฟลูออไรด์ (กลุ่มเสี่ยง)"
"""What the KTB report calls an item the catalog does not list (a line no rule can place)."""


@dataclass(frozen=True)
class Visit:
    """One e-Claim REP line: the older statement's entries of one person on one day."""

    tran_id: str
    hospcode: str
    cid: str
    day: dt.date
    error_code: str
    pp: Decimal


def visits_of(entries: Sequence[StatementEntry], prefix: str) -> list[Visit]:
    """The entries grouped by visit, in the statement's order: the visit's first error code, and
    its PP money (the paid amounts) when it has none."""
    grouped: dict[tuple[str, str, dt.date], list[StatementEntry]] = defaultdict(list)
    for entry in entries:
        grouped[(entry.hospcode, entry.cid, entry.date_serv)].append(entry)
    visits = []
    for number, ((hospcode, cid, day), items) in enumerate(grouped.items(), start=1):
        code = next((e.error_code for e in items if e.error_code), "")
        money = ZERO if code else sum((e.paid or ZERO for e in items), ZERO)
        visits.append(Visit(f"{prefix}{number:07d}", hospcode, cid, day, code, money))
    return visits


def _be_stamp(day: dt.date) -> str:
    return f"{day.year + BE_OFFSET}{day:%m%d}"


def _xls_bytes(book: object) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)  # type: ignore[attr-defined]
    return buffer.getvalue()


REP_HEADER = (
    "REP No.", "ลำดับที่", "TRAN_ID", "HN", "AN", "PID", "ชื่อ-สกุล", "ประเภทผู้ป่วย",
    "วันเข้ารักษา", "วันจำหน่าย", "ชดเชยสุทธิ", "ชดเชยจาก", "Error Code", "กองทุนหลัก",
    "กองทุนย่อย", "สิทธิหลัก", "สิทธิย่อย", "HREF", "HCODE", "HMAIN", "PP", "FS",
)  # fmt: skip
REP_MONEY_GROUP = ("เงินชดเชยแยกตามกองทุน", REP_HEADER.index("PP"), REP_HEADER.index("FS"))
"""The merged label over the fund columns, and its first and last column."""


def write_eclaim_rep(
    directory: Path, centre: Centre, visits: Sequence[Visit], day: dt.date, rep_no: str
) -> Path:
    """The older statement as an e-Claim REP .xls (see the module text)."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    detail = book.add_sheet("Detail")
    titles = [
        f"รายงานผลการตรวจสอบข้อมูลการเบิกชดเชย (REP) ณ วันที่ {be_text(day)}",
        f"โรงพยาบาล {centre.hospcode} {centre.name}",
        "จังหวัด สมมุติ",
        f"เลขที่เอกสาร {rep_no}",
        "ประเภท OP",
    ]
    for row, title in enumerate(titles):
        detail.write(row, 0, title)
    header_row = 5
    group, first, last = REP_MONEY_GROUP
    for column, name in enumerate(REP_HEADER):
        if first <= column <= last:
            detail.write(header_row + 1, column, name)
        else:
            detail.write_merge(header_row, header_row + 1, column, column, name)
    detail.write_merge(header_row, header_row, first, last, group)
    for column in range(len(REP_HEADER)):
        detail.write(header_row + 2, column, f"({column + 1})")
    row = header_row + 3
    for number, visit in enumerate(visits, start=1):
        money = float(visit.pp) if visit.pp else 0.0
        cells = (
            rep_no, number, visit.tran_id, f"{number:06d}", "", visit.cid, "",
            "OP", be_text(visit.day), be_text(visit.day), money, "UCS" if money else "",
            visit.error_code, "UCS", "PP" if money else "", "UCS", "89", centre.hospcode,
            centre.hospcode, centre.hospcode, money, 0.0,
        )  # fmt: skip
        for column, value in enumerate(cells):
            detail.write(row, column, value)
        row += 1
    summary = book.add_sheet("Summary")
    summary.write(0, 0, "สรุปผลการตรวจสอบ")
    summary.write(1, 0, "จำนวนรายการ")
    summary.write(1, 1, len(visits))
    summary.write(2, 0, "ติด C")
    summary.write(2, 1, sum(1 for v in visits if v.error_code))
    path = directory / f"eclaim_{centre.hospcode}_OP_{_be_stamp(day)}_1.xls"
    path.write_bytes(_xls_bytes(book))
    return path


STM_HEADER_ROW = 13
"""0-based: the detail header on row 14, data from row 15."""
STM_COLUMNS = {
    0: "rep_no", 1: "seq", 2: "tran_id", 3: "hn", 4: "an", 5: "pid", 6: "name",
    7: "date_admit", 8: "date_discharge", 9: "main_inscl", 10: "proj_code",
    11: "amount_claimed", 33: "PP", 34: "FS",
}  # fmt: skip


def write_stm(
    directory: Path, centre: Centre, visits: Sequence[Visit], day: dt.date, rep_no: str
) -> Path:
    """The paid visits of the REP as an STM .xls (see the module text)."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    for name in ("รายงานพึงรับ", "รายงานสรุป"):
        sheet = book.add_sheet(name)
        sheet.write(0, 0, f"Statement ผู้ป่วยนอก สิทธิ UC เดือน {day.month:02d}/{day.year + BE_OFFSET}")
        sheet.write(1, 0, f"โรงพยาบาล {centre.hospcode} {centre.name}")
    sheet = book.add_sheet("รายละเอียด")
    titles = [
        "สำนักงานหลักประกันสุขภาพแห่งชาติ",
        f"รายละเอียดการจ่ายชดเชย ผู้ป่วยนอก (OP) งวด {day.month:02d}/{day.year + BE_OFFSET}",
        f"โรงพยาบาล {centre.hospcode} {centre.name}",
    ]
    for row, title in enumerate(titles):
        sheet.write(row, 0, title)
    for column in range(35):
        sheet.write(STM_HEADER_ROW, column, STM_COLUMNS.get(column, f"col{column + 1}"))
    row = STM_HEADER_ROW + 1
    paid = [v for v in visits if not v.error_code and v.pp > ZERO]
    for number, visit in enumerate(paid, start=1):
        cells = {
            0: rep_no, 1: number, 2: visit.tran_id, 3: f"{number:06d}", 4: "",
            5: int(visit.cid), 6: "", 7: be_text(visit.day), 8: be_text(visit.day), 9: "UCS",
            10: "", 11: float(visit.pp), 33: float(visit.pp), 34: 0.0,
        }  # fmt: skip
        for column, value in cells.items():
            sheet.write(row, column, value)
        row += 1
    sheet.write(row, 0, "รวม")
    sheet.write(row, 33, float(sum((v.pp for v in paid), ZERO)))
    path = directory / f"STM_{centre.hospcode}_OPUCS{_be_stamp(day)[:6]}_1.xls"
    path.write_bytes(_xls_bytes(book))
    return path


KTB_HEADER = (
    "ลำดับที่", "REP No.", "Trans ID", "HN", "PID", "ชื่อ", "สิทธิ", "HMAIN", "วันที่ส่ง",
    "วันที่รับบริการ", "ลำดับรายการ", "ชื่อบริการ", "จำนวน", "ราคา", "เพดาน", "รวมขอเบิก",
    "PS CODE", "PS %", "ชดเชย", "ไม่ชดเชย", "extra", "เรียกคืน", "สถานะ", "หมายเหตุ",
    "หมายเหตุอื่น", "HSEND",
)  # fmt: skip


def service_name(catalog: Catalog, entry: StatementEntry) -> str:
    """The name the KTB report gives an entry's item: the catalog's first statement name."""
    item = catalog.resolve(fiscal_year(entry.date_serv), entry.item)
    if item is None or not item.nhso_names:
        return UNKNOWN_SERVICE_NAME
    return item.nhso_names[0]


def write_ktb_rep_individual(
    directory: Path, centre: Centre, entries: Sequence[StatementEntry], day: dt.date, rep_no: str
) -> Path:
    """The recent statement as a KTB REP INDIVIDUAL export (see the module text)."""
    from openpyxl import Workbook

    catalog = demo_catalog(centre.services.first_day, centre.today)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("REP INDIVIDUAL")
    sheet.append([f"วันที่จัดพิมพ์ {be_text(day)} 10:00:00"])
    sheet.append(["โครงการ บริการสร้างเสริมสุขภาพและป้องกันโรค (PP Fee Schedule)"])
    sheet.append([f"หน่วยบริการ {centre.hospcode} {centre.name}"])
    sheet.append([])
    sheet.append(list(KTB_HEADER))
    for number, entry in enumerate(entries, start=1):
        item = catalog.resolve(fiscal_year(entry.date_serv), entry.item)
        rate = float(item.rate) if item is not None else float(entry.paid or 0)
        status, remark, paid, refused = _ktb_verdict(entry, rate)
        sheet.append(
            [
                number, rep_no, f"KTB{entry.date_serv:%y%m%d}{number:06d}", f"{number:06d}",
                entry.cid, "", "UCS", centre.hospcode, be_text(day), be_text(entry.date_serv),
                1, service_name(catalog, entry), 1, rate, rate, rate, "", 100, paid, refused,
                0, 0, status, remark, "", entry.hospcode,
            ]
        )  # fmt: skip
    path = directory / f"REP_INDIVIDUAL_{centre.hospcode}_{_be_stamp(day)}.xlsx"
    path.write_bytes(workbook_bytes(book, dt.datetime.combine(day, dt.time(10, 0))))
    return path


def _ktb_verdict(entry: StatementEntry, rate: float) -> tuple[str, str, float | None, float]:
    """(สถานะ, หมายเหตุ, ชดเชย, ไม่ชดเชย) of an entry."""
    if entry.error_code:
        meaning = error_code(entry.error_code).description("th")
        return "ไม่ชดเชย", f"{entry.error_code} {meaning}".strip(), 0.0, rate
    if entry.paid is None:
        return "รออนุมัติ", "", None, 0.0
    paid = float(entry.paid)
    return "ชดเชย", "", paid, max(rate - paid, 0.0)


SMT_HEADER = (
    "วันที่โอน", "batch no", "งวด", "กองทุนย่อย", "กองทุน", "รายละเอียด", "จำนวนเงิน",
    "ชะลอการโอน", "รอหักกลบ", "หลักประกันสัญญา", "ภาษี", "คงเหลือ", "เงินโอนเข้าบัญชี",
)  # fmt: skip


def monthly_paid(
    visits: Sequence[Visit], entries: Sequence[StatementEntry]
) -> dict[tuple[int, int], Decimal]:
    """The money the statements paid, by month of service."""
    months: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    for visit in visits:
        if not visit.error_code:
            months[(visit.day.year, visit.day.month)] += visit.pp
    for entry in entries:
        if not entry.error_code and entry.paid:
            months[(entry.date_serv.year, entry.date_serv.month)] += entry.paid
    return dict(sorted(months.items()))


def write_smt(
    directory: Path, centre: Centre, paid: dict[tuple[int, int], Decimal], day: dt.date
) -> Path:
    """This fiscal year's transfers as a Smart Money Transfer file: the statements' money of
    each service month of the year but the last, transferred on the 15th of the month after."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("SMT")
    sheet.append(["รายงานการโอนเงิน Smart Money Transfer"])
    sheet.append([f"ข้อมูล ณ วันที่ {be_text(day)}"])
    sheet.append([f"{centre.hospcode} {centre.name}"])
    sheet.append([])
    sheet.append(list(SMT_HEADER))
    this_year = fiscal_year(day)
    months = [
        (m, a) for m, a in list(paid.items())[:-1] if fiscal_year(dt.date(*m, 1)) == this_year
    ]
    for number, ((year, month), amount) in enumerate(months, start=1):
        following = dt.date(year + month // 12, month % 12 + 1, 15)
        money = float(amount)
        batch = f"{following.year + BE_OFFSET}{following.month:02d}{number:03d}"
        sheet.append(
            [
                be_text(following), batch,
                f"{month:02d}/{year + BE_OFFSET}", "PP Fee Schedule", "UC",
                "ค่าบริการสร้างเสริมสุขภาพและป้องกันโรค", money, 0, 0, 0, 0, money, money,
            ]
        )  # fmt: skip
    path = directory / f"SMT_{centre.hospcode}_{_be_stamp(day)}.xlsx"
    path.write_bytes(workbook_bytes(book, dt.datetime.combine(day, dt.time(11, 0))))
    return path
