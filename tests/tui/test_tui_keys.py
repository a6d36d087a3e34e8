"""Keys: esc leaves any text box so the screen's and the app's keys work again, text boxes get
keys only when chosen, lists answer Home/End/PageUp/PageDown, and `?`/F1 lists every key."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Static

from tests.support.tui_pilot import make_app, settle, text
from tui.screens.dashboard import DashboardScreen
from tui.screens.help import HELP_SECTIONS, HelpScreen
from tui.screens.settings import SettingsScreen
from tui.screens.worklist import WorklistScreen

pytestmark = pytest.mark.anyio


async def test_esc_leaves_the_search_box_and_the_number_keys_work_again(url: str) -> None:
    app = make_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("slash", "1", "q")
        search = app.screen.query_one("#search", Input)
        assert search.value == "1q", "a chosen text box takes what is typed"
        assert isinstance(app.screen, WorklistScreen)
        await pilot.press("escape")
        assert isinstance(app.focused, DataTable)
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)


async def test_esc_leaves_the_settings_date_box(url: str) -> None:
    app = make_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("5")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        date_box = app.screen.query_one("#as-of", Input)
        date_box.focus()
        await pilot.pause()
        await pilot.press("escape")
        assert not isinstance(app.focused, Input)
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, WorklistScreen)


async def test_no_screen_puts_the_cursor_in_a_text_box_by_itself(url: str) -> None:
    app = make_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        for key in ("1", "2", "3", "4", "5", "u"):
            await pilot.press(key)
            await settle(pilot)
            assert not isinstance(app.focused, Input), key


async def test_home_and_end_go_to_the_first_and_last_row(url: str) -> None:
    app = make_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        table = app.screen.query_one("#worklist", DataTable)
        await pilot.press("end")
        assert table.cursor_row == table.row_count - 1 > 0
        await pilot.press("home")
        assert table.cursor_row == 0
        await pilot.press("pagedown")
        assert table.cursor_row > 0


@pytest.mark.parametrize("key", ["question_mark", "f1"])
async def test_help_lists_every_screens_keys_in_thai(url: str, key: str) -> None:
    app = make_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        shown = text(app.screen.query_one("#help-keys", Static))
        for title, _module, _name in HELP_SECTIONS:
            assert app.t(title) in shown
        for binding in WorklistScreen.BINDINGS:
            assert app.t(binding.description) in shown  # type: ignore[union-attr]
        assert "ไปแถวสุดท้าย" in shown and "ออกจากช่องพิมพ์" in shown
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, HelpScreen)


async def test_keys_pressed_while_a_screen_opens_are_not_lost(url: str) -> None:
    app = make_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2", "end")
        await settle(pilot)
        table = app.screen.query_one("#worklist", DataTable)
        assert table.cursor_row == table.row_count - 1


async def test_an_empty_store_says_what_to_do_first(tmp_path: object) -> None:
    from pathlib import Path

    from tui.screens.first_run import FirstRunScreen
    from tui.screens.import_file import ImportFileForm

    empty = f"sqlite:///{Path(str(tmp_path)) / 'empty.db'}"
    app = make_app(empty)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, FirstRunScreen)
        shown = text(app.screen.query_one("#first-run", Static))
        assert "sitthi import" in shown and "sitthi demo" in shown and "sitthi sync" in shown
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, ImportFileForm)


async def test_a_store_with_data_opens_on_the_overview(url: str) -> None:
    app = make_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)


@pytest.mark.parametrize("key", ["question_mark", "f1"])
async def test_help_opens_from_the_first_run_screen(tmp_path: object, key: str) -> None:
    from pathlib import Path

    from tui.screens.first_run import FirstRunScreen

    empty = f"sqlite:///{Path(str(tmp_path)) / 'empty.db'}"
    app = make_app(empty)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, FirstRunScreen)
        await pilot.press(key)
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, FirstRunScreen)


async def test_home_and_end_work_on_the_claims_list(url: str) -> None:
    app = make_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await settle(pilot)
        table = app.screen.query_one("#claim-items", DataTable)
        assert app.focused is table
        await pilot.press("end")
        assert table.cursor_row == table.row_count - 1 > 0
        await pilot.press("home")
        assert table.cursor_row == 0
