"""The STM statement (`STM_{HCODE}_{OP|IP}{fund}{BE yyyymm}_{seq}.xls`, its detail sheet
รายละเอียด) → `nhso_stm_line` rows, one per paid visit.

The statement names its unit only in a title row (or its file name), so every line takes the
file's unit. A line confirms the e-Claim REP line of the same TRAN_ID: its PP and FS amounts are
the money NHSO paid for that visit. The same TRAN_ID of one REP number imported again replaces
the earlier copy.
"""

from __future__ import annotations

import functools

from sqlalchemy import Table

from store.models import NhsoStmLine
from sync.ingest.convert import Column
from sync.ingest.spec import LoaderSpec, number_lines, unit_of_file

KIND = "nhso_stm"


@functools.cache
def stm_spec() -> LoaderSpec:
    target: Table = NhsoStmLine.__table__  # type: ignore[attr-defined]
    return LoaderSpec(
        name=KIND,
        table=target,
        columns=(
            Column("hospcode", "hospcode", "unit"),
            Column("rep_no", "rep_no"),
            Column("tran_id", "tran_id"),
            Column("cid", "cid", "cid_as_given"),
            Column("date_serv", "date_serv", "date", event=True),
            Column("claimed", "claimed", "baht"),
            Column("pp", "pp", "baht"),
            Column("fs", "fs", "baht"),
        ),
        required=frozenset({"hospcode", "tran_id"}),
        key=("hospcode", "rep_no", "tran_id"),
        version="imported_at",
        complete=number_lines,
        hospcode="hospcode",
        defaults=unit_of_file,
    )
