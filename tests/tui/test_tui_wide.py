"""Terminals wider and taller than 80×24: the overview's panels take the height, the lists show
more of their text; and at 80 columns every list column is whole (the last one included)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Static

from tests.support.tui_pilot import centre_url, column, make_app, settle, text
from tests.support.tui_snapshot import LANGS, app_for, keys
from tests.support.tui_units import build_three_units

WIDE = (160, 48)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", ["1", "2", "3", "4"], ids=lambda v: v if isinstance(v, str) else "")
def test_wide_screens(snap_compare: Any, folder: Path, lang: str, key: str) -> None:
    """The overview (1), the work list (2), the claims (3) and the imports (4) at 160×48."""
    assert snap_compare(app_for(folder, lang), terminal_size=WIDE, run_before=keys(key))


@pytest.mark.parametrize("lang", LANGS)
def test_wide_units(snap_compare: Any, folder: Path, lang: str) -> None:
    province = folder / "province"
    province.mkdir()
    build_three_units(f"sqlite:///{province / 'centre.db'}")
    assert snap_compare(app_for(province, lang), terminal_size=WIDE, run_before=keys("u"))


@pytest.mark.anyio
@pytest.mark.parametrize("lang", LANGS)
async def test_the_claim_rate_is_whole_at_80_columns(tmp_path: Path, lang: str) -> None:
    app = make_app(centre_url(tmp_path), lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        table: DataTable[object] = app.screen.query_one("#claim-items", DataTable)
        assert table.virtual_size.width <= 80 - 2
        rates = column(table, "rate")
        assert rates and all(rate.count(".") == 1 and len(rate) >= 4 for rate in rates)


@pytest.mark.anyio
async def test_a_wide_work_list_names_every_gap(tmp_path: Path) -> None:
    app = make_app(centre_url(tmp_path), lang="en")
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        gaps = column(app.screen.query_one("#worklist", DataTable), "gaps")
        assert any(", " in cell for cell in gaps)
        assert not any("+" in cell or "…" in cell for cell in gaps)


@pytest.mark.anyio
async def test_a_wide_work_list_shows_the_person_under_the_cursor_beside_it(tmp_path: Path) -> None:
    url = centre_url(tmp_path)
    for size, beside in ((WIDE, True), ((80, 24), False)):
        app = make_app(url, lang="en")
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await pilot.press("2", "down")
            await settle(pilot)
            detail = app.screen.query_one("#worklist-detail")
            assert detail.display is beside
            if beside:
                table = app.screen.query_one("#worklist", DataTable)
                second = column(table, "name")[1]
                shown = text(app.screen.query_one("#worklist-person", Static))
                assert shown.startswith(second)
                assert "→" in shown
