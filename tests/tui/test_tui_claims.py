"""The PP claims screen: money by item and status equal to `sitthi report claims`, the services
behind each figure, and for each service why it is not paid and what to do."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Select, Static

from store.engine import open_store, read_tx
from store.kpi import kpi_report
from store.pp.nhso_errors import error_code
from store.pp.report import claims_report
from tests.support.tui_pilot import column, make_app, settle, text
from tests.support.tui_store import AS_OF
from tui.app import SitthiApp
from tui.screens.claim import ClaimScreen
from tui.screens.claims import ClaimsScreen

pytestmark = pytest.mark.anyio


def reports(url: str) -> tuple[dict[str, object], dict[str, object]]:
    engine = open_store(url)
    with read_tx(engine) as conn:
        claims = claims_report(conn, 2568, as_of=AS_OF, lang="en").to_json()
        pp = kpi_report(conn, AS_OF).to_json()["units"][0]["pp"]
    engine.dispose()
    return claims, pp


def items(app: SitthiApp) -> DataTable[object]:
    return app.screen.query_one("#claim-items", DataTable)


def services(app: SitthiApp) -> DataTable[object]:
    return app.screen.query_one("#claim-services", DataTable)


def number(cell: object) -> float:
    return float(str(cell).replace(",", ""))


async def test_totals_equal_the_claims_report(url: str) -> None:
    report, pp = reports(url)
    claims = report["claims"]
    assert isinstance(claims, list)
    app = make_app(url, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await settle(pilot)
        assert isinstance(app.screen, ClaimsScreen)
        total = items(app).get_row("*")
        shown_services = services(app).row_count
    qualifying = [c for c in claims if c["status"] != "NOT_ELIGIBLE"]
    assert number(total[2]) == sum(c["rate"] for c in qualifying) == pp["eligible_baht"]
    assert number(total[3]) == sum(c["paid"] or 0 for c in qualifying) == pp["paid_baht"]
    parts = ("paid_baht", "pending_baht", "denied_baht", "unclaimed_baht")
    assert number(total[4]) == number(pp["eligible_baht"]) - sum(number(pp[k]) for k in parts)
    assert number(total[5]) == pp["pending_baht"]
    assert number(total[6]) == pp["denied_baht"]
    assert number(total[7]) == pp["unclaimed_baht"]
    assert number(total[8]) == pp["claim_rate_pct"]
    assert int(str(total[1])) == sum(1 for c in claims if c["status"] == "NOT_ELIGIBLE")
    assert shown_services == len(claims)


async def test_an_item_row_shows_its_services_and_a_status_filter_narrows_them(url: str) -> None:
    app = make_app(url, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await settle(pilot)
        table = items(app)
        table.move_cursor(row=table.get_row_index("ANC"))
        await settle(pilot)
        assert column(services(app), "status") == ["Denied", "Pending"]
        app.screen.query_one("#claim-status", Select).value = "PENDING"
        await settle(pilot)
        assert column(services(app), "status") == ["Pending"]
        assert "1 of 7 services" in text(app.screen.query_one("#claims-summary", Static))


async def test_a_month_of_the_fiscal_year_can_be_chosen(url: str) -> None:
    app = make_app(url, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await settle(pilot)
        app.screen.query_one("#claim-month", Select).value = 11
        await settle(pilot)
        assert [str(k.value) for k in items(app).rows] == ["FP_PILL", "CX_SCREEN", "*"]
        assert column(services(app), "date") == ["10 Nov 24", "15 Nov 24"]


async def test_a_denied_claim_explains_the_error_code_and_its_fix(url: str) -> None:
    denied = error_code("633")
    app = make_app(url)
    async with app.run_test(size=(80, 30)) as pilot:
        await pilot.press("3")
        await settle(pilot)
        table = items(app)
        table.move_cursor(row=table.get_row_index("ANC"))
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ClaimScreen)
        assert "ถูกปฏิเสธ" in text(app.screen.query_one("#claim-answer", Static))
        todo = text(app.screen.query_one("#claim-todo", Static))
        assert denied.description("th") in todo
        assert denied.guide("th") in todo
        assert "xxxxx" in text(app.screen.query_one("#claim-header", Static))
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ClaimsScreen)


async def test_a_service_that_does_not_qualify_says_which_condition_failed(url: str) -> None:
    report, _ = reports(url)
    claims = report["claims"]
    assert isinstance(claims, list)
    reason = next(c["reason"] for c in claims if c["status"] == "NOT_ELIGIBLE")
    app = make_app(url, lang="en")
    async with app.run_test(size=(80, 30)) as pilot:
        await pilot.press("3")
        await settle(pilot)
        app.screen.query_one("#claim-status", Select).value = "NOT_ELIGIBLE"
        await settle(pilot)
        await pilot.press("enter", "enter")
        await settle(pilot)
        todo = text(app.screen.query_one("#claim-todo", Static))
    assert "Not eligible" in todo
    assert reason in todo


async def test_the_overview_shows_pp_money_against_its_target(url: str) -> None:
    _, pp = reports(url)
    app = make_app(url, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        shown = text(app.screen.query_one("#pp", Static))
    assert f"Received {pp['claim_rate_pct']:.2f} % of {pp['eligible_baht']:,.0f} baht" in shown
    assert "below target 60 %" in shown
    assert (
        f"paid {pp['paid_baht']:,.0f} · pending {pp['pending_baht']:,.0f} · "
        f"denied {pp['denied_baht']:,.0f} · unclaimed {pp['unclaimed_baht']:,.0f} baht"
    ) in shown
    assert "By month from Oct 24: paid ·█·▂  unclaimed ▄···" in shown
