"""What the snapshot tests share: a store at a path that is the same on every run (it is on
screen), the app over it, and a key sequence to press before the picture is taken."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.support.tui_pilot import make_app, settle
from tests.support.tui_store import build_store
from tui.app import SitthiApp

LANGS = ("th", "en")


@pytest.fixture
def folder(request: pytest.FixtureRequest) -> Iterator[Path]:
    """A store and settings file at a path that is the same on every run (it is on screen)."""
    path = Path(tempfile.gettempdir()) / "sitthi-snapshots" / request.node.name
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    build_store(f"sqlite:///{path / 'centre.db'}").dispose()
    yield path
    shutil.rmtree(path, ignore_errors=True)


def app_for(folder: Path, lang: str, **options: object) -> SitthiApp:
    return make_app(
        f"sqlite:///{folder / 'centre.db'}", lang=lang, prefs_file=folder / "app.json", **options
    )


def keys(*pressed: str) -> Callable[[Pilot[None]], Awaitable[None]]:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        for key in pressed:
            await pilot.press(key)
            await settle(pilot)

    return run_before
