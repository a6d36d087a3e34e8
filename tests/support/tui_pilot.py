"""Running the app in tests: a store built from `tests.support.tui_store`, fixed dates, and waiting
until every worker has answered and the screen has caught up."""

from __future__ import annotations

import contextlib
import datetime as dt
import zipfile
from pathlib import Path

from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import DataTable, Static
from textual.worker import WorkerCancelled

from sync.ingest.f43 import layout
from tests.support.tui_store import AS_OF, HOSPCODE, build_store, make_cid
from tui.app import SitthiApp
from tui.screens.base import SitthiScreen

NOW = dt.datetime(2025, 1, 15, 10, 0, tzinfo=dt.UTC)
"""The clock the app sees: 5 days after the last import of the test store."""

PERSON_FIELDS = layout("PERSON")


def centre_url(folder: Path) -> str:
    url = f"sqlite:///{folder / 'centre.db'}"
    build_store(url).dispose()
    return url


def make_app(url: str, lang: str | None = "th", **options: object) -> SitthiApp:
    settings: dict[str, object] = {"as_of": AS_OF, "poll_seconds": 0, "clock": lambda: NOW}
    settings.update(options)
    return SitthiApp(url, lang=lang, **settings)  # type: ignore[arg-type]


async def settle(pilot: Pilot[None]) -> None:
    """Wait until the screen asked for its data, every worker answered, and it is on screen."""
    app = pilot.app
    assert isinstance(app, SitthiApp)
    quiet = 0
    for _ in range(400):
        with contextlib.suppress(WorkerCancelled):
            await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        current = app.watching and (not isinstance(screen, SitthiScreen) or screen.up_to_date)
        busy = any(not worker.is_finished for worker in app.workers)
        quiet = quiet + 1 if current and not busy else 0
        if quiet == 3:
            return
    raise AssertionError("the app did not settle")


def text(widget: Static) -> str:
    content = widget.content
    return content.plain if isinstance(content, Content) else str(content)


def column(table: DataTable[object], key: str) -> list[str]:
    return [str(cell) for cell in table.get_column(key)]


def person_zip(folder: Path, pid: str, name: str) -> Path:
    """A 43-file export holding one new person of the test unit."""
    row = dict.fromkeys(PERSON_FIELDS, "")
    row.update(
        HOSPCODE=HOSPCODE,
        CID=make_cid(f"3500109{int(pid):05d}"),
        PID=pid,
        HID="1",
        NAME=name,
        LNAME="ทดสอบ",
        SEX="1",
        BIRTH="19900101",
        NATION="099",
        DISCHARGE="9",
        TYPEAREA="1",
        D_UPDATE="20250112080000",
    )
    lines = ["|".join(PERSON_FIELDS), "|".join(row[f] for f in PERSON_FIELDS)]
    path = folder / f"F43_{HOSPCODE}_20250112080000.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("person.txt", "\r\n".join(lines) + "\r\n")
    return path
