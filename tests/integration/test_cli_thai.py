"""The command line speaks Thai: every --help, argparse's own usage and errors, and the
failures of each command, with no English sentence left; and the catalogue behind it is whole."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from store.i18n import LANGUAGES, catalog
from tests.support.syncserver import free_port
from tui.cli import main

COMMANDS = [
    [],
    ["import"],
    ["report"],
    ["report", "kpi"],
    ["report", "gaps"],
    ["report", "claims"],
    ["demo"],
    ["facility"],
    ["facility", "list"],
    ["facility", "set"],
    ["facility", "partners"],
    ["sync"],
    ["server"],
    ["server", "run"],
    ["server", "add-facility"],
    ["server", "add-user"],
    ["config"],
    ["config", "set"],
    ["config", "get"],
    ["config", "unset"],
    ["config", "show"],
    ["daemon"],
]

_QUOTED = re.compile(r"`[^`]*`|'[^']*'|\"[^\"]*\"|\[[^\]]*\]|\{[^}]*\}")
_INVOCATION = re.compile(r"\bsitthi(?: [a-z][a-z-]*)*")
_OPTION = re.compile(r"-{1,2}[a-z][a-z-]*")
_ENGLISH_SENTENCE = re.compile(r"\b[A-Za-z][a-z]+(?:[ ,]+[A-Za-z][a-z]+){2,}\b")
"""Three English words in a row: a sentence, not codes (PP, CSV, PAID), a path or an option."""


def english_left(text: str) -> list[str]:
    """English word runs in `text`, once commands, options, quoted values, paths and URLs are
    set aside (those stay as typed in any language)."""
    found = []
    for line in text.splitlines():
        line = re.sub(r"\S*[/\\]\S*", " ", line)  # paths and URLs
        line = _QUOTED.sub(" ", line)
        line = _INVOCATION.sub(" ", line)
        line = _OPTION.sub(" ", line)
        found += _ENGLISH_SENTENCE.findall(line)
    return found


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    try:
        code = main(list(argv))
    except SystemExit as stop:
        code = int(stop.code or 0)
    out, err = capsys.readouterr()
    return code, out + err


def placeholders(template: str) -> set[str]:
    names = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    return names | set(re.findall(r"%\(?\w*\)?[sr]", template))


def test_every_message_has_both_languages_and_the_same_placeholders() -> None:
    thai, english = catalog("th"), catalog("en")
    assert sorted(set(thai) ^ set(english)) == []
    for key in thai:
        assert placeholders(thai[key]) == placeholders(english[key]), key
        assert thai[key].strip() and english[key].strip(), key


def test_the_english_detector_finds_english() -> None:
    assert english_left("sitthi: no server configured for this unit")
    assert not english_left("sitthi: ยังไม่ได้ตั้งค่า `sitthi config set server URL` --server URL")


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "sitthi")
def test_every_help_is_thai(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, text = run(capsys, *command, "--help", "--lang", "th")
    assert code == 0
    assert "วิธีใช้:" in text and "ตัวเลือก" in text
    assert english_left(text) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_help_follows_the_language(lang: str, capsys: pytest.CaptureFixture[str]) -> None:
    _, text = run(capsys, "report", "kpi", "--help", "--lang", lang)
    assert ("usage:" in text) == (lang == "en")


def failure_paths(tmp_path: Path) -> list[list[str]]:
    db = str(tmp_path / "store.db")
    unreachable = f"http://127.0.0.1:{free_port()}"
    return [
        ["nonsense"],
        ["report"],
        ["report", "kpi", "--as-of", "31/02/2568", "--db", db],
        ["report", "kpi", "--as-of", "yesterday", "--db", db],
        ["report", "kpi", "--fiscal-year", "2025", "--db", db],
        ["report", "claims", "--status", "LOST", "--db", db],
        ["report", "gaps", "--hospcode", "99999", "--db", db],
        ["report", "kpi", "--unknown-option", "--db", db],
        ["demo", "--persons", "0"],
        ["demo", "--persons", "many"],
        ["demo", "--persons", "10", "--large"],
        ["facility", "partners", "123", "--db", db],
        ["facility", "partners", "09901", "--add", "09901", "--db", db],
        ["facility", "set", "09901", "--db", db],
        ["facility", "set", "09901", "--name", " ", "--db", db],
        ["import", "--db", db],
        ["import", str(tmp_path / "missing.zip"), "--db", db],
        ["import", str(tmp_path / "garbage.zip"), "--db", db],
        ["sync", "--db", db],
        ["sync", "--server", unreachable, "--db", db],
        ["config", "set", "colour", "blue"],
        ["config", "set", "server", "ftp://x"],
        ["config", "set", "interval", "often"],
        ["config", "set", "interval", "1"],
        ["config", "set", "ca_bundle", "/no/such/bundle.pem"],
        ["daemon", "--db", db],
        ["daemon", "--interval", "-1", "--watch", str(tmp_path), "--db", db],
        ["server", "add-facility", "a b", "--db", str(tmp_path / "server.db")],
        ["server", "add-user", " ", "--role", "province", "--db", str(tmp_path / "server.db")],
        ["server", "add-user", "Dao", "--role", "admin"],
    ]


def test_every_failure_path_speaks_thai_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "garbage.zip").write_bytes(b"PK\x03\x04 not really a zip")
    monkeypatch.setenv("SITTHI_TOKEN", "sitthi_x")
    for argv in failure_paths(tmp_path):
        code, text = run(capsys, *argv, "--lang", "th")
        assert code in (1, 2), argv
        assert text.strip(), argv
        assert english_left(text) == [], (argv, text)


def test_the_saved_app_language_is_the_default(capsys: pytest.CaptureFixture[str]) -> None:
    from tui.prefs import Prefs, save_prefs

    save_prefs(Prefs(lang="en"))
    _, text = run(capsys, "sync")
    assert "no server configured" in text
    _, text = run(capsys, "sync", "--lang", "th")
    assert "ยังไม่ได้ตั้งค่าเซิร์ฟเวอร์" in text
