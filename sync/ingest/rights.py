"""NHSO rights lists (batch checks, registered population, look-ups) → `nhso_right` rows.

A row is the right NHSO reported for a CID on a check date: the file's check-date column, else
the day of the import. The same CID and check date imported again replaces the earlier row.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from sqlalchemy import Table

from store.models import NhsoRight
from sync.ingest.convert import Column
from sync.ingest.spec import LoadContext, LoaderSpec

KIND = "nhso_rights"


def _complete(values: dict[str, list[object]], lines: Sequence[int], context: LoadContext) -> None:
    day = context.import_day
    values["checked_on"] = [checkdate or day for checkdate in values["checkdate"]]
    values["imported_at"] = [context.now] * len(lines)


@functools.cache
def rights_spec() -> LoaderSpec:
    target: Table = NhsoRight.__table__  # type: ignore[attr-defined]
    return LoaderSpec(
        name=KIND,
        table=target,
        columns=(
            Column("cid", "cid", "cid"),
            Column("maininscl", "maininscl", "upper"),
            Column("subinscl", "subinscl", "upper"),
            Column("hmain_op", "hmain_op", "unit"),
            Column("hsub", "hsub", "unit"),
            Column("hmain", "hmain", "unit"),
            Column("startdate", "startdate", "date"),
            Column("expdate", "expdate", "date"),
            Column("deathdate", "deathdate", "date", event=True),
            Column("status", "status", "free"),
            Column("checkdate", "checkdate", "date", event=True),
        ),
        required=frozenset({"cid"}),
        key=("cid", "checked_on"),
        version="imported_at",
        complete=_complete,
    )
