"""Claim status of each PP service from NHSO statement lines, and the money per unit.

A statement line belongs to the service with the same unit, citizen ID, service date and item
(the line's item code read through the catalog of the service date's fiscal year, or, for a
KTB REP INDIVIDUAL line that names the service instead, its service name read through the
catalog's `nhso_names`). Several lines for one service: the line imported last decides, the
others stay as its history. Lines that belong to no service are returned as unmatched with the
reason, never dropped.

A line may carry NHSO's own verdict (`outcome`, the KTB `สถานะ`): `ไม่ชดเชย` denies the service
whatever the amount, `รออนุมัติ` leaves it pending; `ชดเชย` and the generic lines are judged by
their amount and error code.

An e-Claim REP line is a whole visit with no item code: it decides the visit's PP services that
no item-level line decides, denying them all when it has an error code, else sharing its PP and
FS money over them in proportion to their rates. An STM line of the same TRAN_ID confirms that
money and its amounts take the REP's place.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from store.pp.catalog import Catalog, CatalogItem
from store.pp.eligibility import Evaluation
from store.pp.labels import label
from store.pp.nhso_errors import ErrorCode, error_code
from store.thaidate import fiscal_year

ZERO = Decimal("0")
CENT = Decimal("0.01")


class Outcome(StrEnum):
    """What a statement says NHSO did, when it says so in words (KTB `สถานะ`)."""

    PAID = "PAID"
    DENIED = "DENIED"
    PENDING = "PENDING"


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
    item_name: str = ""
    """The service name of a KTB REP INDIVIDUAL line (used when `item_code` is blank)."""
    outcome: str = ""
    """NHSO's stated verdict (see `Outcome`), blank when the amount and error code decide."""
    remark: str = ""
    tran_id: str = ""
    from_visit: bool = False
    """Made from an e-Claim REP visit line for one of the visit's services."""
    confirmed: bool = False
    """The money of a visit line confirmed by an STM line of the same TRAN_ID."""

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
        params = {
            "item_code": self.line.item_code,
            "item_name": self.line.item_name,
            "fiscal_year": str(self.fiscal_year),
        }
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
    if line.outcome == Outcome.DENIED:
        return ClaimStatus.DENIED
    if line.outcome == Outcome.PENDING:
        return ClaimStatus.PENDING
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
    evaluations: Sequence[Evaluation],
    lines: Iterable[StatementLine],
    catalog: Catalog,
    visits: Iterable[VisitLine] = (),
) -> ClaimResult:
    """Every evaluated service with its status; every line either matched or reported.

    Services that share a key (same unit, CID, day and item) take their lines on the first
    eligible one of them (else the first), in date order. `visits` are e-Claim REP lines (with
    their STM confirmation); they decide the services of their visit that no line decides.
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
        item = resolve_line_item(catalog, line)
        if item is None:
            reason = "UNKNOWN_NAME" if not line.item_code.strip() else "UNKNOWN_ITEM"
            unmatched.append(UnmatchedLine(line, reason))
            continue
        target = targets.get((line.hospcode, line.cid, line.date_serv, item.item))
        if target is None:
            unmatched.append(UnmatchedLine(line, "NO_SERVICE"))
            continue
        matched.setdefault(target, []).append(line)
    unmatched.extend(_decide_visits(evaluations, targets, matched, visits))
    claims = []
    for index, evaluation in enumerate(evaluations):
        found = matched.get(index, [])
        deciding = found[-1] if found else None
        status = claim_status(evaluation, deciding)
        claims.append(ServiceClaim(evaluation, status, deciding, tuple(found[:-1])))
    return ClaimResult(tuple(claims), tuple(unmatched))


def resolve_line_item(catalog: Catalog, line: StatementLine) -> CatalogItem | None:
    """The catalog item a line names: by its item code, else by its service name."""
    year = fiscal_year(line.date_serv)
    if line.item_code.strip():
        return catalog.resolve(year, line.item_code)
    return catalog.resolve_name(year, line.item_name)


@dataclass(frozen=True)
class VisitLine:
    """One e-Claim REP line (a visit), with the STM line that confirms it if there is one."""

    hospcode: str
    cid: str
    date_serv: dt.date
    tran_id: str
    rep_no: str
    error_code: str
    pp: Decimal | None
    fs: Decimal | None
    imported_at: dt.datetime
    line_no: int
    id: str = ""
    stm: StmConfirmation | None = None

    @property
    def money(self) -> Decimal:
        """The visit's PP and FS money: the STM's when it confirms the line, else the REP's."""
        source = self.stm if self.stm is not None else self
        return (source.pp or ZERO) + (source.fs or ZERO)

    @property
    def has_error(self) -> bool:
        return bool(self.error_code.strip())

    @property
    def order(self) -> tuple[dt.datetime, int, str]:
        return (self.imported_at, self.line_no, self.id)


@dataclass(frozen=True)
class StmConfirmation:
    """The PP and FS amounts an STM statement paid for one TRAN_ID."""

    tran_id: str
    pp: Decimal | None
    fs: Decimal | None


def confirm_visits(visits: Iterable[VisitLine], stm: Iterable[StmConfirmation]) -> list[VisitLine]:
    """The REP lines with the STM line of their TRAN_ID attached (the last one given wins)."""
    by_tran = {s.tran_id: s for s in stm if s.tran_id}
    return [
        dataclasses.replace(v, stm=by_tran[v.tran_id]) if v.tran_id in by_tran else v
        for v in visits
    ]


def _decide_visits(
    evaluations: Sequence[Evaluation],
    targets: dict[ClaimKey, int],
    matched: dict[int, list[StatementLine]],
    visits: Iterable[VisitLine],
) -> list[UnmatchedLine]:
    """Give each visit's undecided eligible PP services a line made from its REP line (the
    visit's last imported REP line decides); REP lines with money and no PP service are
    returned as unmatched (other REP lines are visits of other funds)."""
    by_visit: dict[tuple[str, str, dt.date], list[int]] = {}
    for (hospcode, cid, day, _item), index in targets.items():
        by_visit.setdefault((hospcode, cid, day), []).append(index)
    latest: dict[tuple[str, str, dt.date], VisitLine] = {}
    for visit in sorted(visits, key=lambda v: v.order):
        latest[(visit.hospcode, visit.cid, visit.date_serv)] = visit
    unmatched = []
    for key, visit in latest.items():
        services = sorted(
            i for i in by_visit.get(key, ()) if evaluations[i].eligible and i not in matched
        )
        if not services:
            if not by_visit.get(key) and visit.money > ZERO:
                unmatched.append(UnmatchedLine(_visit_line(visit, "", None), "NO_VISIT_SERVICE"))
            continue
        paid: list[Decimal | None]
        if visit.has_error:
            paid = [ZERO] * len(services)
        else:
            shares = share_money(visit.money, [evaluations[i].item.rate for i in services])
            paid = [share if share > ZERO else None for share in shares]
        for index, amount in zip(services, paid, strict=True):
            matched[index] = [_visit_line(visit, evaluations[index].item.item, amount)]
    return unmatched


def _visit_line(visit: VisitLine, item: str, paid: Decimal | None) -> StatementLine:
    return StatementLine(
        hospcode=visit.hospcode,
        cid=visit.cid,
        date_serv=visit.date_serv,
        item_code=item,
        paid=paid,
        error_code=visit.error_code,
        statement_id=visit.rep_no,
        imported_at=visit.imported_at,
        line_no=visit.line_no,
        id=visit.id,
        tran_id=visit.tran_id,
        from_visit=True,
        confirmed=visit.stm is not None,
    )


def share_money(money: Decimal, rates: Sequence[Decimal]) -> list[Decimal]:
    """`money` shared over services in proportion to their rates, in satang; the last share
    takes the rounding so that the shares add up to `money` exactly."""
    total = sum(rates, ZERO)
    if not rates:
        return []
    if total <= ZERO:
        equal = (money / len(rates)).quantize(CENT, ROUND_HALF_UP)
        shares = [equal] * len(rates)
    else:
        shares = [(money * rate / total).quantize(CENT, ROUND_HALF_UP) for rate in rates]
    shares[-1] = money - sum(shares[:-1], ZERO)
    return shares


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
