"""The read queries behind the app's screens, on SQLite and PostgreSQL: the dashboard's numbers
are the KPI report's, the work list is the gaps report's, and the change marker notices writes."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, insert

from store.engine import read_tx, write_tx
from store.followup import append_followup
from store.kpi import KpiReport, UnitKpi, kpi_report
from store.models import SQLModel
from store.pp.report import PpMoney
from store.pp.statement_figures import StatementFigures
from store.queries.changes import change_marker
from store.queries.claims import claims_in, claims_view, money_by_month, service_years
from store.queries.dashboard import (
    coverage,
    coverage_from_report,
    coverage_trend,
    followup_summary,
    month_ends,
)
from store.queries.imports import batch_issues, last_batch, recent_batches
from store.queries.person import contact
from store.queries.worklist import (
    WorkFilter,
    WorkRow,
    filter_rows,
    sort_rows,
    villages,
    work_rows,
)
from store.rights.report import gaps_report
from tests.support.tui_store import (
    AS_OF,
    BATCH_LOADED,
    BATCH_REFUSED,
    HOSPCODE,
    PEOPLE,
    build_store,
)


@pytest.fixture
def centre(store_url: str) -> Iterator[Engine]:
    engine = build_store(store_url)
    yield engine
    engine.dispose()


def test_dashboard_coverage_is_the_kpi_report(centre: Engine) -> None:
    with read_tx(centre) as conn:
        report = kpi_report(conn, AS_OF).to_json()["units"][0]
        shown = coverage(conn, AS_OF)
    assert (shown.population, shown.thai_population, shown.covered) == (
        report["population"],
        report["thai_population"],
        report["covered"],
    )
    assert shown.coverage_pct == report["coverage_pct"]
    assert shown.gaps == report["gaps"]
    assert shown.target_pct == 99.0
    assert shown.meets_target is False


def test_several_units_are_summed_with_the_reports_own_rounding() -> None:
    pp = PpMoney.of(None, 2568, 2568)
    unit = UnitKpi("1", 3, 3, 2, 66.67, {"NO_RIGHT": 1}, pp, StatementFigures("1"))
    other = dataclasses.replace(unit, hospcode="2", covered=3, coverage_pct=100.0)
    report = KpiReport(AS_OF, (unit, dataclasses.replace(other, gaps={"NO_RIGHT": 0})))
    shown = coverage_from_report(report)
    assert (shown.units, shown.thai_population, shown.covered) == (2, 6, 5)
    assert shown.coverage_pct == 83.33
    assert shown.gaps == {"NO_RIGHT": 1}


def test_the_trend_ends_with_the_headline_figure_and_has_twelve_month_ends(
    centre: Engine,
) -> None:
    with read_tx(centre) as conn:
        trend = coverage_trend(conn, AS_OF)
        headline = coverage(conn, AS_OF)
    points = trend.points
    assert trend.target_pct == headline.target_pct
    assert [p.day for p in points] == month_ends(AS_OF)
    assert points[-1].coverage_pct == headline.coverage_pct
    assert points[-1].covered == headline.covered


def test_an_earlier_month_end_knows_only_the_checks_made_by_then(centre: Engine) -> None:
    """The centre's NHSO checks were made on 5 Jan 2025: at December's end none is known
    (domain 7.3), so the people they found without a right (3), with status problems (5),
    expired (4) or dead (7) were still covered by their cards; in January they are not."""
    with read_tx(centre) as conn:
        points = {p.day: p for p in coverage_trend(conn, AS_OF).points}
    assert points[dt.date(2024, 12, 31)].covered == points[AS_OF].covered + 4


def test_month_ends_cross_the_year_boundary() -> None:
    assert month_ends(dt.date(2025, 2, 10), months=4) == [
        dt.date(2024, 11, 30),
        dt.date(2024, 12, 31),
        dt.date(2025, 1, 31),
        dt.date(2025, 2, 10),
    ]


def test_the_work_list_is_the_gaps_report_with_person_ids(centre: Engine) -> None:
    with read_tx(centre) as conn:
        rows = work_rows(conn, AS_OF)
        report = gaps_report(conn, AS_OF).to_json()["gaps"]
    assert [(r.evaluation.person.pid, list(r.codes)) for r in rows] == [
        (g["pid"], g["codes"]) for g in report
    ]
    by_pid = {p.pid: p.person_id for p in PEOPLE}
    assert all(r.person_id == by_pid[r.evaluation.person.pid] for r in rows)
    assert all(r.state == "none" for r in rows)


def test_followups_move_people_between_states(centre: Engine) -> None:
    with write_tx(centre) as conn:
        append_followup(conn, hospcode=HOSPCODE, person_id=PEOPLE[2].person_id, action="PHONED")
        append_followup(
            conn,
            hospcode=HOSPCODE,
            person_id=PEOPLE[3].person_id,
            action="REGISTERED",
            unit=HOSPCODE,
        )
    with read_tx(centre) as conn:
        summary = followup_summary(conn, AS_OF)
        states = {r.evaluation.person.pid: r.state for r in work_rows(conn, AS_OF)}
    assert states["3"] == "open"
    assert states["4"] == "resolved"
    assert (summary.in_progress, summary.resolved) == (1, 1)
    assert summary.pending == len(states) - 1


def pids(found: list[WorkRow]) -> list[str]:
    return [r.evaluation.person.pid for r in found]


def test_filters_search_and_sorts(centre: Engine) -> None:
    with read_tx(centre) as conn:
        rows = work_rows(conn, AS_OF)
    assert pids(filter_rows(rows, WorkFilter(gap="EXPIRED"))) == ["4"]
    assert villages(rows) == ["หมู่ 1", "หมู่ 2"]
    assert pids(filter_rows(rows, WorkFilter(village="หมู่ 2"))) == ["4", "5", "7"]
    assert pids(filter_rows(rows, WorkFilter(search="มานี"))) == ["4"]
    assert pids(filter_rows(rows, WorkFilter(search=PEOPLE[5].cid[-4:]))) == ["6"]
    assert pids(filter_rows(rows, WorkFilter(search="aung"))) == ["10"]
    assert filter_rows(rows, WorkFilter(state="resolved")) == []
    by_name = sort_rows(rows, "name")
    assert [r.name for r in by_name] == sorted(r.name for r in rows)
    assert sort_rows(rows, "gaps")[0].codes[0] == "NO_CID"
    assert sort_rows(rows, "village", descending=True)[0].village == "หมู่ 2"
    with pytest.raises(ValueError, match="unknown sort key"):
        sort_rows(rows, "age")


def test_import_batches_newest_first_with_their_issues(centre: Engine) -> None:
    with read_tx(centre) as conn:
        batches = recent_batches(conn)
        newest = last_batch(conn)
        issues = batch_issues(conn, BATCH_LOADED)
        capped = batch_issues(conn, BATCH_LOADED, limit=1)
    assert [b.id for b in batches] == [BATCH_LOADED, BATCH_REFUSED]
    assert newest == batches[0]
    assert newest.started_at.tzinfo is not None
    assert [(i.line, i.field) for i in issues.rows] == [(7, "BIRTH"), (12, "CID"), (15, "D_UPDATE")]
    assert (len(capped.rows), capped.total) == (1, 3)


def test_the_change_marker_moves_on_an_import_or_a_followup_only(centre: Engine) -> None:
    with read_tx(centre) as conn:
        before = change_marker(conn)
    with read_tx(centre) as conn:
        assert change_marker(conn) == before
    with write_tx(centre) as conn:
        conn.execute(
            insert(SQLModel.metadata.tables["import_batch"]).values(
                id="x" * 36,
                kind="nhso_rights",
                file_name="rights.xlsx",
                sha256="c" * 64,
                status="loading",
                started_at=dt.datetime(2025, 1, 16, tzinfo=dt.UTC),
            )
        )
    with read_tx(centre) as conn:
        after_import = change_marker(conn)
    assert after_import != before
    with write_tx(centre) as conn:
        append_followup(conn, hospcode=HOSPCODE, person_id=PEOPLE[2].person_id, action="PHONED")
    with read_tx(centre) as conn:
        assert change_marker(conn) != after_import


def test_contact_numbers_for_the_detail_screen(centre: Engine) -> None:
    with read_tx(centre) as conn:
        found = contact(conn, PEOPLE[0].person_id)
        missing = contact(conn, "no-such-person")
    assert found is not None
    assert found.numbers == ["0812345678"]
    assert missing is None


def test_claims_money_by_item_adds_up_to_the_kpi_reports_pp_block(centre: Engine) -> None:
    with read_tx(centre) as conn:
        view = claims_view(conn, 2568, None, AS_OF)
        pp = kpi_report(conn, AS_OF).to_json()["units"][0]["pp"]
    total = view.total
    assert float(total.eligible_baht) == pp["eligible_baht"]
    assert float(total.paid_baht) == pp["paid_baht"]
    assert float(total.pending_baht) == pp["pending_baht"]
    assert float(total.denied_baht) == pp["denied_baht"]
    assert float(total.unclaimed_baht) == pp["unclaimed_baht"]
    assert float(total.claim_rate_pct or 0) == pp["claim_rate_pct"]
    assert sum(m.eligible_baht for m in view.items) == total.eligible_baht
    assert [m.item for m in view.items] == ["FP_INJ", "FP_PILL", "CX_SCREEN", "ANC", "EPI_SVC"]
    assert view.unmatched == 1
    assert view.names[(HOSPCODE, "2")] == "สมหญิง รักไทย"
    assert [c.status.value for c in claims_in(view, item="ANC")] == ["DENIED", "PENDING"]
    assert len(claims_in(view, status="PAID")) == 2


def test_claims_of_one_month(centre: Engine) -> None:
    with read_tx(centre) as conn:
        november = claims_view(conn, 2568, 11, AS_OF)
    assert [c.evaluation.service.date for c in november.claims] == [
        dt.date(2024, 11, 10),
        dt.date(2024, 11, 15),
    ]
    assert november.total.paid_baht == 140


def test_paid_and_unclaimed_money_month_by_month(centre: Engine) -> None:
    with read_tx(centre) as conn:
        months = money_by_month(conn, 2568, AS_OF)
    assert [(m.month.month, m.paid_baht, m.unclaimed_baht) for m in months] == [
        (10, 0, 60),
        (11, 140, 0),
        (12, 0, 0),
        (1, 20, 0),
    ]


def test_fiscal_years_with_pp_services(centre: Engine) -> None:
    with read_tx(centre) as conn:
        assert service_years(conn, AS_OF) == [2568]
        assert service_years(conn, dt.date(2026, 1, 1)) == [2569, 2568]
        assert service_years(conn, AS_OF, hospcode="99999") == [2568]
