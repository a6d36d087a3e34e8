"""Where the centre stands: rights coverage against the target, gaps by kind, the trend, how
fresh the data is and how many people still need a follow-up."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Static

from store.controls import terminal_safe
from store.i18n import Message, shown
from tui.screens.base import SitthiScreen, Step, describe_error
from tui.widgets.charts import chart_floor, column_cells, hbar, spark
from tui.widgets.footer import SitthiFooter
from tui.widgets.navbar import NavBar
from tui.widgets.statement_figures import statement_content

if TYPE_CHECKING:
    from decimal import Decimal

    from store.queries.claims import MonthMoney
    from store.queries.dashboard import Coverage, FollowupSummary, PpMoney, Trend
    from store.queries.imports import LastImports
    from tui.i18n import Translator

TREND_HEIGHT = 4
"""Rows of the trend chart on a 24-line terminal; a taller panel draws it taller."""
TREND_MAX_HEIGHT = 16
TREND_MAX_COLUMN = 5
"""Cells per month of the trend chart at most, on a wide panel."""
TREND_AXIS = 5
PP_BAR_WIDTH = 12
GAP_BAR_WIDTH = 12
GAP_BAR_WIDE = 60
"""The longest gap bar on a panel of a wide terminal."""
WIDE_PANEL = 60
COUNT_WIDTH = 7
COVERAGE_BAR_WIDTH = 30
COVERAGE_BAR_MAX = 70


class DashboardScreen(SitthiScreen):
    NAV = "dashboard"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("g", "app.go('gaps')", "key.open_gaps"),
        Binding("c", "app.go('claims')", "key.open_claims"),
        Binding("i", "app.go('imports')", "key.open_imports"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.coverage: Coverage | None = None
        self.trend: Trend | None = None
        self.last_batch: LastImports | None = None
        self.batch_loaded = False
        self.followups: FollowupSummary | None = None
        self.daemon: DaemonView | None = None
        self.pp_months: list[MonthMoney] | None = None

    def compose(self) -> ComposeResult:
        t = self.t
        yield NavBar(self.NAV)
        with Horizontal(id="dash-top"):
            with Vertical(id="coverage-panel", classes="panel") as panel:
                panel.border_title = t("dashboard.coverage_title")
                yield Static(t("common.loading"), id="coverage", markup=False)
            with Vertical(id="gaps-panel", classes="panel") as panel:
                panel.border_title = t("dashboard.gaps_title")
                yield Static(t("common.loading"), id="gap-bars", markup=False)
        with Horizontal(id="dash-middle"):
            with Vertical(id="trend-panel", classes="panel") as panel:
                panel.border_title = t("dashboard.trend_title")
                yield Static(t("common.loading"), id="trend", markup=False)
            with Vertical(id="status-panel", classes="panel") as panel:
                panel.border_title = t("dashboard.status_title")
                yield Static(t("common.loading"), id="status", markup=False)
        with Vertical(id="pp-panel", classes="panel") as panel:
            panel.border_title = t("dashboard.pp_title")
            yield Static(t("common.loading"), id="pp", markup=False)
        yield SitthiFooter()

    def on_mount(self) -> None:
        super().on_mount()
        self.watch(self.sitthi, "daemon_version", self.reload_daemon, init=False)

    def reload(self) -> None:
        """The figures, the last import and the daemon's status, each in its own worker; a
        reload while one is at work cancels it (exclusive groups)."""
        as_of, hospcode = self.sitthi.as_of, self.sitthi.hospcode
        self.load_figures(as_of, hospcode)
        self.load_last_batch()
        self.reload_daemon()

    @work(thread=True, group="figures", exclusive=True, exit_on_error=False)
    def load_figures(self, as_of: dt.date, hospcode: str | None) -> None:
        """The units that changed are judged and stored first (`store.judged`); then the
        headline: coverage and PP money (the KPI report); then, one after the other, the
        follow-up counts, the monthly PP money and the coverage trend (closed months as they
        were closed). One heavy query at a time keeps the memory peak of a low-end PC down;
        each panel shows as soon as its answer arrives. The store modules are imported here, in
        the worker, so the first frame does not wait for them."""
        from store.queries.claims import money_by_month
        from store.queries.dashboard import coverage, coverage_trend, followup_summary
        from store.thaidate import fiscal_year

        year = fiscal_year(as_of)
        if not self.refresh_judgements(as_of, hospcode):
            return
        asked = (as_of, hospcode)
        self.answer_in_turn(
            Step(
                lambda conn: coverage(conn, as_of, hospcode),
                self.show_coverage,
                ("coverage", *asked),
            ),
            Step(lambda conn: followup_summary(conn, as_of, hospcode), self.show_followups),
            Step(
                lambda conn: money_by_month(conn, year, as_of, hospcode),
                self.show_pp_months,
                ("pp_months", *asked),
            ),
            Step(
                lambda conn: coverage_trend(conn, as_of, hospcode),
                self.show_trend,
                ("trend", *asked),
            ),
        )

    def refresh_judgements(self, as_of: dt.date, hospcode: str | None) -> bool:
        """In the figures' worker: judge and store the units that changed since their
        judgements were stored (`store.judged`), so the figures after it are reads."""
        from store.judged.refresh import refresh_judgements

        try:
            self.sitthi.gateway.write(lambda conn: refresh_judgements(conn, as_of, hospcode))
        except Exception as exc:
            self.sitthi.call_from_thread(self.show_error, describe_error(exc, self.t.lang))
            return False
        return True

    @work(thread=True, group="batch", exclusive=True, exit_on_error=False)
    def load_last_batch(self) -> None:
        """The last good import and any refusal since (cheap), beside the figures."""
        from store.queries.imports import last_imports

        self.answer_in_turn(Step(last_imports, self.show_last_batch))

    def reload_daemon(self) -> None:
        """The sync daemon's status file (not in the store), read in a worker too."""

        store = self.sitthi.gateway.url

        def daemon() -> DaemonView | None:
            from sync.daemon_status import is_running, read_status

            status = read_status(store)
            if status is None:
                return None
            view = DaemonView.of(status.last_sync, status.pending, is_running(status))
            return replace(view, problem=status.last_problem())

        self.off_ui(daemon, self.show_daemon, group="daemon")

    def show_daemon(self, view: DaemonView | None) -> None:
        self.daemon = view
        self.render_status()

    def show_pp_months(self, months: list[MonthMoney]) -> None:
        self.pp_months = months
        self.render_pp()

    def render_pp(self) -> None:
        if self.coverage is None:
            return
        pp = self.query_one("#pp", Static)
        money = pp_content(self.coverage.pp, self.pp_months, self.t)
        pp.update(Content("\n").join([money, *statement_content(self.coverage.statements, self.t)]))
        panel = self.query_one("#pp-panel")
        if self.coverage.pp is not None:
            panel.border_title = self.t(
                "dashboard.pp_title_year", year=self.coverage.pp.fiscal_year
            )
            notes = (rates_note(self.coverage.pp, self.t), to_earn_text(self.coverage.pp, self.t))
            panel.border_subtitle = " · ".join(note for note in notes if note)

    def render_data(self) -> None:
        if self.coverage is not None:
            self.show_coverage(self.coverage)
        if self.trend is not None:
            self.show_trend(self.trend)
        if self.batch_loaded or self.followups is not None:
            self.render_status()

    def show_coverage(self, coverage: Coverage) -> None:
        self.coverage = coverage
        figure = self.query_one("#coverage", Static)
        figure.update(coverage_content(coverage, self.t, figure.content_region.width))
        bars = self.query_one("#gap-bars", Static)
        bars.update(gap_bars_content(coverage, self.t, bars.content_region.width))
        self.render_pp()

    def on_resize(self) -> None:
        if self.coverage is not None:
            self.call_after_refresh(self.show_coverage, self.coverage)
        if self.trend is not None:
            self.call_after_refresh(self.show_trend, self.trend)

    def show_trend(self, trend: Trend) -> None:
        self.trend = trend
        chart = self.query_one("#trend", Static)
        region = chart.content_region
        chart.update(trend_content(trend, self.t, region.width, region.height))

    def show_last_batch(self, batch: LastImports) -> None:
        self.last_batch = batch
        self.batch_loaded = True
        self.render_status()

    def show_followups(self, summary: FollowupSummary) -> None:
        self.followups = summary
        self.render_status()

    def render_status(self) -> None:
        content = status_content(
            self.last_batch if self.batch_loaded else None,
            self.batch_loaded,
            self.followups,
            self.daemon,
            self.sitthi.clock(),
            self.t,
        )
        self.query_one("#status", Static).update(content)


def pct(value: float | Decimal | None) -> str:
    return "–" if value is None else f"{value:.2f} %"


def coverage_content(coverage: Coverage, tr: Translator, width: int = 0) -> Content:
    """The headline figure, its bar (longer on a wide panel) and what it is made of."""
    if coverage.coverage_pct is None:
        return Content(tr("dashboard.no_population"))
    ok = bool(coverage.meets_target)
    verdict = tr("dashboard.meets_target") if ok else tr("dashboard.below_target")
    colour = "$success" if ok else "$error"
    needed = max(
        0, math.ceil(coverage.target_pct * coverage.thai_population / 100) - coverage.covered
    )
    lines = [
        Content.assemble(
            (pct(coverage.coverage_pct), f"bold {colour}"),
            "  ",
            (verdict, colour),
        ),
        Content.styled(hbar(coverage.coverage_pct / 100, coverage_bar_width(width)), colour),
        Content(tr("dashboard.target", target=f"{coverage.target_pct:g}")),
        Content(
            tr(
                "dashboard.covered",
                covered=tr.number(coverage.covered),
                total=tr.number(coverage.thai_population),
            )
        ),
        Content(tr("dashboard.population", population=tr.number(coverage.population))),
    ]
    if needed:
        lines.append(Content.styled(tr("dashboard.needed", needed=tr.number(needed)), colour))
    if coverage.units > 1:
        lines.append(Content(tr("dashboard.units", units=coverage.units)))
    return Content("\n").join(lines)


def coverage_bar_width(width: int) -> int:
    """The 80-column bar, or on a panel of a wide terminal, most of its width."""
    if width < WIDE_PANEL:
        return COVERAGE_BAR_WIDTH
    return min(COVERAGE_BAR_MAX, width - 2)


def gap_bars_content(coverage: Coverage, tr: Translator, width: int) -> Content:
    """One line per gap kind: its name, the count and a bar, the bar taking what room is left."""
    if not coverage.gaps:
        return Content(tr("dashboard.no_population"))
    largest = max(coverage.gaps.values(), default=0) or 1
    label_width = max(_cells(tr(f"gap.{code}")) for code in coverage.gaps)
    longest = GAP_BAR_WIDE if width >= WIDE_PANEL else GAP_BAR_WIDTH
    bar_width = min(longest, max(0, width - label_width - COUNT_WIDTH))
    lines = []
    for code, count in coverage.gaps.items():
        label = tr(f"gap.{code}")
        padding = " " * (label_width - _cells(label))
        style = "$text-muted" if count == 0 else ""
        lines.append(
            Content.assemble(
                (label + padding, style),
                (f" {count:>5,} ", "bold" if count else style),
                (hbar(count / largest, bar_width).rstrip(), "$warning"),
            )
        )
    return Content("\n").join(lines)


def trend_content(trend: Trend, tr: Translator, width: int = 0, height: int = 0) -> Content:
    """Coverage month by month as columns, as tall and wide as the panel allows (the 24-line
    chart at least), with the axis and the months it spans."""
    points = trend.points
    values = [p.coverage_pct for p in points]
    if all(v is None for v in values):
        return Content(tr("dashboard.no_population"))
    goal = trend.target_pct
    low = chart_floor(values, goal)
    rows_high = min(TREND_MAX_HEIGHT, max(TREND_HEIGHT, height - 1))
    column = min(TREND_MAX_COLUMN, max(1, (width - TREND_AXIS) // len(values) - 1))
    rows = column_cells(values, low, 100.0, rows_high, width=column)
    lines = []
    for index, cells in enumerate(rows):
        axis = f"{100:>3}%" if index == 0 else (f"{low:>3.0f}%" if index == len(rows) - 1 else "")
        parts: list[tuple[str, str] | str] = [f"{axis:>4} "]
        for value, cell in zip(values, cells, strict=True):
            ok = value is not None and value >= goal
            parts.append((cell, "$success" if ok else "$error"))
            parts.append(" ")
        lines.append(Content.assemble(*parts))
    first, last = points[0], points[-1]
    lines.append(
        Content.assemble(
            "     ",
            tr.month(first.day),
            " … ",
            tr.month(last.day),
            "  ",
            (pct(last.coverage_pct), "bold"),
        )
    )
    return Content("\n").join(lines)


@dataclass(frozen=True)
class DaemonView:
    """What the overview says about sync, from the daemon's status file."""

    synced_at: dt.datetime | None
    sync_ok: bool
    pending: int
    running: bool
    problem: Message | str | None = None
    """The daemon's last error (a file it refused, a sync that failed), names and counts only;
    a catalogue message, shown in the app's language."""

    @classmethod
    def of(cls, last_sync: dict[str, Any] | None, pending: int, running: bool) -> DaemonView:
        synced_at = None
        if last_sync and isinstance(last_sync.get("at"), str):
            try:
                synced_at = dt.datetime.fromisoformat(last_sync["at"])
            except ValueError:
                synced_at = None
        ok = bool(last_sync and last_sync.get("ok"))
        return cls(synced_at, ok, int(pending or 0), running)


def daemon_content(view: DaemonView, now: dt.datetime, tr: Translator) -> Content:
    parts: list[str | tuple[str, str]] = [tr("dashboard.sync"), " "]
    if view.synced_at is None:
        parts.append((tr("dashboard.sync_never"), "$warning"))
    else:
        verdict = tr("dashboard.sync_ok") if view.sync_ok else tr("dashboard.sync_failed")
        parts.append((verdict, "bold $success" if view.sync_ok else "bold $error"))
        parts += [" · ", age_text(now - view.synced_at, tr)]
    if view.pending:
        parts += [" · ", tr("dashboard.sync_pending", n=tr.number(view.pending))]
    if not view.running:
        parts += [" · ", (tr("dashboard.daemon_stopped"), "$warning")]
    if view.problem and view.running:
        parts += [
            "\n",
            (tr("daemon.last_problem", message=shown(view.problem, tr.lang)), "$warning"),
        ]
    return Content.assemble(*parts)


def status_content(
    imports: LastImports | None,
    batch_loaded: bool,
    followups: FollowupSummary | None,
    daemon: DaemonView | None,
    now: dt.datetime,
    tr: Translator,
) -> Content:
    lines: list[Content] = []
    if not batch_loaded:
        lines.append(Content(tr("common.loading")))
    elif imports is None or (imports.good is None and imports.refused_since is None):
        lines.append(Content.styled(tr("dashboard.never_imported"), "$warning"))
    else:
        lines.extend(import_lines(imports, now, tr))
    if daemon is not None:
        lines.append(daemon_content(daemon, now, tr))
    if followups is not None:
        if daemon is None:
            lines.append(Content(""))
        lines.append(
            Content.assemble(
                tr("dashboard.followups"),
                " ",
                (tr.number(followups.pending), "bold $warning" if followups.pending else "bold"),
            )
        )
        lines.append(
            Content(
                tr(
                    "dashboard.followup_states",
                    none=tr.number(followups.not_started),
                    open=tr.number(followups.in_progress),
                    done=tr.number(followups.resolved),
                )
            )
        )
    return Content("\n").join(lines)


def import_lines(imports: LastImports, now: dt.datetime, tr: Translator) -> list[Content]:
    """The data's last good import (what the figures are made of), then either its file or,
    when a later file was refused, that refusal: a bad file never looks like bad data."""
    good, refused = imports.good, imports.refused_since
    if good is None:
        first = Content.styled(tr("dashboard.no_good_import"), "$warning")
    else:
        first = Content.assemble(
            tr("dashboard.last_good_import"),
            " ",
            (tr(f"import_status.{good.status}"), "bold $success"),
            " · ",
            age_text(good.age(now), tr),
        )
    if refused is not None:
        second = Content.styled(
            tr("dashboard.refused_since", age=age_text(refused.age(now), tr)), "$error"
        )
    else:
        second = Content.styled(
            terminal_safe(good.file_name.rsplit("/", 1)[-1]) if good else "", "$text-muted"
        )
    return [first, second]


def baht(value: Decimal) -> str:
    return f"{value:,.0f}"


def rates_note(pp: PpMoney, tr: Translator) -> str:
    """ "rates of 2569 carried forward" while the fiscal year has no catalog, else ""."""
    year = pp.rates_from_fiscal_year
    if year is None or year == pp.fiscal_year:
        return ""
    return tr("pp_rates.carried_forward", year=year)


def to_earn_text(pp: PpMoney, tr: Translator) -> str:
    """The baht still to earn this fiscal year from the persons due for a screening."""
    if not pp.due_count:
        return ""
    return tr("export.screen.to_earn", baht=baht(pp.to_earn_baht), due=tr.number(pp.due_count))


def pp_content(pp: PpMoney | None, months: list[MonthMoney] | None, tr: Translator) -> Content:
    """PP money against the target, by status, and paid / unclaimed month by month."""
    if pp is None or pp.qualifying == 0:
        return Content(tr("dashboard.pp_none"))
    lines = []
    if pp.claim_rate_pct is not None:
        ok = bool(pp.meets_target)
        colour = "$success" if ok else "$error"
        verdict = "pp_meets" if ok else "pp_below"
        lines.append(
            Content.assemble(
                tr("dashboard.pp_rate"),
                " ",
                (pct(pp.claim_rate_pct), f"bold {colour}"),
                " ",
                tr("dashboard.pp_of", eligible=baht(pp.eligible_baht)),
                "  ",
                (hbar(float(pp.claim_rate_pct) / 100, PP_BAR_WIDTH), colour),
                "  ",
                (tr(f"dashboard.{verdict}", target=f"{pp.target_pct:g}"), colour),
            )
        )
    amounts = tr(
        "dashboard.pp_amounts",
        paid=baht(pp.paid_baht),
        pending=baht(pp.pending_baht),
        denied=baht(pp.denied_baht),
        unclaimed=baht(pp.unclaimed_baht),
    )
    if pp.underpaid_baht:
        amounts += tr("dashboard.pp_underpaid", underpaid=baht(pp.underpaid_baht))
    lines.append(Content(amounts))
    if months:
        paid = [float(m.paid_baht) for m in months]
        unclaimed = [float(m.unclaimed_baht) for m in months]
        high = max([*paid, *unclaimed, 0.0])
        lines.append(
            Content.assemble(
                tr("dashboard.pp_months", first=tr.month(months[0].month)),
                " ",
                tr("dashboard.pp_paid"),
                " ",
                (spark(paid, high), "$success"),
                "  ",
                tr("dashboard.pp_unclaimed"),
                " ",
                (spark(unclaimed, high), "$warning"),
            )
        )
    return Content("\n").join(lines)


def age_text(age: dt.timedelta, tr: Translator) -> str:
    minutes = int(age.total_seconds() // 60)
    if minutes < 60:
        return tr("age.minutes", n=max(minutes, 0))
    if minutes < 48 * 60:
        return tr("age.hours", n=minutes // 60)
    return tr("age.days", n=minutes // (24 * 60))


def _cells(text: str) -> int:
    return Content(text).cell_length
