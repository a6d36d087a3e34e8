"""The catalog year (domain 5): when the fiscal year has no catalog, the newest earlier year's
items and rates apply, every place that shows money says "rates of 2569 carried forward", and a
catalog for the year, once imported, replaces them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine

from store.engine import open_store, read_tx
from store.pp.catalog import catalog_csv, shipped_catalog
from store.queries.claims import claims_view
from store.queries.dashboard import PpMoney
from sync.ingest.importer import import_paths
from tests.support.ingest_builders import HOSPCODE, export_zip, f43_text, person
from tests.support.nhso_statement_files import KTB_HEADER, ktb_line
from tests.support.pp_builders import WOMAN, anc
from tests.support.tabular_builders import xlsx_bytes
from tui.cli import main
from tui.i18n import Translator
from tui.screens.dashboard import rates_note

AS_OF = dt.date(2026, 12, 1)
"""Fiscal year 2570, while the shipped catalog ends at 2569."""
NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


def test_a_year_without_a_catalog_takes_the_newest_earlier_years_items() -> None:
    catalog = shipped_catalog()
    assert catalog.fiscal_years[-1] == 2569
    assert (catalog.rates_year(2570), catalog.rates_year(2575)) == (2569, 2569)
    assert catalog.rates_year(2568) == 2568
    assert catalog.rates_year(2500) is None
    item = catalog.match(2570, "ANC", {"GRAVIDA": "1"})
    assert item is not None and (item.item, item.fiscal_year, item.rate) == ("ANC", 2569, 360)
    assert catalog.for_year(2570) == ()
    resolved = catalog.resolve(2570, "ANC")
    assert resolved is not None and resolved.fiscal_year == 2569
    named = catalog.resolve_name(2570, "บริการฝากครรภ์")
    assert named is not None and (named.item, named.fiscal_year) == ("ANC", 2569)


def money_at(anc_rate: int, rates_from: int) -> PpMoney:
    """Fiscal 2570's money on the dashboard: one ANC still to claim, at its rate of `rates_from`."""
    zero = Decimal(0)
    return PpMoney(
        fiscal_year=2570,
        qualifying=1,
        eligible_baht=Decimal(anc_rate),
        paid_baht=zero,
        pending_baht=zero,
        denied_baht=zero,
        unclaimed_baht=Decimal(anc_rate),
        claim_rate_pct=zero,
        target_pct=60.0,
        rates_from_fiscal_year=rates_from,
    )


def catalog_2570(path: Path, anc_rate: str) -> Path:
    """The province's catalog for fiscal 2570: the 2569 items, ANC at a new rate."""
    reader = csv.DictReader(io.StringIO(catalog_csv(shipped_catalog())))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(reader.fieldnames or ()), lineterminator="\n")
    writer.writeheader()
    for line in reader:
        if line["fiscal_year"] == "2569":
            rate = anc_rate if line["item"] == "ANC" else line["rate"]
            writer.writerow({**line, "fiscal_year": "2570", "rate": rate})
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


@pytest.fixture
def centre_2570(store_url: str, tmp_path: Path) -> str:
    """A centre with one Thai woman's ANC visit in fiscal 2570."""
    woman = person(1, SEX="2", BIRTH="19950301", D_UPDATE="20261101120000")
    visit = anc(1, "500", dt.date(2026, 11, 10))
    export = export_zip(tmp_path, person=f43_text("PERSON", [woman]), anc=f43_text("ANC", [visit]))
    engine = open_store(store_url)
    try:
        [result] = import_paths(engine, [export], now=NOW)
        assert result.status == "loaded", result.message
    finally:
        engine.dispose()
    return store_url


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    return out


def kpi_pp(capsys: pytest.CaptureFixture[str], url: str) -> dict[str, object]:
    out = run(capsys, "report", "kpi", "--json", "--as-of", AS_OF.isoformat(), "--db", url)
    [unit] = json.loads(out)["units"]
    pp: dict[str, object] = unit["pp"]
    return pp


def test_money_of_a_year_without_a_catalog_is_shown_at_the_carried_rates_and_says_so(
    centre_2570: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pp = kpi_pp(capsys, centre_2570)
    assert pp["fiscal_year"] == 2570
    assert (pp["rates_from_fiscal_year"], pp["qualifying"], pp["eligible_baht"]) == (2569, 1, 360.0)
    as_of = ("--as-of", AS_OF.isoformat(), "--db", centre_2570)
    english = run(capsys, "--lang", "en", "report", "kpi", *as_of)
    assert "rates of 2569 carried forward: No PP catalog for fiscal year 2570" in english
    thai = run(capsys, "--lang", "th", "report", "kpi", *as_of)
    assert "ใช้อัตราปี 2569 ไปก่อน" in thai
    claims = json.loads(run(capsys, "report", "claims", "--json", *as_of))
    assert (claims["fiscal_year"], claims["rates_from_fiscal_year"]) == (2570, 2569)
    assert [(c["item"], c["rate"], c["status"]) for c in claims["claims"]] == [
        ("ANC", 360.0, "UNCLAIMED")
    ]
    assert "rates of 2569 carried forward" in run(
        capsys, "--lang", "en", "report", "claims", *as_of
    )

    path = catalog_2570(tmp_path / "pp_catalog_2570.csv", anc_rate="400")
    run(capsys, "import", str(path), "--db", centre_2570)
    pp = kpi_pp(capsys, centre_2570)
    assert (pp["rates_from_fiscal_year"], pp["eligible_baht"]) == (2570, 400.0)
    english = run(capsys, "--lang", "en", "report", "kpi", *as_of)
    assert "carried forward" not in english
    claims_text = run(capsys, "--lang", "en", "report", "claims", *as_of)
    assert "carried forward" not in claims_text


def test_the_claims_screen_and_dashboard_name_the_carried_year(
    centre_2570: str, tmp_path: Path
) -> None:
    engine: Engine = open_store(centre_2570)
    try:
        with read_tx(engine) as conn:
            view = claims_view(conn, 2570, None, AS_OF)
        assert (view.fiscal_year, view.rates_from_fiscal_year) == (2570, 2569)
        assert view.total.eligible_baht == 360
        [result] = import_paths(engine, [catalog_2570(tmp_path / "c.csv", "400")], now=NOW)
        assert result.status == "loaded"
        with read_tx(engine) as conn:
            assert claims_view(conn, 2570, None, AS_OF).rates_from_fiscal_year == 2570
    finally:
        engine.dispose()
    money = money_at(360, rates_from=2569)
    assert rates_note(money, Translator("en")) == "rates of 2569 carried forward"
    assert rates_note(money, Translator("th")) == "ใช้อัตราปี 2569 ไปก่อน"
    own = money_at(400, rates_from=2570)
    assert rates_note(own, Translator("en")) == ""


def ktb_report_2570(path: Path) -> Path:
    """A KTB REP INDIVIDUAL paying the woman's ANC visit of 10 Nov 2026 (fiscal 2570) in full
    at the 2569 rate, the item named only by its service name."""
    rows: list[Sequence[object]] = [
        ["วันที่จัดพิมพ์ 01/12/2569 10:15:00"],
        ["โครงการ บริการสร้างเสริมสุขภาพและป้องกันโรค (PP Fee Schedule)"],
        [f"หน่วยบริการ {HOSPCODE} รพ.สต.ทดสอบ"],
        [],
        KTB_HEADER,
        ktb_line(1, WOMAN, "10/11/2569", "บริการฝากครรภ์", 360.0, "ชดเชย"),
    ]
    path.write_bytes(xlsx_bytes(rows, sheet="REP INDIVIDUAL"))
    return path


def test_a_ktb_line_of_a_year_without_a_catalog_is_matched_by_name_at_the_carried_rates(
    centre_2570: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    report = ktb_report_2570(tmp_path / f"REP_INDIVIDUAL_{HOSPCODE}_25691201.xlsx")
    run(capsys, "import", str(report), "--db", centre_2570)
    as_of = ("--as-of", AS_OF.isoformat(), "--db", centre_2570)
    claims = json.loads(run(capsys, "report", "claims", "--json", *as_of))
    assert claims["rates_from_fiscal_year"] == 2569
    assert [(c["item"], c["rate"], c["status"], c["paid"]) for c in claims["claims"]] == [
        ("ANC", 360.0, "PAID", 360.0)
    ]
    assert claims["unmatched"] == []
    pp = kpi_pp(capsys, centre_2570)
    assert (pp["paid_baht"], pp["unclaimed_baht"]) == (360.0, 0.0)
    assert "rates of 2569 carried forward" in run(
        capsys, "--lang", "en", "report", "claims", *as_of
    )

    catalog = catalog_2570(tmp_path / "pp_catalog_2570.csv", anc_rate="400")
    run(capsys, "import", str(catalog), "--db", centre_2570)
    claims = json.loads(run(capsys, "report", "claims", "--json", *as_of))
    assert claims["rates_from_fiscal_year"] == 2570
    assert [(c["item"], c["rate"], c["status"], c["paid"]) for c in claims["claims"]] == [
        ("ANC", 400.0, "PARTIAL", 360.0)
    ]
    assert claims["unmatched"] == []
