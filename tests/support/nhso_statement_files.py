"""NHSO statement files as NHSO sends them, for the test unit's people of
`tests.support.pp_builders`: KTB REP INDIVIDUAL, e-Claim REP, STM and Smart Money Transfer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from tests.support.ingest_builders import HOSPCODE, cid
from tests.support.pp_builders import ELDER, MAN, WOMAN
from tests.support.tabular_builders import XlsSheet, xls_book_bytes, xls_bytes, xlsx_bytes

D = dt.date
UNIT_NUMBER = int(HOSPCODE)


# KTB REP INDIVIDUAL --------------------------------------------------------------------------

KTB_HEADER = [
    "ลำดับที่", "REP No.", "Trans ID", "HN", "PID", "ชื่อ", "สิทธิ", "HMAIN", "วันที่ส่ง",
    "วันที่รับบริการ", "ลำดับรายการ", "ชื่อบริการ", "จำนวน", "ราคา", "เพดาน", "รวมขอเบิก",
    "PS CODE", "PS %", "ชดเชย", "ไม่ชดเชย", "extra", "เรียกคืน", "สถานะ", "หมายเหตุ",
    "หมายเหตุอื่น", "HSEND",
]  # fmt: skip


def ktb_line(
    n: int,
    pid: int,
    day: dt.date | str,
    name: str,
    paid: float | None,
    status: str,
    remark: str = "",
    hsend: object = UNIT_NUMBER,
) -> list[object]:
    price = 360.0
    return [
        n, "KTB680500001", f"T{n:04d}", f"HN{pid}", int(cid(pid)), "ทดสอบ สมมุติ", "UCS",
        UNIT_NUMBER, "15/05/2568", day, 1, name, 1, price, price, price, "", 100, paid,
        0 if status != "ไม่ชดเชย" else price, 0, 0, status, remark, "", hsend,
    ]  # fmt: skip


def ktb_report(path: Path) -> Path:
    rows: list[Sequence[object]] = [
        ["วันที่จัดพิมพ์ 20/05/2568 10:15:00"],
        ["โครงการ บริการสร้างเสริมสุขภาพและป้องกันโรค (PP Fee Schedule)"],
        [f"หน่วยบริการ {HOSPCODE} รพ.สต.ทดสอบ"],
        [],
        KTB_HEADER,
        ktb_line(1, WOMAN, D(2024, 10, 10), "บริการฝากครรภ์", 360.0, "ชดเชย"),
        ktb_line(2, WOMAN, "10/11/2567", "ฝากครรภ์", 200.0, "ชดเชย"),
        ktb_line(3, WOMAN, "10/12/2567", "บริการฝากครรภ์", 0.0, "ไม่ชดเชย",
                 "420 อายุครรภ์ไม่สอดคล้องกับบริการ"),
        ktb_line(4, WOMAN, "10/01/2568", "บริการฝากครรภ์", None, "รออนุมัติ"),
        ktb_line(5, WOMAN, "01/04/2568", "ยาเม็ดคุมกำเนิด", None, "", hsend=None),
        ktb_line(6, MAN, "01/02/2568", "คัดกรองมะเร็งลำไส้ใหญ่และลำไส้ตรง (Fit test)", 60.0, "ชดเชย"),
        ktb_line(7, WOMAN, "15/04/2568", "บริการทันตกรรมป้องกัน", 500.0, "ชดเชย"),
        ["", "", "", "", "", "", "", "", "", "", "", "รวม", "", "", "", "", "", "", 620.0],
    ]  # fmt: skip
    path.write_bytes(xlsx_bytes(rows, sheet="REP INDIVIDUAL"))
    return path


# e-Claim REP ---------------------------------------------------------------------------------

REP_HEADER = [
    "REP No.", "ลำดับที่", "TRAN_ID", "HN", "AN", "PID", "ชื่อ-สกุล", "ประเภทผู้ป่วย",
    "วันเข้ารักษา", "วันจำหน่าย", "ชดเชยสุทธิ", "Error Code", "กองทุนหลัก", "สิทธิหลัก",
    "สิทธิย่อย", "HCODE", "HMAIN", "ชดเชยจาก", "",
]  # fmt: skip
REP_SUB_HEADER = [""] * 17 + ["PP", "FS"]
REP_MERGES = [(5, 6, c, c) for c in range(17)] + [(5, 5, 17, 18)]
"""Every column's name spans rows 6-7, except the money group over its PP and FS columns."""


def rep_line(
    n: int,
    tran: str,
    pid: int,
    day: str,
    error: str,
    pp: float,
    fs: float,
    hcode: object = UNIT_NUMBER,
) -> list[object]:
    return [
        "680500123", n, tran, f"HN{pid}", "", cid(pid), "ทดสอบ สมมุติ", "OP", day, day,
        pp + fs, error, "UCS", "UCS", "89", hcode, UNIT_NUMBER, pp, fs,
    ]  # fmt: skip


REP_LINES = [
    rep_line(1, "TR1", WOMAN, "10/02/2568 09:30:00", "", 300.0, 60.0),
    rep_line(2, "TR2", WOMAN, "10/03/2568 10:00:00", "633", 0.0, 0.0),
    rep_line(3, "TR3", MAN, "01/02/2568 08:45:00", "", 100.0, 0.0, hcode=""),
    rep_line(4, "TR4", WOMAN, "15/04/2568 13:00:00", "217", 0.0, 0.0),
    rep_line(5, "TR5", MAN, "20/01/2568 11:00:00", "", 0.0, 0.0),
    rep_line(6, "TR6", ELDER, "05/01/2568 09:00:00", "C438", 0.0, 0.0),
]


def rep_rows() -> list[Sequence[object]]:
    return [
        ["รายงานผลการตรวจสอบข้อมูลการเบิกชดเชย (REP) ณ วันที่ 16/05/2568"],
        [f"โรงพยาบาล {HOSPCODE} รพ.สต.ทดสอบ"],
        ["จังหวัด สมมุติ"],
        ["เลขที่เอกสาร 680500123"],
        ["ประเภท OP"],
        REP_HEADER,
        REP_SUB_HEADER,
        [f"({c + 1})" for c in range(len(REP_HEADER))],
        *REP_LINES,
    ]


def eclaim_rep(path: Path) -> Path:
    path.write_bytes(xls_bytes(rep_rows(), sheet="Detail", merges=REP_MERGES))
    return path


REP_SUMMARY: list[Sequence[object]] = [
    ["สรุปผลการตรวจสอบข้อมูลการเบิกชดเชย (REP)"],
    [f"โรงพยาบาล {HOSPCODE} รพ.สต.ทดสอบ"],
    [],
    ["REP No.", "จำนวนรายการ", "ติด C", "PP", "FS"],
    ["680500123", 6, 3, 400.0, 60.0],
    ["รวม", 6, 3, 400.0, 60.0],
]
"""A Summary sheet holding a real table, whose REP No., PP and FS name REP fields too."""


def eclaim_rep_summary_first(path: Path) -> Path:
    """The e-Claim REP with its filled Summary sheet before the Detail sheet."""
    sheets = [XlsSheet("Summary", REP_SUMMARY), XlsSheet("Detail", rep_rows(), REP_MERGES)]
    path.write_bytes(xls_book_bytes(sheets))
    return path


# STM -----------------------------------------------------------------------------------------

STM_NAMES = {
    0: "rep_no", 1: "seq", 2: "tran_id", 3: "hn", 4: "an", 5: "pid", 6: "name",
    7: "date_admit", 8: "date_discharge", 9: "main_inscl", 10: "proj_code",
    11: "amount_claimed", 33: "PP", 34: "FS",
}  # fmt: skip


def stm_line(n: int, tran: str, pid: int, day: str, pp: float, fs: float) -> list[object]:
    cells: dict[int, object] = {
        0: "680500123", 1: n, 2: tran, 3: f"HN{pid}", 5: int(cid(pid)), 6: "ทดสอบ สมมุติ",
        7: day, 8: day, 9: "UCS", 11: pp + fs, 33: pp, 34: fs,
    }  # fmt: skip
    return [cells.get(c, "") for c in range(35)]


def stm_detail_rows() -> list[Sequence[object]]:
    return [
        ["สำนักงานหลักประกันสุขภาพแห่งชาติ"],
        ["รายละเอียดการจ่ายชดเชย ผู้ป่วยนอก (OP) งวด 05/2568"],
        [f"โรงพยาบาล {HOSPCODE} รพ.สต.ทดสอบ"],
        *([[]] * 10),
        [STM_NAMES.get(c, f"col{c + 1}") for c in range(35)],
        stm_line(1, "TR1", WOMAN, "10/02/2568", 360.0, 0.0),
        stm_line(2, "TR3", MAN, "01/02/2568", 40.0, 10.0),
        ["รวม", *([""] * 32), 400.0, 10.0],
    ]


def stm_statement(path: Path) -> Path:
    path.write_bytes(xls_bytes(stm_detail_rows(), sheet="รายละเอียด"))
    return path


STM_SUMMARY: list[Sequence[object]] = [
    ["รายงานสรุป Statement ผู้ป่วยนอก สิทธิ UC งวด 05/2568"],
    [f"โรงพยาบาล {HOSPCODE} รพ.สต.ทดสอบ"],
    [],
    ["REP No.", "จำนวนราย", "ยอดเรียกเก็บ", "PP", "FS"],
    ["680500123", 2, 410.0, 400.0, 10.0],
    ["รวม", 2, 410.0, 400.0, 10.0],
]
"""A filled รายงานสรุป sheet: its REP No., ยอดเรียกเก็บ, PP and FS name STM fields too."""


def stm_workbook(path: Path, detail: Sequence[Sequence[object]] | None = None) -> Path:
    """The STM as NHSO serves it: รายงานพึงรับ, a filled รายงานสรุป, then the รายละเอียด
    sheet (`detail`, the usual detail rows unless given)."""
    due = [["Statement ผู้ป่วยนอก สิทธิ UC เดือน 05/2568"], [f"โรงพยาบาล {HOSPCODE} รพ.สต.ทดสอบ"]]
    sheets = [
        XlsSheet("รายงานพึงรับ", due),
        XlsSheet("รายงานสรุป", STM_SUMMARY),
        XlsSheet("รายละเอียด", stm_detail_rows() if detail is None else detail),
    ]
    path.write_bytes(xls_book_bytes(sheets))
    return path


# Smart Money Transfer ------------------------------------------------------------------------

SMT_HEADER = [
    "วันที่โอน", "batch no", "งวด", "กองทุนย่อย", "กองทุน", "รายละเอียด", "จำนวนเงิน",
    "ชะลอการโอน", "รอหักกลบ", "หลักประกันสัญญา", "ภาษี", "คงเหลือ", "เงินโอนเข้าบัญชี",
]  # fmt: skip


def transfer(day: str, batch: str, sub_fund: str, amount: float, sent: float) -> list[object]:
    return [day, batch, "03/2568", sub_fund, "UC", "ค่าบริการ PP", amount, 0, 0, 0,
            round(amount - sent, 2), sent, sent]  # fmt: skip


def smt_file(path: Path) -> Path:
    rows: list[Sequence[object]] = [
        ["รายงานการโอนเงิน Smart Money Transfer"],
        ["ข้อมูล ณ วันที่ 20/05/2568"],
        [f"{HOSPCODE} รพ.สต.ทดสอบ"],
        [],
        SMT_HEADER,
        transfer("15/03/2568", "6803001", "PP Fee Schedule", 1000.0, 990.0),
        transfer("15/03/2568", "6803001", "OP ทั่วไป", 500.0, 500.0),
        transfer("18/04/2568", "6804002", "PP Fee Schedule", 250.5, 250.5),
        transfer("18/04/2568", "6804002", "PP Fee Schedule", 250.5, 240.5),
        ["รวม", "", "", "", "", "", 2001.0, "", "", "", "", "", 1730.5],
    ]
    path.write_bytes(xlsx_bytes(rows, sheet="SMT"))
    return path
