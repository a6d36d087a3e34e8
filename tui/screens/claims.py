"""Which services to claim: PP money by item and status for a fiscal year (or one month of it),
and the services behind each figure, each with why it is not paid and what to do.

Items are shown by their Thai (or English) name from the PP catalog; `c` shows the codes
instead. The highlighted service's reason is shown whole under the list. `y`, `m` and `f` open
the year, month and status choices at once. The chosen filters are the screen's own state, so a
language switch (which redraws the screen) keeps them and the data they selected in step.
"""

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
from tui.widgets.listtable import ListTable
from tui.widgets.navbar import NavBar
from tui.widgets.statement_figures import statement_texts

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from exporters.document import Document
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
        Binding("c", "toggle_codes", "key.item_codes"),
        Binding("e", "export", "export.screen.key"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view: ClaimsView | None = None
        self.years: list[int] | None = None
        self.shown: list[ServiceClaim] = []
        self.year: int | None = None
        self.month: int | None = None
        self.status = ""
        self.show_codes = False

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
                value=self.month if self.month is not None else Select.NULL,
                id="claim-month",
            )
            yield Select(
                [(status.text(t.lang), status.value) for status in ClaimStatus],
                prompt=t("claims.all_statuses"),
                compact=True,
                value=self.status or Select.NULL,
                id="claim-status",
            )
        items: DataTable[object] = ListTable(cursor_type="row", id="claim-items")
        add_columns(items, self.item_columns())
        yield items
        yield Static(t("common.loading"), id="claims-summary", markup=False)
        services: DataTable[object] = ListTable(cursor_type="row", id="claim-services")
        add_columns(services, self.service_columns())
        yield services
        yield Static("", id="claim-reason", markup=False)
        yield SitthiFooter()

    def item_columns(self) -> Columns:
        """The item's name gives way to the figures on a narrow terminal, so the claim rate
        (the last column) is always shown whole."""
        widths = {
            "item": 22,
            "not_eligible": 7,
            "eligible": 9,
            "paid": 9,
            "short": 7,
            "pending": 8,
            "denied": 8,
            "unclaimed": 9,
            "rate": 7,
        }
        return [
            Column(k, self.t(f"claims.col_{k}"), w, wide_width=44, flex=True)
            if k == "item"
            else Column(k, self.t(f"claims.col_{k}"), w)
            for k, w in widths.items()
        ]

    def service_columns(self) -> Columns:
        widths = {"date": 10, "name": 16, "item": 14, "status": 12, "reason": 22}
        wide = {"name": 30, "item": 40, "status": 26, "reason": 80}
        return [
            Column(k, self.t(f"claims.col_{k}"), w, wide_width=wide.get(k))
            for k, w in widths.items()
        ]

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#claim-items", DataTable).focus()

    def chosen_year(self) -> int:
        from store.thaidate import fiscal_year

        return self.year if self.year is not None else fiscal_year(self.sitthi.as_of)

    def chosen_month(self) -> int | None:
        return self.month

    def chosen_status(self) -> str:
        return self.status

    def item_name(self, code: str) -> str:
        """The item's name in the app's language (its code when codes are asked for)."""
        if self.show_codes or self.view is None:
            return code
        for claim in self.view.claims:
            item = claim.evaluation.item
            if item.item == code:
                return item.name_en if self.t.lang == "en" else item.name_th
        return code

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
        shown = chosen if chosen in years or not years else years[0]
        with self.prevent(Select.Changed):
            select.set_options([(self.t("claims.fiscal_year", year=y), y) for y in years])
            if years:
                select.value = shown
        if shown != chosen:
            # the year on display is the one whose data is shown, never another
            self.year = shown
            self.reload()

    def show_view(self, view: ClaimsView) -> None:
        self.view = view
        rows = [(m.item, self.money_cells(self.item_name(m.item), m)) for m in view.items]
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
            baht(money.underpaid_baht),
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
                        self.item_name(claim.evaluation.item.item),
                        claim.status.text(self.t.lang),
                        claim_reason(claim, self.t.lang) or "",
                    ),
                )
            )
        fill_table(self.query_one("#claim-services", DataTable), self.service_columns(), rows)
        self.show_summary(view)
        self.show_reason()

    def show_reason(self) -> None:
        """The highlighted service's status and reason, whole (the list cuts them)."""
        from store.pp.report import claim_reason

        key = cursor_key(self.query_one("#claim-services", DataTable))
        if key is None or not self.shown:
            self.query_one("#claim-reason", Static).update("")
            return
        claim = self.shown[int(key)]
        reason = claim_reason(claim, self.t.lang)
        status = claim.status.text(self.t.lang)
        self.query_one("#claim-reason", Static).update(f"{status}: {reason}" if reason else status)

    @on(DataTable.RowHighlighted, "#claim-services")
    def service_highlighted(self) -> None:
        self.show_reason()

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
        summary = " · ".join(parts)
        lines = [summary, *statement_texts(view.statements, t)]
        self.query_one("#claims-summary", Static).update("\n".join(lines))

    @on(DataTable.RowHighlighted, "#claim-items")
    def item_highlighted(self) -> None:
        self.show_services()

    @on(Select.Changed, "#claim-status")
    def status_changed(self, event: Select.Changed) -> None:
        self.status = event.value if isinstance(event.value, str) else ""
        self.show_services()

    @on(Select.Changed, "#claim-year")
    def year_changed(self, event: Select.Changed) -> None:
        self.year = event.value if isinstance(event.value, int) else None
        self.reload()

    @on(Select.Changed, "#claim-month")
    def month_changed(self, event: Select.Changed) -> None:
        self.month = event.value if isinstance(event.value, int) else None
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

    def open_choices(self, selector: str) -> None:
        """Focus a filter and open its list of choices: one key, then the arrows and Enter."""
        choices = self.query_one(selector, Select)
        choices.focus()
        choices.expanded = True

    def action_focus_year(self) -> None:
        self.open_choices("#claim-year")

    def action_focus_month(self) -> None:
        self.open_choices("#claim-month")

    def action_focus_status(self) -> None:
        self.open_choices("#claim-status")

    def action_toggle_codes(self) -> None:
        self.show_codes = not self.show_codes
        if self.view is not None:
            self.show_view(self.view)

    def action_export(self) -> None:
        """The services shown (item, month and status filters included) as the claims
        officer's workbook, a sheet per status."""
        from tui.screens.exporting import export_on_screen

        view = self.view
        if view is None:
            return
        shown, as_of, hospcode, lang = (
            list(self.shown),
            self.sitthi.as_of,
            self.sitthi.hospcode,
            self.t.lang,
        )

        def build(conn: Connection) -> Document:
            from exporters.claims_list import claims_document
            from exporters.people import load_context, unit_of_store
            from store.pp.claims import ClaimStatus

            context = load_context(conn, as_of, hospcode, lang=lang)
            return claims_document(
                shown,
                view.names,
                context,
                hospcode=unit_of_store(conn, hospcode),
                fiscal_year=view.fiscal_year,
                statuses=tuple(ClaimStatus),
            )

        export_on_screen(self, build)


def baht(amount: Decimal) -> str:
    return f"{amount:,.0f}"


def pp_target() -> float:
    from store.kpi import pp_claim_target_pct

    return pp_claim_target_pct()
