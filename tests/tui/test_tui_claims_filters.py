"""The claims screen: item names in Thai (codes on request), each service's reason whole, one
key per filter that opens its choices, and filters and data in step after a language switch."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Select, Static

from store.engine import open_store, read_tx
from store.pp.report import claims_report
from tests.support.tui_pilot import column, make_app, settle, text
from tests.support.tui_store import AS_OF
from tui.app import SitthiApp

pytestmark = pytest.mark.anyio


def items(app: SitthiApp) -> DataTable[object]:
    return app.screen.query_one("#claim-items", DataTable)


def services(app: SitthiApp) -> DataTable[object]:
    return app.screen.query_one("#claim-services", DataTable)


async def open_claims(app: SitthiApp, pilot: object) -> None:
    await pilot.press("3")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]


async def test_items_are_named_in_thai_and_codes_come_on_request(url: str) -> None:
    app = make_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_claims(app, pilot)
        names = column(items(app), "item")
        assert "บริการฝากครรภ์" in names and "ANC" not in names
        await pilot.press("c")
        await settle(pilot)
        assert "ANC" in column(items(app), "item")


async def test_the_highlighted_services_reason_is_shown_whole(url: str) -> None:
    engine = open_store(url)
    with read_tx(engine) as conn:
        report = claims_report(conn, 2568, as_of=AS_OF, lang="en")
    engine.dispose()
    longest = max((c["reason"] or "" for c in report.to_json()["claims"]), key=len)
    assert len(longest) > 30, "the test store has a reason longer than its column"
    app = make_app(url, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_claims(app, pilot)
        table = services(app)
        for row in range(table.row_count):
            table.move_cursor(row=row)
            await settle(pilot)
            if longest in text(app.screen.query_one("#claim-reason", Static)):
                break
        else:
            raise AssertionError("no service showed its whole reason")


@pytest.mark.parametrize(
    ("key", "selector"), [("y", "#claim-year"), ("m", "#claim-month"), ("f", "#claim-status")]
)
async def test_one_key_opens_a_filters_choices(url: str, key: str, selector: str) -> None:
    app = make_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_claims(app, pilot)
        await pilot.press(key)
        await settle(pilot)
        chooser = app.screen.query_one(selector, Select)
        assert chooser.has_focus_within and chooser.expanded


async def test_the_list_has_the_focus_when_the_screen_opens(url: str) -> None:
    app = make_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_claims(app, pilot)
        assert app.focused is items(app)


async def test_filters_and_data_stay_in_step_after_a_language_switch(url: str) -> None:
    app = make_app(url, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_claims(app, pilot)
        app.screen.query_one("#claim-month", Select).value = 11
        await settle(pilot)
        app.screen.query_one("#claim-status", Select).value = "PAID"
        await settle(pilot)
        before_items = [str(k.value) for k in items(app).rows]
        before_services = column(services(app), "date")
        app.set_language("th")
        await settle(pilot)
        month = app.screen.query_one("#claim-month", Select)
        status = app.screen.query_one("#claim-status", Select)
        assert (month.value, status.value) == (11, "PAID")
        assert [str(k.value) for k in items(app).rows] == before_items
        assert len(column(services(app), "date")) == len(before_services)
        assert "ได้รับ" in text(app.screen.query_one("#claims-summary", Static))
