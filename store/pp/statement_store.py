"""The statement figures of each unit for a period, read from the store (see
`store.pp.statement_figures` for what they mean)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import Connection, select

from store import codes
from store.pp.queries import LINES, REP_LINES, STM_LINES, TRANSFERS, Period, for_unit
from store.pp.statement_figures import (
    PaidOnPaper,
    RepCheck,
    StatementFigures,
    Transfer,
    statement_figures,
)

C_RATE_TARGET = "rep_c_rate_target_pct"


def c_rate_target_pct() -> Decimal:
    """The most ติด C lines a unit should have, in per cent (settings.csv)."""
    return Decimal(codes.setting(C_RATE_TARGET))


def period_statement_figures(
    conn: Connection, period: Period, units: Iterable[str] = (), hospcode: str | None = None
) -> dict[str, StatementFigures]:
    """Each unit's REP lines and paid money of the visits dated in the period and its transfers
    made in the period; every unit of `units` is present, zeros when it has nothing."""
    between = period.bounds
    checks = [
        RepCheck(r.hospcode, r.date_serv, bool(r.error_code.strip()))
        for r in conn.execute(
            for_unit(
                select(REP_LINES.c.hospcode, REP_LINES.c.date_serv, REP_LINES.c.error_code),
                REP_LINES,
                hospcode,
            ).where(REP_LINES.c.date_serv.between(*between))
        )
    ]
    return statement_figures(
        checks, _paid_on_paper(conn, between, hospcode), _transfers(conn, between, hospcode), units
    )


def _paid_on_paper(
    conn: Connection, between: tuple[dt.date, dt.date], hospcode: str | None
) -> list[PaidOnPaper]:
    """Item lines' amounts and STM lines' PP + FS, by service date."""
    paid = [
        PaidOnPaper(r.hospcode, r.date_serv, r.paid)
        for r in conn.execute(
            for_unit(
                select(LINES.c.hospcode, LINES.c.date_serv, LINES.c.paid), LINES, hospcode
            ).where(LINES.c.date_serv.between(*between), LINES.c.paid > 0)
        )
    ]
    stm = for_unit(
        select(STM_LINES.c.hospcode, STM_LINES.c.date_serv, STM_LINES.c.pp, STM_LINES.c.fs),
        STM_LINES,
        hospcode,
    ).where(STM_LINES.c.date_serv.between(*between))
    for r in conn.execute(stm):
        money = (r.pp or Decimal(0)) + (r.fs or Decimal(0))
        if money > 0:
            paid.append(PaidOnPaper(r.hospcode, r.date_serv, money))
    return paid


def _transfers(
    conn: Connection, between: tuple[dt.date, dt.date], hospcode: str | None
) -> list[Transfer]:
    query = for_unit(select(TRANSFERS), TRANSFERS, hospcode).where(
        TRANSFERS.c.transfer_date.between(*between)
    )
    return [
        Transfer(r.hospcode, r.transfer_date, r.fund, r.amount, r.transferred)
        for r in conn.execute(query)
    ]
