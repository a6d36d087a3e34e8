"""How each screen looks at 80×24, in Thai and in English, on the fixed test centre.

Run `pytest tests/tui/test_tui_snapshots.py --snapshot-update` after a deliberate change to the
screens and look at the new SVGs in tests/tui/__snapshots__/ (where the plugin keeps them) before
keeping them.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.support.tui_snapshot import LANGS, app_for, keys
from tests.support.tui_store import PEOPLE
from tests.support.tui_units import build_three_units

SIZE = (80, 24)


def to_person(index: int, *pressed: str) -> Callable[[Pilot[None]], Awaitable[None]]:
    async def run_before(pilot: Pilot[None]) -> None:
        await keys("2")(pilot)
        table = pilot.app.screen.query_one("#worklist")
        table.move_cursor(row=table.get_row_index(PEOPLE[index].person_id))  # type: ignore[attr-defined]
        await keys("enter", *pressed)(pilot)

    return run_before


@pytest.mark.parametrize("lang", LANGS)
def test_dashboard(snap_compare: Any, folder: Path, lang: str) -> None:
    assert snap_compare(app_for(folder, lang), terminal_size=SIZE, run_before=keys())


@pytest.mark.parametrize("lang", LANGS)
def test_worklist(snap_compare: Any, folder: Path, lang: str) -> None:
    assert snap_compare(app_for(folder, lang), terminal_size=SIZE, run_before=keys("2"))


@pytest.mark.parametrize("lang", LANGS)
def test_person(snap_compare: Any, folder: Path, lang: str) -> None:
    assert snap_compare(app_for(folder, lang), terminal_size=SIZE, run_before=to_person(2))


@pytest.mark.parametrize("lang", LANGS)
def test_followup_form(snap_compare: Any, folder: Path, lang: str) -> None:
    assert snap_compare(app_for(folder, lang), terminal_size=SIZE, run_before=to_person(2, "a"))


@pytest.mark.parametrize("lang", LANGS)
def test_imports(snap_compare: Any, folder: Path, lang: str) -> None:
    assert snap_compare(app_for(folder, lang), terminal_size=SIZE, run_before=keys("4"))


@pytest.mark.parametrize("lang", LANGS)
def test_settings(snap_compare: Any, folder: Path, lang: str) -> None:
    assert snap_compare(app_for(folder, lang), terminal_size=SIZE, run_before=keys("5"))


@pytest.mark.parametrize("lang", LANGS)
def test_claims(snap_compare: Any, folder: Path, lang: str) -> None:
    assert snap_compare(app_for(folder, lang), terminal_size=SIZE, run_before=keys("3"))


@pytest.mark.parametrize("lang", LANGS)
def test_denied_claim(snap_compare: Any, folder: Path, lang: str) -> None:
    """The ANC visit NHSO denied with error 633: the code's meaning and the fix."""
    run_before = keys("3", "up", "up", "enter", "enter")
    assert snap_compare(app_for(folder, lang), terminal_size=SIZE, run_before=run_before)


def test_dashboard_in_sixteen_colours(snap_compare: Any, folder: Path) -> None:
    app = app_for(folder, "th", environ={"TERM": "linux"})
    assert snap_compare(app, terminal_size=SIZE, run_before=keys())


@pytest.mark.parametrize("lang", LANGS)
def test_units(snap_compare: Any, folder: Path, lang: str) -> None:
    """The province view: three units, worst coverage first."""
    province = folder / "province"
    province.mkdir()
    build_three_units(f"sqlite:///{province / 'centre.db'}")
    assert snap_compare(app_for(province, lang), terminal_size=SIZE, run_before=keys("u"))


@pytest.mark.parametrize("lang", LANGS)
def test_units_of_one_district(snap_compare: Any, folder: Path, lang: str) -> None:
    """`d` twice: the units of the second district only, its name in the summary line."""
    province = folder / "province"
    province.mkdir()
    build_three_units(f"sqlite:///{province / 'centre.db'}")
    run_before = keys("u", "d", "d")
    assert snap_compare(app_for(province, lang), terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("lang", LANGS)
def test_help(snap_compare: Any, folder: Path, lang: str) -> None:
    """`?`: every screen's keys, from the screens' own bindings."""
    assert snap_compare(app_for(folder, lang), terminal_size=SIZE, run_before=keys("f1"))


@pytest.mark.parametrize("lang", LANGS)
def test_first_run(snap_compare: Any, lang: str) -> None:
    """An empty store says exactly what to do first."""
    path = Path(tempfile.gettempdir()) / "sitthi-snapshots" / f"first-run-{lang}"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    try:
        assert snap_compare(app_for(path, lang), terminal_size=SIZE, run_before=keys())
    finally:
        shutil.rmtree(path, ignore_errors=True)


def corrected_history(folder: Path) -> None:
    """Person 3's log: a call, a home visit withdrawn, and a note edited."""
    import datetime as dt

    from store.engine import open_store, write_tx
    from store.followup import append_followup, correct_followup, retract_followup
    from tests.support.tui_store import HOSPCODE

    moment = dt.datetime(2025, 1, 14, 2, 0, tzinfo=dt.UTC)
    person = PEOPLE[2].person_id
    engine = open_store(f"sqlite:///{folder / 'centre.db'}")
    with write_tx(engine) as conn:

        def add(action: str, minutes: int, note: str = "") -> str:
            when = moment + dt.timedelta(minutes=minutes)
            entry = append_followup(
                conn, hospcode=HOSPCODE, person_id=person, action=action, note=note, now=when
            )
            return entry.id

        add("PHONED", 0)
        visit = add("HOME_VISIT", 10)
        note = add("NOTE", 20, note="นัดวันจันทร์")
        retract_followup(conn, visit, now=moment + dt.timedelta(minutes=30))
        correct_followup(
            conn, note, action="NOTE", note="นัดวันอังคาร", now=moment + dt.timedelta(minutes=40)
        )
    engine.dispose()


@pytest.mark.parametrize("lang", LANGS)
def test_person_with_corrections(snap_compare: Any, folder: Path, lang: str) -> None:
    """A withdrawn entry struck through, an edited one marked."""
    corrected_history(folder)
    assert snap_compare(app_for(folder, lang), terminal_size=SIZE, run_before=to_person(2))


@pytest.mark.parametrize("lang", LANGS)
def test_discard_question(snap_compare: Any, folder: Path, lang: str) -> None:
    """`esc` on a follow-up with typed text asks before throwing it away."""

    async def run_before(pilot: Pilot[None]) -> None:
        await to_person(2, "a")(pilot)
        await pilot.click("#note")
        await pilot.press(*"abc")
        await keys("escape")(pilot)

    assert snap_compare(app_for(folder, lang), terminal_size=SIZE, run_before=run_before)
