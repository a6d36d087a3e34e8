"""The province view: every unit of the store in one league table, worst first, and the way into
any unit's own screens (enter) and back to all units."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from tui.screens.base import SitthiScreen
from tui.widgets.fields import Column, Columns, add_columns, cursor_key, fill_table
from tui.widgets.footer import SitthiFooter
from tui.widgets.listtable import ListTable
from tui.widgets.navbar import NavBar

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from exporters.document import Document
    from store.queries.units import League, UnitRow

DISTRICT_WIDTH = 10
MEETS = "✓"
BELOW = "✗"


class UnitsScreen(SitthiScreen):
    NAV = "units"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "sort", "key.sort"),
        Binding("d", "next_district", "units_district.key_filter"),
        Binding("g", "group_districts", "units_district.key_group"),
        Binding("a", "app.all_units", "key.all_units"),
        Binding("e", "export", "export.screen.key"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.league: League | None = None
        self.shown: list[UnitRow] = []
        self.sort_index = 0
        self.district: str | None = None
        """The one district shown (its AMPUR code), or None for all."""
        self.grouped = False

    def compose(self) -> ComposeResult:
        yield NavBar(self.NAV)
        yield Static(self.t("common.loading"), id="units-summary", markup=False)
        table: DataTable[object] = ListTable(cursor_type="row", zebra_stripes=True, id="units")
        add_columns(table, self.columns())
        yield table
        yield SitthiFooter()

    def columns(self) -> Columns:
        """Sized for 80 columns: the unit's name takes what the figures leave."""
        widths = {"hospcode": 5, "name": 16, "population": 8, "coverage": 10, "gaps": 6, "pp": 10}
        columns = [
            Column(
                k,
                self.t(f"units.col_{k}"),
                w,
                wide_width=50 if k == "name" else None,
                flex=k == "name",
            )
            for k, w in widths.items()
        ]
        columns.insert(4, Column("change", self.t("units_history.col_change"), 6))
        district = Column(
            "district",
            self.t("units_district.col_district"),
            DISTRICT_WIDTH,
            wide_width=30,
            flex=True,
        )
        return [*columns[:2], district, *columns[2:]]

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#units", DataTable).focus()

    def reload(self) -> None:
        as_of = self.sitthi.as_of
        gateway = self.sitthi.gateway
        share = self.shared(("league", as_of))

        def league() -> League:
            """Store the units that changed first (a write, cheap when none did), then the
            league: a read shared with any screen asking it at the same store version."""
            from store.judged.refresh import refresh_judgements
            from store.queries.units import unit_league

            gateway.write(lambda conn: refresh_judgements(conn, as_of))
            return gateway.read(lambda conn: unit_league(conn, as_of), share=share)

        self.off_ui(league, self.show_league, group="load")

    def render_data(self) -> None:
        if self.league is not None:
            self.show_league(self.league)
        self.query_one("#units", DataTable).focus()

    def show_league(self, league: League) -> None:
        from store.queries.units import SORT_KEYS, sort_units

        self.league = league
        sort_key = SORT_KEYS[self.sort_index]
        self.shown = by_district(sort_units(league.units, sort_key), self.district, self.grouped)
        table: DataTable[object] = self.query_one("#units", DataTable)
        fill_table(
            table, self.columns(), [(row.hospcode, self.cells(row, league)) for row in self.shown]
        )
        self.query_one("#units-summary", Static).update(
            self.district_summary(league)
            + self.t(
                "units.summary",
                units=self.t.number(len(self.shown)),
                coverage=f"{league.coverage_target_pct:g}",
                pp=f"{league.claim_target_pct:g}",
                sort=self.t(f"units.sort_{sort_key}"),
            )
        )

    def district_summary(self, league: League) -> str:
        """`อำเภอเมือง · ` when one district is shown, `grouped by district · ` when grouped
        (the count that follows is of the units shown)."""
        parts = []
        if self.district is not None:
            label = next(
                (u.district_label for u in league.units if u.district == self.district),
                self.district,
            )
            parts.append(
                self.t("units_district.filter", district=label or self.t("units_district.unknown"))
            )
        if self.grouped:
            parts.append(self.t("units_district.grouped"))
        return "".join(f"{part} · " for part in parts)

    def cells(self, row: UnitRow, league: League) -> tuple[str, ...]:
        return (
            row.hospcode,
            row.name,
            row.district_label or "–",
            self.t.number(row.population),
            marked(row.coverage_pct, league.coverage_target_pct),
            change(row.coverage_change_pct),
            self.t.number(row.gaps),
            marked(row.claim_rate_pct, league.claim_target_pct),
        )

    @on(DataTable.RowSelected, "#units")
    async def row_chosen(self) -> None:
        await self.action_open_unit()

    async def action_open_unit(self) -> None:
        key = cursor_key(self.query_one("#units", DataTable))
        for row in self.shown:
            if row.hospcode == key:
                await self.sitthi.select_unit(row.hospcode, row.name)
                return

    def action_export(self) -> None:
        """The league table in the order shown."""
        from store.queries.units import SORT_KEYS
        from tui.screens.exporting import export_on_screen

        rows, as_of, lang = tuple(self.shown), self.sitthi.as_of, self.t.lang
        sort_label = self.t(f"units.sort_{SORT_KEYS[self.sort_index]}")

        def build(_conn: Connection) -> Document:
            from exporters.units_list import units_document

            return units_document(rows, as_of, lang=lang, sort_label=sort_label)

        export_on_screen(self, build)

    def action_next_district(self) -> None:
        """All districts, then each district in turn (by code; units of no known district
        last), then all again."""
        if self.league is None:
            return
        found = {u.district for u in self.league.units}
        turns: list[str | None] = [None, *sorted(found - {""}), *([""] if "" in found else [])]
        now = turns.index(self.district) if self.district in turns else 0
        self.district = turns[(now + 1) % len(turns)]
        self.show_league(self.league)

    def action_group_districts(self) -> None:
        self.grouped = not self.grouped
        if self.league is not None:
            self.show_league(self.league)

    def action_sort(self) -> None:
        from store.queries.units import SORT_KEYS

        self.sort_index = (self.sort_index + 1) % len(SORT_KEYS)
        if self.league is not None:
            self.show_league(self.league)


def marked(value: float | None, target: float) -> str:
    """`97.50 % ✗`: the figure with whether it reaches its target; a dash without a figure."""
    if value is None:
        return "–"
    return f"{value:.2f} % {MEETS if value >= target else BELOW}"


def change(points: float | None) -> str:
    """`+1.25`: coverage points against the last closed month; a dash without both figures."""
    return "–" if points is None else f"{points:+.2f}"


def by_district(rows: list[UnitRow], district: str | None, grouped: bool) -> list[UnitRow]:
    """Only the units of `district` (None: all); grouped by district (by code, units of an
    unknown district last), each group in the order given."""
    shown = [row for row in rows if district is None or row.district == district]
    if grouped:
        shown.sort(key=lambda row: (row.district == "", row.district))
    return shown
