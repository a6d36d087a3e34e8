"""What the claims screens and reports ask the store for: periods, claims and money of a unit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine

from store import codes
from store.engine import read_tx
from store.paths import reference_override_dir
from store.pp.catalog import catalog_csv, parse_catalog, shipped_catalog
from store.pp.claims import ClaimStatus
from store.pp.nhso_errors import error_code
from store.pp.queries import Period, load_claims, period_claims, period_money
from store.thaidate import fiscal_year
from sync.ingest.importer import import_paths
from tests.support.ingest_builders import HOSPCODE
from tests.support.pp_builders import (
    AS_OF,
    FIRST_STATEMENT,
    SECOND_STATEMENT,
    hand_counted_zip,
    statement_csv,
    statement_xlsx,
)

D = dt.date
NOW = dt.datetime(2025, 5, 20, 9, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("period", "bounds"),
    [
        (Period(2568), (D(2024, 10, 1), D(2025, 9, 30))),
        (Period(2568, month=10), (D(2024, 10, 1), D(2024, 10, 31))),
        (Period(2568, month=12), (D(2024, 12, 1), D(2024, 12, 31))),
        (Period(2568, month=2), (D(2025, 2, 1), D(2025, 2, 28))),
        (Period(2567, month=2), (D(2024, 2, 1), D(2024, 2, 29))),
        (Period(2568, as_of=D(2025, 5, 20)), (D(2024, 10, 1), D(2025, 5, 20))),
        (Period(2568, month=5, as_of=D(2025, 5, 20)), (D(2025, 5, 1), D(2025, 5, 20))),
    ],
)
def test_a_period_is_a_fiscal_year_or_one_of_its_months_up_to_the_as_of_date(
    period: Period, bounds: tuple[dt.date, dt.date]
) -> None:
    assert period.bounds == bounds


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2100, 12, 31)))
def test_every_day_is_in_the_month_of_its_fiscal_year(day: dt.date) -> None:
    assert Period(fiscal_year(day), month=day.month).contains(day)
    assert Period(fiscal_year(day)).contains(day)
    assert not Period(fiscal_year(day) + 1).contains(day)


def test_a_month_outside_1_to_12_is_refused() -> None:
    with pytest.raises(ValueError, match="month 13"):
        Period(2568, month=13)


@pytest.fixture
def centre(engine: Engine, tmp_path: Path) -> Engine:
    import_paths(engine, [hand_counted_zip(tmp_path)], now=NOW)
    import_paths(engine, [statement_xlsx(tmp_path / "a.xlsx", FIRST_STATEMENT)], now=NOW)
    later = NOW + dt.timedelta(hours=1)
    import_paths(engine, [statement_csv(tmp_path / "b.csv", SECOND_STATEMENT)], now=later)
    return engine


def test_a_months_claims_and_money_are_those_of_its_services(centre: Engine) -> None:
    with read_tx(centre) as conn:
        february = period_claims(conn, Period(2568, month=2), HOSPCODE)
        [money] = period_money(conn, Period(2568, month=2), HOSPCODE)
        april = period_claims(conn, Period(2568, month=4))
    assert sorted((c.evaluation.item.item, c.status.value) for c in february.claims) == [
        ("ANC", "PAID"),
        ("FIT", "PAID"),
        ("FPG", "UNCLAIMED"),
    ]
    assert (money.qualifying, money.eligible_baht, money.paid_baht) == (3, 460, 420)
    assert money.unclaimed_baht == Decimal(40)
    assert money.claim_rate_pct == Decimal("91.30")
    assert february.unmatched == ()
    assert sorted(u.reason for u in april.unmatched) == ["NO_SERVICE", "UNKNOWN_ITEM"]


def test_the_period_view_judges_services_as_the_whole_store_does(centre: Engine) -> None:
    with read_tx(centre) as conn:
        everything = load_claims(conn)
        year = period_claims(conn, Period(2568, as_of=AS_OF))
    whole = {c.evaluation.service.id: c.status for c in everything.claims}
    assert all(whole[c.evaluation.service.id] is c.status for c in year.claims)
    assert {c.status for c in year.claims} == set(ClaimStatus)
    assert len(everything.claims) == len(year.claims) + 2


def test_reference_overrides_reach_the_pp_tables_after_clearing_the_caches() -> None:
    assert error_code("420").description("en") == "Wrong diagnosis code for antenatal care"
    folder = reference_override_dir()
    folder.mkdir(parents=True)
    (folder / "nhso_error_codes.csv").write_text(
        "code,type,description_th,guide_th,description_en,guide_en\n"
        "420,Corrective,รหัสโรคผิด,แก้รหัสโรค,Diagnosis code not accepted,Fix the code\n",
        encoding="utf-8",
    )
    (folder / "pp_labels.csv").write_text(
        "kind,code,condition,text_th,text_en\nstatus,DENIED,,ไม่อนุมัติ,Refused\n",
        encoding="utf-8",
    )
    codes.clear_cache()
    assert error_code("420").description("en") == "Diagnosis code not accepted"
    assert ClaimStatus.DENIED.text("en") == "Refused"


def test_a_catalog_written_as_csv_reads_back_the_same() -> None:
    catalog = shipped_catalog()
    assert parse_catalog(catalog_csv(catalog)) == catalog
