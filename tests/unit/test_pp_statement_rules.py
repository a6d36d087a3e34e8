"""KTB item lines, e-Claim REP visits, STM confirmation, the ติด C rate and SMT totals: the
rules alone, no database."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from store.pp.catalog import shipped_catalog
from store.pp.claims import (
    ClaimResult,
    ClaimStatus,
    Outcome,
    StatementLine,
    StmConfirmation,
    VisitLine,
    confirm_visits,
    match_claims,
    share_money,
)
from store.pp.eligibility import Service, evaluate
from store.pp.nhso_errors import code_in_text
from store.pp.statement_figures import PaidOnPaper, RepCheck, Transfer, statement_figures
from tests.support.pp_facts import T0, UNIT, WOMAN, service

D = dt.date
DAY = D(2025, 1, 10)


def ktb(
    name: str,
    *,
    paid: str | None,
    outcome: Outcome | str = "",
    remark: str = "",
    day: dt.date = DAY,
    line_no: int = 1,
) -> StatementLine:
    amount = None if paid is None else Decimal(paid)
    error = code_in_text(remark)
    return StatementLine(
        UNIT, WOMAN.cid, day, "", amount, error, "REP-KTB-1", T0, line_no,
        item_name=name, outcome=str(outcome), remark=remark, tran_id=f"T{line_no}",
    )  # fmt: skip


def visit(
    *, error: str = "", pp: str = "0", fs: str = "0", tran: str = "TR1", day: dt.date = DAY
) -> VisitLine:
    return VisitLine(
        UNIT, WOMAN.cid, day, tran, "REP6801", error, Decimal(pp), Decimal(fs), T0, 1, id=tran
    )


def judged(
    services: Sequence[Service],
    lines: Sequence[StatementLine] = (),
    visits: Sequence[VisitLine] = (),
) -> ClaimResult:
    catalog = shipped_catalog()
    persons = {(s.hospcode, s.pid): WOMAN for s in services}
    return match_claims(evaluate(services, persons, catalog), lines, catalog, visits)


ANC_AND_PILL = [service("ANC", DAY), service("FP", DAY, {"FPTYPE": "1"})]


def test_ktb_lines_find_their_item_by_service_name_and_its_words_decide() -> None:
    services = [
        service("ANC", DAY),
        service("FP", DAY, {"FPTYPE": "1"}),
        service("FP", D(2025, 1, 11), {"FPTYPE": "2"}),
        service("ANC", D(2025, 2, 10)),
    ]
    lines = [
        ktb("บริการฝากครรภ์", paid="360", outcome=Outcome.PAID),
        ktb("ยาเม็ดคุมกำเนิด", paid="20", outcome=Outcome.PAID, line_no=2),
        ktb("บริการยาฉีดคุมกำเนิด", paid="0", outcome=Outcome.DENIED, day=D(2025, 1, 11),
            remark="ไม่ชดเชย 633 เกินจำนวนครั้งที่กำหนด", line_no=3),
        ktb("ฝากครรภ์", paid=None, outcome=Outcome.PENDING, day=D(2025, 2, 10), line_no=4),
    ]  # fmt: skip
    result = judged(services, lines)
    assert [c.status for c in result.claims] == [
        ClaimStatus.PAID,
        ClaimStatus.PARTIAL,
        ClaimStatus.DENIED,
        ClaimStatus.PENDING,
    ]
    denied = result.claims[2]
    assert denied.error is not None and denied.error.code == "633"
    assert denied.line is not None and denied.line.remark.startswith("ไม่ชดเชย 633")
    assert result.unmatched == ()


def test_a_denied_ktb_line_with_money_is_still_denied_and_a_remark_without_code_has_none() -> None:
    lines = [ktb("บริการฝากครรภ์", paid="360", outcome=Outcome.DENIED, remark="เอกสารไม่ครบ")]
    [claim] = judged([service("ANC", DAY)], lines).claims
    assert claim.status is ClaimStatus.DENIED
    assert claim.error is None and claim.line is not None and claim.line.remark == "เอกสารไม่ครบ"


def test_unknown_service_names_are_unmatched_never_dropped() -> None:
    lines = [
        ktb("บริการฝากครรภ์", paid="360", outcome=Outcome.PAID),
        ktb("ตรวจสุขภาพช่องปาก", paid="100", outcome=Outcome.PAID, line_no=2),
        ktb("ฝากครรภ์ ครั้งที่ 1", paid="360", outcome=Outcome.PAID, line_no=3),
    ]
    result = judged([service("ANC", DAY)], lines)
    assert [c.status for c in result.claims] == [ClaimStatus.PAID]
    assert [(u.reason, u.line.item_name) for u in result.unmatched] == [
        ("UNKNOWN_NAME", "ตรวจสุขภาพช่องปาก"),
        ("UNKNOWN_NAME", "ฝากครรภ์ ครั้งที่ 1"),
    ]
    assert "ตรวจสุขภาพช่องปาก" in result.unmatched[0].text("th")
    assert "nhso_names" in result.unmatched[0].text("en")


def test_a_rep_visit_shares_its_pp_and_fs_money_over_the_visits_services_by_rate() -> None:
    result = judged(ANC_AND_PILL, visits=[visit(pp="300", fs="50")])
    assert [(c.status, c.paid) for c in result.claims] == [
        (ClaimStatus.PARTIAL, Decimal("315.00")),
        (ClaimStatus.PARTIAL, Decimal("35.00")),
    ]
    assert all(c.line is not None and c.line.from_visit for c in result.claims)
    full = judged(ANC_AND_PILL, visits=[visit(pp="400")])
    assert [c.status for c in full.claims] == [ClaimStatus.PAID, ClaimStatus.PAID]


def test_a_rep_visit_with_an_error_code_denies_its_services_and_an_item_line_wins() -> None:
    result = judged(ANC_AND_PILL, visits=[visit(error="603", pp="400")])
    assert [c.status for c in result.claims] == [ClaimStatus.DENIED, ClaimStatus.DENIED]
    assert result.claims[0].error is not None and result.claims[0].error.code == "603"
    item = ktb("บริการฝากครรภ์", paid="360", outcome=Outcome.PAID)
    mixed = judged(ANC_AND_PILL, [item], [visit(error="603")])
    assert [c.status for c in mixed.claims] == [ClaimStatus.PAID, ClaimStatus.DENIED]


def test_a_rep_visit_without_money_or_error_is_pending_and_one_without_pp_service_is_reported() -> (
    None
):
    result = judged(ANC_AND_PILL, visits=[visit()])
    assert [c.status for c in result.claims] == [ClaimStatus.PENDING, ClaimStatus.PENDING]
    elsewhere = judged(ANC_AND_PILL, visits=[visit(pp="150", day=D(2025, 1, 12)), visit(
        tran="TR2", day=D(2025, 1, 13))])  # fmt: skip
    assert [c.status for c in elsewhere.claims] == [ClaimStatus.UNCLAIMED] * 2
    assert [(u.reason, u.line.tran_id) for u in elsewhere.unmatched] == [
        ("NO_VISIT_SERVICE", "TR1")
    ]


def test_an_stm_line_confirms_a_rep_visit_by_tran_id_and_its_money_counts() -> None:
    visits = confirm_visits(
        [visit(pp="0", tran="TR1")],
        [StmConfirmation("TR1", Decimal("360"), Decimal("40")), StmConfirmation("TR9", None, None)],
    )
    assert visits[0].stm is not None and visits[0].money == Decimal("400")
    result = judged(ANC_AND_PILL, visits=visits)
    assert [c.status for c in result.claims] == [ClaimStatus.PAID, ClaimStatus.PAID]
    assert all(c.line is not None and c.line.confirmed for c in result.claims)
    unconfirmed = confirm_visits([visit(tran="TR2")], [StmConfirmation("TR1", None, None)])
    assert unconfirmed[0].stm is None


def test_shared_money_adds_up_to_the_satang() -> None:
    shares = share_money(Decimal("100"), [Decimal("60"), Decimal("60"), Decimal("60")])
    assert shares == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]
    assert share_money(Decimal("10"), []) == []


def test_the_c_rate_is_lines_with_an_error_over_all_lines_per_unit_and_month() -> None:
    checks = [RepCheck(UNIT, D(2025, 1, d), has_error=d <= 3) for d in range(1, 29)]
    checks += [RepCheck(UNIT, D(2025, 2, 1), has_error=False)] * 4
    checks += [RepCheck("10002", D(2025, 1, 5), has_error=True)]
    figures = statement_figures(checks, [], [], units=[UNIT, "10003"])
    ours = figures[UNIT]
    assert (ours.rep_lines, ours.rep_lines_c, ours.c_rate_pct) == (32, 3, Decimal("9.38"))
    assert [(m.label, m.rep_lines, m.rep_lines_c, m.c_rate_pct) for m in ours.months] == [
        ("2025-01", 28, 3, Decimal("10.71")),
        ("2025-02", 4, 0, Decimal("0.00")),
    ]
    assert ours.above_target(Decimal("5"))
    assert figures["10002"].c_rate_pct == Decimal("100.00")
    assert figures["10003"].c_rate_pct is None and figures["10003"].months == ()


def test_smt_totals_sit_beside_the_money_paid_on_statements() -> None:
    transfers = [
        Transfer(UNIT, D(2025, 2, 5), "UC", Decimal("1000"), Decimal("990.50")),
        Transfer(UNIT, D(2025, 2, 20), "UC", Decimal("500"), Decimal("500")),
        Transfer(UNIT, D(2025, 3, 1), "PP", Decimal("200"), None),
        Transfer("10002", D(2025, 2, 5), "UC", Decimal("70"), Decimal("70")),
    ]
    paid = [PaidOnPaper(UNIT, D(2025, 1, 10), Decimal("1800")), PaidOnPaper(UNIT, D(2025, 2, 1),
            Decimal("100.25"))]  # fmt: skip
    ours = statement_figures([], paid, transfers)[UNIT]
    assert ours.transferred_baht == Decimal("1490.50")
    assert ours.statement_paid_baht == Decimal("1900.25")
    assert ours.untransferred_baht == Decimal("409.75")
    assert [
        (m.label, m.transfers, m.transferred_baht, m.statement_paid_baht) for m in ours.months
    ] == [
        ("2025-01", 0, Decimal("0"), Decimal("1800")),
        ("2025-02", 2, Decimal("1490.50"), Decimal("100.25")),
        ("2025-03", 1, Decimal("0"), Decimal("0")),
    ]


def test_a_known_error_code_is_found_inside_a_remark() -> None:
    assert code_in_text("ไม่ชดเชย: 633 เกินจำนวนครั้ง") == "633"
    assert code_in_text("รหัส 12 ไม่ถูกต้อง ดูข้อ 420") == "420"
    assert code_in_text("เอกสารไม่ครบ") == ""
    assert dataclasses.replace(visit(), error_code=" ").has_error is False
