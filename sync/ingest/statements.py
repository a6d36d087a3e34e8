"""NHSO statement and REP files (XLSX or CSV) → `pp_statement_line` rows.

Columns are found through `store/reference/nhso_statement_aliases.csv` (Thai or English, any
case). Every line is kept as written and never replaced: its id is the import batch and its row
number in the sheet, and `imported_at` with the row number orders it, so that of several lines
for one service the line imported last decides (see `store.pp.claims`). Dates may be CE or Thai
Buddhist-era, text or real Excel dates; CIDs that a spreadsheet turned into numbers get their
13 digits back; a blank amount stays blank (nothing paid yet), and unit codes that lost their
leading zeros get them back.
"""

from __future__ import annotations

import functools

from sqlalchemy import Table

from store.models import PpStatementLine
from sync.ingest.convert import Column
from sync.ingest.spec import LoaderSpec, number_lines

KIND = "nhso_statement"


@functools.cache
def statement_spec() -> LoaderSpec:
    target: Table = PpStatementLine.__table__  # type: ignore[attr-defined]
    return LoaderSpec(
        name=KIND,
        table=target,
        columns=(
            Column("hospcode", "hospcode", "unit"),
            Column("cid", "cid", "cid"),
            Column("date_serv", "date_serv", "date", event=True),
            Column("item_code", "item_code", "upper"),
            Column("paid", "paid", "baht"),
            Column("error_code", "error_code", "upper"),
            Column("statement_id", "statement_id"),
        ),
        required=frozenset({"hospcode", "cid", "date_serv", "item_code"}),
        key=("batch_id", "line_no"),
        version="imported_at",
        complete=number_lines,
        hospcode="hospcode",
    )
