"""PP claims for the app: money by item and status, the services behind it, the monthly trend.

Everything comes from `store.pp.queries.period_claims` and `store.pp.claims.money_summary`, the
functions behind `sitthi report claims` and the KPI report's `pp` block, so the screen's totals
are the reports' totals.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection, func, select

from store.kpi import natural_key
from store.models import SQLModel
from store.pp.catalog_store import load_catalog
from store.pp.claims import (
    ZERO,
    ClaimStatus,
    ServiceClaim,
    claim_rate_pct,
    money_summary,
)
from store.pp.money_parts import ShortPaid
from store.pp.queries import Period, period_claims
from store.pp.statement_figures import StatementFigures
from store.pp.statement_store import period_statement_figures
from store.thaidate import fiscal_year, fiscal_year_bounds

PERSON = SQLModel.metadata.tables["person"]
PP_SERVICE = SQLModel.metadata.tables["pp_service"]


@dataclass(frozen=True)
class Money(ShortPaid):
    """Services and baht of one item (or all items) in a period, as `MoneySummary` counts them."""

    item: str
    name_th: str
    name_en: str
    services: int
    not_eligible: int
    eligible_baht: Decimal
    paid_baht: Decimal
    pending_baht: Decimal
    denied_baht: Decimal
    unclaimed_baht: Decimal

    @property
    def claim_rate_pct(self) -> Decimal | None:
        """Paid against claimable, as the reports compute it (2 decimals)."""
        return claim_rate_pct(self.paid_baht, self.eligible_baht)

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_th


@dataclass(frozen=True)
class ClaimsView:
    fiscal_year: int
    month: int | None
    items: tuple[Money, ...]
    total: Money
    claims: tuple[ServiceClaim, ...]
    """Every PP service of the period in report order (unit, date, PID, item)."""
    names: dict[tuple[str, str], str]
    """Person names by (hospcode, pid), for the rows."""
    unmatched: int
    statements: StatementFigures | None = None
    """The period's REP ติด C rate and money transferred, the units summed."""
    rates_from_fiscal_year: int | None = None
    """The catalog year of the rates: another than `fiscal_year` while it is carried forward."""


@dataclass(frozen=True)
class MonthMoney:
    month: dt.date
    """The first day of the month."""
    paid_baht: Decimal
    unclaimed_baht: Decimal


def money(
    claims: Iterable[ServiceClaim], year: int, item: str, name_th: str, name_en: str
) -> Money:
    """The claims' money, summed over units from `money_summary`."""
    listed = list(claims)
    units = money_summary(listed, year)

    def total(field: str) -> Decimal:
        return sum((getattr(u, field) for u in units), ZERO)

    return Money(
        item=item,
        name_th=name_th,
        name_en=name_en,
        services=len(listed),
        not_eligible=sum(u.not_eligible for u in units),
        eligible_baht=total("eligible_baht"),
        paid_baht=total("paid_baht"),
        pending_baht=total("pending_baht"),
        denied_baht=total("denied_baht"),
        unclaimed_baht=total("unclaimed_baht"),
    )


def claims_view(
    conn: Connection,
    year: int,
    month: int | None,
    as_of: dt.date,
    hospcode: str | None = None,
) -> ClaimsView:
    """The PP services of a fiscal year (or one of its months) up to `as_of`, with the money."""
    catalog = load_catalog(conn)
    result = period_claims(conn, Period(year, month, as_of), hospcode, catalog)
    claims = sorted(result.claims, key=_order)
    items: dict[str, list[ServiceClaim]] = {}
    for claim in claims:
        items.setdefault(claim.evaluation.item.item, []).append(claim)
    rows = []
    for code, item_claims in items.items():
        item = item_claims[0].evaluation.item
        rows.append(money(item_claims, year, code, item.name_th, item.name_en))
    total = money(claims, year, "", "", "")
    return ClaimsView(
        fiscal_year=year,
        month=month,
        items=tuple(rows),
        total=total,
        claims=tuple(claims),
        names=person_names(
            conn, {(c.evaluation.service.hospcode, c.evaluation.service.pid) for c in claims}
        ),
        unmatched=len(result.unmatched),
        statements=StatementFigures.combined(
            hospcode or "",
            period_statement_figures(conn, Period(year, month, as_of), (), hospcode).values(),
        ),
        rates_from_fiscal_year=catalog.rates_year(year),
    )


def _order(claim: ServiceClaim) -> tuple[object, ...]:
    service = claim.evaluation.service
    return (service.hospcode, service.date, natural_key(service.pid), claim.evaluation.item.item)


def person_names(conn: Connection, keys: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    if not keys:
        return {}
    units = {unit for unit, _ in keys}
    query = select(PERSON.c.hospcode, PERSON.c.pid, PERSON.c.name, PERSON.c.lname).where(
        PERSON.c.hospcode.in_(units)
    )
    return {
        (r.hospcode, r.pid): " ".join(p for p in (r.name, r.lname) if p)
        for r in conn.execute(query)
        if (r.hospcode, r.pid) in keys
    }


def money_by_month(
    conn: Connection, year: int, as_of: dt.date, hospcode: str | None = None
) -> list[MonthMoney]:
    """Paid and unclaimed baht of the fiscal year's services by service month, up to `as_of`:
    from the stored claim statuses when they hold (`store.judged`), else judged now."""
    from store.judged.read import stored_months_money

    first, last = fiscal_year_bounds(year)
    months = []
    day = first
    while day <= min(last, as_of):
        months.append(day)
        day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    stored = stored_months_money(conn, year, as_of, hospcode)
    if stored is not None:
        none = (ZERO, ZERO)
        return [MonthMoney(m, *stored.get(m, none)) for m in months]
    claims = period_claims(conn, Period(year, None, as_of), hospcode).claims
    return months_money(claims, months)


def months_money(claims: Iterable[ServiceClaim], months: list[dt.date]) -> list[MonthMoney]:
    """Paid and unclaimed baht of the claims by service month (`months`: first days)."""
    paid = dict.fromkeys(months, ZERO)
    unclaimed = dict.fromkeys(months, ZERO)
    for claim in claims:
        start = claim.evaluation.service.date.replace(day=1)
        if start not in paid or claim.status is ClaimStatus.NOT_ELIGIBLE:
            continue
        paid[start] += claim.paid
        if claim.status is ClaimStatus.UNCLAIMED:
            unclaimed[start] += claim.evaluation.item.rate
    return [MonthMoney(m, paid[m], unclaimed[m]) for m in months]


def service_years(conn: Connection, as_of: dt.date, hospcode: str | None = None) -> list[int]:
    """Fiscal years with PP services in the store, newest first; at least the as-of date's."""
    query = select(func.min(PP_SERVICE.c.date_serv), func.max(PP_SERVICE.c.date_serv))
    if hospcode is not None:
        query = query.where(PP_SERVICE.c.hospcode == hospcode)
    earliest, latest = conn.execute(query).one()
    current = fiscal_year(as_of)
    if earliest is None:
        return [current]
    years = range(fiscal_year(earliest), max(fiscal_year(latest), current) + 1)
    return sorted({*years, current}, reverse=True)


def claims_in(view: ClaimsView, item: str = "", status: str = "") -> list[ServiceClaim]:
    """The view's services of one item and/or status (blank: any)."""
    return [
        c
        for c in view.claims
        if (not item or c.evaluation.item.item == item) and (not status or c.status.value == status)
    ]
