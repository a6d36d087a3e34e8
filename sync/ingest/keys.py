"""Which columns name a synced row and which say how new it is: the importer's own keys,
for sync through `sync.ingest.importer`.

One source for both sides of sync: the server recomputes a pushed row's id from its natural key,
and the server and the client let a row's version column decide between two copies.
"""

from __future__ import annotations

import functools


@functools.cache
def natural_keys() -> dict[str, tuple[str, ...]]:
    """Table → the columns whose values make a facility-owned row's id (the importer's keys)."""
    from sync.ingest.f43_specs import f43_specs

    return {spec.table.name: spec.key for spec in f43_specs() if spec.hospcode}


@functools.cache
def version_columns() -> dict[str, str]:
    """Table → the column that says which copy of a row is newer (the importer's `version`)."""
    from store.pp.catalog_store import TABLE as CATALOG
    from sync.ingest.eclaim_rep import eclaim_rep_spec
    from sync.ingest.f43_specs import f43_specs
    from sync.ingest.rights import rights_spec
    from sync.ingest.smt import smt_spec
    from sync.ingest.statements import statement_spec
    from sync.ingest.stm import stm_spec

    specs = [
        *f43_specs(),
        rights_spec(),
        statement_spec(),
        eclaim_rep_spec(),
        stm_spec(),
        smt_spec(),
    ]
    return {spec.table.name: spec.version for spec in specs} | {CATALOG.name: CATALOG_VERSION}


CATALOG_VERSION = "loaded_at"
"""The PP catalog is no loader spec (`store.pp.catalog_store.replace_catalog` writes it): the
time its file was loaded says which copy is newer, as `imported_at` does for NHSO files."""
