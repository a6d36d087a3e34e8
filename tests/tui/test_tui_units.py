"""The province view: a league table of the store's units and drill-down into one unit."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Static

from tests.support.tui_pilot import column, make_app, settle, text
from tests.support.tui_store import (
    AS_OF,
    HOSPCODE,
    build_store,
)
from tests.support.tui_units import (
    CENTRE_DISTRICT,
    NORTH,
    NORTH_PEOPLE,
    RIVER_NAME,
    SOUTH,
    SOUTH_PEOPLE,
    build_three_units,
)
from tui.app import SitthiApp
from tui.screens.dashboard import DashboardScreen
from tui.screens.units import UnitsScreen
from tui.screens.worklist import WorklistScreen
from tui.widgets.navbar import NavBar

pytestmark = pytest.mark.anyio


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'province.db'}"
    build_three_units(url)
    return url


def table_of(app: SitthiApp) -> DataTable[object]:
    return app.screen.query_one("#units", DataTable)


async def test_the_units_key_lists_every_unit_worst_coverage_first(url: str) -> None:
    app = make_app(url, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, UnitsScreen)
        table = table_of(app)
        assert column(table, "hospcode") == [SOUTH, HOSPCODE, NORTH]
        assert column(table, "name")[0] == "รพ.สต.บ้านใต้"
        assert column(table, "population")[2] == str(NORTH_PEOPLE)
        coverage = column(table, "coverage")
        assert coverage[0] == "50.00 % ✗"
        assert coverage[2] == "100.00 % ✓"
        assert column(table, "gaps")[2] == "0"
        assert "by coverage, worst first" in text(app.screen.query_one("#units-summary", Static))


async def test_each_unit_shows_its_district_and_d_shows_one_district_at_a_time(url: str) -> None:
    app = make_app(url, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        table = table_of(app)
        assert dict(zip(column(table, "hospcode"), column(table, "district"), strict=True)) == {
            SOUTH: RIVER_NAME,
            HOSPCODE: CENTRE_DISTRICT,
            NORTH: RIVER_NAME,
        }
        await pilot.press("d")
        await settle(pilot)
        assert column(table, "hospcode") == [HOSPCODE]
        summary = text(app.screen.query_one("#units-summary", Static))
        assert summary.startswith(f"district {CENTRE_DISTRICT} · 1 units")
        await pilot.press("d")
        await settle(pilot)
        assert column(table, "hospcode") == [SOUTH, NORTH]
        summary = text(app.screen.query_one("#units-summary", Static))
        assert summary.startswith(f"district {RIVER_NAME} · 2 units")
        await pilot.press("d")
        await settle(pilot)
        assert column(table, "hospcode") == [SOUTH, HOSPCODE, NORTH]
        assert text(app.screen.query_one("#units-summary", Static)).startswith("3 units")


async def test_g_groups_the_units_by_district_keeping_the_order_within_each(url: str) -> None:
    app = make_app(url, lang="th")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key in ("u", "g"):
            await pilot.press(key)
            await settle(pilot)
        table = table_of(app)
        assert column(table, "hospcode") == [HOSPCODE, SOUTH, NORTH]
        assert "จัดกลุ่มตามอำเภอ" in text(app.screen.query_one("#units-summary", Static))
        await pilot.press("g")
        await settle(pilot)
        assert column(table, "hospcode") == [SOUTH, HOSPCODE, NORTH]


async def test_sorting_by_claim_rate_puts_units_without_pp_money_last(url: str) -> None:
    app = make_app(url, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key in ("u", "s"):
            await pilot.press(key)
            await settle(pilot)
        table = table_of(app)
        assert column(table, "hospcode") == [HOSPCODE, NORTH, SOUTH]
        assert column(table, "pp")[0].endswith("✗")
        assert column(table, "pp")[1:] == ["–", "–"]
        assert "PP claim rate" in text(app.screen.query_one("#units-summary", Static))


async def test_enter_on_a_unit_shows_that_unit_only_until_all_units_is_chosen(url: str) -> None:
    app = make_app(url, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        everyone = app.screen
        assert isinstance(everyone, DashboardScreen) and everyone.coverage is not None
        assert everyone.coverage.units == 3
        await pilot.press("u")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)

        assert app.hospcode == SOUTH
        dashboard = app.screen
        assert isinstance(dashboard, DashboardScreen) and dashboard.coverage is not None
        assert (dashboard.coverage.units, dashboard.coverage.population) == (1, SOUTH_PEOPLE)
        assert dashboard.coverage.coverage_pct == 50.0
        assert "Unit 07777 รพ.สต.บ้านใต้" in text(dashboard.query_one(NavBar))

        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, WorklistScreen) and app.screen.rows is not None
        assert {row.evaluation.person.hospcode for row in app.screen.rows} == {SOUTH}
        assert len(app.screen.rows) == 2

        await pilot.press("u", "a")
        await settle(pilot)
        assert app.hospcode is None
        assert isinstance(app.screen, UnitsScreen)
        assert "Unit" not in text(app.screen.query_one(NavBar))
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, WorklistScreen) and app.screen.rows is not None
        assert {row.evaluation.person.hospcode for row in app.screen.rows} == {HOSPCODE, SOUTH}
        assert app.gateway.violations == []


async def test_the_command_palette_opens_the_units_and_returns_to_all(url: str) -> None:
    app = make_app(url, lang="en", hospcode=NORTH)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"All units")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert app.hospcode is None
        assert isinstance(app.screen, UnitsScreen)
        assert table_of(app).row_count == 3


async def test_a_single_centre_sees_its_one_unit_and_an_unchanged_top_line(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'centre.db'}"
    build_store(url).dispose()
    app = make_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        before = text(app.screen.query_one(NavBar))
        await pilot.press("u")
        await settle(pilot)
        assert column(table_of(app), "hospcode") == [HOSPCODE]
        assert text(app.screen.query_one(NavBar)) == before
        assert AS_OF.year + 543 == int(before.split()[-1])
        assert app.gateway.violations == []


async def test_the_help_screen_lists_the_district_keys(url: str) -> None:
    app = make_app(url, lang="th")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key in ("u", "f1"):
            await pilot.press(key)
            await settle(pilot)
        keys = text(app.screen.query_one("#help-keys", Static)).splitlines()
        units = keys.index("หน่วยบริการ", keys.index("ทุกหน้าจอ") + 2)
        assert [line.split() for line in keys[units + 1 : units + 4]] == [
            ["s", "เรียง"],
            ["d", "ทีละอำเภอ"],
            ["g", "จัดกลุ่มอำเภอ"],
        ]


async def test_home_and_end_go_to_the_first_and_last_unit(url: str) -> None:
    app = make_app(url, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        table = table_of(app)
        assert app.focused is table
        await pilot.press("end")
        assert table.cursor_row == table.row_count - 1 == 2
        await pilot.press("home")
        assert table.cursor_row == 0
