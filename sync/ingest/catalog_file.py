"""A province's PP fee-schedule catalog (CSV) offered to `sitthi import`.

The file is recognised by its header: a first line made mostly of the catalog's column names
(`store.pp.catalog.COLUMNS`), so that a file with a misspelt or missing column is still taken
for a catalog and refused with that column named, rather than as an unknown file. It is checked
whole by `store.pp.catalog` before the store is touched: one bad cell refuses the file, with every
problem listed by line and column. A good file replaces the stored rows of the fiscal years it
names (`store.pp.catalog_store.replace_catalog`); a store that holds no catalog yet is first
seeded with the shipped one, so that its other years are stored too.
"""

from __future__ import annotations

import csv

from sqlalchemy import Connection, func, select

from store.pp.catalog import COLUMNS, Catalog, CatalogError, parse_catalog
from store.pp.catalog_store import TABLE, replace_catalog, seed_catalog
from sync.ingest.ledger import record_part
from sync.ingest.refused import Refused
from sync.ingest.results import PartResult
from sync.ingest.safezip import looks_like_zip
from sync.ingest.spec import LoadContext
from sync.ingest.tabular import OLE2_MAGIC

KIND = "pp_catalog"
ENCODING = "utf-8"
HEADER_SHARE = 0.5
"""Share of the catalog's columns a first line must name to be taken for a catalog header."""


def has_catalog_header(head: bytes) -> bool:
    """The file's first line (in its leading bytes `head`) is a catalog header."""
    if looks_like_zip(head) or head.startswith(OLE2_MAGIC):
        return False
    try:
        first = head.split(b"\n", 1)[0].decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    try:
        names = next(csv.reader([first]), [])
    except csv.Error:
        return False
    named = {n.strip().lower() for n in names} & set(COLUMNS)
    return "item" in named and len(named) >= HEADER_SHARE * len(COLUMNS)


def looks_like_catalog(data: bytes) -> str | None:
    """The file's text when its first line is a catalog header, else None."""
    if not has_catalog_header(data):
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def read_catalog_offer(data: bytes, name: str) -> Catalog | None:
    """The catalog in a file, None when the file is no catalog; refused when it is a bad one."""
    text = looks_like_catalog(data)
    if text is None:
        return None
    try:
        return parse_catalog(text, name)
    except CatalogError as error:
        raise Refused(error.reason or error.text, kind=KIND) from None


def load_catalog_file(
    conn: Connection, context: LoadContext, catalog: Catalog, name: str, sha256: str
) -> PartResult:
    """Store a checked catalog in the import's transaction (see the module text)."""
    stored = conn.execute(select(func.count()).select_from(TABLE)).scalar_one()
    if not stored:
        seed_catalog(conn, now=context.now)
    written = replace_catalog(conn, catalog, origin=name, now=context.now)
    part = PartResult(
        member=name,
        table=TABLE.name,
        encoding=ENCODING,
        has_header=True,
        rows_read=len(catalog.items),
        rows_loaded=written,
    )
    record_part(conn, context.batch_id, part, sha256)
    return part
