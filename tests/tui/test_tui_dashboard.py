"""The overview: every number is the one `sitthi report kpi` prints for the same store and date."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from pathlib import Path

import pytest
from textual.widgets import Static

from store.engine import open_store, read_tx
from store.kpi import kpi_report
from tests.support.english import english_left
from tests.support.tui_pilot import NOW, make_app, settle, text
from tests.support.tui_store import AS_OF
from tui.screens.dashboard import DashboardScreen

pytestmark = pytest.mark.anyio


def report(url: str) -> dict[str, object]:
    engine = open_store(url)
    with read_tx(engine) as conn:
        unit = kpi_report(conn, AS_OF).to_json()["units"][0]
    engine.dispose()
    return unit


async def test_dashboard_numbers_equal_the_kpi_report(url: str) -> None:
    expected = report(url)
    app = make_app(url, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        coverage = text(screen.query_one("#coverage", Static))
        bars = text(screen.query_one("#gap-bars", Static)).splitlines()
    assert f"{expected['coverage_pct']:.2f} %" in coverage
    assert f"{expected['covered']} of {expected['thai_population']} Thai" in coverage
    assert f"Responsible population {expected['population']}" in coverage
    labels = {
        "NO_CID": "Invalid citizen ID",
        "NO_RIGHT": "No right",
        "EXPIRED": "Right expired",
        "STP": "Status problem",
        "OUTSIDE_UNIT": "Registered elsewhere",
        "DEAD_AT_NHSO": "Dead per NHSO",
        "MISMATCH": "CARD differs",
        "UNCHECKED": "Not checked",
    }
    shown = {}
    for line in bars:
        label, count = line.rsplit(maxsplit=1)[0].rsplit(maxsplit=1)
        shown[label.strip()] = int(count)
    gaps = expected["gaps"]
    assert isinstance(gaps, dict)
    assert shown == {labels[code]: count for code, count in gaps.items()}


async def test_the_overview_says_how_old_the_last_import_is_and_who_waits(url: str) -> None:
    app = make_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        status = text(app.screen.query_one("#status", Static))
        trend = text(app.screen.query_one("#trend", Static))
    assert "นำเข้าล่าสุด สำเร็จ · 5 วันที่แล้ว" in status
    assert "รอติดตาม 9" in status
    assert "ก.พ. 67 … ม.ค. 68" in trend
    assert "75.00 %" in trend


async def test_an_empty_store_says_so_instead_of_showing_zeros(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    app = make_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("escape")  # past the first-run screen, to the overview
        await settle(pilot)
        assert "ยังไม่มีประชากร" in text(app.screen.query_one("#coverage", Static))
        assert "ยังไม่เคยนำเข้าข้อมูล" in text(app.screen.query_one("#status", Static))


async def test_the_sync_daemons_status_is_shown_and_followed(url: str) -> None:
    from sync.daemon_status import DaemonStatus, write_status

    app = make_app(url, lang="en", poll_seconds=0.2)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "Sync" not in text(app.screen.query_one("#status", Static))
        synced = (NOW - dt.timedelta(minutes=12)).isoformat(timespec="seconds")
        status = DaemonStatus(
            pid=os.getpid(),
            last_sync={"at": synced, "ok": True, "pushed": 3, "pulled": 0, "server": "x"},
            pending=2,
            store=url,
        )
        write_status(status)
        for _ in range(150):
            await asyncio.sleep(0.1)
            if "Sync" in text(app.screen.query_one("#status", Static)):
                break
        assert "Sync done · 12 min ago · 2 to send" in text(app.screen.query_one("#status", Static))


async def test_another_stores_daemon_is_not_shown(url: str, tmp_path: Path) -> None:
    from sync.daemon_status import DaemonStatus, write_status

    other = f"sqlite:///{tmp_path / 'another-centre.db'}"
    write_status(DaemonStatus(pid=os.getpid(), pending=64115, store=other))
    app = make_app(url, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        status = text(app.screen.query_one("#status", Static))
    assert "64,115" not in status and "64115" not in status and "Sync" not in status


async def test_a_refused_file_does_not_hide_the_last_good_data(url: str, tmp_path: Path) -> None:
    from sync.ingest.importer import import_paths

    garbage = tmp_path / "F43_09999_20250114000000.zip"
    garbage.write_bytes(b"not a zip at all")
    engine = open_store(url)
    [result] = import_paths(engine, [garbage], now=NOW - dt.timedelta(hours=2))
    engine.dispose()
    assert result.refused
    app = make_app(url, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        status = text(app.screen.query_one("#status", Static))
    assert "Last good import loaded · 5 days ago" in status
    assert "A later file was refused 2 h ago" in status


async def test_the_daemons_last_problem_is_shown_in_the_apps_language(url: str) -> None:
    from store.i18n import message
    from sync.daemon_status import DaemonStatus, error_record, write_status

    unreachable = message("sync.client.unreachable", server="https://sync.example")
    problem = message("daemon_status.next_try", problem=unreachable, seconds="30")
    write_status(DaemonStatus(pid=os.getpid(), store=url, last_error=error_record(problem)))
    app = make_app(url, lang="th")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        thai = text(app.screen.query_one("#status", Static))
        app.set_language("en")
        await settle(pilot)
        english = text(app.screen.query_one("#status", Static))
    assert "ติดต่อเซิร์ฟเวอร์ https://sync.example ไม่ได้" in thai
    assert "(จะลองใหม่ใน 30 วินาที)" in thai and english_left(thai) == [], thai
    assert "cannot reach the server https://sync.example" in english
    assert "(next try in 30 s)" in english
