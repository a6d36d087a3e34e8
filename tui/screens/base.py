"""What every Sitthi screen shares: store queries in thread workers, language and data refresh.

A screen asks for data with `self.fetch(query, show)`: `query(conn)` runs in a thread worker
inside one read transaction, and `show(result)` runs on the UI thread when the answer arrives.
A screen that needs several answers in turn runs them in its own `@work(thread=True)` method
through `answer_in_turn`, which hands each answer to the UI thread with `call_from_thread`.
Screens that are not on display when the data or the language changes catch up when they are
shown again, so a change costs one reload, not one per screen.

Under steady change (a unit's follow-up every few seconds at the province) a screen would never
finish if every change restarted it: a change that arrives while the screen is loading the same
question waits, and however many arrive, one reload follows the running one. A new question
(another as-of date or unit) cancels the running load instead, and the gateway interrupts its
statement (`StoreGateway.cancel`). Expensive answers are shared between screens through the
gateway (`share=`), one evaluation per question and store version.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.worker import Worker, WorkerState, get_current_worker

from store.controls import terminal_safe_lines
from store.errors import SitthiError, os_error
from tui.gateway import QueryInterrupted
from tui.widgets.footer import translate_bindings

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from textual.binding import ActiveBinding

    from tui.app import SitthiApp
    from tui.i18n import Translator

T = TypeVar("T")

REVEAL_AUDIT_COMMAND = "reveal-cid"


@dataclass(frozen=True)
class Step:
    """A query to run in a worker, and what shows its answer on the UI thread."""

    query: Callable[[Connection], Any]
    show: Callable[[Any], None]
    share: Hashable | None = None
    """The question, when other screens may ask it too (`StoreGateway.read`)."""


class QueryDone(Message):
    """A worker's answer, applied on the UI thread unless the worker was cancelled meanwhile."""

    def __init__(self, apply: Callable[[], None], worker: Worker[Any]) -> None:
        super().__init__()
        self.apply = apply
        self.worker = worker


class QueryFailed(Message):
    """A worker's query failed; `error` is a message fit for the user."""

    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


def describe_error(exc: BaseException, lang: str) -> str:
    """One line for the user in `lang`, without a traceback: Sitthi's own errors by their
    catalogue message, what the system refused by its errno (`store.errors.os_error`); an
    OSError without one carries words already made for the reader; anything else by its
    first line."""
    if isinstance(exc, SitthiError):
        said = exc.render(lang)
    elif isinstance(exc, OSError) and exc.errno is not None:
        said = os_error(exc).render(lang)
    else:
        said = str(exc)
    text = said.strip().splitlines()
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
        share: Hashable | None = None,
    ) -> None:
        """Run `query` in one store transaction in a thread worker, then `show` its result.
        `share` names the question when another screen may ask the same (see `shared`)."""
        gateway = self.sitthi.gateway
        if write:
            self.off_ui(lambda: gateway.write(query), show, group=group)
        else:
            self.off_ui(lambda: gateway.read(query, share=self.shared(share)), show, group=group)

    def shared(self, question: Hashable | None) -> tuple[int, Hashable] | None:
        """The gateway's key for `question` at the store version the app last saw."""
        return None if question is None else (self.sitthi.store_version, question)

    def off_ui(self, work: Callable[[], T], show: Callable[[T], None], *, group: str) -> None:
        """Run `work` in a thread worker (newest request per group wins), then `show` its
        result on the UI thread; an error is shown instead (`show_error`)."""
        screen: Any = self

        def run() -> None:
            worker = get_current_worker()
            try:
                result = work()
            except QueryInterrupted:
                return
            except Exception as exc:
                if not worker.is_cancelled:
                    screen.post_message(QueryFailed(describe_error(exc, self.t.lang)))
                return
            if not worker.is_cancelled:
                screen.post_message(QueryDone(lambda: show(result), worker))

        screen.run_worker(run, thread=True, group=group, exclusive=True, exit_on_error=False)

    def answer_in_turn(self, *steps: Step) -> None:
        """From inside a thread worker (`@work(thread=True)`): run each query in a read
        transaction of its own, one after the other, and show each answer on the UI thread
        (`call_from_thread`) before the next query starts. Stops when the worker is cancelled
        (a newer request in its group; its answers are never shown) or when a query fails,
        which is shown as an error."""
        gateway = self.sitthi.gateway
        app = self.sitthi
        worker = get_current_worker()

        def show_current(show: Callable[[Any], None], result: Any) -> None:
            if not worker.is_cancelled:
                show(result)

        for step in steps:
            if worker.is_cancelled:
                return
            try:
                result = gateway.read(step.query, share=self.shared(step.share))
            except QueryInterrupted:
                return
            except Exception as exc:
                if not worker.is_cancelled:
                    app.call_from_thread(self.show_error, describe_error(exc, self.t.lang))
                return
            if worker.is_cancelled:
                return
            app.call_from_thread(show_current, step.show, result)

    def reveal_after_audit(self, hospcode: str, reveal: Callable[[], None]) -> None:
        """Show a CID only once the audit log holds the reveal (never the CID itself)."""

        def audit() -> None:
            from exporters.audit import record_export

            try:
                record_export(REVEAL_AUDIT_COMMAND, hospcode, 1)
            except OSError as exc:
                said = describe_error(exc, self.t.lang)
                raise OSError(self.t("error.audit", error=said)) from exc

        self.off_ui(audit, lambda _: reveal(), group="audit")

    def on_query_done(self, message: QueryDone) -> None:
        message.stop()
        if not message.worker.is_cancelled:
            message.apply()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A cancelled worker's statement is interrupted: nobody waits for its answer."""
        if event.state == WorkerState.CANCELLED:
            self.sitthi.gateway.cancel(event.worker)

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
        self._reload_after_load = False
        """The store changed while the screen was loading: reload once that load is done."""
        self._asked: tuple[object, ...] | None = None

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
        return current and not self._reload_due and not self._reload_after_load

    @property
    def at_work(self) -> bool:
        """Whether a worker of this screen is still at work (and not cancelled)."""
        return any(
            worker.node is self and not worker.is_finished and not worker.is_cancelled
            for worker in self.app.workers
        )

    def question(self) -> tuple[object, ...]:
        """What the screen's data answers besides the store's contents: a load for another
        question is superseded at once, one for the same question is let finish."""
        return (self.sitthi.as_of, self.sitthi.hospcode)

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
            if self.at_work and self._asked == self.question():
                self._reload_after_load = True
                return
            self._schedule_reload()
        elif self._reload_after_load and not self.at_work:
            self._schedule_reload()

    def _schedule_reload(self) -> None:
        # After the frame: workers importing and querying would hold the GIL and delay it.
        self._reload_after_load = False
        self._reload_due = True
        self.call_after_refresh(self._reload_now)

    def _reload_now(self) -> None:
        self._reload_due = False
        self._asked = self.question()
        self.reload()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """After the load that changes waited for, the one reload they asked for."""
        super().on_worker_state_changed(event)
        done = event.worker.is_finished and not self.at_work
        if self._reload_after_load and done and self.is_current:
            self._schedule_reload()


class SitthiModal(StoreAccess, ModalScreen[T]):
    """A dialog over a screen (follow-up entry, import a file)."""

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The keys in force, their descriptions in the app's language (the footer shows them)."""
        return translate_bindings(super().active_bindings, self.t)
