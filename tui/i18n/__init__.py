"""The app's words in Thai and English, from the project's one catalogue (`store.i18n`).

Keys are dotted paths into the TOML tables (`dashboard.coverage`). Values are `str.format`
templates. Dates are shown in the Buddhist era in Thai and day-month-year in English.
"""

from __future__ import annotations

import datetime as dt

from store.i18n import DEFAULT_LANGUAGE, LANGUAGES, Message, catalog
from store.thaidate import BE_OFFSET, THAI_MONTHS_SHORT, format_be

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "Translator", "catalog"]

_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


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

    def message(self, message: Message) -> str:
        """A lower layer's message (a key and its parameters) in this language."""
        return message.render(self.lang)

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
