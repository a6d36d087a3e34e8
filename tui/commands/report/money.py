"""The money tables of `sitthi report`: each unit's PP money, and claims by item and status.

Amounts stay `Decimal` from the rules to the printed cell: totals are exact sums and the paid
share is rounded by `store.pp.claims.claim_rate_pct`, the same rule as the KPI report's rate.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from tui.commands.report.texts import TEXTS
from tui.commands.tables import format_table

if TYPE_CHECKING:
    from store.kpi import UnitKpi
    from store.pp.report import ClaimRow, PpMoney

PP_MONEY = (
    "eligible_baht",
    "paid_baht",
    "denied_baht",
    "pending_baht",
    "unclaimed_baht",
    "underpaid_baht",
)
"""What is claimable, then its parts: they add up to it."""


def money(amount: Decimal) -> str:
    """An amount in baht with thousands separators and 2 decimals."""
    return f"{amount:,.2f}"


def share(pct: Decimal | None) -> str:
    return "-" if pct is None else f"{pct:.2f}"


def render_pp_money(units: Sequence[UnitKpi], date_text: str, lang: str) -> list[str]:
    """The KPI report's PP section: each unit's money and paid share against the target, and
    the baht the persons due for a screening would still bring this fiscal year (all units)."""
    from store.kpi import pp_claim_target_pct
    from store.pp.report import PpMoney

    text = TEXTS[lang]
    target = pp_claim_target_pct()
    rows = [_pp_cells(u.hospcode, u.pp, target, text) for u in units]
    total = PpMoney.combined([u.pp for u in units])
    if len(units) > 1:
        rows.append(_pp_cells(text["total"], total, target, text))
    headers = ["unit", "qualifying", *PP_MONEY, "claim_rate_pct", "vs_target"]
    year = units[0].pp.fiscal_year
    return [
        text["pp_title"].format(year=year, date=date_text),
        *rates_notice(year, units[0].pp.rates_from_fiscal_year, lang),
        text["pp_target"].format(target=f"{target:g}"),
        "",
        format_table([text[h] for h in headers], rows, "l" + "r" * (len(PP_MONEY) + 2) + "l"),
        text["pp_to_earn"].format(baht=money(total.to_earn_baht), due=f"{total.due_count:,}"),
    ]


def rates_notice(fiscal_year: int, rates_from: int | None, lang: str) -> list[str]:
    """The line saying the rates are another year's, carried forward (none when they are not)."""
    from store.i18n import render
    from store.pp.report import carried_forward_note

    note = carried_forward_note(fiscal_year, rates_from, lang)
    if note is None:
        return []
    hint = render("pp_rates.carried_forward_hint", lang, year=rates_from, fiscal_year=fiscal_year)
    return [f"{note}: {hint}"]


def _pp_cells(label: str, pp: PpMoney, target: float, text: dict[str, str]) -> list[str]:
    pct = pp.claim_rate_pct
    verdict = "-" if pct is None else text["met"] if pct >= target else text["below"]
    amounts = [money(getattr(pp, key)) for key in PP_MONEY]
    return [label, f"{pp.qualifying:,}", *amounts, share(pct), verdict]


def claims_table(claims: Sequence[ClaimRow], text: dict[str, str]) -> str:
    """Services per item and status, what is claimable and what was paid, with a total row."""
    from store.pp.claims import ClaimStatus

    statuses = list(ClaimStatus)
    items = sorted({c.item for c in claims})
    rows = [_claims_cells(i, [c for c in claims if c.item == i], statuses) for i in items]
    if len(items) > 1:
        rows.append(_claims_cells(text["all_items"], claims, statuses))
    headers = [
        text["item"],
        *(text[s.value] for s in statuses),
        text["eligible_baht"],
        text["paid_baht"],
        text["claim_rate_pct"],
    ]
    table = format_table(headers, rows, "l" + "r" * (len(statuses) + 3))
    return f"{table}\n{text['status_note']}"


def _claims_cells(label: str, claims: Sequence[ClaimRow], statuses: Sequence[object]) -> list[str]:
    from store.pp.claims import ZERO, claim_rate_pct

    counts = [sum(1 for c in claims if c.status is s) for s in statuses]
    qualifying = [c for c in claims if c.qualifies]
    eligible = sum((c.rate for c in qualifying), ZERO)
    paid = sum((c.paid_amount for c in qualifying), ZERO)
    rate = claim_rate_pct(paid, eligible)
    return [label, *(f"{n:,}" for n in counts), money(eligible), money(paid), share(rate)]
