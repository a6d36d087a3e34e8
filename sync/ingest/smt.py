"""The Smart Money Transfer file (SMT Excel) → `nhso_transfer` rows, one per transfer.

The unit is named once, as "HCODE name" in cell A3 (the file's context); the data start on row
6. A transfer is unique by unit, batch number, fund and sub-fund and transfer day: the same
transfer imported again replaces the earlier copy. `เงินโอนเข้าบัญชี` is the money that reached
the bank account, after what was held back, offset and taxed.
"""

from __future__ import annotations

import functools

from sqlalchemy import Table

from store.models import NhsoTransfer
from sync.ingest.convert import Column
from sync.ingest.spec import LoaderSpec, number_lines, unit_of_file

KIND = "nhso_smt"


@functools.cache
def smt_spec() -> LoaderSpec:
    target: Table = NhsoTransfer.__table__  # type: ignore[attr-defined]
    return LoaderSpec(
        name=KIND,
        table=target,
        columns=(
            Column("hospcode", "hospcode", "unit"),
            Column("transfer_date", "transfer_date", "date", event=True),
            Column("batch_no", "batch_no"),
            Column("period", "period", "free"),
            Column("fund", "fund", "free"),
            Column("sub_fund", "sub_fund", "free"),
            Column("detail", "detail", "free"),
            Column("amount", "amount", "baht"),
            Column("transferred", "transferred", "baht"),
        ),
        required=frozenset({"hospcode", "transfer_date", "batch_no"}),
        key=("hospcode", "batch_no", "fund", "sub_fund", "transfer_date"),
        version="imported_at",
        complete=number_lines,
        hospcode="hospcode",
        defaults=unit_of_file,
    )
