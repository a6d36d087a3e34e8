"""The province's PP catalog when the shipped one lacks a fiscal year of the demo (the
statements themselves are written by `sync.simulate.statement_layouts`)."""

from __future__ import annotations

from pathlib import Path

from store.pp.catalog import Catalog, catalog_csv, shipped_catalog
from sync.simulate.centre import Centre
from sync.simulate.claims import demo_catalog


def province_catalog(centre: Centre) -> Catalog:
    """The items of the fiscal years of the centre's services that the shipped catalog lacks
    (empty when it has them all)."""
    shipped = set(shipped_catalog().fiscal_years)
    catalog = demo_catalog(centre.services.first_day, centre.today)
    return Catalog(tuple(i for i in catalog.items if i.fiscal_year not in shipped))


def write_province_catalog(directory: Path, catalog: Catalog) -> Path:
    """The province's catalog CSV for the fiscal years it holds."""
    years = "_".join(str(y) for y in catalog.fiscal_years)
    path = directory / f"pp_catalog_{years}.csv"
    path.write_bytes(catalog_csv(catalog).encode("utf-8"))
    return path
