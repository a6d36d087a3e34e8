"""The app under load: work superseded by newer data stops, a burst of changes costs one more
evaluation, screens share an evaluation, and `q` quits at once whatever is running."""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path

import pytest
from textual.widgets import DataTable

import store.queries.dashboard as dashboard_queries
from store.queries.units import League
from tests.support.tui_pilot import centre_url, column, make_app, settle
from tests.support.tui_slow import SlowLeague, wait_until
from tests.support.tui_store import AS_OF, HOSPCODE
from tui.app import Polled
from tui.screens.dashboard import DashboardScreen
from tui.screens.units import UnitsScreen

pytestmark = pytest.mark.anyio

LATER = AS_OF + dt.timedelta(days=1)


@pytest.fixture
def url(tmp_path: Path) -> str:
    return centre_url(tmp_path)


def leagues_shown(monkeypatch: pytest.MonkeyPatch) -> list[League]:
    shown: list[League] = []
    real = UnitsScreen.show_league

    def show(screen: UnitsScreen, league: League) -> None:
        shown.append(league)
        real(screen, league)

    monkeypatch.setattr(UnitsScreen, "show_league", show)
    return shown


async def test_q_quits_within_a_second_while_a_long_evaluation_runs(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = SlowLeague().install(monkeypatch)
    baseline = threading.active_count()
    app = make_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("u")
        assert await wait_until(slow.running.is_set)
        pressed = time.monotonic()
        await pilot.press("q")
    quit_after = time.monotonic() - pressed
    assert quit_after < 1.0
    assert await wait_until(lambda: threading.active_count() <= baseline, 1.0)
    assert slow.finished == []
    assert slow.stopped, "the running statement was interrupted"


async def test_a_burst_of_ten_changes_costs_one_more_evaluation(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = SlowLeague(steps=40).install(monkeypatch)
    shown = leagues_shown(monkeypatch)
    app = make_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("u")
        assert await wait_until(slow.running.is_set)
        for n in range(10):
            app.post_message(Polled(("changed", n), None))
            await pilot.pause(0.03)
        await settle(pilot)
        assert len(slow.started) == 2
        assert slow.finished == [AS_OF, AS_OF]
        assert len(shown) == 2
        assert column(app.screen.query_one("#units", DataTable), "hospcode") == [HOSPCODE]


async def test_a_superseded_evaluation_stops_and_is_never_shown(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = SlowLeague(slow_days={AS_OF}).install(monkeypatch)
    shown = leagues_shown(monkeypatch)
    baseline = threading.active_count()
    app = make_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("u")
        assert await wait_until(slow.running.is_set)
        app.set_as_of(LATER)
        await settle(pilot)
        assert await wait_until(lambda: threading.active_count() <= baseline, 2.0)
        assert slow.finished == [LATER]
        assert len(slow.stopped) == 1
        assert len(shown) == 1
        assert app.gateway.busy == 0


async def test_screens_asking_the_same_figures_share_one_evaluation(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Into a unit and back to all units: the store did not change, so the league table and
    the province's overview are not evaluated again."""
    slow = SlowLeague(steps=1).install(monkeypatch)
    asked: list[str | None] = []
    real_coverage = dashboard_queries.coverage

    def coverage(conn: object, as_of: dt.date, hospcode: str | None = None) -> object:
        asked.append(hospcode)
        return real_coverage(conn, as_of, hospcode)  # type: ignore[arg-type]

    monkeypatch.setattr(dashboard_queries, "coverage", coverage)
    app = make_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key in ("u", "enter", "u", "a", "1"):
            await pilot.press(key)
            await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert app.hospcode is None
        assert slow.started == [AS_OF]
        assert asked == [None, HOSPCODE]
        app.post_message(Polled(("changed",), None))
        await settle(pilot)
        assert asked == [None, HOSPCODE, None]
