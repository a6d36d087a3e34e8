"""Every file of a synthetic centre, written where the user's own exports would land."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sync.simulate.centre import Centre, build_centre
from sync.simulate.f43 import f43_tables, write_f43_zip
from sync.simulate.nhso import old_rows, recent_rows, write_rights_csv, write_rights_xlsx
from sync.simulate.statement_files import province_catalog, write_province_catalog
from sync.simulate.statement_layouts import (
    monthly_paid,
    visits_of,
    write_eclaim_rep,
    write_ktb_rep_individual,
    write_smt,
    write_stm,
)


def write_centre_files(centre: Centre, directory: Path) -> list[Path]:
    """In the order in which a centre would have received them: the older NHSO rights batch
    (CSV), the province's PP catalog when the shipped one lacks a fiscal year of the services,
    the 43-file zip, the recent NHSO rights list (XLSX), the older statement as an e-Claim REP
    (.xls) with the STM (.xls) that pays it, the recent one as a KTB REP INDIVIDUAL (.xlsx), and
    the Smart Money Transfer file of the money transferred so far."""
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
    visits = visits_of(statements.older, "TR") if statements.older else []
    if visits:
        rep_no = f"REP{statements.older_day:%y%m}0001"
        paths.append(write_eclaim_rep(directory, centre, visits, statements.older_day, rep_no))
        paths.append(write_stm(directory, centre, visits, statements.older_day, rep_no))
    if statements.recent:
        rep_no = f"KTB{statements.recent_day:%y%m}0002"
        recent_day = statements.recent_day
        paths.append(
            write_ktb_rep_individual(directory, centre, statements.recent, recent_day, rep_no)
        )
    paid = monthly_paid(visits, statements.recent)
    if len(paid) > 1:
        paths.append(write_smt(directory, centre, paid, centre.today))
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
