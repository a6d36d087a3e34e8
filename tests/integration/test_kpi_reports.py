"""The KPI and gaps reports over a store (SQLite and PostgreSQL): figures and exact JSON shape."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from sqlalchemy import Engine

from store import codes
from store.cid import mask_cid
from store.engine import read_tx, write_tx
from store.kpi import evaluate_units, kpi_report, work_list
from store.pp.claims import ZERO, claim_rate_pct
from store.pp.report import PpMoney
from store.rights.report import gaps_report
from tests.support.gaps_data import (
    AS_OF,
    EMPTY_UNIT,
    HAND_COUNTED,
    HAND_COUNTED_WORK_LIST,
    UNIT,
    StoreRows,
    hand_counted_unit,
    make_cid,
)

GAP_CODES = [
    "NO_CID",
    "NO_RIGHT",
    "EXPIRED",
    "STP",
    "OUTSIDE_UNIT",
    "DEAD_AT_NHSO",
    "MISMATCH",
    "UNCHECKED",
]
UNIT_KEYS = [
    "hospcode", "population", "thai_population", "covered", "coverage_pct", "gaps", "pp",
    "statements",
]  # fmt: skip
NO_STATEMENTS: dict[str, object] = {
    "rep_lines": 0,
    "rep_lines_c": 0,
    "c_rate_pct": None,
    "c_rate_target_pct": 5.0,
    "statement_paid_baht": 0.0,
    "transferred_baht": 0.0,
    "untransferred_baht": 0.0,
    "months": [],
}
"""A unit without REP lines, paid statement lines or transfers (keys added to version 1)."""
NO_PP_2568 = {
    "fiscal_year": 2568,
    "rates_from_fiscal_year": 2568,
    "qualifying": 0,
    "eligible_baht": 0.0,
    "paid_baht": 0.0,
    "denied_baht": 0.0,
    "pending_baht": 0.0,
    "unclaimed_baht": 0.0,
    "claim_rate_pct": None,
    "due_count": 0,
    "to_earn_baht": 0.0,
}
PP_MONEY_KEYS = [k for k in NO_PP_2568 if k not in ("due_count", "to_earn_baht")]
ROW_KEYS = [
    "hospcode",
    "pid",
    "cid",
    "name",
    "village",
    "codes",
    "explanation_th",
    "explanation_en",
    "action",
]


def _filled(engine: Engine) -> None:
    with write_tx(engine) as conn:
        hand_counted_unit(StoreRows(conn))


def test_the_kpi_report_gives_the_hand_counted_figures(engine: Engine) -> None:
    _filled(engine)
    with read_tx(engine) as conn:
        report = kpi_report(conn, AS_OF).to_json()
    assert report["version"] == 1
    assert report["as_of"] == "2025-01-15"
    assert [u["hospcode"] for u in report["units"]] == [UNIT, EMPTY_UNIT]
    unit = report["units"][0]
    assert {k: unit[k] for k in HAND_COUNTED} == HAND_COUNTED


def test_a_unit_without_population_has_null_coverage_and_zero_gaps(engine: Engine) -> None:
    _filled(engine)
    with read_tx(engine) as conn:
        report = kpi_report(conn, AS_OF, EMPTY_UNIT).to_json()
    assert report["units"] == [
        {
            "hospcode": EMPTY_UNIT,
            "population": 0,
            "thai_population": 0,
            "covered": 0,
            "coverage_pct": None,
            "gaps": dict.fromkeys(GAP_CODES, 0),
            "pp": NO_PP_2568,
            "statements": NO_STATEMENTS,
        }
    ]
    statements = report["units"][0]["statements"]
    assert (statements["rep_lines"], statements["c_rate_pct"], statements["months"]) == (
        0,
        None,
        [],
    )


def test_the_kpi_json_has_exactly_the_documented_keys_and_types(engine: Engine) -> None:
    _filled(engine)
    with read_tx(engine) as conn:
        report = json.loads(json.dumps(kpi_report(conn, AS_OF).to_json()))
    assert list(report) == ["version", "as_of", "units"]
    assert isinstance(report["version"], int) and isinstance(report["as_of"], str)
    for unit in report["units"]:
        assert list(unit) == UNIT_KEYS
        assert isinstance(unit["hospcode"], str)
        for key in ("population", "thai_population", "covered"):
            assert type(unit[key]) is int
        assert unit["coverage_pct"] is None or isinstance(unit["coverage_pct"], float)
        assert list(unit["gaps"]) == GAP_CODES
        assert all(type(n) is int for n in unit["gaps"].values())
        assert list(unit["pp"]) == list(NO_PP_2568)
        assert {k: unit["pp"][k] for k in PP_MONEY_KEYS} == {
            k: NO_PP_2568[k] for k in PP_MONEY_KEYS
        }
        assert type(unit["pp"]["due_count"]) is int
        assert isinstance(unit["pp"]["to_earn_baht"], float)
        assert unit["statements"] == NO_STATEMENTS


def test_the_kpi_report_follows_the_as_of_date(engine: Engine) -> None:
    _filled(engine)
    with read_tx(engine) as conn:
        earlier = kpi_report(conn, AS_OF - dt.timedelta(days=2), UNIT).to_json()["units"][0]
    assert earlier["gaps"]["EXPIRED"] == 0
    assert earlier["covered"] - 1 == HAND_COUNTED["covered"]


def test_the_gaps_report_lists_persons_with_gaps_in_village_and_pid_order(
    engine: Engine,
) -> None:
    _filled(engine)
    with read_tx(engine) as conn:
        report = gaps_report(conn, AS_OF).to_json()
    assert list(report) == ["version", "as_of", "gaps"]
    assert (report["version"], report["as_of"]) == (1, "2025-01-15")
    assert [(r["pid"], r["village"], r["codes"]) for r in report["gaps"]] == (
        HAND_COUNTED_WORK_LIST
    )


def test_the_gaps_json_has_exactly_the_documented_keys_and_types(engine: Engine) -> None:
    _filled(engine)
    with read_tx(engine) as conn:
        report = json.loads(json.dumps(gaps_report(conn, AS_OF).to_json()))
    for row in report["gaps"]:
        assert list(row) == ROW_KEYS
        assert all(isinstance(row[k], str) for k in ROW_KEYS if k != "codes")
        assert row["codes"] and all(isinstance(c, str) for c in row["codes"])


def test_gaps_rows_mask_the_cid_and_explain_in_both_languages(engine: Engine) -> None:
    _filled(engine)
    with read_tx(engine) as conn:
        masked = gaps_report(conn, AS_OF, UNIT).to_json()
        shown = gaps_report(conn, AS_OF, UNIT, show_cid=True, lang="en").to_json()
    row = next(r for r in masked["gaps"] if r["pid"] == "6")
    outside, mismatch = codes.gap_code("OUTSIDE_UNIT"), codes.gap_code("MISMATCH")
    unchecked = codes.gap_code("UNCHECKED")
    assert row["cid"] == mask_cid(make_cid(6)) and "xxxxx" in row["cid"]
    assert row["name"] == "ทดสอบ6 สมมุติ"
    assert row["explanation_en"] == "; ".join(
        g.explanation_en for g in (outside, mismatch, unchecked)
    )
    assert row["explanation_th"].startswith(outside.explanation_th + "; ")
    assert row["action"] == outside.action_th
    shown_row = next(r for r in shown["gaps"] if r["pid"] == "6")
    assert shown_row["cid"] == make_cid(6)
    assert shown_row["action"] == outside.action_en
    assert next(r for r in shown["gaps"] if r["pid"] == "11")["cid"] == ""


def test_reports_of_one_unit_leave_out_the_others(engine: Engine) -> None:
    _filled(engine)
    with write_tx(engine) as conn:
        rows = StoreRows(conn)
        rows.person("10500", "1", cid=make_cid(501))
    with read_tx(engine) as conn:
        assert [u.hospcode for u in kpi_report(conn, AS_OF, UNIT).units] == [UNIT]
        assert {r.hospcode for r in gaps_report(conn, AS_OF, "10500").gaps} == {"10500"}
        assert kpi_report(conn, AS_OF, "99999").units == ()
        everything = gaps_report(conn, AS_OF).to_json()["gaps"]
    assert [r["hospcode"] for r in everything] == [UNIT] * 7 + ["10500"]


def test_the_work_list_and_the_kpi_share_one_evaluation(engine: Engine) -> None:
    _filled(engine)
    with read_tx(engine) as conn:
        listed = work_list(conn, AS_OF, UNIT)
        (unit,) = evaluate_units(conn, AS_OF, UNIT)
        report = kpi_report(conn, AS_OF, UNIT).to_json()
    assert [ev.person.pid for ev in listed] == [pid for pid, _, _ in HAND_COUNTED_WORK_LIST]
    assert len(unit.evaluations) == 12
    for code, count in report["units"][0]["gaps"].items():
        assert sum(code in ev.codes for ev in listed) == count


def test_the_report_keeps_money_exact_until_its_json(engine: Engine) -> None:
    _filled(engine)
    with read_tx(engine) as conn:
        report = kpi_report(conn, AS_OF)
    pp = report.units[0].pp
    assert isinstance(pp.eligible_baht, Decimal) and pp.claim_rate_pct is None
    money = report.to_json()["units"][0]["pp"]
    assert {k: money[k] for k in PP_MONEY_KEYS} == {k: NO_PP_2568[k] for k in PP_MONEY_KEYS}
    assert isinstance(pp.to_earn_baht, Decimal), "the PP-due money is exact too"


def test_several_units_money_is_summed_exactly_and_rated_like_one_unit() -> None:
    """Two units each paid 0.50 of 80.00: together 1.00 of 160.00, 0.625 % rounded half up
    as a single unit's rate is (float arithmetic would make it 0.62)."""
    unit = PpMoney(2568, 2568, 1, Decimal("80.00"), Decimal("0.50"), ZERO, ZERO, ZERO, None)
    total = PpMoney.combined([unit, unit])
    assert (total.eligible_baht, total.paid_baht) == (Decimal("160.00"), Decimal("1.00"))
    assert total.claim_rate_pct == Decimal("0.63") == claim_rate_pct(Decimal(1), Decimal(160))
    assert total.to_json()["claim_rate_pct"] == 0.63
