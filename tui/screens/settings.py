"""Language, colours and the as-of date; language and colours are remembered for next time."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from store.thaidate import BE_OFFSET
from tui.i18n import LANGUAGES
from tui.prefs import COLOUR_MODES, prefs_path
from tui.screens.base import SitthiScreen
from tui.widgets.footer import SitthiFooter
from tui.widgets.navbar import NavBar


def parse_as_of(text: str) -> dt.date | None:
    """`YYYY-MM-DD` (CE) or `d/m/yyyy` with a Buddhist-era year, as staff write it."""
    from tui.dates import read_typed_date

    day = read_typed_date(text)
    return day if isinstance(day, dt.date) else None


def typed_date(day: dt.date, lang: str) -> str:
    """The as-of date as staff type it: `15/1/2568` in Thai, `2025-01-15` in English."""
    if lang == "th":
        return f"{day.day}/{day.month}/{day.year + BE_OFFSET}"
    return day.isoformat()


class SettingsScreen(SitthiScreen):
    NAV = "settings"
    BINDINGS: ClassVar[list[BindingType]] = []

    def compose(self) -> ComposeResult:
        t = self.t
        app = self.sitthi
        yield NavBar(self.NAV)
        with Vertical(id="settings-body"):
            with Horizontal(classes="setting"):
                yield Label(t("settings.language"), classes="setting-label")
                with RadioSet(id="lang"):
                    for lang in LANGUAGES:
                        yield RadioButton(
                            t(f"settings.lang_{lang}"),
                            value=lang == app.lang,
                            name=lang,
                            id=f"lang-{lang}",
                        )
            with Horizontal(classes="setting"):
                yield Label(t("settings.colours"), classes="setting-label")
                with RadioSet(id="colours"):
                    for mode in COLOUR_MODES:
                        yield RadioButton(
                            t(f"settings.colours_{mode}"),
                            value=mode == app.prefs.colours,
                            name=mode,
                            id=f"colours-{mode}",
                        )
            with Horizontal(classes="setting"):
                yield Label(t("settings.as_of"), classes="setting-label")
                yield Input(
                    value=typed_date(app.as_of, app.lang),
                    placeholder=t("settings.as_of_hint"),
                    compact=True,
                    id="as-of",
                )
                yield Button(t("settings.apply"), compact=True, id="apply-as-of")
            yield Static("", id="as-of-problem", markup=False)
            yield Static(
                t("settings.store", store=app.gateway.display_name())
                + "\n"
                + t("settings.prefs_file", path=str(app.prefs_file or prefs_path())),
                id="settings-info",
                markup=False,
            )
        yield SitthiFooter()

    @on(RadioSet.Changed, "#lang")
    def language_chosen(self, event: RadioSet.Changed) -> None:
        lang = event.pressed.name
        if lang and lang != self.sitthi.lang:
            self.sitthi.set_language(lang)

    @on(RadioSet.Changed, "#colours")
    def colours_chosen(self, event: RadioSet.Changed) -> None:
        colours = event.pressed.name
        if colours and colours != self.sitthi.prefs.colours:
            self.sitthi.set_colours(colours)

    @on(Input.Submitted, "#as-of")
    @on(Button.Pressed, "#apply-as-of")
    def as_of_entered(self) -> None:
        day = parse_as_of(self.query_one("#as-of", Input).value)
        problem = self.query_one("#as-of-problem", Static)
        if day is None:
            problem.update(self.t("settings.bad_date"))
            return
        problem.update(self.t("settings.as_of_set", date=self.t.date(day)))
        self.sitthi.set_as_of(day)
