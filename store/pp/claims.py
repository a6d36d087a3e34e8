"""Claim status of each PP service from NHSO statement lines, and the money per unit.

A statement line belongs to the service with the same unit, citizen ID, service date and item
(the line's item code read through the catalog of the service date's fiscal year). Several
lines for one service: the line imported last decides, the others stay as its history. Lines
that belong to no service are returned as unmatched with the reason, never dropped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from store.pp.catalog import Catalog
from store.pp.eligibility import Evaluation
from store.pp.labels import label
from store.pp.nhso_errors import ErrorCode, error_code
from store.thaidate import fiscal_year

ZERO = Decimal("0")
CENT = Decimal("0.01")


class ClaimStatus(StrEnum):
    NOT_ELIGIBLE = "NOT_ELIGIBLE"
    UNCLAIMED = "UNCLAIMED"
    PENDING = "PENDING"
    PAID = "PAID"
    PARTIAL = "PARTIAL"
    DENIED = "DENIED"

    def text(self, lang: str = "th") -> str:
        return label("status", self.value).text(lang)


@dataclass(frozen=True)
class StatementLine:
    """One NHSO statement line as imported; `paid` None when the file gives no amount."""

    hospcode: str
    cid: str
    date_serv: dt.date
    item_code: str
    paid: Decimal | None
    error_code: str
    statement_id: str
    imported_at: dt.datetime
    line_no: int
    id: str = ""

    @property
    def order(self) -> tuple[dt.datetime, int, str]:
        """Import order: the greatest decides."""
        return (self.imported_at, self.line_no, self.id)

    @property
    def paid_amount(self) -> Decimal:
        """Money actually paid: a blank, zero or negative amount is nothing paid."""
        return self.paid if self.paid is not None and self.paid > ZERO else ZERO

    @property
    def error(self) -> ErrorCode | None:
        return error_code(self.error_code) if self.error_code.strip() else None


@dataclass(frozen=True)
class ServiceClaim:
    """A PP service's claim status, the line that decided it and the earlier lines."""

    evaluation: Evaluation
    status: ClaimStatus
    line: StatementLine | None
    history: tuple[StatementLine, ...]

    @property
    def paid(self) -> Decimal:
        return self.line.paid_amount if self.line is not None else ZERO

    @property
    def error(self) -> ErrorCode | None:
        """The deciding line's error code with its meaning and fix, if it has one."""
        return self.line.error if self.line is not None else None


@dataclass(frozen=True)
class UnmatchedLine:
    """A statement line that belongs to no PP service; `reason` is a pp_labels.csv code."""

    line: StatementLine
    reason: str

    def text(self, lang: str = "th") -> str:
        params = {"item_code": self.line.item_code, "fiscal_year": str(self.fiscal_year)}
        return label("unmatched", self.reason).text(lang, params)

    @property
    def fiscal_year(self) -> int:
        return fiscal_year(self.line.date_serv)


@dataclass(frozen=True)
class ClaimResult:
    claims: tuple[ServiceClaim, ...]
    unmatched: tuple[UnmatchedLine, ...]


def claim_status(evaluation: Evaluation, line: StatementLine | None) -> ClaimStatus:
    """The status of a service given the line that decides it (None: no line)."""
    if not evaluation.eligible:
        return ClaimStatus.NOT_ELIGIBLE
    if line is None:
        return ClaimStatus.UNCLAIMED
    paid = line.paid_amount
    if paid >= evaluation.item.rate:
        return ClaimStatus.PAID
    if paid > ZERO:
        return ClaimStatus.PARTIAL
    if line.error is not None:
        return ClaimStatus.DENIED
    return ClaimStatus.PENDING


ClaimKey = tuple[str, str, dt.date, str]


def match_claims(
    evaluations: Sequence[Evaluation], lines: Iterable[StatementLine], catalog: Catalog
) -> ClaimResult:
    """Every evaluated service with its status; every line either matched or reported.

    Services that share a key (same unit, CID, day and item) take their lines on the first
    eligible one of them (else the first), in date order.
    """
    targets: dict[ClaimKey, int] = {}
    for index, evaluation in enumerate(evaluations):
        key = _service_key(evaluation)
        if key is None:
            continue
        current = targets.get(key)
        if current is None or (evaluation.eligible and not evaluations[current].eligible):
            targets[key] = index
    matched: dict[int, list[StatementLine]] = {}
    unmatched = []
    for line in sorted(lines, key=lambda ln: ln.order):
        item = catalog.resolve(fiscal_year(line.date_serv), line.item_code)
        if item is None:
            unmatched.append(UnmatchedLine(line, "UNKNOWN_ITEM"))
            continue
        target = targets.get((line.hospcode, line.cid, line.date_serv, item.item))
        if target is None:
            unmatched.append(UnmatchedLine(line, "NO_SERVICE"))
            continue
        matched.setdefault(target, []).append(line)
    claims = []
    for index, evaluation in enumerate(evaluations):
        found = matched.get(index, [])
        deciding = found[-1] if found else None
        status = claim_status(evaluation, deciding)
        claims.append(ServiceClaim(evaluation, status, deciding, tuple(found[:-1])))
    return ClaimResult(tuple(claims), tuple(unmatched))


def _service_key(evaluation: Evaluation) -> ClaimKey | None:
    person = evaluation.person
    if person is None or not person.cid:
        return None
    service = evaluation.service
    return (service.hospcode, person.cid, service.date, evaluation.item.item)


@dataclass(frozen=True)
class MoneySummary:
    """One unit's PP money in a fiscal year; amounts in baht.

    `eligible_baht` is rate × qualifying services; `paid_baht` the money actually paid for them;
    `denied_baht`, `pending_baht`, `unclaimed_baht` are rate × services in that status;
    `claim_rate_pct` is paid ÷ eligible in per cent (2 decimals), None when nothing qualified.
    """

    hospcode: str
    fiscal_year: int
    qualifying: int
    not_eligible: int
    eligible_baht: Decimal
    paid_baht: Decimal
    denied_baht: Decimal
    pending_baht: Decimal
    unclaimed_baht: Decimal
    claim_rate_pct: Decimal | None


@dataclass
class _Tally:
    qualifying: int = 0
    not_eligible: int = 0
    eligible: Decimal = ZERO
    paid: Decimal = ZERO
    by_status: dict[ClaimStatus, Decimal] = field(default_factory=dict)

    def add(self, claim: ServiceClaim) -> None:
        if claim.status is ClaimStatus.NOT_ELIGIBLE:
            self.not_eligible += 1
            return
        rate = claim.evaluation.item.rate
        self.qualifying += 1
        self.eligible += rate
        self.paid += claim.paid
        self.by_status[claim.status] = self.by_status.get(claim.status, ZERO) + rate

    def summary(self, hospcode: str, fiscal_year: int) -> MoneySummary:
        return MoneySummary(
            hospcode=hospcode,
            fiscal_year=fiscal_year,
            qualifying=self.qualifying,
            not_eligible=self.not_eligible,
            eligible_baht=self.eligible,
            paid_baht=self.paid,
            denied_baht=self.by_status.get(ClaimStatus.DENIED, ZERO),
            pending_baht=self.by_status.get(ClaimStatus.PENDING, ZERO),
            unclaimed_baht=self.by_status.get(ClaimStatus.UNCLAIMED, ZERO),
            claim_rate_pct=claim_rate_pct(self.paid, self.eligible),
        )


def claim_rate_pct(paid: Decimal, eligible: Decimal) -> Decimal | None:
    """Paid ÷ eligible in per cent, 2 decimals rounded half up; None when nothing qualified."""
    if eligible <= ZERO:
        return None
    return (paid * 100 / eligible).quantize(CENT, ROUND_HALF_UP)


def money_summary(claims: Iterable[ServiceClaim], fiscal_year: int) -> list[MoneySummary]:
    """Per unit (ordered by hospcode), the money of the services dated in the fiscal year."""
    tallies: dict[str, _Tally] = {}
    for claim in claims:
        if claim.evaluation.fiscal_year == fiscal_year:
            tallies.setdefault(claim.evaluation.service.hospcode, _Tally()).add(claim)
    return [tally.summary(unit, fiscal_year) for unit, tally in sorted(tallies.items())]
