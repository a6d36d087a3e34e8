"""NHSO statements in their real layouts (domain 7.4) into the store, and what they do to the
claim status of the hand-counted centre's services: the KTB REP INDIVIDUAL (.xlsx), the e-Claim
REP (.xls, and re-saved as .xlsx), the STM (.xls) and the Smart Money Transfer file."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine

from store.engine import read_tx
from store.kpi import kpi_report
from store.pp.queries import Period, period_claims
from store.pp.statement_store import period_statement_figures
from sync.ingest.importer import import_paths
from sync.ingest.results import FileResult
from tests.support.ingest_builders import HOSPCODE, cid, count, rows_of
from tests.support.nhso_statement_files import (
    REP_HEADER,
    eclaim_rep,
    eclaim_rep_summary_first,
    ktb_report,
    rep_rows,
    smt_file,
    stm_detail_rows,
    stm_statement,
    stm_workbook,
)
from tests.support.pp_builders import AS_OF, MAN, WOMAN, hand_counted_zip
from tests.support.tabular_builders import xlsx_bytes

NOW = dt.datetime(2025, 5, 20, 9, 0, tzinfo=dt.UTC)
D = dt.date
"""The unit code as Excel keeps it once typed over: a number without its leading zero."""


def _import(engine: Engine, path: Path, now: dt.datetime = NOW) -> FileResult:
    [result] = import_paths(engine, [path], now=now)
    return result


def statuses(engine: Engine) -> dict[tuple[str, str], str]:
    with read_tx(engine) as conn:
        result = period_claims(conn, Period(2568, as_of=AS_OF))
    return {
        (c.evaluation.item.item, c.evaluation.service.date.isoformat()): c.status.value
        for c in result.claims
    }


def coverage(engine: Engine) -> list[tuple[str, int, int, float | None]]:
    with read_tx(engine) as conn:
        report = kpi_report(conn, AS_OF)
    return [(u.hospcode, u.thai_population, u.covered, u.coverage_pct) for u in report.units]


@pytest.fixture
def centre(engine: Engine, tmp_path: Path) -> Engine:
    _import(engine, hand_counted_zip(tmp_path))
    return engine


def test_a_ktb_rep_individual_is_read_item_by_item_and_decides_by_service_name(
    centre: Engine, tmp_path: Path
) -> None:
    result = _import(centre, ktb_report(tmp_path / "REP_INDIVIDUAL_07543_25680520.xlsx"))
    assert (result.status, result.kind, result.hospcode) == (
        "loaded",
        "ktb_rep_individual",
        HOSPCODE,
    )
    assert [(p.table, p.rows_read, p.rows_loaded, p.issues) for p in result.parts] == [
        ("pp_statement_line", 7, 7, 0)
    ]
    lines = rows_of(
        centre, "pp_statement_line",
        "hospcode", "cid", "date_serv", "item_code", "item_name", "paid", "outcome", "error_code",
        "statement_id", "tran_id",
        order="line_no",
    )  # fmt: skip
    assert lines[0] == (HOSPCODE, cid(WOMAN), D(2024, 10, 10), "", "บริการฝากครรภ์",
                        Decimal("360.00"), "PAID", "", "KTB680500001", "T0001")  # fmt: skip
    assert [ln[6] for ln in lines] == [
        "PAID",
        "PAID",
        "DENIED",
        "PENDING",
        "PENDING",
        "PAID",
        "PAID",
    ]
    assert [ln[7] for ln in lines] == ["", "", "420", "", "", "", ""]
    assert {ln[0] for ln in lines} == {HOSPCODE}, "a blank HSEND takes the report's unit"
    got = statuses(centre)
    assert {k: got[k] for k in [
        ("ANC", "2024-10-10"), ("ANC", "2024-11-10"), ("ANC", "2024-12-10"),
        ("ANC", "2025-01-10"), ("FP_PILL", "2025-04-01"), ("FIT", "2025-02-01"),
        ("FP_INJ", "2025-04-15"),
    ]} == {
        ("ANC", "2024-10-10"): "PAID", ("ANC", "2024-11-10"): "PARTIAL",
        ("ANC", "2024-12-10"): "DENIED", ("ANC", "2025-01-10"): "PENDING",
        ("FP_PILL", "2025-04-01"): "PENDING", ("FIT", "2025-02-01"): "PAID",
        ("FP_INJ", "2025-04-15"): "UNCLAIMED",
    }  # fmt: skip
    with read_tx(centre) as conn:
        result_claims = period_claims(conn, Period(2568, as_of=AS_OF))
    assert [(u.reason, u.line.item_name) for u in result_claims.unmatched] == [
        ("UNKNOWN_NAME", "บริการทันตกรรมป้องกัน")
    ]
    denied = next(c for c in result_claims.claims if c.status.value == "DENIED")
    assert denied.error is not None and denied.error.code == "420"


def test_an_eclaim_rep_xls_decides_the_pp_services_of_its_visits(
    centre: Engine, tmp_path: Path
) -> None:
    before = coverage(centre)
    result = _import(centre, eclaim_rep(tmp_path / f"eclaim_{HOSPCODE}_OP_25680516_1.xls"))
    assert (result.status, result.kind) == ("loaded", "eclaim_rep")
    assert [(p.table, p.rows_read, p.rows_loaded, p.issues) for p in result.parts] == [
        ("nhso_rep_line", 6, 6, 0)
    ]
    assert rows_of(centre, "nhso_rep_line", "tran_id", "hospcode", "date_serv", "error_code",
                   "pp", "fs", order="line_no")[:3] == [
        ("TR1", HOSPCODE, D(2025, 2, 10), "", Decimal("300.00"), Decimal("60.00")),
        ("TR2", HOSPCODE, D(2025, 3, 10), "633", Decimal("0.00"), Decimal("0.00")),
        ("TR3", HOSPCODE, D(2025, 2, 1), "", Decimal("100.00"), Decimal("0.00")),
    ]  # fmt: skip
    assert count(centre, "nhso_right") == 0 and coverage(centre) == before
    got = statuses(centre)
    assert got[("ANC", "2025-02-10")] == "PAID"
    assert (got[("FIT", "2025-02-01")], got[("FPG", "2025-02-01")]) == ("PAID", "PAID")
    assert got[("FP_INJ", "2025-04-15")] == "DENIED"
    assert got[("ANC", "2025-03-10")] == got[("CX_SCREEN", "2025-01-05")] == "NOT_ELIGIBLE"
    with read_tx(centre) as conn:
        claims = period_claims(conn, Period(2568, as_of=AS_OF))
        figures = period_statement_figures(conn, Period(2568, as_of=AS_OF))[HOSPCODE]
    assert claims.unmatched == ()
    assert (figures.rep_lines, figures.rep_lines_c, figures.c_rate_pct) == (6, 3, Decimal("50.00"))
    assert [(m.label, m.rep_lines, m.rep_lines_c) for m in figures.months] == [
        ("2025-01", 2, 1), ("2025-02", 2, 0), ("2025-03", 1, 1), ("2025-04", 1, 1)
    ]  # fmt: skip


def test_a_rep_resaved_as_xlsx_is_still_a_rep_and_never_a_rights_list(
    centre: Engine, tmp_path: Path
) -> None:
    before = coverage(centre)
    flat = [row for index, row in enumerate(rep_rows()) if index != 6]
    flat[5] = [*REP_HEADER[:17], "PP", "FS"]
    path = tmp_path / "rep_resaved.xlsx"
    path.write_bytes(xlsx_bytes(flat, sheet="Detail"))
    result = _import(centre, path)
    assert (result.status, result.kind) == ("loaded", "eclaim_rep")
    assert count(centre, "nhso_rep_line") == 6
    assert count(centre, "nhso_right") == 0 and coverage(centre) == before


def test_an_stm_xls_takes_its_unit_from_a_title_row_and_confirms_rep_visits(
    centre: Engine, tmp_path: Path
) -> None:
    _import(centre, eclaim_rep(tmp_path / f"eclaim_{HOSPCODE}_OP_25680516_1.xls"))
    before = coverage(centre)
    result = _import(centre, stm_statement(tmp_path / "statement.xls"))
    assert (result.status, result.kind, result.hospcode) == ("loaded", "nhso_stm", HOSPCODE)
    assert [(p.table, p.rows_read, p.rows_loaded, p.issues) for p in result.parts] == [
        ("nhso_stm_line", 2, 2, 0)
    ]
    assert rows_of(centre, "nhso_stm_line", "hospcode", "tran_id", "cid", "pp", "fs",
                   order="line_no") == [
        (HOSPCODE, "TR1", cid(WOMAN), Decimal("360.00"), Decimal("0.00")),
        (HOSPCODE, "TR3", cid(MAN), Decimal("40.00"), Decimal("10.00")),
    ]  # fmt: skip
    assert count(centre, "nhso_right") == 0 and coverage(centre) == before
    got = statuses(centre)
    assert got[("ANC", "2025-02-10")] == "PAID"
    assert (got[("FIT", "2025-02-01")], got[("FPG", "2025-02-01")]) == ("PARTIAL", "PARTIAL")
    with read_tx(centre) as conn:
        claims = period_claims(conn, Period(2568, as_of=AS_OF))
        figures = period_statement_figures(conn, Period(2568, as_of=AS_OF))[HOSPCODE]
    fit = next(c for c in claims.claims if c.evaluation.item.item == "FIT")
    assert fit.line is not None and fit.line.confirmed and fit.paid == Decimal("30.00")
    assert figures.statement_paid_baht == Decimal("410.00")


STM_NAME = f"STM_{HOSPCODE}_OPUCS256805_1.xls"


def test_an_stm_whose_filled_summary_sheet_comes_first_is_read_from_its_detail_sheet(
    centre: Engine, tmp_path: Path
) -> None:
    result = _import(centre, stm_workbook(tmp_path / STM_NAME))
    assert (result.status, result.kind, result.hospcode) == ("loaded", "nhso_stm", HOSPCODE)
    assert [(p.table, p.rows_read, p.rows_loaded, p.issues) for p in result.parts] == [
        ("nhso_stm_line", 2, 2, 0)
    ]
    assert rows_of(centre, "nhso_stm_line", "tran_id", "cid", "pp", "fs", order="line_no") == [
        ("TR1", cid(WOMAN), Decimal("360.00"), Decimal("0.00")),
        ("TR3", cid(MAN), Decimal("40.00"), Decimal("10.00")),
    ]


def test_an_stm_refused_quotes_the_columns_of_the_detail_sheet_it_judged(
    centre: Engine, tmp_path: Path
) -> None:
    detail = stm_detail_rows()
    detail[13] = [
        "" if name in ("tran_id", "pid") else name for name in detail[13]
    ]  # the detail names no TRAN_ID and no PID
    result = _import(centre, stm_workbook(tmp_path / STM_NAME, detail))
    assert (result.status, result.kind) == ("refused", "nhso_stm")
    assert "STM statement: no column for tran_id, cid" in result.message
    assert "Columns seen: rep_no, seq, hn, an, name, date_admit" in result.message
    assert "จำนวนราย" not in result.message, "a column of the summary sheet"
    assert count(centre, "nhso_stm_line") == 0


def test_an_stm_detail_without_known_column_names_is_read_by_its_documented_positions(
    centre: Engine, tmp_path: Path
) -> None:
    detail = stm_detail_rows()
    detail[13] = [f"คอลัมน์ที่ {c + 1}" for c in range(35)]  # no name Sitthi knows
    unnamed = _import(centre, stm_workbook(tmp_path / "statement.xls", detail))
    assert unnamed.status == "refused", "only a file named as NHSO names an STM"
    result = _import(centre, stm_workbook(tmp_path / STM_NAME, detail))
    assert (result.status, result.kind, result.hospcode) == ("loaded", "nhso_stm", HOSPCODE)
    [part] = result.parts
    assert (part.table, part.rows_read, part.rows_loaded, part.issues, part.warnings) == (
        "nhso_stm_line", 2, 2, 0, 1
    )  # fmt: skip
    [warning] = part.sample
    assert "taken by position" in warning.text("en") and "รายละเอียด" in warning.text("en")
    assert "ตามตำแหน่ง" in warning.text("th")
    assert rows_of(centre, "nhso_stm_line", "tran_id", "cid", "pp", "fs", order="line_no") == [
        ("TR1", cid(WOMAN), Decimal("360.00"), Decimal("0.00")),
        ("TR3", cid(MAN), Decimal("40.00"), Decimal("10.00")),
    ]


def test_an_eclaim_rep_whose_summary_sheet_comes_first_is_read_from_its_detail_sheet(
    centre: Engine, tmp_path: Path
) -> None:
    path = eclaim_rep_summary_first(tmp_path / f"eclaim_{HOSPCODE}_OP_25680516_1.xls")
    result = _import(centre, path)
    assert (result.status, result.kind, result.hospcode) == ("loaded", "eclaim_rep", HOSPCODE)
    assert [(p.table, p.rows_read, p.rows_loaded, p.issues) for p in result.parts] == [
        ("nhso_rep_line", 6, 6, 0)
    ]
    assert [r[0] for r in rows_of(centre, "nhso_rep_line", "tran_id", order="line_no")] == [
        "TR1", "TR2", "TR3", "TR4", "TR5", "TR6"
    ]  # fmt: skip


def test_smt_transfers_are_unique_by_unit_batch_fund_and_day_and_add_up(
    centre: Engine, tmp_path: Path
) -> None:
    result = _import(centre, smt_file(tmp_path / "smt.xlsx"))
    assert (result.status, result.kind, result.hospcode) == ("loaded", "nhso_smt", HOSPCODE)
    [part] = result.parts
    assert (part.table, part.rows_read, part.rows_loaded, part.warnings) == (
        "nhso_transfer",
        4,
        3,
        1,
    )
    with read_tx(centre) as conn:
        figures = period_statement_figures(conn, Period(2568, as_of=AS_OF))[HOSPCODE]
        report = kpi_report(conn, AS_OF).to_json()
    assert figures.transferred_baht == Decimal("1730.50")
    assert [(m.label, m.transfers, m.transferred_baht) for m in figures.months] == [
        ("2025-03", 2, Decimal("1490.00")), ("2025-04", 1, Decimal("240.50"))
    ]  # fmt: skip
    [unit] = [u for u in report["units"] if u["hospcode"] == HOSPCODE]
    assert unit["statements"]["transferred_baht"] == 1730.5
    assert unit["statements"]["c_rate_pct"] is None
    assert unit["statements"]["c_rate_target_pct"] == 5.0


def test_a_report_loaded_in_slices_gives_the_same_lines_and_counts(
    centre: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sync.ingest.chunks.CHUNK_ROWS", 2)
    result = _import(centre, ktb_report(tmp_path / "REP_INDIVIDUAL_07543_25680520.xlsx"))
    assert [(p.rows_read, p.rows_loaded, p.issues) for p in result.parts] == [(7, 7, 0)]
    assert [r[0] for r in rows_of(centre, "pp_statement_line", "line_no", order="line_no")] == [
        6, 7, 8, 9, 10, 11, 12
    ]  # fmt: skip
    assert statuses(centre)[("ANC", "2024-12-10")] == "DENIED"
