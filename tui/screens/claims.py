"""Which services to claim: PP money by item and status for a fiscal year (or one month of it),
and the services behind each figure, each with why it is not paid and what to do."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import DataTable, Select, Static

from tui.screens.base import SitthiScreen
from tui.widgets.fields import Column, Columns, add_columns, cursor_key, fill_table
from tui.widgets.footer import SitthiFooter
from tui.widgets.navbar import NavBar

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from store.pp.claims import ServiceClaim
    from store.queries.claims import ClaimsView, Money

TOTAL_KEY = "*"
FISCAL_MONTHS = (10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9)


class ClaimsScreen(SitthiScreen):
    NAV = "claims"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_claim", "key.open", show=False),
        Binding("y", "focus_year", "key.fiscal_year"),
        Binding("m", "focus_month", "key.month"),
        Binding("f", "focus_status", "key.status"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view: ClaimsView | None = None
        self.years: list[int] | None = None
        self.shown: list[ServiceClaim] = []

    def compose(self) -> ComposeResult:
        from store.pp.claims import ClaimStatus

        t = self.t
        yield NavBar(self.NAV)
        with Horizontal(id="claim-filters"):
            yield Select([], prompt=t("claims.year"), compact=True, id="claim-year")
            yield Select(
                [(t.month_name(m), m) for m in FISCAL_MONTHS],
                prompt=t("claims.all_months"),
                compact=True,
                id="claim-month",
            )
            yield Select(
                [(status.text(t.lang), status.value) for status in ClaimStatus],
                prompt=t("claims.all_statuses"),
                compact=True,
                id="claim-status",
            )
        items: DataTable[object] = DataTable(cursor_type="row", id="claim-items")
        add_columns(items, self.item_columns())
        yield items
        yield Static(t("common.loading"), id="claims-summary", markup=False)
        services: DataTable[object] = DataTable(cursor_type="row", id="claim-services")
        add_columns(services, self.service_columns())
        yield services
        yield SitthiFooter()

    def item_columns(self) -> Columns:
        widths = {
            "item": 10,
            "not_eligible": 7,
            "eligible": 9,
            "paid": 9,
            "pending": 8,
            "denied": 8,
            "unclaimed": 9,
            "rate": 7,
        }
        return [Column(k, self.t(f"claims.col_{k}"), w) for k, w in widths.items()]

    def service_columns(self) -> Columns:
        widths = {"date": 10, "name": 16, "item": 10, "status": 12, "reason": 26}
        return [Column(k, self.t(f"claims.col_{k}"), w) for k, w in widths.items()]

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#claim-items", DataTable).focus()

    def chosen_year(self) -> int:
        from store.thaidate import fiscal_year

        value = self.query_one("#claim-year", Select).value
        return value if isinstance(value, int) else fiscal_year(self.sitthi.as_of)

    def chosen_month(self) -> int | None:
        value = self.query_one("#claim-month", Select).value
        return value if isinstance(value, int) else None

    def chosen_status(self) -> str:
        value = self.query_one("#claim-status", Select).value
        return value if isinstance(value, str) else ""

    def reload(self) -> None:
        as_of, hospcode = self.sitthi.as_of, self.sitthi.hospcode
        year, month = self.chosen_year(), self.chosen_month()

        def years(conn: Connection) -> list[int]:
            from store.queries.claims import service_years

            return service_years(conn, as_of, hospcode)

        def view(conn: Connection) -> ClaimsView:
            from store.queries.claims import claims_view

            return claims_view(conn, year, month, as_of, hospcode)

        self.fetch(years, self.show_years, group="years")
        self.fetch(view, self.show_view)

    def render_data(self) -> None:
        if self.years is not None:
            self.show_years(self.years)
        if self.view is not None:
            self.show_view(self.view)
        self.query_one("#claim-items", DataTable).focus()

    def show_years(self, years: list[int]) -> None:
        self.years = years
        select: Select[int] = self.query_one("#claim-year", Select)
        chosen = self.chosen_year()
        with self.prevent(Select.Changed):
            select.set_options([(self.t("claims.fiscal_year", year=y), y) for y in years])
            select.value = chosen if chosen in years else years[0]

    def show_view(self, view: ClaimsView) -> None:
        self.view = view
        rows = [(m.item, self.money_cells(m.item, m)) for m in view.items]
        rows.append((TOTAL_KEY, self.money_cells(self.t("claims.total"), view.total)))
        table = self.query_one("#claim-items", DataTable)
        first_time = table.row_count == 0
        fill_table(table, self.item_columns(), rows)
        if first_time:
            table.move_cursor(row=len(rows) - 1, animate=False)
        self.show_services()

    def money_cells(self, label: str, money: Money) -> tuple[str, ...]:
        rate = money.claim_rate_pct
        return (
            label,
            f"{money.not_eligible:,}",
            baht(money.eligible_baht),
            baht(money.paid_baht),
            baht(money.pending_baht),
            baht(money.denied_baht),
            baht(money.unclaimed_baht),
            "–" if rate is None else f"{rate:.2f}",
        )

    def selected_item(self) -> str:
        key = cursor_key(self.query_one("#claim-items", DataTable))
        return "" if key in (None, TOTAL_KEY) else str(key)

    def show_services(self) -> None:
        from store.pp.report import claim_reason
        from store.queries.claims import claims_in

        view = self.view
        if view is None:
            return
        self.shown = claims_in(view, self.selected_item(), self.chosen_status())
        rows = []
        for index, claim in enumerate(self.shown):
            service = claim.evaluation.service
            rows.append(
                (
                    str(index),
                    (
                        self.t.short_date(service.date),
                        view.names.get((service.hospcode, service.pid), service.pid),
                        claim.evaluation.item.item,
                        claim.status.text(self.t.lang),
                        claim_reason(claim, self.t.lang) or "",
                    ),
                )
            )
        fill_table(self.query_one("#claim-services", DataTable), self.service_columns(), rows)
        self.show_summary(view)

    def show_summary(self, view: ClaimsView) -> None:
        t = self.t
        rate = view.total.claim_rate_pct
        parts = [
            t("claims.services", shown=t.number(len(self.shown)), total=t.number(len(view.claims)))
        ]
        if rate is not None:
            parts.append(t("claims.rate", rate=f"{rate:.2f}", target=f"{pp_target():g}"))
        if view.unmatched:
            parts.append(t("claims.unmatched", n=t.number(view.unmatched)))
        rates_from = view.rates_from_fiscal_year
        if rates_from is not None and rates_from != view.fiscal_year:
            parts.append(t("pp_rates.carried_forward", year=rates_from))
        self.query_one("#claims-summary", Static).update(" · ".join(parts))

    @on(DataTable.RowHighlighted, "#claim-items")
    def item_highlighted(self) -> None:
        self.show_services()

    @on(Select.Changed, "#claim-status")
    def status_changed(self) -> None:
        self.show_services()

    @on(Select.Changed, "#claim-year")
    @on(Select.Changed, "#claim-month")
    def period_changed(self) -> None:
        self.reload()

    @on(DataTable.RowSelected, "#claim-items")
    def item_chosen(self) -> None:
        self.query_one("#claim-services", DataTable).focus()

    @on(DataTable.RowSelected, "#claim-services")
    def service_chosen(self) -> None:
        self.action_open_claim()

    def action_open_claim(self) -> None:
        from tui.screens.claim import ClaimScreen

        table = self.query_one("#claim-services", DataTable)
        if not table.has_focus:
            table.focus()
            return
        key = cursor_key(table)
        if key is None or self.view is None:
            return
        claim = self.shown[int(key)]
        service = claim.evaluation.service
        name = self.view.names.get((service.hospcode, service.pid), "")
        self.app.push_screen(ClaimScreen(claim, name))

    def action_focus_year(self) -> None:
        self.query_one("#claim-year", Select).focus()

    def action_focus_month(self) -> None:
        self.query_one("#claim-month", Select).focus()

    def action_focus_status(self) -> None:
        self.query_one("#claim-status", Select).focus()


def baht(amount: Decimal) -> str:
    return f"{amount:,.0f}"


def pp_target() -> float:
    from store.kpi import pp_claim_target_pct

    return pp_claim_target_pct()
