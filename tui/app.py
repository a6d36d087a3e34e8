"""The Sitthi terminal app: where the centre stands, whom to visit, which services to claim.

Screens are modes, one per navigation entry, switched with the number keys, a click on the top
line, or the command palette. All store work runs in thread workers (see `tui.gateway`); the app
itself only draws. A cheap change marker is polled in a worker every few seconds so that imports
by the daemon or another `sitthi` appear without a key press, and nothing is redrawn when
nothing changed. Workers run on threads of their own (`tui.threads`); quitting interrupts the
store work in progress (`StoreGateway.close`) and waits for nobody.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import importlib
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Input
from textual.worker import Worker, WorkerState

from store.errors import os_error
from tui.gateway import StoreGateway
from tui.i18n import DEFAULT_LANGUAGE, Translator
from tui.prefs import Prefs, load_prefs, save_prefs, use_ansi_colours
from tui.screens.base import SitthiScreen
from tui.screens.dashboard import DashboardScreen
from tui.threads import WorkerThreads

POLL_SECONDS = 3.0
FULL_THEME = "textual-dark"
ANSI_THEME = "ansi-dark"


def screen_of(module: str, name: str) -> Callable[[], Screen[Any]]:
    """A mode's screen, its module imported on first use: the start shows only the overview,
    so the other screens' widgets (inputs, menus, forms) stay off the path to the first frame."""

    def make() -> Screen[Any]:
        screen: Screen[Any] = getattr(importlib.import_module(module), name)()
        return screen

    return make


@dataclass(frozen=True)
class NavEntry:
    mode: str
    key: str
    label: str
    """Message key of the entry's name."""


UNITS_KEY = "u"
"""The province view's key; it stays off the top line, which a single centre needs as it is."""

NAV: tuple[NavEntry, ...] = (
    NavEntry("dashboard", "1", "nav.dashboard"),
    NavEntry("gaps", "2", "nav.gaps"),
    NavEntry("claims", "3", "nav.claims"),
    NavEntry("imports", "4", "nav.imports"),
    NavEntry("settings", "5", "nav.settings"),
)


class Polled(Message):
    """The store's change marker and the daemon status file's modification time, just read."""

    def __init__(self, marker: tuple[Any, ...], daemon_mtime: int | None) -> None:
        super().__init__()
        self.marker = marker
        self.daemon_mtime = daemon_mtime


class SitthiApp(App[None]):
    TITLE = "Sitthi"
    CSS_PATH = Path(__file__).with_name("app.tcss")
    MODES: ClassVar[dict[str, str | Callable[[], Screen[Any]]]] = {
        "dashboard": DashboardScreen,
        "gaps": screen_of("tui.screens.worklist", "WorklistScreen"),
        "claims": screen_of("tui.screens.claims", "ClaimsScreen"),
        "imports": screen_of("tui.screens.imports", "ImportsScreen"),
        "settings": screen_of("tui.screens.settings", "SettingsScreen"),
        "units": screen_of("tui.screens.units", "UnitsScreen"),
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(e.key, f"go('{e.mode}')", e.label, show=False) for e in NAV),
        Binding(UNITS_KEY, "go('units')", "nav.units", show=False),
        Binding("question_mark,f1", "help", "key.help", show=False),
        Binding("q", "quit", "key.quit"),
        Binding("escape", "leave_input", "help.leave_input", show=False, priority=True),
    ]

    lang: reactive[str] = reactive(DEFAULT_LANGUAGE, init=False)
    as_of: reactive[dt.date] = reactive(dt.date.today, init=False)
    data_version: reactive[int] = reactive(0, init=False)
    """Bumped whenever what the screens show may have changed (store contents, as-of date)."""
    daemon_version: reactive[int] = reactive(0, init=False)
    """Bumped when the sync daemon rewrote its status file."""
    hospcode: reactive[str | None] = reactive(None, init=False)
    """The unit the screens show; None: every unit in the store together."""

    def __init__(
        self,
        db: str | None,
        *,
        lang: str | None = None,
        as_of: dt.date | None = None,
        prefs_file: Path | None = None,
        poll_seconds: float = POLL_SECONDS,
        environ: Mapping[str, str] | None = None,
        hospcode: str | None = None,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.prefs_file = prefs_file
        self.prefs: Prefs = load_prefs(prefs_file)
        if lang is not None:
            self.prefs = self.prefs.with_lang(lang)
        self.environ = dict(os.environ if environ is None else environ)
        super().__init__()
        # A tall terminal's screens get the class `-tall`: app.tcss gives the overview's
        # panels the height.
        self.VERTICAL_BREAKPOINTS = [(0, "-short"), (40, "-tall")]
        # And a wide one (160 columns and more) `-wide`: the work list shows the person beside.
        self.HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (160, "-wide")]
        self.gateway = StoreGateway(db)
        self.set_reactive(SitthiApp.hospcode, hospcode)
        self.unit_name = ""
        """The selected unit's name, when it was chosen in the units screen."""
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self.poll_seconds = poll_seconds
        self.t = Translator(self.prefs.lang)
        self.set_reactive(SitthiApp.lang, self.prefs.lang)
        self.set_reactive(SitthiApp.as_of, as_of or dt.date.today())
        self._marker: tuple[Any, ...] | None = None
        self.store_version = 0
        """Bumped when the store's change marker moved: answers shared between screens are
        kept per store version (`StoreGateway.read`)."""
        self._daemon_mtime: int | None = None
        self._polled = False
        self.theme = self._theme_for(self.prefs.colours)

    def _theme_for(self, colours: str) -> str:
        return ANSI_THEME if use_ansi_colours(colours, self.environ) else FULL_THEME

    @staticmethod
    def nav_entries() -> tuple[NavEntry, ...]:
        return NAV

    def on_mount(self) -> None:
        asyncio.get_running_loop().set_default_executor(WorkerThreads())
        self.gateway.bind_ui_thread()
        self.switch_mode("dashboard")
        self.call_after_refresh(self.poll_store)
        self.call_after_refresh(self._offer_first_steps)
        if self.poll_seconds > 0:
            self.set_interval(self.poll_seconds, self.poll_store)

    @work(thread=True, group="first-run", exit_on_error=False)
    def _offer_first_steps(self) -> None:
        """On an empty store, say what to do first (once, after the first frame)."""
        from store.queries.first_run import store_is_empty

        if self.gateway.read(store_is_empty):
            self.call_from_thread(self._show_first_steps)

    def _show_first_steps(self) -> None:
        from tui.screens.first_run import FirstRunScreen

        self.push_screen(FirstRunScreen())

    def on_unmount(self) -> None:
        self.gateway.close()

    async def action_quit(self) -> None:
        """Quit now: the store work still running is interrupted, not waited for."""
        self.gateway.close()
        self.exit()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.CANCELLED:
            self.gateway.cancel(event.worker)

    def action_go(self, mode: str) -> None:
        if mode in self.MODES:
            self.switch_mode(mode)

    def action_command_palette(self) -> None:
        """The palette in the app's language (`tui.widgets.palette`)."""
        from textual.command import CommandPalette

        from tui.widgets.palette import SitthiCommandPalette

        if self.use_command_palette and not isinstance(self.screen, CommandPalette):
            self.push_screen(SitthiCommandPalette(self.t))

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`esc` leaves a text box on a main screen; elsewhere it does what the screen says."""
        if action == "leave_input":
            return isinstance(self.focused, Input) and not isinstance(self.screen, ModalScreen)
        return True

    def action_leave_input(self) -> None:
        """Out of a text box and back to the screen's list (or nothing), so that the keys of
        the screen and the app work again."""
        lists = [t for t in self.screen.query(DataTable) if t.display and t.can_focus]
        self.screen.set_focus(lists[0] if lists else None)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """A steady cursor: blinking repaints the line twice a second, costly over SSH."""
        if isinstance(event.widget, Input):
            event.widget.cursor_blink = False

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        for entry in NAV:
            yield SystemCommand(
                self.t(entry.label),
                self.t("palette_help.go", key=entry.key),
                lambda mode=entry.mode: self.action_go(mode),
            )
        yield SystemCommand(
            self.t("nav.units"),
            self.t("palette_help.go", key=UNITS_KEY),
            lambda: self.action_go("units"),
        )
        if self.hospcode is not None:
            yield SystemCommand(
                self.t("key.all_units"), self.t("palette_help.all_units"), self.action_all_units
            )
        other = "en" if self.lang == "th" else "th"
        yield SystemCommand(
            self.t("palette_help.language"),
            self.t(f"settings.lang_{other}"),
            lambda: self.set_language(other),
        )
        yield SystemCommand(self.t("key.quit"), self.t("palette_help.quit"), self.action_quit)

    def set_language(self, lang: str) -> None:
        """Switch the language now and remember it for the next start."""
        self.lang = lang
        self._remember(self.prefs.with_lang(lang))

    def set_colours(self, colours: str) -> None:
        self.theme = self._theme_for(colours)
        self._remember(self.prefs.with_colours(colours))

    async def select_unit(self, hospcode: str, name: str = "") -> None:
        """Show one unit's screens, starting from its overview."""
        await self.switch_mode("dashboard")
        self.unit_name = name
        self.hospcode = hospcode

    async def action_all_units(self) -> None:
        """Back from one unit to the league table of all units."""
        await self.switch_mode("units")
        self.unit_name = ""
        self.hospcode = None

    def set_as_of(self, day: dt.date) -> None:
        self.as_of = day

    def _remember(self, prefs: Prefs) -> None:
        self.prefs = prefs
        try:
            save_prefs(prefs, self.prefs_file)
        except OSError as exc:
            t = Translator(self.lang)  # the language just chosen, before `watch_lang` runs
            error = t.message(os_error(exc))
            self.notify(t("settings.not_saved", error=error), severity="warning")

    async def watch_lang(self, lang: str) -> None:
        self.t = Translator(lang)
        await self._refresh_current_screen()

    async def watch_as_of(self) -> None:
        self.data_version += 1

    async def watch_hospcode(self) -> None:
        self.data_version += 1

    async def watch_data_version(self) -> None:
        await self._refresh_current_screen()

    async def _refresh_current_screen(self) -> None:
        """Bring the screen on display up to date; the others catch up when shown."""
        if isinstance(self.screen, SitthiScreen):
            await self.screen.catch_up()
        self.screen.refresh_bindings()

    @property
    def watching(self) -> bool:
        """Whether the first poll has set the baseline that later writes are compared with."""
        return self._polled

    def poll_store(self) -> None:
        """Look for changes by others (cheap: a few aggregate queries on small tables)."""
        self._poll()

    @work(thread=True, group="poll", exclusive=True, exit_on_error=False)
    def _poll(self) -> None:
        from store.queries.changes import change_marker
        from sync.daemon_status import status_path

        marker = self.gateway.read(change_marker)
        try:
            daemon_mtime: int | None = status_path(self.gateway.url).stat().st_mtime_ns
        except OSError:
            daemon_mtime = None
        self.post_message(Polled(marker, daemon_mtime))

    def on_polled(self, message: Polled) -> None:
        """Bump the versions that changed since the last poll (the first poll only records)."""
        first, self._polled = not self._polled, True
        store_changed = message.marker != self._marker
        daemon_changed = message.daemon_mtime != self._daemon_mtime
        self._marker, self._daemon_mtime = message.marker, message.daemon_mtime
        if first:
            return
        if store_changed:
            self.store_version += 1
            self.data_version += 1
        if daemon_changed:
            self.daemon_version += 1
