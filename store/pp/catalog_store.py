"""The PP catalog kept in the store, one set of rows per fiscal year.

A province's catalog replaces the stored rows of the fiscal years it names, all of them, in one
transaction; fiscal years with no stored rows use the catalog shipped with Sitthi, so a new
release's years appear without a step of their own. `seed_catalog` writes the shipped years
into the store (the province does it so that its units receive them like any other catalog).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping

from sqlalchemy import Connection, RowMapping, delete, insert, select

from store.ids import stable_id
from store.models import PpCatalogItem
from store.pp.catalog import (
    CATALOG,
    COLUMNS,
    NAME_SEPARATOR,
    Catalog,
    CatalogItem,
    catalog_from_rows,
    shipped_catalog,
)

TABLE = PpCatalogItem.__table__  # type: ignore[attr-defined]
SHIPPED = "shipped"


def catalog_item_id(fiscal_year: int, item: str) -> str:
    return stable_id("pp_catalog_item", fiscal_year, item)


def load_catalog(conn: Connection) -> Catalog:
    """The stored fiscal years, and the shipped catalog's other years."""
    rows = conn.execute(select(TABLE).order_by(TABLE.c.fiscal_year, TABLE.c.position))
    stored = catalog_from_rows(_as_catalog_rows(rows.mappings()), "the stored PP catalog")
    stored_years = set(stored.fiscal_years)
    shipped = [i for i in shipped_catalog().items if i.fiscal_year not in stored_years]
    return Catalog((*stored.items, *shipped))


def _as_catalog_rows(
    rows: Iterable[RowMapping],
) -> Iterator[tuple[int, Mapping[str | None, str | None]]]:
    for row in rows:
        text: dict[str | None, str | None] = {name: _cell(row[name]) for name in COLUMNS}
        yield int(str(row["position"])), text


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def replace_catalog(
    conn: Connection, catalog: Catalog, *, origin: str, now: dt.datetime | None = None
) -> int:
    """Store `catalog` in place of the stored rows of the fiscal years it names; rows written."""
    loaded_at = now or dt.datetime.now(dt.UTC)
    years = catalog.fiscal_years
    if not years:
        return 0
    conn.execute(delete(TABLE).where(TABLE.c.fiscal_year.in_(years)))
    rows = [
        _stored_row(item, position, origin, loaded_at)
        for year in years
        for position, item in enumerate(catalog.for_year(year), start=1)
    ]
    conn.execute(insert(TABLE), rows)
    return len(rows)


def seed_catalog(conn: Connection, now: dt.datetime | None = None) -> int:
    """Store the shipped catalog's fiscal years that the store has no rows for; rows written."""
    stored = set(conn.execute(select(TABLE.c.fiscal_year).distinct()).scalars())
    missing = [i for i in shipped_catalog().items if i.fiscal_year not in stored]
    return replace_catalog(conn, Catalog(tuple(missing)), origin=SHIPPED, now=now)


def _stored_row(
    item: CatalogItem, position: int, origin: str, loaded_at: dt.datetime
) -> dict[str, object]:
    return {
        "id": catalog_item_id(item.fiscal_year, item.item),
        "fiscal_year": item.fiscal_year,
        "position": position,
        "item": item.item,
        "name_th": item.name_th,
        "name_en": item.name_en,
        "rate": item.rate,
        "source": item.source,
        "code_field": item.code_field,
        "codes": item.codes_text,
        "sex": item.sex,
        "age_min": item.age_min,
        "age_max": item.age_max,
        "thai_only": item.thai_only,
        "max_per_pregnancy": item.max_per_pregnancy,
        "max_per_fiscal_year": item.max_per_fiscal_year,
        "min_interval_days": item.min_interval_days,
        "window_days": item.window_days,
        "nhso_codes": " ".join(item.nhso_codes),
        "nhso_names": NAME_SEPARATOR.join(item.nhso_names),
        "origin": origin or CATALOG,
        "loaded_at": loaded_at,
    }
