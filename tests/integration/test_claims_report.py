"""`sitthi report claims` and the PP money of `sitthi report kpi`, over a hand-counted centre
imported from real files, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from store.cid import mask_cid
from tests.support.cli import run
from tests.support.ingest_builders import HOSPCODE, cid
from tests.support.pp_builders import (
    FIRST_STATEMENT,
    HAND_COUNTED_PP,
    HAND_COUNTED_STATUS,
    MAN,
    SECOND_STATEMENT,
    hand_counted_zip,
    statement_csv,
    statement_xlsx,
)
from tui.cli import main

AS_OF = "2025-05-20"
CLAIM_KEYS = ["hospcode", "pid", "date_serv", "item", "rate", "status", "paid", "reason",
              "error_code"]  # fmt: skip
UNMATCHED_KEYS = ["hospcode", "cid", "date_serv", "item", "paid", "error_code", "statement_id",
                  "reason"]  # fmt: skip


@pytest.fixture
def centre(store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """The hand-counted centre of tests.support.pp_builders, imported with `sitthi import`."""
    files = [
        hand_counted_zip(tmp_path),
        statement_xlsx(tmp_path / "rep_first.xlsx", FIRST_STATEMENT),
        statement_csv(tmp_path / "rep_second.csv", SECOND_STATEMENT),
    ]
    code, _, err = run(capsys, "import", *map(str, files), "--db", store_url)
    assert (code, err) == (0, "")
    return store_url


def claims_json(capsys: pytest.CaptureFixture[str], db: str, *extra: str) -> dict[str, object]:
    code, out, err = run(capsys, "report", "claims", "--json", "--as-of", AS_OF, "--db", db, *extra)
    assert (code, err) == (0, "")
    report: dict[str, object] = json.loads(out)
    return report


def test_the_claims_json_has_exactly_the_documented_shape(
    centre: str, capsys: pytest.CaptureFixture[str]
) -> None:
    report = claims_json(capsys, centre, "--lang", "en")
    assert list(report) == [
        "version",
        "fiscal_year",
        "rates_from_fiscal_year",
        "claims",
        "unmatched",
    ]
    assert (report["version"], report["fiscal_year"]) == (1, 2568)
    claims = report["claims"]
    assert isinstance(claims, list) and len(claims) == 13
    for claim in claims:
        assert list(claim) == CLAIM_KEYS
        assert isinstance(claim["rate"], float)
        assert claim["paid"] is None or isinstance(claim["paid"], float)
        assert claim["error_code"] is None or isinstance(claim["error_code"], str)
        assert claim["reason"] is None or isinstance(claim["reason"], str)
    got = {(c["item"], c["date_serv"]): c["status"] for c in claims}
    assert got == HAND_COUNTED_STATUS
    by_key = {(c["item"], c["date_serv"]): c for c in claims}
    assert by_key[("ANC", "2024-11-10")]["paid"] == 200.0
    assert by_key[("ANC", "2025-01-10")]["paid"] is None
    assert by_key[("FP_INJ", "2025-04-15")]["paid"] is None
    denied = by_key[("ANC", "2024-12-10")]
    assert (denied["paid"], denied["error_code"]) == (0.0, "420")
    assert denied["reason"] == "Wrong diagnosis code for antenatal care"
    sixth = by_key[("ANC", "2025-03-10")]
    assert sixth["reason"] == "More than 5 in fiscal year 2568"
    assert sixth["error_code"] == "633"
    assert (
        by_key[("CX_SCREEN", "2025-01-05")]["reason"]
        == "Age 74 is outside the item's age range 30-60"
    )
    assert by_key[("ANC", "2024-10-10")] == {
        "hospcode": HOSPCODE,
        "pid": "1",
        "date_serv": "2024-10-10",
        "item": "ANC",
        "rate": 360.0,
        "status": "PAID",
        "paid": 360.0,
        "reason": None,
        "error_code": None,
    }
    dates = [c["date_serv"] for c in claims]
    assert dates == sorted(dates)


def test_unmatched_statement_lines_are_reported_with_masked_cids(
    centre: str, capsys: pytest.CaptureFixture[str]
) -> None:
    report = claims_json(capsys, centre, "--lang", "en")
    unmatched = report["unmatched"]
    assert isinstance(unmatched, list)
    assert [list(u) for u in unmatched] == [UNMATCHED_KEYS, UNMATCHED_KEYS]
    assert unmatched == [
        {
            "hospcode": HOSPCODE,
            "cid": mask_cid(cid(MAN)),
            "date_serv": "2025-04-04",
            "item": "FPG",
            "paid": 40.0,
            "error_code": None,
            "statement_id": "STM6802",
            "reason": "No 43-file service has this unit, citizen ID, date and item",
        },
        {
            "hospcode": HOSPCODE,
            "cid": mask_cid(cid(MAN)),
            "date_serv": "2025-04-04",
            "item": "XYZ",
            "paid": 100.0,
            "error_code": None,
            "statement_id": "STM6802",
            "reason": "Item code XYZ is not in the PP catalog of fiscal year 2568",
        },
    ]
    assert cid(MAN) not in json.dumps(report)


def test_reasons_follow_the_language(centre: str, capsys: pytest.CaptureFixture[str]) -> None:
    report = claims_json(capsys, centre)
    denied = next(c for c in report["claims"] if c["status"] == "DENIED")  # type: ignore[attr-defined]
    assert denied["reason"] == "รหัสโรคไม่ถูกต้องกรณีฝากครรภ์"


def test_the_status_filter_keeps_only_claims_in_that_status(
    centre: str, capsys: pytest.CaptureFixture[str]
) -> None:
    report = claims_json(capsys, centre, "--status", "not_eligible")
    claims = report["claims"]
    assert isinstance(claims, list)
    assert {c["status"] for c in claims} == {"NOT_ELIGIBLE"} and len(claims) == 4
    assert len(report["unmatched"]) == 2  # type: ignore[arg-type]
    denied = claims_json(capsys, centre, "--status", "DENIED")["claims"]
    assert [(c["item"], c["date_serv"]) for c in denied] == [("ANC", "2024-12-10")]  # type: ignore[attr-defined]


def test_the_fiscal_year_filter_picks_the_year_of_the_services(
    centre: str, capsys: pytest.CaptureFixture[str]
) -> None:
    earlier = claims_json(capsys, centre, "--fiscal-year", "2567")
    assert earlier["fiscal_year"] == 2567
    assert [(c["date_serv"], c["status"]) for c in earlier["claims"]] == [  # type: ignore[attr-defined]
        ("2024-09-10", "UNCLAIMED")
    ]
    assert earlier["unmatched"] == []
    later = claims_json(capsys, centre, "--as-of", "2025-12-31")
    assert later["fiscal_year"] == 2569 and later["claims"] == []
    whole_year = claims_json(capsys, centre, "--as-of", "2025-12-31", "--fiscal-year", "2568")
    assert len(whole_year["claims"]) == 14  # type: ignore[arg-type]


def test_the_kpi_pp_block_is_the_hand_counted_money(
    centre: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "report", "kpi", "--json", "--as-of", AS_OF, "--db", centre)
    assert code == 0
    [unit] = json.loads(out)["units"]
    assert unit["pp"] == HAND_COUNTED_PP
    assert list(unit["pp"]) == list(HAND_COUNTED_PP)
    code, out, _ = run(
        capsys, "report", "kpi", "--json", "--as-of", AS_OF, "--fiscal-year", "2567", "--db", centre
    )
    [unit] = json.loads(out)["units"]
    assert unit["pp"] == {
        "fiscal_year": 2567,
        "rates_from_fiscal_year": 2567,
        "qualifying": 1,
        "eligible_baht": 360.0,
        "paid_baht": 0.0,
        "denied_baht": 0.0,
        "pending_baht": 0.0,
        "unclaimed_baht": 360.0,
        "claim_rate_pct": 0.0,
        "due_count": 2,
        "to_earn_baht": 290.0,
    }


def test_the_kpi_table_shows_pp_money_against_the_target(
    centre: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "report", "kpi", "--as-of", AS_OF, "--db", centre, "--lang", "en")
    assert code == 0
    lines = out.splitlines()
    title = lines.index("PP fee-schedule money, fiscal year 2568 (up to 20 May 2025)")
    assert lines[title + 1] == "Target: at least 60% of what is claimable paid"
    row = next(line for line in lines[title:] if line.startswith(HOSPCODE))
    assert row.split() == [HOSPCODE, "9", "2,000.00", "1,020.00", "360.00", "360.00", "100.00",
                           "160.00", "51.00", "below"]  # fmt: skip


def test_the_claims_table_totals_services_and_money_by_item_and_status(
    centre: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "report", "claims", "--as-of", AS_OF, "--db", centre, "--lang", "en")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "PP claims, fiscal year 2568 (1 Oct 2024 - 20 May 2025)"
    assert f"Unit {HOSPCODE}: 13 services" in lines
    header = next(line for line in lines if line.startswith("Item"))
    assert header.split()[1:7] == ["Not", "elig.", "Unclaimed", "Pending", "Paid", "Partial"]
    rows = {line.split()[0]: line.split()[1:] for line in lines if line.startswith(("ANC", "All"))}
    assert rows["ANC"] == ["2", "0", "1", "2", "1", "1", "1,800.00", "920.00", "51.11"]
    assert rows["All"] == ["items", "4", "2", "1", "4", "1", "1", "2,000.00", "1,020.00", "51.00"]
    assert "Statement lines matching no service: 2" in lines
    assert cid(MAN) not in out and mask_cid(cid(MAN)) in out


def test_the_thai_claims_table_dates_are_buddhist_era(
    centre: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "report", "claims", "--as-of", AS_OF, "--db", centre)
    assert code == 0
    assert out.splitlines()[0] == "การเบิกค่าบริการ PP ปีงบประมาณ 2568 (1 ต.ค. 2567 - 20 พ.ค. 2568)"


def test_a_unit_filter_of_an_unknown_unit_fails(
    centre: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "report", "claims", "--hospcode", "99999", "--db", centre)
    assert (code, out) == (1, "")
    assert "99999" in err
    report = claims_json(capsys, centre, "--hospcode", HOSPCODE)
    assert len(report["claims"]) == 13  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["claims", "--fiscal-year", "2025"], "use the Buddhist-era year, e.g. 2568"),
        (["kpi", "--fiscal-year", "soon"], "not a fiscal year"),
        (["claims", "--status", "LOST"], "use one of NOT_ELIGIBLE, UNCLAIMED"),
        (["gaps", "--status", "PAID"], "unrecognized arguments"),
    ],
)
def test_bad_report_options_are_usage_errors(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["report", *argv, "--db", str(tmp_path / "s.db"), "--lang", "en"])
    assert stop.value.code == 2
    assert message in capsys.readouterr().err


def test_an_empty_store_has_no_claims(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "empty.db")
    assert claims_json(capsys, db) == {
        "version": 1,
        "fiscal_year": 2568,
        "rates_from_fiscal_year": 2568,
        "claims": [],
        "unmatched": [],
    }
    code, out, _ = run(capsys, "report", "claims", "--as-of", AS_OF, "--db", db, "--lang", "en")
    assert code == 0 and "No PP services in this fiscal year" in out
