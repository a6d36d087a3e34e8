"""Every file of a synthetic centre, written where the user's own exports would land."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sync.simulate.centre import Centre, build_centre
from sync.simulate.f43 import f43_tables, write_f43_zip
from sync.simulate.nhso import old_rows, recent_rows, write_rights_csv, write_rights_xlsx
from sync.simulate.statement_files import (
    province_catalog,
    write_province_catalog,
    write_statement_csv,
    write_statement_xlsx,
)


def write_centre_files(centre: Centre, directory: Path) -> list[Path]:
    """In the order in which a centre would have received them: the older NHSO rights batch
    (CSV), the province's PP catalog when the shipped one lacks a fiscal year of the services,
    the 43-file zip, the recent NHSO rights list (XLSX), the older NHSO statement (XLSX) and the
    recent one (CSV)."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    old = old_rows(centre)
    if old:
        paths.append(write_rights_csv(directory, centre, old))
    catalog = province_catalog(centre)
    if catalog.items:
        paths.append(write_province_catalog(directory, catalog))
    paths.append(write_f43_zip(directory, centre.hospcode, centre.exported_at, f43_tables(centre)))
    recent = recent_rows(centre)
    if recent:
        paths.append(write_rights_xlsx(directory, centre, recent))
    statements = centre.statements
    if statements.older:
        paths.append(
            write_statement_xlsx(directory, centre, statements.older, statements.older_day)
        )
    if statements.recent:
        paths.append(
            write_statement_csv(directory, centre, statements.recent, statements.recent_day)
        )
    return paths


def write_demo_files(
    directory: Path,
    *,
    seed: int | None = None,
    today: dt.date | None = None,
    persons: int | None = None,
) -> tuple[Centre, list[Path]]:
    """Build the centre and write its files; the same arguments always give the same bytes."""
    centre = build_centre(seed=seed, today=today, persons=persons)
    return centre, write_centre_files(centre, directory)
