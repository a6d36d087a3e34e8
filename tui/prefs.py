"""The app's remembered choices (language, colours) in a small JSON file in the config folder."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from store import paths
from tui.i18n import DEFAULT_LANGUAGE, LANGUAGES

log = logging.getLogger(__name__)

FILE_NAME = "app.json"
COLOUR_MODES = ("auto", "full", "ansi")
"""`full`: the app's own colours; `ansi`: the terminal's 16 colours; `auto`: pick by terminal."""

_SIXTEEN_COLOUR_TERMS = frozenset({"linux", "vt100", "vt220", "ansi", "cons25", "dumb"})


@dataclass(frozen=True)
class Prefs:
    lang: str = DEFAULT_LANGUAGE
    colours: str = "auto"

    def with_lang(self, lang: str) -> Prefs:
        return replace(self, lang=lang)

    def with_colours(self, colours: str) -> Prefs:
        return replace(self, colours=colours)


def prefs_path() -> Path:
    return paths.config_dir() / FILE_NAME


def load_prefs(path: Path | None = None) -> Prefs:
    """The saved choices; defaults for anything missing, unknown or unreadable."""
    path = path or prefs_path()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Prefs()
    except (OSError, ValueError) as exc:
        log.warning("ignoring unreadable settings file %s: %s", path, exc)
        return Prefs()
    if not isinstance(raw, dict):
        return Prefs()
    lang = raw.get("lang")
    colours = raw.get("colours")
    return Prefs(
        lang=lang if lang in LANGUAGES else DEFAULT_LANGUAGE,
        colours=colours if colours in COLOUR_MODES else "auto",
    )


def save_prefs(prefs: Prefs, path: Path | None = None) -> None:
    """Write the choices atomically (a half-written file would be ignored, not fatal)."""
    path = path or prefs_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(prefs), indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def terminal_has_few_colours(environ: Mapping[str, str]) -> bool:
    """True for terminals known to show only 16 colours (the Linux console, old serial terms)."""
    if environ.get("COLORTERM"):
        return False
    term = environ.get("TERM", "")
    return term in _SIXTEEN_COLOUR_TERMS


def use_ansi_colours(colours: str, environ: Mapping[str, str]) -> bool:
    if colours == "ansi":
        return True
    if colours == "full":
        return False
    return terminal_has_few_colours(environ)
