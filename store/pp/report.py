"""The PP claims report and each unit's PP money, as the stable `--json` of `sitthi report`.

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
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
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
)
from store.pp.nhso_errors import normalise
from store.pp.queries import Period, period_claims, period_money

REPORT_VERSION = 1
CLAIM_KEYS = (
    "hospcode",
    "pid",
    "date_serv",
    "item",
    "rate",
    "status",
    "paid",
    "reason",
    "error_code",
)
UNMATCHED_KEYS = (
    "hospcode",
    "cid",
    "date_serv",
    "item",
    "paid",
    "error_code",
    "statement_id",
    "reason",
)
PP_KEYS = (
    "fiscal_year",
    "rates_from_fiscal_year",
    "qualifying",
    "eligible_baht",
    "paid_baht",
    "denied_baht",
    "pending_baht",
    "unclaimed_baht",
    "claim_rate_pct",
)


def baht(amount: Decimal) -> float:
    """An amount as a JSON number with 2 decimals."""
    return float(amount.quantize(CENT))


def claims_report(
    conn: Connection,
    fiscal_year: int,
    *,
    as_of: dt.date | None = None,
    hospcode: str | None = None,
    status: ClaimStatus | None = None,
    lang: str = "th",
) -> dict[str, Any]:
    """The claims report (schema in the module text); `status` keeps only claims in it."""
    result = period_claims(conn, Period(fiscal_year, as_of=as_of), hospcode)
    claims = [c for c in result.claims if status is None or c.status is status]
    claims.sort(key=_claim_order)
    unmatched = sorted(result.unmatched, key=_unmatched_order)
    return {
        "version": REPORT_VERSION,
        "fiscal_year": fiscal_year,
        "rates_from_fiscal_year": load_catalog(conn).rates_year(fiscal_year),
        "claims": [claim_row(c, lang) for c in claims],
        "unmatched": [unmatched_row(u, lang) for u in unmatched],
    }


def claim_row(claim: ServiceClaim, lang: str = "th") -> dict[str, Any]:
    """One service's line of the claims report."""
    evaluation = claim.evaluation
    service = evaluation.service
    line = claim.line
    paid = line.paid if line is not None else None
    return {
        "hospcode": service.hospcode,
        "pid": service.pid,
        "date_serv": service.date.isoformat(),
        "item": evaluation.item.item,
        "rate": baht(evaluation.item.rate),
        "status": claim.status.value,
        "paid": None if paid is None else baht(paid),
        "reason": claim_reason(claim, lang),
        "error_code": claim.error.code if claim.error is not None else None,
    }


def claim_reason(claim: ServiceClaim, lang: str = "th") -> str | None:
    """Why a service is not eligible, else what its deciding line's error code means."""
    reason = claim.evaluation.reason
    if reason is not None:
        return reason.text(lang)
    error = claim.error
    return error.description(lang) if error is not None else None


def unmatched_row(unmatched: UnmatchedLine, lang: str = "th") -> dict[str, Any]:
    """One statement line that belongs to no service, its CID masked."""
    line = unmatched.line
    return {
        "hospcode": line.hospcode,
        "cid": mask_cid(line.cid),
        "date_serv": line.date_serv.isoformat(),
        "item": line.item_code,
        "paid": None if line.paid is None else baht(line.paid),
        "error_code": normalise(line.error_code) or None,
        "statement_id": line.statement_id,
        "reason": unmatched.text(lang),
    }


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


def pp_block(
    summary: MoneySummary | None, fiscal_year: int, rates_from: int | None
) -> dict[str, Any]:
    """A unit's `pp` block of the KPI report; zeros for a unit without PP services.
    `rates_from` is the catalog year the rates come from (`Catalog.rates_year`)."""
    if summary is None:
        summary = MoneySummary("", fiscal_year, 0, 0, ZERO, ZERO, ZERO, ZERO, ZERO, None)
    rate = summary.claim_rate_pct
    return {
        "fiscal_year": fiscal_year,
        "rates_from_fiscal_year": rates_from,
        "qualifying": summary.qualifying,
        "eligible_baht": baht(summary.eligible_baht),
        "paid_baht": baht(summary.paid_baht),
        "denied_baht": baht(summary.denied_baht),
        "pending_baht": baht(summary.pending_baht),
        "unclaimed_baht": baht(summary.unclaimed_baht),
        "claim_rate_pct": None if rate is None else baht(rate),
    }


def pp_blocks(
    conn: Connection,
    fiscal_year: int,
    units: Iterable[str],
    *,
    as_of: dt.date | None = None,
    hospcode: str | None = None,
) -> dict[str, dict[str, Any]]:
    """The `pp` block of each of `units` (services dated in the fiscal year up to `as_of`)."""
    catalog = load_catalog(conn)
    period = Period(fiscal_year, as_of=as_of)
    summaries = {s.hospcode: s for s in period_money(conn, period, hospcode, catalog)}
    rates_from = catalog.rates_year(fiscal_year)
    return {unit: pp_block(summaries.get(unit), fiscal_year, rates_from) for unit in units}


def carried_forward_note(fiscal_year: int, rates_from: int | None, lang: str) -> str | None:
    """What a place showing money says while the year's catalog is missing ("rates of 2569
    carried forward"); None when the year has its own catalog (or no rates at all)."""
    if rates_from is None or rates_from == fiscal_year:
        return None
    return render("pp_rates.carried_forward", lang, year=rates_from, fiscal_year=fiscal_year)
