"""The PP claims report and each unit's PP money: typed results, and their stable `--json`.

    claims: {"version": 1, "fiscal_year": N, "rates_from_fiscal_year": N,
             "claims": [{"hospcode", "pid", "date_serv", "item", "rate", "status", "paid",
                         "reason", "error_code"}],
             "unmatched": [{"hospcode", "cid", "date_serv", "item", "paid", "error_code",
                            "statement_id", "reason"}]}
    pp (a block of each unit in the KPI report):
            {"fiscal_year": N, "rates_from_fiscal_year": N, "qualifying", "eligible_baht",
             "paid_baht", "denied_baht", "pending_baht", "unclaimed_baht", "claim_rate_pct"}

`rates_from_fiscal_year` is the fiscal year whose catalog items and rates the money uses: the
fiscal year itself, or, while no catalog for it has been imported, the newest earlier year
(carried forward; every place that shows the money then says so), null when no catalog year is
that early.

`claims` lists every service dated in the fiscal year (up to the as-of date) that an item of the
catalog selects, not-eligible ones included, by unit, date, PID and item. `paid` is the deciding
statement line's amount, null when no line or no amount; `reason` the failed condition of a
not-eligible service, else the meaning of the deciding line's error code, else null;
`error_code` that code or null. `unmatched` lists the statement lines of the fiscal year that
belong to no service, with the CID masked. Amounts are numbers with 2 decimals; dates ISO.
In `pp`, `qualifying` counts the services that are not NOT_ELIGIBLE, `eligible_baht` is their
rates' sum, `paid_baht` the money actually paid for them, `denied_baht`, `pending_baht` and
`unclaimed_baht` the rates of the services in that status, and `claim_rate_pct` paid ÷ eligible
in per cent (2 decimals), null when nothing qualifies.

The results keep money in `Decimal` as the rules work it out; only `to_json` turns amounts into
JSON numbers, so whoever adds them up (the dashboard, the text tables) adds exact amounts.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection

from store.cid import mask_cid
from store.i18n import render
from store.pp.catalog_store import load_catalog
from store.pp.claims import (
    CENT,
    ZERO,
    ClaimStatus,
    MoneySummary,
    ServiceClaim,
    UnmatchedLine,
    claim_rate_pct,
)
from store.pp.money_parts import ShortPaid
from store.pp.nhso_errors import normalise
from store.pp.queries import Period, period_claims, period_money

REPORT_VERSION = 1


def baht(amount: Decimal) -> float:
    """An amount as a JSON number with 2 decimals."""
    return float(amount.quantize(CENT))


def _baht_or_null(amount: Decimal | None) -> float | None:
    return None if amount is None else baht(amount)


@dataclass(frozen=True)
class PpMoney(ShortPaid):
    """One unit's PP money in a fiscal year (the KPI report's `pp` block), amounts in baht."""

    fiscal_year: int
    rates_from_fiscal_year: int | None
    """The catalog year of the rates: another than `fiscal_year` while it is carried forward."""
    qualifying: int
    eligible_baht: Decimal
    paid_baht: Decimal
    denied_baht: Decimal
    pending_baht: Decimal
    unclaimed_baht: Decimal
    claim_rate_pct: Decimal | None
    due_count: int = 0
    """Screenings the responsible population is due for on the as-of date (`store.pp.due`)."""
    to_earn_baht: Decimal = ZERO
    """Baht still to earn this fiscal year: rate × persons due."""

    @classmethod
    def of(cls, summary: MoneySummary | None, fiscal_year: int, rates_from: int | None) -> PpMoney:
        """A unit's money from its summary; zeros for a unit without PP services. `rates_from`
        is the catalog year the rates come from (`Catalog.rates_year`)."""
        if summary is None:
            return cls(fiscal_year, rates_from, 0, ZERO, ZERO, ZERO, ZERO, ZERO, None)
        return cls(
            fiscal_year=fiscal_year,
            rates_from_fiscal_year=rates_from,
            qualifying=summary.qualifying,
            eligible_baht=summary.eligible_baht,
            paid_baht=summary.paid_baht,
            denied_baht=summary.denied_baht,
            pending_baht=summary.pending_baht,
            unclaimed_baht=summary.unclaimed_baht,
            claim_rate_pct=summary.claim_rate_pct,
        )

    @classmethod
    def combined(cls, blocks: Sequence[PpMoney]) -> PpMoney:
        """Several units' money as one (same fiscal year); the rate recomputed from the sums."""
        if len(blocks) == 1:
            return blocks[0]
        eligible = sum((b.eligible_baht for b in blocks), ZERO)
        paid = sum((b.paid_baht for b in blocks), ZERO)
        return cls(
            fiscal_year=blocks[0].fiscal_year,
            rates_from_fiscal_year=blocks[0].rates_from_fiscal_year,
            qualifying=sum(b.qualifying for b in blocks),
            eligible_baht=eligible,
            paid_baht=paid,
            denied_baht=sum((b.denied_baht for b in blocks), ZERO),
            pending_baht=sum((b.pending_baht for b in blocks), ZERO),
            unclaimed_baht=sum((b.unclaimed_baht for b in blocks), ZERO),
            claim_rate_pct=claim_rate_pct(paid, eligible),
            due_count=sum(b.due_count for b in blocks),
            to_earn_baht=sum((b.to_earn_baht for b in blocks), ZERO),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "fiscal_year": self.fiscal_year,
            "rates_from_fiscal_year": self.rates_from_fiscal_year,
            "qualifying": self.qualifying,
            "eligible_baht": baht(self.eligible_baht),
            "paid_baht": baht(self.paid_baht),
            "denied_baht": baht(self.denied_baht),
            "pending_baht": baht(self.pending_baht),
            "unclaimed_baht": baht(self.unclaimed_baht),
            "claim_rate_pct": _baht_or_null(self.claim_rate_pct),
            "due_count": self.due_count,
            "to_earn_baht": baht(self.to_earn_baht),
        }


@dataclass(frozen=True)
class ClaimRow:
    """One service's line of the claims report."""

    hospcode: str
    pid: str
    date_serv: dt.date
    item: str
    rate: Decimal
    status: ClaimStatus
    paid: Decimal | None
    """The deciding statement line's amount as written (None: no line, or no amount yet)."""
    reason: str | None
    error_code: str | None

    @property
    def qualifies(self) -> bool:
        return self.status is not ClaimStatus.NOT_ELIGIBLE

    @property
    def paid_amount(self) -> Decimal:
        """Money actually paid: a blank, zero or negative amount is nothing paid."""
        return self.paid if self.paid is not None and self.paid > ZERO else ZERO

    def to_json(self) -> dict[str, Any]:
        return {
            "hospcode": self.hospcode,
            "pid": self.pid,
            "date_serv": self.date_serv.isoformat(),
            "item": self.item,
            "rate": baht(self.rate),
            "status": self.status.value,
            "paid": _baht_or_null(self.paid),
            "reason": self.reason,
            "error_code": self.error_code,
        }


@dataclass(frozen=True)
class UnmatchedRow:
    """One statement line that belongs to no service, its CID masked."""

    hospcode: str
    cid: str
    date_serv: dt.date
    item: str
    paid: Decimal | None
    error_code: str | None
    statement_id: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {
            "hospcode": self.hospcode,
            "cid": self.cid,
            "date_serv": self.date_serv.isoformat(),
            "item": self.item,
            "paid": _baht_or_null(self.paid),
            "error_code": self.error_code,
            "statement_id": self.statement_id,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class ClaimsReport:
    """The claims report of one fiscal year (schema in the module text)."""

    fiscal_year: int
    rates_from_fiscal_year: int | None
    """The catalog year of the rates (see the module text)."""
    claims: tuple[ClaimRow, ...]
    unmatched: tuple[UnmatchedRow, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "version": REPORT_VERSION,
            "fiscal_year": self.fiscal_year,
            "rates_from_fiscal_year": self.rates_from_fiscal_year,
            "claims": [c.to_json() for c in self.claims],
            "unmatched": [u.to_json() for u in self.unmatched],
        }


def claims_report(
    conn: Connection,
    fiscal_year: int,
    *,
    as_of: dt.date | None = None,
    hospcode: str | None = None,
    status: ClaimStatus | None = None,
    lang: str = "th",
) -> ClaimsReport:
    """The claims report (schema in the module text); `status` keeps only claims in it."""
    result = period_claims(conn, Period(fiscal_year, as_of=as_of), hospcode)
    claims = [c for c in result.claims if status is None or c.status is status]
    claims.sort(key=_claim_order)
    unmatched = sorted(result.unmatched, key=_unmatched_order)
    return ClaimsReport(
        fiscal_year=fiscal_year,
        rates_from_fiscal_year=load_catalog(conn).rates_year(fiscal_year),
        claims=tuple(claim_row(c, lang) for c in claims),
        unmatched=tuple(unmatched_row(u, lang) for u in unmatched),
    )


def claim_row(claim: ServiceClaim, lang: str = "th") -> ClaimRow:
    """One service's line of the claims report."""
    evaluation = claim.evaluation
    service = evaluation.service
    line = claim.line
    return ClaimRow(
        hospcode=service.hospcode,
        pid=service.pid,
        date_serv=service.date,
        item=evaluation.item.item,
        rate=evaluation.item.rate,
        status=claim.status,
        paid=line.paid if line is not None else None,
        reason=claim_reason(claim, lang),
        error_code=claim.error.code if claim.error is not None else None,
    )


def claim_reason(claim: ServiceClaim, lang: str = "th") -> str | None:
    """Why a service is not eligible, else what its deciding line's error code means, else the
    reason NHSO wrote on the line (a KTB `หมายเหตุ` naming no known code)."""
    reason = claim.evaluation.reason
    if reason is not None:
        return reason.text(lang)
    error = claim.error
    if error is not None:
        return error.description(lang)
    remark = claim.line.remark if claim.line is not None else ""
    return remark or None


def unmatched_row(unmatched: UnmatchedLine, lang: str = "th") -> UnmatchedRow:
    """One statement line that belongs to no service, its CID masked."""
    line = unmatched.line
    return UnmatchedRow(
        hospcode=line.hospcode,
        cid=mask_cid(line.cid),
        date_serv=line.date_serv,
        item=line.item_code or line.item_name,
        paid=line.paid,
        error_code=normalise(line.error_code) or None,
        statement_id=line.statement_id,
        reason=unmatched.text(lang),
    )


def _claim_order(claim: ServiceClaim) -> tuple[Any, ...]:
    service = claim.evaluation.service
    return (service.hospcode, service.date, _natural(service.pid), claim.evaluation.item.item)


def _unmatched_order(unmatched: UnmatchedLine) -> tuple[Any, ...]:
    line = unmatched.line
    return (line.hospcode, line.date_serv, line.item_code, line.order)


_RUNS = re.compile(r"\d+|\D+")


def _natural(text: str) -> list[tuple[int, int, str]]:
    """PIDs compared with their numbers as numbers (`9` before `10`)."""
    return [(0, int(p), "") if p.isdecimal() else (1, 0, p) for p in _RUNS.findall(text)]


def pp_blocks(
    conn: Connection,
    fiscal_year: int,
    units: Iterable[str],
    *,
    as_of: dt.date | None = None,
    hospcode: str | None = None,
) -> dict[str, PpMoney]:
    """The PP money of each of `units` (services dated in the fiscal year up to `as_of`)."""
    catalog = load_catalog(conn)
    period = Period(fiscal_year, as_of=as_of)
    summaries = {s.hospcode: s for s in period_money(conn, period, hospcode, catalog)}
    rates_from = catalog.rates_year(fiscal_year)
    return {unit: PpMoney.of(summaries.get(unit), fiscal_year, rates_from) for unit in units}


def carried_forward_note(fiscal_year: int, rates_from: int | None, lang: str) -> str | None:
    """What a place showing money says while the year's catalog is missing ("rates of 2569
    carried forward"); None when the year has its own catalog (or no rates at all)."""
    if rates_from is None or rates_from == fiscal_year:
        return None
    return render("pp_rates.carried_forward", lang, year=rates_from, fiscal_year=fiscal_year)
