"""Correcting follow-ups in the app: the unit code is checked, typed text is not thrown away
without asking, and history entries are edited or withdrawn (struck through)."""

from __future__ import annotations

import pytest
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from tests.support.tui_pilot import column, make_app, settle, text
from tests.support.tui_worklist import MANA, log_rows, move_to, open_worklist, table
from tui.app import SitthiApp
from tui.screens.confirm import ConfirmDialog
from tui.screens.followup import FollowupForm
from tui.screens.person import PersonScreen

pytestmark = pytest.mark.anyio


async def open_person(app: SitthiApp, pilot: Pilot[None]) -> None:
    await open_worklist(app, pilot)
    await move_to(app, pilot, MANA.person_id)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, PersonScreen)


async def save_followup(app: SitthiApp, pilot: Pilot[None], action: str, note: str = "") -> None:
    await pilot.press("a")
    await settle(pilot)
    await pilot.click(f"#{action}")
    app.screen.query_one("#note", Input).value = note
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_a_four_digit_unit_code_is_refused_and_nothing_is_saved(url: str) -> None:
    app = make_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_worklist(app, pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.click("#REGISTERED")
        await pilot.click("#unit")
        await pilot.press("1", "2", "3", "4", "x")
        assert app.screen.query_one("#unit", Input).value == "1234", "only digits can be typed"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FollowupForm)
        assert "5 หลัก" in text(app.screen.query_one("#followup-error", Static))
    assert log_rows(url) == []


async def test_esc_on_a_form_with_typed_text_asks_first(url: str) -> None:
    app = make_app(url, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_worklist(app, pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.click("#note")
        await pilot.press(*"called twice")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, FollowupForm)
        assert app.screen.query_one("#note", Input).value == "called twice"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert not isinstance(app.screen, FollowupForm | ConfirmDialog)
    assert log_rows(url) == []


async def test_esc_on_an_untouched_form_closes_it_at_once(url: str) -> None:
    app = make_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_worklist(app, pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, FollowupForm | ConfirmDialog)


async def test_a_withdrawn_entry_is_struck_through_and_no_longer_counts(url: str) -> None:
    app = make_app(url, lang="en")
    async with app.run_test(size=(80, 30)) as pilot:
        await open_person(app, pilot)
        await save_followup(app, pilot, "PHONED")
        await save_followup(app, pilot, "MOVED_AWAY")
        history = app.screen.query_one("#history", DataTable)
        assert column(history, "action") == ["Moved away", "Phoned"]
        history.move_cursor(row=0)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        history = app.screen.query_one("#history", DataTable)
        withdrawn, kept = history.get_row_at(0), history.get_row_at(1)
        assert isinstance(withdrawn[1], Text) and "strike" in str(withdrawn[1].style)
        assert not isinstance(kept[1], Text)
        await pilot.press("escape")
        await settle(pilot)
        assert table(app).get_cell(MANA.person_id, "state") == "Phoned"
    actions = [(r["action"], r["retracted"], bool(r["corrects"])) for r in log_rows(url)]
    assert sorted(actions) == [
        ("MOVED_AWAY", False, False),
        ("MOVED_AWAY", True, True),
        ("PHONED", False, False),
    ]


async def test_an_entry_is_edited_in_the_same_form(url: str) -> None:
    app = make_app(url, lang="en")
    async with app.run_test(size=(80, 30)) as pilot:
        await open_person(app, pilot)
        await save_followup(app, pilot, "PHONED", note="no answer")
        app.screen.query_one("#history", DataTable).move_cursor(row=0)
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FollowupForm)
        assert form.query_one("#note", Input).value == "no answer"
        await pilot.click("#CANNOT_REACH")
        await pilot.press("ctrl+s")
        await settle(pilot)
        history = app.screen.query_one("#history", DataTable)
        assert column(history, "action") == ["Cannot reach (edited)"]
    assert len(log_rows(url)) == 2
