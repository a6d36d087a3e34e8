"""Stored text cannot act on a terminal: control characters in names and file names are printed
escaped by the reports, `sitthi import` and the app, and square brackets are not read as
markup by the app's tables."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.text import Text
from sqlalchemy import update
from textual.widgets import Static

from store import models
from store.controls import remove_controls, terminal_safe
from store.engine import open_store, write_tx
from tests.support.cli import run
from tests.support.gaps_data import UNIT, StoreRows, make_cid
from tests.support.ingest_builders import export_zip, f43_text, person
from tests.support.tui_pilot import make_app, settle, text
from tests.support.tui_store import PEOPLE
from tui.screens.person import PersonScreen

TITLE = "\x1b]0;owned\x07"
"""Sets the terminal's window title (the pane title under tmux)."""
CLEAR = "\x1b[2J"
"""Clears the screen."""
C1_CSI = "\x9b2J"
"""The same in the 8-bit form some terminals still obey."""
HOSTILE = f"{TITLE}สมชาย{CLEAR}{C1_CSI}"


def raw_controls(printed: str) -> set[str]:
    """The control characters a terminal would act on (line breaks are the report's own)."""
    return {ch for ch in printed if ch != "\n" and terminal_safe(ch) != ch}


@pytest.fixture
def hostile_store(tmp_path: Path) -> str:
    """A unit whose person without a right has a name holding escape sequences (stored before
    the importer removed them, or received by sync from another store)."""
    url = f"sqlite:///{tmp_path / 'centre.db'}"
    engine = open_store(url)
    with write_tx(engine) as conn:
        rows = StoreRows(conn)
        rows.person(UNIT, "1", cid=make_cid(1), name=HOSTILE, lname=f"ใจดี{CLEAR}")
        rows.nhso(make_cid(1), "")
    engine.dispose()
    return url


def test_report_gaps_prints_a_hostile_name_escaped(
    hostile_store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--db", hostile_store, "--lang", "en", "report", "gaps")
    assert (code, err) == (0, "")
    assert raw_controls(out) == set()
    assert "\\x1b]0;owned\\x07สมชาย\\x1b[2J\\x9b2J ใจดี\\x1b[2J" in out


def test_report_gaps_json_escapes_every_control_character(
    hostile_store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--db", hostile_store, "report", "gaps", "--json")
    assert code == 0
    assert raw_controls(out) == set()
    [row] = json.loads(out)["gaps"]
    assert row["name"] == f"{HOSTILE} ใจดี{CLEAR}"


def test_report_kpi_and_claims_tables_are_safe_too(
    hostile_store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    for report in ("kpi", "claims"):
        code, out, err = run(capsys, "--db", hostile_store, "report", report)
        assert (code, err, raw_controls(out)) == (0, "", set()), report


def test_sitthi_import_prints_file_names_with_control_characters_escaped(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    loaded = export_zip(
        tmp_path, name=f"F43_07543_{TITLE}.zip", person=f43_text("PERSON", [person(1)])
    )
    missing = tmp_path / f"gone{CLEAR}.zip"
    code, out, err = run(
        capsys, "--db", store_url, "--lang", "en", "import", str(loaded), str(missing)
    )
    assert code == 1
    assert raw_controls(out + err) == set()
    assert f"{tmp_path}/F43_07543_\\x1b]0;owned\\x07.zip: loaded" in out
    assert f"{tmp_path}/gone\\x1b[2J.zip: refused" in out
    code, out, _ = run(capsys, "--db", store_url, "import", "--json", str(loaded))
    assert raw_controls(out) == set()
    assert json.loads(out)["files"][0]["file"] == str(loaded)


def test_the_importer_removes_what_the_printers_escape() -> None:
    assert remove_controls(HOSTILE) == ("]0;ownedสมชาย[2J2J", 4)
    assert terminal_safe("สม\u202eชาย") == "สม\\u202eชาย"
    assert terminal_safe("ก\u200bข") == "ก\u200bข"  # a Thai word break is no control


MARKUP_NAME = "[/]มา[b]"
"""Read as markup, `[/]` closes nothing: the table cannot be drawn at all."""


@pytest.mark.anyio
async def test_the_app_shows_brackets_escapes_and_odd_cids_without_failing(url: str) -> None:
    mana = PEOPLE[2]
    engine = open_store(url)
    with write_tx(engine) as conn:
        conn.execute(
            update(models.Person)
            .where(models.Person.pid == mana.pid)  # type: ignore[arg-type]
            .values(name=f"{MARKUP_NAME}{CLEAR}", lname="ข", cid="¹⁹⁹⁰" + mana.cid[4:])
        )
    engine.dispose()
    app = make_app(url)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        grid = app.screen.query_one("#worklist")
        cell = grid.get_cell(mana.person_id, "name")  # type: ignore[attr-defined]
        drawn = Text.from_markup(cell).plain
        assert drawn == f"{MARKUP_NAME}\\x1b[2J ข"
        assert grid.get_cell(mana.person_id, "cid") == "x" * 13  # type: ignore[attr-defined]
        grid.move_cursor(row=grid.get_row_index(mana.person_id))  # type: ignore[attr-defined]
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PersonScreen)
        header = text(app.screen.query_one("#person-header", Static))
        assert f"{MARKUP_NAME}\\x1b[2J ข" in header
        assert "\x1b" not in header


def test_the_servers_own_log_lines_are_terminal_safe(capsys: pytest.CaptureFixture[str]) -> None:
    """uvicorn writes the server's start-up, error and access lines; a request's text that
    ends up in them (an error's message, a path) must not drive the officer's terminal."""
    import logging
    import logging.config

    from sync.logformat import uvicorn_log_config

    loggers = [logging.getLogger(name) for name in ("uvicorn", "uvicorn.error", "uvicorn.access")]
    kept = [(logger, logger.handlers[:], logger.level, logger.propagate) for logger in loggers]
    logging.config.dictConfig(uvicorn_log_config())
    try:
        try:
            raise ValueError("unit \x1b]0;owned\x07 refused")
        except ValueError:
            logging.getLogger("uvicorn.error").exception("Exception in ASGI application")
        logging.getLogger("uvicorn.access").info(
            '%s - "%s %s HTTP/%s" %d', "127.0.0.1:5", "GET", "/x\x1b[2J", "1.1", 404
        )
    finally:
        for logger, handlers, level, propagate in kept:
            logger.handlers[:] = handlers
            logger.setLevel(level)
            logger.propagate = propagate
    said = capsys.readouterr()
    assert "\x1b" not in said.err + said.out
    assert "unit \\x1b]0;owned\\x07 refused" in said.err
    assert "/x\\x1b[2J" in said.out
    assert "Traceback (most recent call last):\n" in said.err
