"""The app's words in Thai and English, kept as data (`th.toml`, `en.toml`) with the same keys.

Keys are dotted paths into the TOML tables (`dashboard.coverage`). Values are `str.format`
templates. Dates are shown in the Buddhist era in Thai and day-month-year in English.
"""

from __future__ import annotations

import datetime as dt
import functools
import tomllib
from importlib import resources

from store.thaidate import BE_OFFSET, THAI_MONTHS_SHORT, format_be

LANGUAGES = ("th", "en")
DEFAULT_LANGUAGE = "th"

_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _flatten(table: dict[str, object], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{path}."))
        else:
            flat[path] = str(value)
    return flat


@functools.cache
def catalog(lang: str) -> dict[str, str]:
    """Every message of a language, by dotted key."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    text = resources.files(__package__).joinpath(f"{lang}.toml").read_text(encoding="utf-8")
    return _flatten(tomllib.loads(text))


class Translator:
    """Messages and dates in one language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._messages = catalog(lang)

    def __call__(self, key: str, /, **values: object) -> str:
        """The message for `key` filled with `values`; the key itself when it is missing."""
        template = self._messages.get(key)
        if template is None:
            return key
        return template.format(**values) if values else template

    def has(self, key: str) -> bool:
        return key in self._messages

    def date(self, day: dt.date | None) -> str:
        """`15 ม.ค. 2568` in Thai, `15 Jan 2025` in English, blank for no date."""
        if day is None:
            return ""
        if self.lang == "th":
            return format_be(day)
        return f"{day.day} {_EN_MONTHS[day.month - 1]} {day.year}"

    def month_name(self, month: int) -> str:
        """`ม.ค.` / `Jan`."""
        names = THAI_MONTHS_SHORT if self.lang == "th" else _EN_MONTHS
        return names[month - 1]

    def short_date(self, day: dt.date) -> str:
        """`10 ม.ค. 68` / `10 Jan 25`: for table columns."""
        return f"{day.day} {self.month(day)}"

    def month(self, day: dt.date) -> str:
        """`ม.ค. 68` / `Jan 25`: a month label short enough for a chart axis."""
        if self.lang == "th":
            return f"{THAI_MONTHS_SHORT[day.month - 1]} {(day.year + BE_OFFSET) % 100:02d}"
        return f"{_EN_MONTHS[day.month - 1]} {day.year % 100:02d}"

    def number(self, value: float, decimals: int = 0) -> str:
        return f"{value:,.{decimals}f}"
