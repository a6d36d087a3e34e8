"""The e-Claim REP file (`eclaim_{HCODE}_{TYPE}_{BE date}_{seq}.xls`, its Detail sheet) →
`nhso_rep_line` rows, one per visit (TRAN_ID).

A REP has about 120 columns; Sitthi keeps what the claim rules and the "ติด C" rate need: the
REP number, TRAN_ID, CID, visit date, error code, net compensation, the main fund and the PP and
FS fund money. The unit is the line's HCODE, else the file's (its title row or name). The same
visit (unit, REP number, TRAN_ID) imported again replaces the earlier copy; a corrected visit
comes back in a later REP under a new REP number and is a line of its own.
"""

from __future__ import annotations

import functools

from sqlalchemy import Table

from store.models import NhsoRepLine
from sync.ingest.convert import Column
from sync.ingest.spec import LoaderSpec, number_lines, unit_of_file

KIND = "eclaim_rep"


@functools.cache
def eclaim_rep_spec() -> LoaderSpec:
    target: Table = NhsoRepLine.__table__  # type: ignore[attr-defined]
    return LoaderSpec(
        name=KIND,
        table=target,
        columns=(
            Column("hospcode", "hospcode", "unit"),
            Column("rep_no", "rep_no"),
            Column("tran_id", "tran_id"),
            Column("cid", "cid", "cid"),
            Column("date_serv", "date_serv", "date", event=True),
            Column("error_code", "error_code", "upper"),
            Column("compensated", "compensated", "baht"),
            Column("pp", "pp", "baht"),
            Column("fs", "fs", "baht"),
            Column("main_fund", "main_fund", "free"),
        ),
        required=frozenset({"hospcode", "tran_id", "cid", "date_serv"}),
        key=("hospcode", "rep_no", "tran_id"),
        version="imported_at",
        complete=number_lines,
        hospcode="hospcode",
        defaults=unit_of_file,
    )
