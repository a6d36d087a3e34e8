"""PP claims from the store: stored rows to the rules' inputs, and the judged result.

With a hospcode only that unit's services, persons and statement lines are read (a centre's
view); without one, every unit's, so limits count a person's services across units.

`period_claims` and `period_money` are what screens and reports ask for: the claims of the
services dated in a fiscal year (or one month of it) up to an as-of date, with the statement
lines of those days that match no service, and each unit's money. Services before the period
are still read, since an item's interval counts from the person's last qualifying service of
any year; services after it are not, since a later service never changes an earlier one's
judgement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, RowMapping, Select, Table, select

from store.models import NhsoRepLine, NhsoStmLine, NhsoTransfer, PpService, PpStatementLine
from store.models import Person as PersonRow
from store.pp.catalog import Catalog
from store.pp.catalog_store import load_catalog
from store.pp.claims import (
    ClaimResult,
    MoneySummary,
    StatementLine,
    StmConfirmation,
    VisitLine,
    confirm_visits,
    match_claims,
    money_summary,
)
from store.pp.eligibility import Evaluation, Person, Service, evaluate, is_thai_nation
from store.pp.sources import row_fields
from store.thaidate import fiscal_year_bounds

PERSONS: Table = PersonRow.__table__  # type: ignore[attr-defined]
SERVICES: Table = PpService.__table__  # type: ignore[attr-defined]
LINES: Table = PpStatementLine.__table__  # type: ignore[attr-defined]
REP_LINES: Table = NhsoRepLine.__table__  # type: ignore[attr-defined]
STM_LINES: Table = NhsoStmLine.__table__  # type: ignore[attr-defined]
TRANSFERS: Table = NhsoTransfer.__table__  # type: ignore[attr-defined]


SERVICE_COLUMNS = (
    "id",
    "hospcode",
    "source",
    "pid",
    "seq",
    "date_serv",
    "gravida",
    "bdate",
    "cid",
    "fields_json",
)
"""The `pp_service` columns the rules' view of a service is built from (`service_from_row`);
each row is read as a plain dict of these, which is quicker to look up than a result row."""


def for_unit(query: Select[Any], table: Table, hospcode: str | None) -> Select[Any]:
    return query if hospcode is None else query.where(table.c.hospcode == hospcode)


def load_persons(conn: Connection, hospcode: str | None = None) -> dict[tuple[str, str], Person]:
    """Persons by (hospcode, pid)."""
    columns = [PERSONS.c[n] for n in ("hospcode", "pid", "sex", "birth", "nation", "cid")]
    query = for_unit(select(*columns), PERSONS, hospcode)
    return {
        (r.hospcode, r.pid): Person(r.sex, r.birth, is_thai_nation(r.nation), r.cid)
        for r in conn.execute(query).all()
    }


def service_from_row(row: Mapping[str, Any] | RowMapping) -> Service:
    """The rules' view of a stored `pp_service` row."""
    return Service(
        source=row["source"],
        hospcode=row["hospcode"],
        pid=row["pid"],
        seq=row["seq"],
        date=row["date_serv"],
        fields=row_fields(row),
        gravida=row["gravida"],
        related_date=row["bdate"],
        id=row["id"],
    )


def load_services(
    conn: Connection,
    hospcode: str | None = None,
    *,
    sources: frozenset[str] | None = None,
    until: dt.date | None = None,
) -> list[Service]:
    """Stored services; only rows of `sources` (upper-case file names) and dated up to `until`
    when given."""
    query = for_unit(select(*(SERVICES.c[name] for name in SERVICE_COLUMNS)), SERVICES, hospcode)
    if sources is not None:
        query = query.where(SERVICES.c.source.in_(sorted(sources)))
    if until is not None:
        query = query.where(SERVICES.c.date_serv <= until)
    rows = conn.execute(query).all()
    return [service_from_row(dict(zip(SERVICE_COLUMNS, row, strict=True))) for row in rows]


def load_statement_lines(
    conn: Connection,
    hospcode: str | None = None,
    *,
    between: tuple[dt.date, dt.date] | None = None,
) -> list[StatementLine]:
    """Stored statement lines; only those whose service date is within `between` when given."""
    query = for_unit(select(LINES), LINES, hospcode)
    if between is not None:
        query = query.where(LINES.c.date_serv.between(*between))
    return [
        StatementLine(
            hospcode=r.hospcode,
            cid=r.cid,
            date_serv=r.date_serv,
            item_code=r.item_code,
            paid=r.paid,
            error_code=r.error_code,
            statement_id=r.statement_id,
            imported_at=r.imported_at,
            line_no=r.line_no,
            id=r.id,
            item_name=r.item_name,
            outcome=r.outcome,
            remark=r.remark,
            tran_id=r.tran_id,
        )
        for r in conn.execute(query).all()
    ]


def load_visit_lines(
    conn: Connection,
    hospcode: str | None = None,
    *,
    between: tuple[dt.date, dt.date] | None = None,
) -> list[VisitLine]:
    """Stored e-Claim REP lines (visits dated within `between` when given), each with the STM
    line of its TRAN_ID when one is stored."""
    query = for_unit(select(REP_LINES), REP_LINES, hospcode)
    if between is not None:
        query = query.where(REP_LINES.c.date_serv.between(*between))
    visits = [
        VisitLine(
            hospcode=r.hospcode,
            cid=r.cid,
            date_serv=r.date_serv,
            tran_id=r.tran_id,
            rep_no=r.rep_no,
            error_code=r.error_code,
            pp=r.pp,
            fs=r.fs,
            imported_at=r.imported_at,
            line_no=r.line_no,
            id=r.id,
        )
        for r in conn.execute(query).all()
    ]
    if not visits:
        return []
    return confirm_visits(visits, load_stm_lines(conn, hospcode))


def load_stm_lines(conn: Connection, hospcode: str | None = None) -> list[StmConfirmation]:
    """Stored STM lines in import order (a later one for a TRAN_ID wins)."""
    query = for_unit(select(STM_LINES), STM_LINES, hospcode).order_by(
        STM_LINES.c.imported_at, STM_LINES.c.line_no
    )
    return [StmConfirmation(r.tran_id, r.pp, r.fs) for r in conn.execute(query)]


def load_claims(
    conn: Connection, hospcode: str | None = None, catalog: Catalog | None = None
) -> ClaimResult:
    """Every PP service in the store with its eligibility and claim status, and unmatched lines.

    `catalog` defaults to the stored catalog (shipped years filling the gaps).
    """
    catalog = catalog or load_catalog(conn)
    persons = load_persons(conn, hospcode)
    services = load_services(conn, hospcode, sources=catalog.sources)
    evaluations = evaluate(services, persons, catalog)
    lines = load_statement_lines(conn, hospcode)
    return match_claims(evaluations, lines, catalog, load_visit_lines(conn, hospcode))


@dataclass(frozen=True)
class Period:
    """The service days a claims view covers: a fiscal year (BE), or one calendar month of it
    (1-12; October to December fall in the year before the fiscal year's end), up to `as_of`."""

    fiscal_year: int
    month: int | None = None
    as_of: dt.date | None = None

    def __post_init__(self) -> None:
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"month {self.month} is not 1-12")

    @property
    def bounds(self) -> tuple[dt.date, dt.date]:
        """First and last day, the last no later than `as_of`."""
        first, last = fiscal_year_bounds(self.fiscal_year)
        if self.month is not None:
            year = first.year if self.month >= first.month else last.year
            first = dt.date(year, self.month, 1)
            following = dt.date(year + self.month // 12, self.month % 12 + 1, 1)
            last = following - dt.timedelta(days=1)
        if self.as_of is not None:
            last = min(last, self.as_of)
        return first, last

    def contains(self, day: dt.date) -> bool:
        first, last = self.bounds
        return first <= day <= last


def period_claims(
    conn: Connection,
    period: Period,
    hospcode: str | None = None,
    catalog: Catalog | None = None,
) -> ClaimResult:
    """The PP services dated in the period with their status (not-eligible ones included), in
    date order, and the statement lines of those days that belong to no service."""
    catalog = catalog or load_catalog(conn)
    evaluations = evaluated_services(conn, period.bounds[1], hospcode, catalog)
    return claims_of(conn, period, evaluations, hospcode, catalog)


def evaluated_services(
    conn: Connection, until: dt.date, hospcode: str | None, catalog: Catalog
) -> list[Evaluation]:
    """Every stored service of the catalog's sources dated up to `until`, judged for
    eligibility (earlier services count towards an item's limits, so all years are read)."""
    services = load_services(conn, hospcode, sources=catalog.sources, until=until)
    return evaluate(services, load_persons(conn, hospcode), catalog)


def claims_of(
    conn: Connection,
    period: Period,
    evaluations: list[Evaluation],
    hospcode: str | None,
    catalog: Catalog,
) -> ClaimResult:
    """`period_claims` of services already judged (`evaluated_services` up to the period's
    last day): matched with the period's statement lines."""
    result = match_stored_lines(conn, evaluations, hospcode, catalog, period.bounds)
    return ClaimResult(
        tuple(c for c in result.claims if period.contains(c.evaluation.service.date)),
        result.unmatched,
    )


def match_stored_lines(
    conn: Connection,
    evaluations: list[Evaluation],
    hospcode: str | None,
    catalog: Catalog,
    between: tuple[dt.date, dt.date],
) -> ClaimResult:
    """The judged services matched with every stored line that can decide them: the statement
    lines and the e-Claim REP visit lines (with their STM confirmation) dated within `between`.
    Every claims figure (the KPI report, the claims screen, the director's report) is matched
    here, so a service settled by a REP visit counts the same everywhere."""
    lines = load_statement_lines(conn, hospcode, between=between)
    visits = load_visit_lines(conn, hospcode, between=between)
    return match_claims(evaluations, lines, catalog, visits)


def period_money(
    conn: Connection,
    period: Period,
    hospcode: str | None = None,
    catalog: Catalog | None = None,
) -> list[MoneySummary]:
    """Each unit's PP money for the services dated in the period (units with services only)."""
    claims = period_claims(conn, period, hospcode, catalog).claims
    return money_summary(claims, period.fiscal_year)
