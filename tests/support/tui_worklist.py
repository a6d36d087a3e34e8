"""Moving about the gap work list in the app, and reading the follow-up log it writes."""

from __future__ import annotations

from sqlalchemy import select
from textual.pilot import Pilot
from textual.widgets import DataTable

from store.engine import open_store, read_tx
from store.models import SQLModel
from tests.support.tui_pilot import settle
from tests.support.tui_store import PEOPLE
from tui.app import SitthiApp

MANA = PEOPLE[2]
"""Person 3: no right at NHSO, a CARD that says UC (NO_RIGHT and MISMATCH)."""


def table(app: SitthiApp) -> DataTable[object]:
    return app.screen.query_one("#worklist", DataTable)


async def open_worklist(app: SitthiApp, pilot: Pilot[None]) -> None:
    await pilot.press("2")
    await settle(pilot)


async def move_to(app: SitthiApp, pilot: Pilot[None], person_id: str) -> None:
    grid = table(app)
    grid.move_cursor(row=grid.get_row_index(person_id))
    await settle(pilot)


def log_rows(url: str) -> list[dict[str, object]]:
    engine = open_store(url)
    log = SQLModel.metadata.tables["followup_log"]
    with read_tx(engine) as conn:
        rows = [dict(r._mapping) for r in conn.execute(select(log))]
    engine.dispose()
    return rows
