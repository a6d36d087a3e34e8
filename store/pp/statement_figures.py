"""Per unit and month: the "ติด C" rate of e-Claim REP lines and the money NHSO transferred.

A REP line with an error code failed NHSO's checks ("ติด C") and must be corrected and resent;
the rate is those lines ÷ all REP lines of the unit's visits in the month (every line counts,
a resent visit again). The Smart Money Transfer file says what reached the unit's bank account;
it is shown beside the money the statements say was paid, so that a unit sees what is paid on
paper but not yet transferred. Pure functions: the store reads the rows (`store.pp.queries`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from store.pp.claims import CENT, ZERO

Month = tuple[int, int]
"""(CE year, month 1-12)."""


@dataclass(frozen=True)
class RepCheck:
    """What the ติด C rate needs of one REP line."""

    hospcode: str
    date_serv: dt.date
    has_error: bool


@dataclass(frozen=True)
class Transfer:
    """One Smart Money Transfer row: `transferred` is เงินโอนเข้าบัญชี, `amount` จำนวนเงิน."""

    hospcode: str
    transfer_date: dt.date
    fund: str
    amount: Decimal | None
    transferred: Decimal | None


@dataclass(frozen=True)
class PaidOnPaper:
    """Money a statement says was paid: a KTB/generic line's amount or an STM line's PP+FS,
    dated by the service."""

    hospcode: str
    date_serv: dt.date
    paid: Decimal


@dataclass(frozen=True)
class MonthFigures:
    """One unit's statement figures of one calendar month."""

    hospcode: str
    month: Month
    rep_lines: int = 0
    rep_lines_c: int = 0
    statement_paid_baht: Decimal = ZERO
    transferred_baht: Decimal = ZERO
    transfers: int = 0

    @property
    def c_rate_pct(self) -> Decimal | None:
        """ติด C lines ÷ REP lines in per cent (2 decimals), None without REP lines."""
        return c_rate_pct(self.rep_lines_c, self.rep_lines)

    @property
    def label(self) -> str:
        return f"{self.month[0]:04d}-{self.month[1]:02d}"

    def to_json(self) -> dict[str, Any]:
        return {
            "month": self.label,
            "rep_lines": self.rep_lines,
            "rep_lines_c": self.rep_lines_c,
            "c_rate_pct": _number_or_null(self.c_rate_pct),
            "statement_paid_baht": _number(self.statement_paid_baht),
            "transferred_baht": _number(self.transferred_baht),
        }


@dataclass(frozen=True)
class StatementFigures:
    """One unit's statement figures over a period, month by month (months with any figure)."""

    hospcode: str
    months: tuple[MonthFigures, ...] = ()
    rep_lines: int = 0
    rep_lines_c: int = 0
    statement_paid_baht: Decimal = ZERO
    transferred_baht: Decimal = ZERO

    @property
    def c_rate_pct(self) -> Decimal | None:
        return c_rate_pct(self.rep_lines_c, self.rep_lines)

    @property
    def transfers(self) -> int:
        """Smart Money Transfer rows in the period."""
        return sum(m.transfers for m in self.months)

    @property
    def shown(self) -> bool:
        """Whether there is anything to show beside the claims: REP lines or transfers (money
        paid on statements alone is in the claims already)."""
        return self.rep_lines > 0 or self.transfers > 0

    @property
    def untransferred_baht(self) -> Decimal:
        """Paid on paper but not (yet) in the bank; never below zero."""
        return max(self.statement_paid_baht - self.transferred_baht, ZERO)

    def above_target(self, target_pct: Decimal) -> bool:
        rate = self.c_rate_pct
        return rate is not None and rate > target_pct

    def to_json(self, c_rate_target_pct: Decimal) -> dict[str, Any]:
        """The KPI report's `statements` block (keys documented in `store.kpi`)."""
        return {
            "rep_lines": self.rep_lines,
            "rep_lines_c": self.rep_lines_c,
            "c_rate_pct": _number_or_null(self.c_rate_pct),
            "c_rate_target_pct": _number(c_rate_target_pct),
            "statement_paid_baht": _number(self.statement_paid_baht),
            "transferred_baht": _number(self.transferred_baht),
            "untransferred_baht": _number(self.untransferred_baht),
            "months": [month.to_json() for month in self.months],
        }

    @classmethod
    def combined(cls, hospcode: str, units: Iterable[StatementFigures]) -> StatementFigures:
        """Several units' figures as one (months added up, rates recomputed from the sums)."""
        months: dict[Month, MonthFigures] = {}
        for unit in units:
            for m in unit.months:
                have = months.get(m.month, MonthFigures(hospcode, m.month))
                months[m.month] = MonthFigures(
                    hospcode,
                    m.month,
                    have.rep_lines + m.rep_lines,
                    have.rep_lines_c + m.rep_lines_c,
                    have.statement_paid_baht + m.statement_paid_baht,
                    have.transferred_baht + m.transferred_baht,
                    have.transfers + m.transfers,
                )
        return _summed(hospcode, tuple(months[k] for k in sorted(months)))


def _number(amount: Decimal) -> float:
    return float(amount.quantize(CENT, ROUND_HALF_UP))


def _number_or_null(amount: Decimal | None) -> float | None:
    return None if amount is None else _number(amount)


def c_rate_pct(with_error: int, lines: int) -> Decimal | None:
    if lines == 0:
        return None
    return (Decimal(with_error) * 100 / lines).quantize(CENT, ROUND_HALF_UP)


@dataclass
class _Month:
    rep_lines: int = 0
    rep_lines_c: int = 0
    paid: Decimal = ZERO
    transferred: Decimal = ZERO
    transfers: int = 0


@dataclass
class _Unit:
    months: dict[Month, _Month] = field(default_factory=dict)

    def month(self, day: dt.date) -> _Month:
        return self.months.setdefault((day.year, day.month), _Month())


def statement_figures(
    checks: Iterable[RepCheck],
    paid: Iterable[PaidOnPaper],
    transfers: Iterable[Transfer],
    units: Iterable[str] = (),
) -> dict[str, StatementFigures]:
    """Each unit's figures (every unit of `units` present, zeros when it has none): REP lines
    and paid money by service month, transfers by transfer month."""
    tallies: dict[str, _Unit] = {unit: _Unit() for unit in units}
    for check in checks:
        month = tallies.setdefault(check.hospcode, _Unit()).month(check.date_serv)
        month.rep_lines += 1
        month.rep_lines_c += check.has_error
    for money in paid:
        tallies.setdefault(money.hospcode, _Unit()).month(money.date_serv).paid += money.paid
    for transfer in transfers:
        month = tallies.setdefault(transfer.hospcode, _Unit()).month(transfer.transfer_date)
        month.transferred += transfer.transferred or ZERO
        month.transfers += 1
    return {unit: _figures(unit, tally) for unit, tally in sorted(tallies.items())}


def _figures(hospcode: str, tally: _Unit) -> StatementFigures:
    months = tuple(
        MonthFigures(
            hospcode=hospcode,
            month=key,
            rep_lines=m.rep_lines,
            rep_lines_c=m.rep_lines_c,
            statement_paid_baht=m.paid,
            transferred_baht=m.transferred,
            transfers=m.transfers,
        )
        for key, m in sorted(tally.months.items())
    )
    return _summed(hospcode, months)


def _summed(hospcode: str, months: tuple[MonthFigures, ...]) -> StatementFigures:
    return StatementFigures(
        hospcode=hospcode,
        months=months,
        rep_lines=sum(m.rep_lines for m in months),
        rep_lines_c=sum(m.rep_lines_c for m in months),
        statement_paid_baht=sum((m.statement_paid_baht for m in months), ZERO),
        transferred_baht=sum((m.transferred_baht for m in months), ZERO),
    )
