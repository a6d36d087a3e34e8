"""A unit's KPI line to stored text and back, exactly: amounts as decimal strings, so the
report read from the store is the report evaluated (`KpiReport.to_json` cannot tell them apart).

Not the report's JSON (`UnitKpi.to_json` rounds amounts to JSON numbers and adds the ติด C
target of the day it is printed): this keeps every field of the typed result as it was.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from store.kpi import UnitKpi
from store.pp.report import PpMoney
from store.pp.statement_figures import MonthFigures, StatementFigures

_PP_AMOUNTS = (
    "eligible_baht",
    "paid_baht",
    "denied_baht",
    "pending_baht",
    "unclaimed_baht",
    "to_earn_baht",
)
_PP_COUNTS = ("fiscal_year", "rates_from_fiscal_year", "qualifying", "due_count")
_MONTH_AMOUNTS = ("statement_paid_baht", "transferred_baht")
_MONTH_COUNTS = ("rep_lines", "rep_lines_c", "transfers")


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _money(pp: PpMoney) -> dict[str, Any]:
    found: dict[str, Any] = {name: getattr(pp, name) for name in _PP_COUNTS}
    found.update({name: str(getattr(pp, name)) for name in _PP_AMOUNTS})
    found["claim_rate_pct"] = _amount(pp.claim_rate_pct)
    return found


def _month(month: MonthFigures) -> dict[str, Any]:
    found: dict[str, Any] = {
        "hospcode": month.hospcode,
        "year": month.month[0],
        "month": month.month[1],
    }
    found.update({name: getattr(month, name) for name in _MONTH_COUNTS})
    found.update({name: str(getattr(month, name)) for name in _MONTH_AMOUNTS})
    return found


def encode(unit: UnitKpi) -> str:
    """The unit's KPI line as stored text."""
    statements = unit.statements
    return json.dumps(
        {
            "hospcode": unit.hospcode,
            "population": unit.population,
            "thai_population": unit.thai_population,
            "covered": unit.covered,
            "coverage_pct": unit.coverage_pct,
            "gaps": list(unit.gaps.items()),
            "pp": _money(unit.pp),
            "statements": {
                "hospcode": statements.hospcode,
                "rep_lines": statements.rep_lines,
                "rep_lines_c": statements.rep_lines_c,
                "statement_paid_baht": str(statements.statement_paid_baht),
                "transferred_baht": str(statements.transferred_baht),
                "months": [_month(m) for m in statements.months],
            },
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def decode(text: str) -> UnitKpi:
    """The KPI line `encode` stored."""
    data = json.loads(text)
    pp = data["pp"]
    statements = data["statements"]
    return UnitKpi(
        hospcode=data["hospcode"],
        population=data["population"],
        thai_population=data["thai_population"],
        covered=data["covered"],
        coverage_pct=data["coverage_pct"],
        gaps={code: count for code, count in data["gaps"]},
        pp=PpMoney(
            fiscal_year=pp["fiscal_year"],
            rates_from_fiscal_year=pp["rates_from_fiscal_year"],
            qualifying=pp["qualifying"],
            eligible_baht=Decimal(pp["eligible_baht"]),
            paid_baht=Decimal(pp["paid_baht"]),
            denied_baht=Decimal(pp["denied_baht"]),
            pending_baht=Decimal(pp["pending_baht"]),
            unclaimed_baht=Decimal(pp["unclaimed_baht"]),
            claim_rate_pct=_decimal(pp["claim_rate_pct"]),
            due_count=pp["due_count"],
            to_earn_baht=Decimal(pp["to_earn_baht"]),
        ),
        statements=StatementFigures(
            hospcode=statements["hospcode"],
            months=tuple(
                MonthFigures(
                    hospcode=m["hospcode"],
                    month=(m["year"], m["month"]),
                    rep_lines=m["rep_lines"],
                    rep_lines_c=m["rep_lines_c"],
                    statement_paid_baht=Decimal(m["statement_paid_baht"]),
                    transferred_baht=Decimal(m["transferred_baht"]),
                    transfers=m["transfers"],
                )
                for m in statements["months"]
            ),
            rep_lines=statements["rep_lines"],
            rep_lines_c=statements["rep_lines_c"],
            statement_paid_baht=Decimal(statements["statement_paid_baht"]),
            transferred_baht=Decimal(statements["transferred_baht"]),
        ),
    )
