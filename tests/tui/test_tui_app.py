"""The app shell: screens by keys and the palette, Thai by default and English remembered, store
work kept off the UI thread, others' writes shown within seconds, and no redraw while idle."""

from __future__ import annotations

import asyncio
import errno
import json
import os
from pathlib import Path

import pytest
from sqlalchemy import text as sql
from textual.widgets import Input, Static

from store.engine import StoreError, open_store, write_tx
from store.followup import append_followup
from store.i18n import message
from tests.support.english import english_left
from tests.support.tui_pilot import make_app, settle, text
from tests.support.tui_store import HOSPCODE, PEOPLE
from tui.gateway import UiThreadStoreAccess
from tui.prefs import prefs_path
from tui.screens.base import describe_error
from tui.screens.claims import ClaimsScreen
from tui.screens.dashboard import DashboardScreen
from tui.screens.imports import ImportsScreen
from tui.screens.settings import SettingsScreen
from tui.screens.worklist import WorklistScreen

pytestmark = pytest.mark.anyio


async def test_number_keys_switch_between_the_screens(url: str) -> None:
    app = make_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        for key, screen in (
            ("2", WorklistScreen),
            ("3", ClaimsScreen),
            ("4", ImportsScreen),
            ("5", SettingsScreen),
            ("1", DashboardScreen),
        ):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, screen)


async def test_the_command_palette_reaches_a_screen_by_its_name(url: str) -> None:
    app = make_app(url, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"Imports")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ImportsScreen)


async def test_thai_is_the_default_with_buddhist_era_dates(url: str) -> None:
    app = make_app(url, lang=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        navbar = text(app.screen.query_one("#navbar", Static))
        assert "ภาพรวม" in navbar
        assert "15 ม.ค. 2568" in navbar


async def test_english_chosen_in_settings_applies_at_once_and_is_remembered(url: str) -> None:
    app = make_app(url, lang=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        await pilot.click("#lang-en")
        await settle(pilot)
        assert app.lang == "en"
        assert "Overview" in text(app.screen.query_one("#navbar", Static))
        await pilot.press("1")
        await settle(pilot)
        assert "Rights coverage" in str(app.screen.query_one("#coverage-panel").border_title)
    assert json.loads(prefs_path().read_text(encoding="utf-8"))["lang"] == "en"
    again = make_app(url, lang=None)
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert again.lang == "en"
        assert "as of 15 Jan 2025" in text(again.screen.query_one("#navbar", Static))


async def test_an_as_of_date_typed_in_the_buddhist_era_reloads_the_screens(url: str) -> None:
    app = make_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        field = app.screen.query_one("#as-of", Input)
        field.value = "30/11/2567"
        await pilot.click("#apply-as-of")
        await settle(pilot)
        assert str(app.as_of) == "2024-11-30"
        await pilot.press("1")
        await settle(pilot)
        assert "30 พ.ย. 2567" in text(app.screen.query_one("#navbar", Static))
        # The NHSO checks of 5 Jan 2025 are not known on 30 Nov 2024: the cards decide then.
        assert "94.12 %" in text(app.screen.query_one("#coverage", Static))


async def test_a_date_that_cannot_be_read_is_explained_and_changes_nothing(url: str) -> None:
    app = make_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        app.screen.query_one("#as-of", Input).value = "31/02/2568"
        await pilot.click("#apply-as-of")
        await settle(pilot)
        assert "อ่านวันที่ไม่ได้" in text(app.screen.query_one("#as-of-problem", Static))
        assert str(app.as_of) == "2025-01-15"


def test_sixteen_colour_terminals_get_the_terminals_own_palette(url: str) -> None:
    assert make_app(url, environ={"TERM": "linux"}).theme == "ansi-dark"
    assert make_app(url, environ={"TERM": "xterm-256color"}).theme == "textual-dark"
    assert make_app(url, environ={"TERM": "linux", "COLORTERM": "truecolor"}).theme == (
        "textual-dark"
    )


async def test_every_screen_reads_the_store_off_the_ui_thread(url: str) -> None:
    app = make_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key in ("2", "enter", "escape", "a"):
            await pilot.press(key)
            await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        for key in ("3", "enter", "enter", "escape", "4", "down", "5", "1"):
            await pilot.press(key)
            await settle(pilot)
        app.poll_store()
        await settle(pilot)
        assert app.gateway.violations == []


async def test_the_guard_refuses_a_query_on_the_ui_thread(url: str) -> None:
    app = make_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        with pytest.raises(UiThreadStoreAccess):
            app.gateway.read(lambda conn: conn.execute(sql("SELECT 1")).scalar())
        engine = app.gateway._engine
        assert engine is not None
        with pytest.raises(UiThreadStoreAccess), engine.connect() as conn:
            conn.execute(sql("SELECT count(*) FROM person"))
        assert len(app.gateway.violations) == 2


async def test_a_followup_written_by_another_process_appears_within_seconds(url: str) -> None:
    app = make_app(url, poll_seconds=0.2)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        before = app.data_version
        other = open_store(url)
        with write_tx(other) as conn:
            append_followup(conn, hospcode=HOSPCODE, person_id=PEOPLE[2].person_id, action="DIED")
        other.dispose()
        for _ in range(150):
            await asyncio.sleep(0.1)
            if app.data_version > before:
                break
        await settle(pilot)
        assert app.data_version == before + 1
        screen = app.screen
        assert isinstance(screen, WorklistScreen) and screen.rows is not None
        row = next(r for r in screen.rows if r.person_id == PEOPLE[2].person_id)
        assert row.state == "resolved"


async def test_nothing_is_redrawn_while_nothing_changes(url: str) -> None:
    """Polling finds nothing new and the cursor in the search box does not blink."""
    app = make_app(url, poll_seconds=0.1)
    drawn: list[object] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("slash")
        await pilot.pause(0.5)
        display = app._display

        def counting(screen: object, renderable: object) -> None:
            if renderable is not None:
                drawn.append(renderable)
            display(screen, renderable)  # type: ignore[arg-type]

        app._display = counting  # type: ignore[method-assign]
        await pilot.pause(1.5)
        version = app.data_version
    assert drawn == []
    assert version == 0


async def test_settings_that_cannot_be_saved_are_said_in_thai(url: str, tmp_path: Path) -> None:
    """A folder for the settings that is a file: the system's "[Errno 17] File exists" becomes
    the catalogue's words."""
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    app = make_app(url, lang="en", prefs_file=tmp_path / "a-file" / "prefs.json")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.set_language("th")
        await settle(pilot)
        [note] = [n.message for n in app._notifications]
        assert note.startswith("บันทึกการตั้งค่าไม่ได้: ") and "EEXIST" in note
        assert "Errno" not in note and english_left(note) == [], note


def test_an_error_is_told_in_the_readers_language() -> None:
    refused = StoreError(message("store_open.unreachable", store="postgresql://x@db/s"))
    assert describe_error(refused, "th").startswith("ติดต่อเซิร์ฟเวอร์ฐานข้อมูล")
    assert describe_error(refused, "en").startswith("cannot reach the database server")
    full = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    assert describe_error(full, "th").startswith("ดิสก์เต็ม")
    assert describe_error(OSError("ทำไม่ได้"), "th") == "ทำไม่ได้"
    assert describe_error(ValueError("first\nsecond"), "en") == "first"


@pytest.mark.parametrize(
    ("lang", "placeholder", "nothing"),
    [("th", "ค้นหาคำสั่งหรือหน้าจอ…", "ไม่พบคำสั่งที่ตรงกัน"), ("en", "Search for a command", "No command")],
)
async def test_the_command_palette_speaks_the_apps_language(
    url: str, lang: str, placeholder: str, nothing: str
) -> None:
    from textual.command import CommandInput, CommandList

    app = make_app(url, lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert str(app.screen.query_one(CommandInput).placeholder).startswith(placeholder)
        await pilot.press(*"zzzqqq")
        await pilot.pause(1.0)
        found = app.screen.query_one(CommandList)
        shown = [str(found.get_option_at_index(i).prompt) for i in range(found.option_count)]
        assert any(nothing in line for line in shown), shown
        assert not any("No matches found" in line for line in shown)
