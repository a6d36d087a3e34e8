"""The app's words: Thai and English catalogs with the same messages, every code labelled, key
hints translated, Buddhist-era dates; and the remembered settings file."""

from __future__ import annotations

import datetime as dt
import string
from pathlib import Path

import pytest
from textual.binding import Binding

from store.codes import gap_codes
from store.followup import followup_actions
from store.pp.claims import ClaimStatus
from sync.ingest.results import LOADED, REFUSED, UNCHANGED
from tui.app import SitthiApp
from tui.i18n import LANGUAGES, Translator, catalog
from tui.prefs import Prefs, load_prefs, save_prefs, use_ansi_colours
from tui.screens.claim import ClaimScreen
from tui.screens.claims import ClaimsScreen
from tui.screens.confirm import ConfirmDialog
from tui.screens.dashboard import DashboardScreen
from tui.screens.first_run import FirstRunScreen
from tui.screens.followup import FollowupForm
from tui.screens.help import HelpScreen
from tui.screens.import_file import ImportFileForm
from tui.screens.imports import ImportsScreen
from tui.screens.person import PersonScreen
from tui.screens.settings import SettingsScreen, parse_as_of
from tui.screens.worklist import WorklistScreen

SCREENS = (
    SitthiApp,
    DashboardScreen,
    ClaimsScreen,
    ClaimScreen,
    WorklistScreen,
    PersonScreen,
    FollowupForm,
    ImportsScreen,
    ImportFileForm,
    SettingsScreen,
    HelpScreen,
    FirstRunScreen,
    ConfirmDialog,
)


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_both_languages_have_the_same_messages_with_the_same_placeholders() -> None:
    thai, english = catalog("th"), catalog("en")
    assert set(thai) == set(english)
    for key in thai:
        assert placeholders(thai[key]) == placeholders(english[key]), key


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_code_the_screens_show_has_a_label(lang: str) -> None:
    t = Translator(lang)
    keys = [f"gap.{g.code}" for g in gap_codes()]
    keys += [f"gapshort.{g.code}" for g in gap_codes()]
    keys += [f"action.{a.code}" for a in followup_actions()]
    keys += [f"import_status.{s}" for s in (LOADED, UNCHANGED, REFUSED, "loading")]
    keys += [f"claim.todo_{s.value}" for s in ClaimStatus if s is not ClaimStatus.NOT_ELIGIBLE]
    problems = ("unknown_action", "unit_required", "bad_unit", "note_too_long", "note_required")
    keys += [f"followup.problem_{p}" for p in (*problems, "unknown_person", "unknown_unit")]
    assert [k for k in keys if not t.has(k)] == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_key_hint_is_translated(lang: str) -> None:
    t = Translator(lang)
    descriptions = [
        b.description for cls in SCREENS for b in cls.BINDINGS if isinstance(b, Binding)
    ]
    assert descriptions
    assert [d for d in descriptions if not t.has(d)] == []


def test_dates_are_buddhist_era_in_thai_and_plain_in_english() -> None:
    day = dt.date(2025, 1, 15)
    assert Translator("th").date(day) == "15 ม.ค. 2568"
    assert Translator("en").date(day) == "15 Jan 2025"
    assert Translator("th").month(day) == "ม.ค. 68"
    assert Translator("en").month(day) == "Jan 25"
    assert Translator("th").date(None) == ""


def test_a_missing_message_shows_its_key_rather_than_failing() -> None:
    assert Translator("en")("no.such.message") == "no.such.message"


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown language"):
        Translator("fr")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2025-01-15", dt.date(2025, 1, 15)),
        ("2568-01-15", dt.date(2025, 1, 15)),
        ("15/1/2568", dt.date(2025, 1, 15)),
        (" 30/11/2567 ", dt.date(2024, 11, 30)),
        ("31/02/2568", None),
        ("next week", None),
        ("", None),
    ],
)
def test_the_as_of_date_is_read_as_staff_type_it(typed: str, expected: dt.date | None) -> None:
    assert parse_as_of(typed) == expected


def test_settings_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "app.json"
    save_prefs(Prefs(lang="en", colours="ansi"), path)
    assert load_prefs(path) == Prefs(lang="en", colours="ansi")


@pytest.mark.parametrize(
    "content", ["{not json", "[1, 2]", '{"lang": "fr", "colours": "neon"}', ""]
)
def test_a_damaged_settings_file_falls_back_to_thai_and_automatic_colours(
    tmp_path: Path, content: str
) -> None:
    path = tmp_path / "app.json"
    path.write_text(content, encoding="utf-8")
    assert load_prefs(path) == Prefs()


def test_no_settings_file_means_thai() -> None:
    assert load_prefs(Path("/nonexistent/app.json")).lang == "th"


@pytest.mark.parametrize(
    ("colours", "environ", "ansi"),
    [
        ("auto", {"TERM": "linux"}, True),
        ("auto", {"TERM": "xterm-256color"}, False),
        ("auto", {"TERM": "vt100", "COLORTERM": "truecolor"}, False),
        ("ansi", {"TERM": "xterm-256color"}, True),
        ("full", {"TERM": "linux"}, False),
    ],
)
def test_colours_follow_the_choice_or_the_terminal(
    colours: str, environ: dict[str, str], ansi: bool
) -> None:
    assert use_ansi_colours(colours, environ) is ansi
