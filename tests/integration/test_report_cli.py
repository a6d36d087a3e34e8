"""`sitthi report kpi|gaps`: JSON and tables, dates, exit codes, and the audit of CID exports."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exporters.audit import audit_path
from store.cid import mask_cid
from store.engine import open_store, write_tx
from tests.support.cli import run
from tests.support.gaps_data import HAND_COUNTED, UNIT, StoreRows, hand_counted_unit, make_cid
from tui.cli import main
from tui.commands.report import parse_as_of, print_kpi
from tui.commands.tables import display_width

CIDS = [make_cid(n) for n in range(1, 13)] + [make_cid(8, first="6")]


def filled_store(url: str) -> str:
    engine = open_store(url)
    with write_tx(engine) as conn:
        hand_counted_unit(StoreRows(conn))
    engine.dispose()
    return url


@pytest.fixture
def db(tmp_path: Path) -> str:
    return filled_store(f"sqlite:///{tmp_path / 'centre.db'}")


def usage_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as exit_info:
        main(list(argv))
    assert exit_info.value.code == 2
    return capsys.readouterr().err


def column_end(line: str, value: str) -> int:
    """Display column where `value` ends in `line`."""
    return display_width(line[: line.index(value) + len(value)])


def test_kpi_json_is_the_stores_report_on_both_backends(
    store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    filled_store(store_url)
    code, out, err = run(
        capsys, "report", "kpi", "--json", "--as-of", "2025-01-15", "--db", store_url
    )
    assert (code, err) == (0, "")
    report = json.loads(out)
    assert (report["version"], report["as_of"]) == (1, "2025-01-15")
    unit = report["units"][0]
    assert {k: unit[k] for k in HAND_COUNTED} == HAND_COUNTED


def test_gaps_json_masks_cids_by_default(
    db: str, capsys: pytest.CaptureFixture[str], sitthi_home: Path
) -> None:
    code, out, _ = run(capsys, "report", "gaps", "--json", "--as-of", "2025-01-15", "--db", db)
    assert code == 0
    rows = json.loads(out)["gaps"]
    assert len(rows) == 7
    assert all(cid not in out for cid in CIDS)
    assert not audit_path().exists()


def test_global_options_work_before_and_after_the_command(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = run(capsys, "--db", db, "--lang", "en", "report", "kpi", "--as-of", "2025-01-15")
    after = run(capsys, "report", "kpi", "--as-of", "2025-01-15", "--db", db, "--lang", "en")
    assert before == after
    assert before[0] == 0 and "15 Jan 2025" in before[1]


def test_the_thai_kpi_table_shows_be_dates_coverage_against_target_and_gap_counts(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "report", "kpi", "--as-of", "2025-01-15", "--db", db)
    assert code == 0
    lines = out.splitlines()
    assert "15 ม.ค. 2568" in lines[0]
    assert "99" in lines[1]
    header = next(line for line in lines if line.startswith("หน่วยบริการ") and "ร้อยละ" in line)
    row = next(line for line in lines if line.startswith(UNIT) and "57.14" in line)
    assert "ต่ำกว่าเป้า" in row
    assert column_end(header, "ร้อยละ") == column_end(row, "57.14")
    assert column_end(header, "คนไทย") == column_end(row, " 7")
    gap_header = next(line for line in lines if "UNCHECKED" in line and "NO_CID" in line)
    gap_row = lines[lines.index(gap_header) + 1]
    assert gap_row.split()[1:] == ["1", "2", "1", "1", "1", "1", "1", "3"]
    assert column_end(gap_header, "UNCHECKED") == column_end(gap_row, "3")
    assert any(line.startswith("UNCHECKED: ") for line in lines)


def test_the_english_kpi_table_says_whether_the_target_is_met(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'good.db'}"
    engine = open_store(url)
    with write_tx(engine) as conn:
        rows = StoreRows(conn)
        rows.person(UNIT, "1", cid=make_cid(1))
        rows.nhso(make_cid(1), "UCS", hsub=UNIT)
    engine.dispose()
    code, out, _ = run(
        capsys, "report", "kpi", "--as-of", "2025-01-15", "--db", url, "--lang", "en"
    )
    assert code == 0
    row = next(line for line in out.splitlines() if line.startswith(UNIT))
    assert row.split() == [UNIT, "1", "1", "1", "100.00", "met"]


def test_a_province_kpi_table_adds_a_total_and_shows_empty_units_without_coverage(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "report", "kpi", "--as-of", "2025-01-15", "--db", db, "--lang", "en")
    assert code == 0
    lines = out.splitlines()
    assert next(line for line in lines if line.startswith("10003")).split() == [
        "10003",
        "0",
        "0",
        "0",
        "-",
        "-",
    ]
    total = next(line for line in lines if line.startswith("All units") and "57.14" in line)
    assert total.split()[2:] == ["9", "7", "4", "57.14", "below"]


def test_the_gaps_table_lists_each_person_with_masked_cid_village_and_first_action(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "report", "gaps", "--as-of", "2025-01-15", "--db", db)
    assert code == 0
    assert "15 ม.ค. 2568" in out and "7 คน" in out
    row = next(line for line in out.splitlines() if "OUTSIDE_UNIT MISMATCH UNCHECKED" in line)
    assert row.split()[:3] == ["หมู่", "2", "6"]
    assert mask_cid(make_cid(6)) in row
    assert "ลงทะเบียนย้ายสิทธิมาที่หน่วยบริการนี้" in row
    assert all(cid not in out for cid in CIDS)
    assert any(line.startswith("NO_CID: ") for line in out.splitlines())


def test_show_cid_prints_whole_cids_and_writes_an_audit_line_without_personal_data(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, "report", "gaps", "--show-cid", "--as-of", "2025-01-15", "--db", db, "--json"
    )
    assert code == 0
    assert make_cid(6) in out
    lines = audit_path().read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert list(entry) == ["time", "command", "hospcode", "persons", "user"]
    assert entry["command"] == "report gaps --show-cid --json"
    assert (entry["hospcode"], entry["persons"]) == ("all", 7)
    assert dt.datetime.fromisoformat(entry["time"]).tzinfo is not None
    assert entry["user"]
    audit_text = audit_path().read_text(encoding="utf-8")
    assert all(cid not in audit_text for cid in CIDS)
    assert "ทดสอบ" not in audit_text and "สมมุติ" not in audit_text


def test_each_show_cid_export_appends_its_own_audit_line(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "report", "gaps", "--show-cid", "--as-of", "2025-01-15", "--db", db)
    run(capsys, "report", "gaps", "--show-cid", "--hospcode", UNIT, "--db", db)
    entries = [json.loads(line) for line in audit_path().read_text("utf-8").splitlines()]
    assert [(e["command"], e["hospcode"]) for e in entries] == [
        ("report gaps --show-cid", "all"),
        ("report gaps --show-cid", UNIT),
    ]


def test_show_cid_refuses_to_print_when_the_audit_log_cannot_be_written(
    db: str, capsys: pytest.CaptureFixture[str], sitthi_home: Path
) -> None:
    sitthi_home.mkdir(parents=True, exist_ok=True)
    (sitthi_home / "log").write_text("not a folder", encoding="utf-8")
    code, out, err = run(capsys, "report", "gaps", "--show-cid", "--db", db, "--lang", "en")
    assert code == 1
    assert out == ""
    assert "audit" in err


@pytest.mark.parametrize("value", ["2025-13-01", "2025-02-30", "15/01/2025", "yesterday", ""])
def test_a_bad_as_of_date_is_a_usage_error_with_a_clear_message(
    db: str, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    err = usage_error(capsys, "report", "kpi", "--as-of", value, "--db", db)
    assert "--as-of" in err and repr(value) in err


def test_a_buddhist_era_as_of_date_is_read_as_be(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "report", "kpi", "--json", "--as-of", "2568-01-15", "--db", db)
    assert code == 0 and json.loads(out)["as_of"] == "2025-01-15"


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2399, 12, 31)))
def test_every_iso_date_and_its_buddhist_era_form_read_back_as_the_same_day(day: dt.date) -> None:
    assert parse_as_of(day.isoformat()) == day
    be_year = day.year + 543
    if be_year > 2400:
        assert parse_as_of(f"{be_year}-{day:%m-%d}") == day


def test_the_as_of_date_defaults_to_today(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "report", "gaps", "--json", "--db", db)
    assert code == 0 and json.loads(out)["as_of"] == dt.date.today().isoformat()


def test_an_unknown_unit_is_reported_and_fails(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "report", "gaps", "--hospcode", "99999", "--db", db)
    assert (code, out) == (1, "")
    assert "99999" in err


def test_report_needs_a_known_kind_and_show_cid_only_goes_with_gaps(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    usage_error(capsys, "report", "--db", db)
    usage_error(capsys, "report", "people", "--db", db)
    usage_error(capsys, "report", "kpi", "--show-cid", "--db", db)


def test_an_empty_store_reports_no_units(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "empty.db")
    code, out, _ = run(capsys, "report", "kpi", "--json", "--db", db)
    assert code == 0 and json.loads(out)["units"] == []
    code, out, _ = run(capsys, "report", "kpi", "--db", db)
    assert code == 0 and "ยังไม่มีข้อมูลหน่วยบริการ" in out
    code, out, _ = run(capsys, "report", "gaps", "--db", db, "--lang", "en")
    assert code == 0 and "No rights gaps" in out


def test_print_kpi_works_with_only_the_global_options(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert print_kpi(argparse.Namespace(db=db, lang=None)) == 0
    out = capsys.readouterr().out
    assert out.startswith("ความครอบคลุมสิทธิ") and UNIT in out


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("en", "Screening money still to earn this fiscal year: 290.00 baht (2 screenings due)"),
        ("th", "ค่าบริการคัดกรองที่ยังเก็บได้อีกในปีงบประมาณนี้ 290.00 บาท (ควรได้รับการคัดกรอง 2 รายการ)"),
    ],
)
def test_the_kpi_table_says_the_baht_still_to_earn_this_fiscal_year(
    lang: str, line: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.support.pp_builders import AS_OF, hand_counted_zip

    url = f"sqlite:///{tmp_path / 'centre.db'}"
    code, _, err = run(capsys, "import", str(hand_counted_zip(tmp_path)), "--db", url)
    assert (code, err) == (0, "")
    as_of = AS_OF.isoformat()
    _code, out, _ = run(capsys, "report", "kpi", "--json", "--as-of", as_of, "--db", url)
    [unit] = json.loads(out)["units"]
    assert (unit["pp"]["to_earn_baht"], unit["pp"]["due_count"]) == (290.0, 2)
    code, out, _ = run(capsys, "report", "kpi", "--as-of", as_of, "--db", url, "--lang", lang)
    assert code == 0
    assert line in out.splitlines()
