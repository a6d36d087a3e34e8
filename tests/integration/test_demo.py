"""`sitthi demo`: a synthetic centre imported into a store of its own, never the real one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from store import models
from store.engine import open_store, read_tx
from store.kpi import kpi_report
from store.paths import data_dir, default_db_path, demo_db_path
from store.pp.claims import ClaimStatus
from store.pp.queries import Period, period_claims
from store.rights.inputs import partner_units
from tui.cli import main

TODAY = "2025-05-20"
AS_OF = dt.date(2025, 5, 20)
UNIT, PARTNER = "09901", "09902"


def demo(capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    code = main(["demo", "--no-app", "--lang", "en", "--today", TODAY, *extra])
    out, err = capsys.readouterr()
    return code, out, err


def unit_kpis(url: str) -> dict[str, object]:
    engine = open_store(url)
    try:
        with read_tx(engine) as conn:
            units = kpi_report(conn, AS_OF).to_json()["units"]
            assert partner_units(conn, UNIT) == {PARTNER}
    finally:
        engine.dispose()
    assert [u["hospcode"] for u in units] == [UNIT]
    unit: dict[str, object] = units[0]
    return unit


def person_rows(url: str) -> int:
    engine = open_store(url)
    try:
        with read_tx(engine) as conn:
            return int(conn.execute(select(func.count()).select_from(models.Person)).scalar_one())
    finally:
        engine.dispose()


@pytest.mark.slow
def test_the_demo_store_shows_a_realistic_centre_and_the_real_store_is_untouched(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = demo(capsys, "--persons", "2000")
    assert (code, err) == (0, "")
    assert "Coverage %" in out and "OUTSIDE_UNIT" in out
    assert "Paid %" in out
    assert not default_db_path().exists()
    assert demo_db_path().exists()
    assert len(list((data_dir() / "demo-files").iterdir())) == 7
    url = f"sqlite:///{demo_db_path()}"
    unit = unit_kpis(url)
    coverage = unit["coverage_pct"]
    assert isinstance(coverage, float) and 98.5 <= coverage <= 99.7
    gaps = unit["gaps"]
    assert isinstance(gaps, dict) and all(count > 0 for count in gaps.values()), gaps
    pp = unit["pp"]
    assert isinstance(pp, dict) and pp["fiscal_year"] == 2568
    assert 45 <= pp["claim_rate_pct"] <= 75, pp
    assert pp["denied_baht"] > 0 and pp["pending_baht"] > 0 and pp["unclaimed_baht"] > 0
    engine = open_store(url)
    with read_tx(engine) as conn:
        claims = period_claims(conn, Period(2568, as_of=AS_OF))
    engine.dispose()
    assert {c.status for c in claims.claims} == set(ClaimStatus)
    assert {u.reason for u in claims.unmatched} == {"NO_SERVICE", "UNKNOWN_NAME"}


def test_running_the_demo_twice_imports_nothing_new(
    sqlite_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--fresh` writes the files again; the same bytes are then nothing new for the store."""
    url = f"sqlite:///{sqlite_path}"
    assert demo(capsys, "--persons", "400", "--db", url)[0] == 0
    before = person_rows(url)
    code, out, _ = demo(capsys, "--persons", "400", "--db", url, "--fresh")
    assert code == 0
    assert out.count("nothing new") == 7
    assert person_rows(url) == before == 400


def test_a_second_demo_reuses_its_files_and_store(capsys: pytest.CaptureFixture[str]) -> None:
    assert demo(capsys, "--persons", "300")[0] == 0
    url = f"sqlite:///{demo_db_path()}"
    files = sorted((data_dir() / "demo-files").iterdir())
    written = {p: p.stat().st_mtime_ns for p in files}
    code, out, _ = demo(capsys, "--persons", "300")
    assert code == 0 and out.startswith("Reusing the demo files")
    assert {p: p.stat().st_mtime_ns for p in files} == written
    assert person_rows(url) == 300
    # another size is another demo: its own store is rebuilt from empty, not reused or mixed
    code, out, _ = demo(capsys, "--persons", "250")
    assert code == 0 and "Reusing" not in out
    assert person_rows(url) == 250


def test_a_changed_demo_file_is_rebuilt(capsys: pytest.CaptureFixture[str]) -> None:
    assert demo(capsys, "--persons", "300")[0] == 0
    victim = sorted((data_dir() / "demo-files").glob("*.zip"))[0]
    victim.write_bytes(b"not the file the demo wrote")
    code, out, _ = demo(capsys, "--persons", "300")
    assert code == 0 and "Reusing" not in out
    assert victim.read_bytes().startswith(b"PK")


def test_fresh_rebuilds_the_demo_store(capsys: pytest.CaptureFixture[str]) -> None:
    assert demo(capsys, "--persons", "300")[0] == 0
    code, out, _ = demo(capsys, "--persons", "300", "--fresh")
    assert code == 0 and "Reusing" not in out and "nothing new" not in out
    assert person_rows(f"sqlite:///{demo_db_path()}") == 300


def test_the_demo_goes_into_the_store_named_by_db(
    store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = demo(capsys, "--persons", "600", "--db", store_url)
    assert (code, err) == (0, "")
    assert person_rows(store_url) == 600
    assert unit_kpis(store_url)["population"]
    assert not demo_db_path().exists() and not default_db_path().exists()


def test_the_demo_goes_into_sitthi_db_when_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    chosen = tmp_path / "chosen.db"
    monkeypatch.setenv("SITTHI_DB", str(chosen))
    files = tmp_path / "files"
    assert demo(capsys, "--persons", "300", "--dir", str(files))[0] == 0
    assert person_rows(f"sqlite:///{chosen}") == 300
    assert not demo_db_path().exists() and not default_db_path().exists()
    assert {p.suffix for p in files.iterdir()} == {".zip", ".xlsx", ".xls", ".csv"}
    assert not (data_dir() / "demo-files").exists()


def test_a_folder_that_cannot_be_written_is_reported_and_no_store_is_made(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "taken"
    blocker.write_text("a file where the folder should be")
    code, _, err = demo(capsys, "--persons", "50", "--dir", str(blocker / "demo"))
    assert code == 1
    assert err.startswith("sitthi: cannot write the demo files to ")
    assert not demo_db_path().exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["--persons", "0"],
        ["--persons", "many"],
        ["--persons", "10", "--large"],
        ["--today", "2025-13-01"],
    ],
)
def test_bad_demo_options_are_usage_errors(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["demo", "--no-app", "--lang", "en", *argv])
    assert stop.value.code == 2
    assert "usage:" in capsys.readouterr().err
    assert not demo_db_path().exists()


@pytest.mark.parametrize("lang", ["en", "th"])
def test_the_demo_help_names_the_four_statement_files_it_writes(
    lang: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["demo", "--help", "--lang", lang])
    assert stop.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    for kind in ("e-Claim", "STM", "KTB REP INDIVIDUAL", "SMT"):
        assert kind in text, kind
    assert "two statements" not in text and "statement 2 ชุด" not in text
