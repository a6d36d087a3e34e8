"""The gap work list, one person's detail, the masked CID and the follow-up entry."""

from __future__ import annotations

import json

import pytest
from textual.widgets import DataTable, Input, Select, Static

from exporters.audit import audit_path
from store.codes import gap_code
from tests.support.tui_pilot import column, make_app, settle, text
from tests.support.tui_store import PEOPLE
from tests.support.tui_worklist import MANA, log_rows, move_to, open_worklist, table
from tui.screens.person import PersonScreen

pytestmark = pytest.mark.anyio


async def test_the_list_shows_everyone_with_a_gap_with_cids_masked(url: str) -> None:
    app = make_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_worklist(app, pilot)
        grid = table(app)
        assert grid.row_count == 9
        assert MANA.person_id in {str(k.value) for k in grid.rows}
        cids = column(grid, "cid")
        assert all("xxxxx" in cid for cid in cids)
        assert not any(p.cid in cid for p in PEOPLE for cid in cids)
        assert "แสดง 9 จาก 9 คน" in text(app.screen.query_one("#worklist-summary", Static))


async def test_filters_narrow_the_list(url: str) -> None:
    app = make_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_worklist(app, pilot)
        app.screen.query_one("#filter-gap", Select).value = "MISMATCH"
        await settle(pilot)
        assert table(app).row_count == 3
        app.screen.query_one("#filter-village", Select).value = "หมู่ 2"
        await settle(pilot)
        assert column(table(app), "name") == ["ปิติ ยินดี"]
        app.screen.query_one("#filter-gap", Select).clear()
        app.screen.query_one("#filter-state", Select).value = "resolved"
        await settle(pilot)
        assert table(app).row_count == 0


async def test_search_by_the_last_digits_of_the_cid(url: str) -> None:
    app = make_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_worklist(app, pilot)
        await pilot.press("slash", *MANA.cid[-4:], "enter")
        await settle(pilot)
        assert column(table(app), "name") == ["มานะ ขยันยิ่ง"]
        assert table(app).has_focus


async def test_sort_key_cycles_and_is_shown(url: str) -> None:
    app = make_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_worklist(app, pilot)
        await pilot.press("s")
        await settle(pilot)
        assert column(table(app), "village")[0] == "หมู่ 2"
        await pilot.press("s")
        await settle(pilot)
        names = column(table(app), "name")
        assert names == sorted(names, key=str.casefold)
        assert "ชื่อ ↑" in text(app.screen.query_one("#worklist-summary", Static))


async def test_a_cid_is_shown_only_on_a_key_press_and_the_reveal_is_audited(url: str) -> None:
    app = make_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_worklist(app, pilot)
        await move_to(app, pilot, MANA.person_id)
        await pilot.press("v")
        await settle(pilot)
        shown = table(app).get_cell(MANA.person_id, "cid")
        assert isinstance(shown, str)
        assert shown.replace("-", "") == MANA.cid
        await pilot.press("v")
        await settle(pilot)
        assert "xxxxx" in str(table(app).get_cell(MANA.person_id, "cid"))
    lines = audit_path().read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0])["command"] == "reveal-cid"
    assert MANA.cid not in lines[0]
    assert MANA.cid[-6:] not in lines[0]


async def test_the_detail_puts_card_next_to_nhso_and_explains_each_gap(url: str) -> None:
    app = make_app(url)
    async with app.run_test(size=(80, 30)) as pilot:
        await open_worklist(app, pilot)
        await move_to(app, pilot, MANA.person_id)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PersonScreen)
        assert "0100" in text(app.screen.query_one("#card-record", Static))
        assert "(ว่าง)" in text(app.screen.query_one("#nhso-record", Static))
        explained = text(app.screen.query_one("#gaps-explained Static", Static))
        for code in ("NO_RIGHT", "MISMATCH"):
            assert gap_code(code).explanation_th in explained
            assert gap_code(code).action_th in explained
        header = text(app.screen.query_one("#person-header", Static))
        assert "xxxxx" in header
        assert "โทร 0812345678" in header
        history = app.screen.query_one("#history", DataTable)
        assert column(history, "when") == ["ยังไม่มีการติดตาม"]
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, PersonScreen)


async def test_a_followup_is_saved_to_the_log_and_the_state_follows(url: str) -> None:
    app = make_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_worklist(app, pilot)
        await move_to(app, pilot, MANA.person_id)
        await pilot.press("a")
        await settle(pilot)
        await pilot.click("#REGISTERED")
        app.screen.query_one("#unit", Input).value = "05678"
        app.screen.query_one("#note", Input).value = "ย้ายสิทธิแล้ว"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert table(app).get_cell(MANA.person_id, "state") == "ลงทะเบียนแล้ว"
    rows = log_rows(url)
    assert [(r["person_id"], r["action"], r["unit"], r["note"]) for r in rows] == [
        (MANA.person_id, "REGISTERED", "05678", "ย้ายสิทธิแล้ว")
    ]


async def test_the_detail_shows_the_history_after_a_followup(url: str) -> None:
    app = make_app(url, lang="en")
    async with app.run_test(size=(80, 30)) as pilot:
        await open_worklist(app, pilot)
        await move_to(app, pilot, MANA.person_id)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.click("#CANNOT_REACH")
        await pilot.press("ctrl+s")
        await settle(pilot)
        history = app.screen.query_one("#history", DataTable)
        assert column(history, "action") == ["Cannot reach"]


async def test_a_registration_without_the_unit_is_explained_and_not_saved(url: str) -> None:
    app = make_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_worklist(app, pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.click("#REGISTERED")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "รหัสหน่วยบริการ" in text(app.screen.query_one("#followup-error", Static))
        await pilot.press("escape")
        await settle(pilot)
    assert log_rows(url) == []
