"""Every file of a synthetic centre, written where the user's own exports would land."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sync.simulate.centre import Centre, build_centre
from sync.simulate.f43 import f43_tables, write_f43_zip
from sync.simulate.nhso import old_rows, recent_rows, write_rights_csv, write_rights_xlsx


def write_centre_files(centre: Centre, directory: Path) -> list[Path]:
    """The older NHSO batch (CSV), the 43-file zip and the recent NHSO list (XLSX), in that
    order: the order in which a centre would have received them."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    old = old_rows(centre)
    if old:
        paths.append(write_rights_csv(directory, centre, old))
    paths.append(write_f43_zip(directory, centre.hospcode, centre.exported_at, f43_tables(centre)))
    recent = recent_rows(centre)
    if recent:
        paths.append(write_rights_xlsx(directory, centre, recent))
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
