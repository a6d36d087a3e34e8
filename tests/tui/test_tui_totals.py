"""Screens that add up: each total is the sum of its parts or says what the rest is, and the
same thing has the same count on every screen and in the reports."""

from __future__ import annotations

from decimal import Decimal

import pytest
from textual.widgets import DataTable, Static

from store.engine import open_store, read_tx
from store.kpi import kpi_report
from store.pp.report import claims_report
from store.queries.dashboard import PpMoney
from store.rights.report import gaps_report
from store.thaidate import fiscal_year
from tests.support.tui_pilot import make_app, settle, text
from tests.support.tui_store import AS_OF, HOSPCODE
from tui.cli import main

pytestmark = pytest.mark.anyio


def reports(url: str) -> tuple[dict[str, object], list[dict[str, object]], int]:
    engine = open_store(url)
    with read_tx(engine) as conn:
        unit = kpi_report(conn, AS_OF).to_json()["units"][0]
        claims = claims_report(conn, fiscal_year(AS_OF), as_of=AS_OF).to_json()["claims"]
        persons = len(gaps_report(conn, AS_OF, HOSPCODE, False).gaps)
    engine.dispose()
    return unit, claims, persons


def pp_money(block: dict[str, object]) -> PpMoney:
    """The dashboard's money from the report's JSON block, amounts back in Decimal."""
    names = ("eligible_baht", "paid_baht", "pending_baht", "denied_baht", "unclaimed_baht")
    rate = block["claim_rate_pct"]
    eligible, paid, pending, denied, unclaimed = (Decimal(str(block[k])) for k in names)
    return PpMoney(
        fiscal_year=int(str(block["fiscal_year"])),
        qualifying=int(str(block["qualifying"])),
        eligible_baht=eligible,
        paid_baht=paid,
        pending_baht=pending,
        denied_baht=denied,
        unclaimed_baht=unclaimed,
        claim_rate_pct=None if rate is None else Decimal(str(rate)),
        target_pct=60.0,
    )


def test_the_pp_amounts_add_up_to_what_is_claimable(url: str) -> None:
    unit, claims, _ = reports(url)
    pp = pp_money(unit["pp"])  # type: ignore[arg-type]
    short = sum(
        (Decimal(str(c["rate"])) - Decimal(str(c["paid"] or 0)))
        for c in claims
        if c["status"] == "PARTIAL"
    )
    assert short > 0, "the test store has a partly paid claim"
    assert Decimal(str(pp.underpaid_baht)) == short
    parts = [pp.paid_baht, pp.pending_baht, pp.denied_baht, pp.unclaimed_baht, pp.underpaid_baht]
    assert Decimal(str(round(sum(parts), 2))) == Decimal(str(pp.eligible_baht))


async def test_the_overview_shows_the_short_paid_rest(url: str) -> None:
    unit, _, _ = reports(url)
    pp = pp_money(unit["pp"])  # type: ignore[arg-type]
    app = make_app(url, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        shown = text(app.screen.query_one("#pp", Static))
    assert f"short-paid {pp.underpaid_baht:,.0f}" in shown
    for amount in (pp.paid_baht, pp.pending_baht, pp.denied_baht, pp.unclaimed_baht):
        assert f"{amount:,.0f}" in shown


async def test_persons_with_gaps_are_one_count_on_every_screen(url: str) -> None:
    _, _, persons = reports(url)
    app = make_app(url, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        listed = app.screen.query_one("#worklist", DataTable).row_count
        await pilot.press("u")
        await settle(pilot)
        units = app.screen.query_one("#units", DataTable)
        in_league = str(units.get_cell(HOSPCODE, "gaps"))
    assert listed == persons == int(in_league)


def test_the_facility_list_population_is_the_kpi_population(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    unit, _, _ = reports(url)
    assert main(["facility", "list", "--db", url, "--lang", "en"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith(HOSPCODE))
    assert f" {unit['population']:,} " in f" {line} "


def amount(cell: object) -> Decimal:
    return Decimal(str(cell).replace(",", "") or "0")


MONEY_PARTS = ("paid", "short", "pending", "denied", "unclaimed")
"""The claims screen's columns that make up what is claimable."""


@pytest.mark.parametrize("lang", ["th", "en"])
async def test_the_claims_screens_parts_add_up_to_what_is_claimable(url: str, lang: str) -> None:
    unit, _, _ = reports(url)
    pp = pp_money(unit["pp"])  # type: ignore[arg-type]
    app = make_app(url, lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await settle(pilot)
        items = app.screen.query_one("#claim-items", DataTable)
        rows = [[items.get_cell(key, c) for c in ("eligible", *MONEY_PARTS)] for key in items.rows]
    shorts = [amount(row[2]) for row in rows]
    assert shorts[-1] == round(pp.underpaid_baht) > 0
    for eligible, *parts in rows:
        assert sum(amount(p) for p in parts) == amount(eligible), (eligible, parts)
    assert sum(shorts[:-1]) == shorts[-1]


def test_the_kpi_reports_money_adds_up_to_what_is_claimable(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    unit, _, _ = reports(url)
    pp = pp_money(unit["pp"])  # type: ignore[arg-type]
    assert main(["report", "kpi", "--as-of", AS_OF.isoformat(), "--db", url, "--lang", "en"]) == 0
    out = capsys.readouterr().out.splitlines()
    header = next(line for line in out if "Short-paid" in line)
    row = next(line for line in out[out.index(header) :] if line.startswith(HOSPCODE))
    figures = [amount(cell) for cell in row.split()[2:8]]
    eligible, *parts = figures
    assert parts[-1] == pp.underpaid_baht > 0
    assert sum(parts) == eligible
