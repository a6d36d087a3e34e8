"""PP claims from the store: stored rows to the rules' inputs, and the judged result.

With a hospcode only that unit's services, persons and statement lines are read (a centre's
view); without one, every unit's, so limits count a person's services across units.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, RowMapping, Select, Table, select

from store.models import Person as PersonRow
from store.models import PpService, PpStatementLine
from store.pp.catalog import Catalog
from store.pp.catalog_store import load_catalog
from store.pp.claims import ClaimResult, StatementLine, match_claims
from store.pp.eligibility import Person, Service, evaluate, is_thai_nation
from store.pp.sources import row_fields

PERSONS: Table = PersonRow.__table__  # type: ignore[attr-defined]
SERVICES: Table = PpService.__table__  # type: ignore[attr-defined]
LINES: Table = PpStatementLine.__table__  # type: ignore[attr-defined]


def _for_unit(query: Select[Any], table: Table, hospcode: str | None) -> Select[Any]:
    return query if hospcode is None else query.where(table.c.hospcode == hospcode)


def load_persons(conn: Connection, hospcode: str | None = None) -> dict[tuple[str, str], Person]:
    """Persons by (hospcode, pid)."""
    columns = [PERSONS.c[n] for n in ("hospcode", "pid", "sex", "birth", "nation", "cid")]
    query = _for_unit(select(*columns), PERSONS, hospcode)
    return {
        (r.hospcode, r.pid): Person(r.sex, r.birth, is_thai_nation(r.nation), r.cid)
        for r in conn.execute(query)
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


def load_services(conn: Connection, hospcode: str | None = None) -> list[Service]:
    query = _for_unit(select(SERVICES), SERVICES, hospcode)
    return [service_from_row(row) for row in conn.execute(query).mappings()]


def load_statement_lines(conn: Connection, hospcode: str | None = None) -> list[StatementLine]:
    query = _for_unit(select(LINES), LINES, hospcode)
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
        )
        for r in conn.execute(query)
    ]


def load_claims(
    conn: Connection, hospcode: str | None = None, catalog: Catalog | None = None
) -> ClaimResult:
    """Every PP service in the store with its eligibility and claim status, and unmatched lines.

    `catalog` defaults to the stored catalog (shipped years filling the gaps).
    """
    catalog = catalog or load_catalog(conn)
    persons = load_persons(conn, hospcode)
    evaluations = evaluate(load_services(conn, hospcode), persons, catalog)
    return match_claims(evaluations, load_statement_lines(conn, hospcode), catalog)
