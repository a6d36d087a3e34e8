"""The imports screen: batches with their counts, each batch's issues, importing by path."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static

from tests.support.english import english_left
from tests.support.tui_pilot import column, make_app, person_zip, settle, text
from tests.support.tui_store import BATCH_LOADED, BATCH_REFUSED
from tui.app import SitthiApp
from tui.screens.imports import FILE_WIDTH
from tui.widgets.fields import fit_middle

pytestmark = pytest.mark.anyio


def batches(app: SitthiApp) -> DataTable[object]:
    return app.screen.query_one("#batches", DataTable)


async def test_batches_newest_first_with_the_selected_batchs_issues(url: str) -> None:
    app = make_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        await settle(pilot)
        assert [str(k.value) for k in batches(app).rows] == [BATCH_LOADED, BATCH_REFUSED]
        assert column(batches(app), "status") == ["สำเร็จ", "ถูกปฏิเสธ"]
        issues = app.screen.query_one("#issues", DataTable)
        assert column(issues, "line") == ["7", "12", "15"]
        assert column(issues, "field") == ["BIRTH", "CID", "D_UPDATE"]
        await pilot.press("down")
        await settle(pilot)
        assert "missing mandatory column PID" in text(
            app.screen.query_one("#batch-message", Static)
        )
        assert issues.row_count == 0


async def test_a_file_imported_by_path_shows_up_everywhere(url: str, tmp_path: Path) -> None:
    export = person_zip(tmp_path, "40", "ใหม่")
    app = make_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        app.screen.query_one("#path", Input).value = str(export)
        await pilot.press("enter")
        await settle(pilot)
        assert batches(app).row_count == 3
        assert column(batches(app), "file")[0] == fit_middle(export.name, FILE_WIDTH)
        await pilot.press("1")
        await settle(pilot)
        assert "ประชากรรับผิดชอบ 19 คน" in text(app.screen.query_one("#coverage", Static))
        assert app.gateway.violations == []


async def test_a_path_that_does_not_exist_is_reported_and_nothing_changes(
    url: str, tmp_path: Path
) -> None:
    app = make_app(url, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        app.screen.query_one("#path", Input).value = str(tmp_path / "missing.zip")
        await pilot.press("enter")
        await settle(pilot)
        notes = [n.message for n in app._notifications]
        assert any("missing.zip: refused" in note for note in notes)
        assert batches(app).row_count == 2


async def test_a_refused_file_is_told_in_the_apps_language(url: str, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    for lang, said in (("th", "ถูกปฏิเสธ — ไฟล์ว่างเปล่า"), ("en", "the file is empty")):
        app = make_app(url, lang=lang)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("4")
            await settle(pilot)
            await pilot.press("i")
            await settle(pilot)
            app.screen.query_one("#path", Input).value = str(empty)
            await pilot.press("enter")
            await settle(pilot)
            notes = [n.message for n in app._notifications]
            assert any(said in note for note in notes), notes
            if lang == "th":
                assert [english_left(note) for note in notes] == [[] for _ in notes]


async def test_a_batchs_message_reads_in_the_readers_language(url: str, tmp_path: Path) -> None:
    """A file with nothing new keeps its message's key: shown in Thai and in English; a batch
    stored before the key is shown as its stored text (the refused one of the test store)."""
    from store.engine import open_store
    from sync.ingest.importer import import_paths

    first = person_zip(tmp_path, "40", "ใหม่")
    again = tmp_path / "again" / first.name
    again.parent.mkdir()
    with zipfile.ZipFile(first) as source, zipfile.ZipFile(again, "w") as copy:
        copy.writestr("PERSON.TXT", source.read("person.txt"))
    engine = open_store(url)
    [loaded] = import_paths(engine, [first])
    [unchanged] = import_paths(engine, [again])
    engine.dispose()
    assert (loaded.status, unchanged.status) == ("loaded", "unchanged")
    for lang, said in (("th", "ไม่มีข้อมูลใหม่ในไฟล์นี้"), ("en", "nothing new in it")):
        app = make_app(url, lang=lang)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("4")
            await settle(pilot)
            message = app.screen.query_one("#batch-message", Static)
            assert text(message) == said
            await pilot.press("end")
            await settle(pilot)
            assert "missing mandatory column PID" in text(message)


async def test_a_file_the_importer_refused_reads_in_the_readers_language_later(
    url: str, tmp_path: Path
) -> None:
    """The refused batch keeps its message's key, so the imports screen says why in the
    language of whoever looks at it afterwards, not in the words of the day it was refused."""
    from store.engine import open_store
    from sync.ingest.importer import import_paths

    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    engine = open_store(url)
    [result] = import_paths(engine, [empty])
    engine.dispose()
    assert result.status == "refused"
    for lang, said in (("th", "ไฟล์ว่างเปล่า"), ("en", "the file is empty")):
        app = make_app(url, lang=lang)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("4")
            await settle(pilot)
            shown = text(app.screen.query_one("#batch-message", Static))
        assert said in shown, shown
        if lang == "th":
            assert english_left(shown) == [], shown


async def test_a_refusal_stored_with_its_message_reads_in_thai(url: str) -> None:
    import datetime as dt

    from store.engine import open_store, write_tx
    from store.i18n import message
    from sync.ingest.ledger import record_refusal

    why = message("ingest.zip.no_tables", wanted="person.txt")
    moment = dt.datetime(2025, 1, 14, 9, 0, tzinfo=dt.UTC)
    engine = open_store(url)
    with write_tx(engine) as conn:
        record_refusal(
            conn,
            kind="f43_zip",
            file_name="F43_07543_20250114.zip",
            sha256="0" * 64,
            hospcode=None,
            message=str(why),
            started_at=moment,
            finished_at=moment,
            reason=why,
        )
    engine.dispose()
    app = make_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        await settle(pilot)
        shown = text(app.screen.query_one("#batch-message", Static))
    assert shown == why.render("th") and english_left(shown) == [], shown
