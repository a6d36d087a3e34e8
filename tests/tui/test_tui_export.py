"""`e` on the work list, claims and units screens: the file holds what the screen shows."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from textual.widgets import DataTable, Select, Static

from exporters.audit import audit_path
from tests.support.tui_pilot import make_app, settle

pytestmark = pytest.mark.anyio


def only_file(folder: Path) -> Path:
    [found] = [p for p in folder.iterdir() if p.suffix == ".xlsx"]
    return found


def rows_in(path: Path) -> int:
    book = openpyxl.load_workbook(path)
    return sum(
        1
        for sheet in book.worksheets
        for row in sheet.iter_rows(min_row=3, values_only=True)
        if any(row)
    )


async def test_e_on_the_work_list_exports_the_filtered_rows(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(out)
    app = make_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        app.screen.query_one("#filter-village", Select).value = "หมู่ 2"
        await settle(pilot)
        shown = app.screen.query_one("#worklist", DataTable).row_count
        await pilot.press("e")
        await settle(pilot)
    path = only_file(out)
    assert path.name.startswith("gaps_") and path.name.endswith(".xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["หมู่ 2"]
    assert rows_in(path) == shown == 3
    assert '"command": "export gaps"' in audit_path().read_text(encoding="utf-8")


async def test_e_on_the_claims_screen_exports_the_services_shown(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await settle(pilot)
        shown = app.screen.query_one("#claim-services", DataTable).row_count
        await pilot.press("e")
        await settle(pilot)
    path = only_file(tmp_path)
    assert path.name.startswith("claims_")
    totals_rows = len(openpyxl.load_workbook(path).worksheets)
    assert rows_in(path) - totals_rows == shown > 0


async def test_e_on_the_units_screen_exports_the_league(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("u")
        await settle(pilot)
        shown = app.screen.query_one("#units", DataTable).row_count
        await pilot.press("e")
        await settle(pilot)
    path = only_file(tmp_path)
    assert path.name.startswith("units_all_")
    assert rows_in(path) == shown
    assert not audit_path().exists(), "figures per unit name no person"


async def test_the_imports_screen_lists_the_latest_exports(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.support.tui_pilot import text
    from tui.cli import main

    assert main(["export", "gaps", "--db", url, "-o", str(tmp_path / "g.xlsx")]) == 0
    capsys.readouterr()
    app = make_app(url, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        await settle(pilot)
        shown = text(app.screen.query_one("#exports", Static))
    assert "Exports of person-level data" in shown
    assert "gaps" in shown and "persons" in shown
