"""What every Sitthi screen shares: store queries in thread workers, language and data refresh.

A screen asks for data with `self.fetch(query, show)`: `query(conn)` runs in a thread worker
inside one read transaction, and `show(result)` runs on the UI thread when the answer arrives.
A screen that needs several answers in turn runs them in its own `@work(thread=True)` method
through `answer_in_turn`, which hands each answer to the UI thread with `call_from_thread`.
Screens that are not on display when the data or the language changes catch up when they are
shown again, so a change costs one reload, not one per screen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, TypeAlias, TypeVar

from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.worker import get_current_worker

from store.controls import terminal_safe_lines
from tui.widgets.footer import translate_bindings

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from textual.binding import ActiveBinding

    from tui.app import SitthiApp
    from tui.i18n import Translator

T = TypeVar("T")

REVEAL_AUDIT_COMMAND = "reveal-cid"
Step: TypeAlias = "tuple[Callable[[Connection], Any], Callable[[Any], None]]"
"""A query to run in a worker, and what shows its answer on the UI thread."""


class QueryDone(Message):
    """A worker's answer, applied on the UI thread."""

    def __init__(self, apply: Callable[[], None]) -> None:
        super().__init__()
        self.apply = apply


class QueryFailed(Message):
    """A worker's query failed; `error` is a message fit for the user."""

    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


def describe_error(exc: BaseException) -> str:
    """One line for the user: the first line of the error, without a traceback."""
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


class StoreAccess:
    """Mixin for screens that read or write the store through the app's gateway."""

    @property
    def sitthi(self) -> SitthiApp:
        return self.app  # type: ignore[attr-defined]

    @property
    def t(self) -> Translator:
        return self.sitthi.t

    def fetch(
        self,
        query: Callable[[Connection], T],
        show: Callable[[T], None],
        *,
        group: str = "load",
        write: bool = False,
    ) -> None:
        """Run `query` in one store transaction in a thread worker, then `show` its result."""
        gateway = self.sitthi.gateway
        if write:
            self.off_ui(lambda: gateway.write(query), show, group=group)
        else:
            self.off_ui(lambda: gateway.read(query), show, group=group)

    def off_ui(self, work: Callable[[], T], show: Callable[[T], None], *, group: str) -> None:
        """Run `work` in a thread worker (newest request per group wins), then `show` its
        result on the UI thread; an error is shown instead (`show_error`)."""
        screen: Any = self

        def run() -> None:
            try:
                result = work()
            except Exception as exc:
                screen.post_message(QueryFailed(describe_error(exc)))
                return
            if not get_current_worker().is_cancelled:
                screen.post_message(QueryDone(lambda: show(result)))

        screen.run_worker(run, thread=True, group=group, exclusive=True, exit_on_error=False)

    def answer_in_turn(self, *steps: Step) -> None:
        """From inside a thread worker (`@work(thread=True)`): run each query in a read
        transaction of its own, one after the other, and show each answer on the UI thread
        (`call_from_thread`) before the next query starts. Stops when the worker is cancelled
        (a newer request in its group) or when a query fails, which is shown as an error."""
        gateway = self.sitthi.gateway
        app = self.sitthi
        for query, show in steps:
            if get_current_worker().is_cancelled:
                return
            try:
                result = gateway.read(query)
            except Exception as exc:
                app.call_from_thread(self.show_error, describe_error(exc))
                return
            if get_current_worker().is_cancelled:
                return
            app.call_from_thread(show, result)

    def reveal_after_audit(self, hospcode: str, reveal: Callable[[], None]) -> None:
        """Show a CID only once the audit log holds the reveal (never the CID itself)."""

        def audit() -> None:
            from exporters.audit import record_export

            try:
                record_export(REVEAL_AUDIT_COMMAND, hospcode, 1)
            except OSError as exc:
                raise OSError(self.t("error.audit", error=describe_error(exc))) from exc

        self.off_ui(audit, lambda _: reveal(), group="audit")

    def on_query_done(self, message: QueryDone) -> None:
        message.stop()
        message.apply()

    def on_query_failed(self, message: QueryFailed) -> None:
        message.stop()
        self.show_error(message.error)

    def show_error(self, error: str) -> None:
        screen: Any = self
        # An error's text may quote a file or a stored value: shown literally.
        shown = terminal_safe_lines(error)
        screen.notify(shown, title=self.t("error.title"), severity="error", timeout=8, markup=False)


class SitthiScreen(StoreAccess, Screen[None]):
    """A main screen: reloads when the store, the as-of date or the language changes."""

    NAV: ClassVar[str] = ""
    """The navigation entry this screen belongs to."""

    def __init__(self) -> None:
        super().__init__()
        self._shown_lang = ""
        self._shown_version = -1
        self._reload_due = False

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The keys in force, their descriptions in the app's language (the footer shows them)."""
        return translate_bindings(super().active_bindings, self.t)

    @property
    def up_to_date(self) -> bool:
        """Shown in the app's language, and its data asked for since the store last changed."""
        current = (self._shown_lang, self._shown_version) == (
            self.sitthi.lang,
            self.sitthi.data_version,
        )
        return current and not self._reload_due

    def reload(self) -> None:
        """Ask the store for this screen's data (override)."""

    def render_data(self) -> None:
        """Fill the widgets from the data already loaded, after a recompose (override)."""

    def on_mount(self) -> None:
        self._shown_lang = self.sitthi.lang

    async def on_screen_resume(self) -> None:
        await self.catch_up()

    async def catch_up(self) -> None:
        """Show the current language and data if they changed while the screen was away."""
        if self._shown_lang != self.sitthi.lang:
            self._shown_lang = self.sitthi.lang
            await self.recompose()
            self.render_data()
        if self._shown_version != self.sitthi.data_version:
            self._shown_version = self.sitthi.data_version
            # After the frame: workers importing and querying would hold the GIL and delay it.
            self._reload_due = True
            self.call_after_refresh(self._reload_now)

    def _reload_now(self) -> None:
        self._reload_due = False
        self.reload()


class SitthiModal(StoreAccess, ModalScreen[T]):
    """A dialog over a screen (follow-up entry, import a file)."""

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The keys in force, their descriptions in the app's language (the footer shows them)."""
        return translate_bindings(super().active_bindings, self.t)
