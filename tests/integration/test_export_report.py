"""`sitthi export report`: the director's workbook, its figures against the KPI report, the
targets from settings, honest "no data yet" rows, the league on a store of several units, and
native charts."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from tests.support.cli import run
from tests.support.export_builders import village_zip
from tests.support.nhso_statement_files import eclaim_rep, smt_file
from tests.support.pp_builders import (
    AS_OF,
    FIRST_STATEMENT,
    SECOND_STATEMENT,
    hand_counted_zip,
    statement_csv,
    statement_xlsx,
)


@pytest.fixture
def centre(store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    files = [
        hand_counted_zip(tmp_path),
        statement_xlsx(tmp_path / "rep_first.xlsx", FIRST_STATEMENT),
        statement_csv(tmp_path / "rep_second.csv", SECOND_STATEMENT),
    ]
    code, _, err = run(capsys, "import", *map(str, files), "--db", store_url)
    assert (code, err) == (0, "")
    return store_url


def report(capsys: pytest.CaptureFixture[str], db: str, target: Path, *extra: str) -> None:
    code, out, err = run(
        capsys,
        "export",
        "report",
        "--as-of",
        AS_OF.isoformat(),
        "--db",
        db,
        "-o",
        str(target),
        *extra,
    )
    assert (code, err) == (0, ""), err
    assert str(target) in out


def summary(path: Path) -> dict[str, tuple[object, ...]]:
    sheet = openpyxl.load_workbook(path).worksheets[0]
    return {
        str(row[0]): row[1:]
        for row in sheet.iter_rows(min_row=3, values_only=True)
        if row[0] and row[1] is not None
    }


def test_the_summary_shows_each_indicator_against_its_target(
    centre: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "report.xlsx"
    report(capsys, centre, target, "--lang", "en")
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["Summary", "Monthly", "Rights gaps", "PP claims"]
    _code, out, _ = run(
        capsys, "report", "kpi", "--json", "--as-of", AS_OF.isoformat(), "--db", centre
    )
    [unit] = json.loads(out)["units"]
    rows = summary(target)
    coverage = rows["Rights coverage of Thai nationals in the area"]
    assert coverage[:4] == (
        unit["coverage_pct"],
        "%",
        "≥ 99 %",
        "below target" if unit["coverage_pct"] < 99 else "met",
    )
    received = rows["PP money received against what was claimable"]
    assert received[:3] == (51.0, "%", "≥ 60 %") and received[3] == "below target"
    assert rows['Claims flagged "C" (failed NHSO checks)'][:3] == ("no data yet", "%", "≤ 5 %")
    transferred = rows["Money transferred to the unit's account (Smart Money Transfer)"]
    assert transferred[0] == "no data yet", "not zero: the figures are not in the store"
    growth = rows["PP revenue against the same period of the previous fiscal year"]
    assert growth[0] == "no data for the previous year" and growth[2] == "+15 %"
    assert rows["PP money received"][0] == unit["pp"]["paid_baht"] == 1020.0
    assert rows["Screening money still to earn this fiscal year"][0] == 290.0


def test_the_trend_gaps_and_claims_sheets_carry_native_charts(
    centre: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "report.xlsx"
    report(capsys, centre, target)
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["สรุป", "รายเดือน", "ปัญหาสิทธิ", "การเบิก PP"]
    trend = book["รายเดือน"]
    months = [r[0] for r in trend.iter_rows(min_row=3, values_only=True) if r[1] is not None]
    assert months[0] == "ต.ค. 2567" and months[-1] == "พ.ค. 2568" and len(months) == 8
    paid = sum(r[2] for r in trend.iter_rows(min_row=3, max_row=10, values_only=True))
    assert paid == 1020
    claims = book["การเบิก PP"]
    total = next(r for r in claims.iter_rows(min_row=3, values_only=True) if r[0] == "รวม")
    assert total[1:4] == (13, 2000, 1020)
    for sheet in (trend, book["ปัญหาสิทธิ"], claims):
        assert len(sheet._charts) >= 1, sheet.title
    assert book["สรุป"].page_setup.paperSize == 9


def test_a_province_store_gets_the_units_league_worst_first(
    centre: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "import", str(village_zip(tmp_path, "07599")), "--db", centre)
    assert (code, err) == (0, "")
    target = tmp_path / "province.xlsx"
    report(capsys, centre, target)
    book = openpyxl.load_workbook(target)
    assert "รายหน่วยบริการ" in book.sheetnames
    league = book["รายหน่วยบริการ"]
    rows = [r for r in league.iter_rows(min_row=3, values_only=True) if r[0]]
    coverage = [r[3] for r in rows]
    assert len(rows) == 2 and coverage == sorted(coverage)
    assert len(league._charts) == 1


def test_the_report_as_csv_stacks_its_tables(
    centre: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "report.csv"
    report(capsys, centre, target, "--format", "csv", "--lang", "en")
    text = target.read_bytes().decode("utf-8-sig")
    assert text.startswith('"Health-insurance results, fiscal year 2568"\r\n')
    assert '\r\n\r\n"Month by month, fiscal year 2568"\r\nMonth,' in text
    assert not (tmp_path / "audit.log").exists()


def test_the_c_rate_and_money_transferred_come_from_rep_and_smt_files(
    centre: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = [
        eclaim_rep(tmp_path / "eclaim_07543_OP_25680516_1.xls"),
        smt_file(tmp_path / "smt.xlsx"),
    ]
    code, _, err = run(capsys, "import", *map(str, files), "--db", centre)
    assert (code, err) == (0, "")
    target = tmp_path / "report.xlsx"
    report(capsys, centre, target, "--lang", "en")
    rows = summary(target)
    assert rows['Claims flagged "C" (failed NHSO checks)'][:4] == (
        50.0,
        "%",
        "≤ 5 %",
        "not met: over the limit",
    )
    transferred = rows["Money transferred to the unit's account (Smart Money Transfer)"]
    assert transferred[:2] == (1730.5, "baht")


def test_a_monthly_report_ends_with_its_month(
    centre: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "january.xlsx"
    report(capsys, centre, target, "--month", "1")
    trend = openpyxl.load_workbook(target)["รายเดือน"]
    months = [r[0] for r in trend.iter_rows(min_row=3, values_only=True) if r[1] is not None]
    assert months == ["ต.ค. 2567", "พ.ย. 2567", "ธ.ค. 2567", "ม.ค. 2568"]
    claims = openpyxl.load_workbook(target)["การเบิก PP"]
    total = next(r for r in claims.iter_rows(min_row=3, values_only=True) if r[0] == "รวม")
    assert total[1] == 3, "January 2025: the woman's ANC, the elder's screening, the migrant's ANC"


def test_services_settled_by_rep_visits_count_as_received_as_in_the_kpi_report(
    centre: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rep = eclaim_rep(tmp_path / "eclaim_07543_OP_25680516_1.xls")
    code, _, err = run(capsys, "import", str(rep), "--db", centre)
    assert (code, err) == (0, "")
    _code, out, _ = run(
        capsys, "report", "kpi", "--json", "--as-of", AS_OF.isoformat(), "--db", centre
    )
    [unit] = json.loads(out)["units"]
    target = tmp_path / "report.xlsx"
    report(capsys, centre, target, "--lang", "en")
    rows = summary(target)
    assert rows["PP money received"][0] == unit["pp"]["paid_baht"] > 1020.0
    assert rows["PP money claimable"][0] == unit["pp"]["eligible_baht"]
    assert rows["Services not yet claimed"][0] == unit["pp"]["unclaimed_baht"]
    received = rows["PP money received against what was claimable"]
    assert received[0] == unit["pp"]["claim_rate_pct"]
