"""The KTB "REP INDIVIDUAL" report (Seamless for DMIS → Krungthai Digital Health Platform →
Export Excel) → `pp_statement_line` rows, one per claimed item.

The report names each item by its service name (`ชื่อบริการ`), not a code: the claim rules read
it through the catalog's `nhso_names`. NHSO's verdict is written in words (`สถานะ`), mapped to an
outcome by `store/reference/nhso_statement_outcomes.csv` (a blank status is not processed yet);
the amount paid is `ชดเชย`, the reason `หมายเหตุ`, and an NHSO error code written inside the
reason becomes the line's error code. The unit is the sending unit (`HSEND`), else the file's.
Like every statement line, a KTB line is kept as written and never replaced.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence

from sqlalchemy import Table

from store.models import PpStatementLine
from store.pp.nhso_errors import code_in_text
from store.reference import table
from sync.ingest.convert import Column, Derived
from sync.ingest.spec import LoadContext, LoaderSpec, number_lines, unit_of_file

KIND = "ktb_rep_individual"
OUTCOMES = "nhso_statement_outcomes.csv"


@functools.cache
def _outcomes() -> dict[str, str]:
    return {" ".join(r["text"].split()): r["outcome"] for r in table(OUTCOMES, key=("text",))}


def outcome_of(status: str) -> str:
    """The outcome a KTB status names; an unknown status leaves the amount to decide ("")."""
    return _outcomes().get(" ".join(status.split()), "")


def _outcome(fields: Mapping[str, str]) -> str:
    return outcome_of(fields["status"])


def _error_code(fields: Mapping[str, str]) -> str:
    return code_in_text(fields["remark"])


def _complete(values: dict[str, list[object]], lines: Sequence[int], context: LoadContext) -> None:
    number_lines(values, lines, context)
    values["item_code"] = [""] * len(lines)


@functools.cache
def ktb_rep_spec() -> LoaderSpec:
    target: Table = PpStatementLine.__table__  # type: ignore[attr-defined]
    return LoaderSpec(
        name=KIND,
        table=target,
        columns=(
            Column("hospcode", "hospcode", "unit"),
            Column("cid", "cid", "cid"),
            Column("date_serv", "date_serv", "date", event=True),
            Column("item_name", "item_name", "free"),
            Column("paid", "paid", "baht"),
            Column("rep_no", "statement_id"),
            Column("tran_id", "tran_id"),
            Column("remark", "remark", "free"),
        ),
        required=frozenset({"hospcode", "cid", "date_serv", "item_name"}),
        key=("batch_id", "line_no"),
        version="imported_at",
        derived=(
            Derived("outcome", ("status",), _outcome),
            Derived("error_code", ("remark",), _error_code),
        ),
        complete=_complete,
        hospcode="hospcode",
        defaults=unit_of_file,
    )
