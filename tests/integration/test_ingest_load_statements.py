"""NHSO statements (XLSX and CSV) into the store, and the claim status they give each service."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine

from store.engine import read_tx
from store.pp.claims import ClaimStatus
from store.pp.queries import Period, period_claims
from sync.ingest.importer import import_paths
from sync.ingest.results import FileResult
from tests.support.ingest_builders import HOSPCODE, cid, count, rows_of
from tests.support.pp_builders import (
    AS_OF,
    FIRST_STATEMENT,
    HAND_COUNTED_STATUS,
    MAN,
    SECOND_STATEMENT,
    WOMAN,
    hand_counted_zip,
    statement_csv,
    statement_xlsx,
)

NOW = dt.datetime(2025, 5, 20, 9, 0, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(hours=1)
D = dt.date


def _import(engine: Engine, path: Path, now: dt.datetime = NOW) -> FileResult:
    [result] = import_paths(engine, [path], now=now)
    return result


def statuses(engine: Engine) -> dict[tuple[str, str], str]:
    with read_tx(engine) as conn:
        result = period_claims(conn, Period(2568, as_of=AS_OF))
    return {
        (c.evaluation.item.item, c.evaluation.service.date.isoformat()): c.status.value
        for c in result.claims
    }


def test_a_thai_xlsx_statement_with_be_dates_is_read_line_by_line(
    engine: Engine, tmp_path: Path
) -> None:
    path = statement_xlsx(tmp_path / "rep_2568_01.xlsx", FIRST_STATEMENT)
    result = _import(engine, path)
    assert (result.status, result.kind, result.hospcode) == ("loaded", "nhso_statement", HOSPCODE)
    assert [(p.table, p.rows_read, p.rows_loaded, p.issues) for p in result.parts] == [
        ("pp_statement_line", 5, 5, 0)
    ]
    lines = rows_of(
        engine,
        "pp_statement_line",
        "line_no", "hospcode", "cid", "date_serv", "item_code", "paid", "error_code",
        "statement_id",
        order="line_no",
    )  # fmt: skip
    assert lines[0] == (4, HOSPCODE, cid(WOMAN), D(2024, 10, 10), "ANC", Decimal("360.00"), "",
                        "STM6801")  # fmt: skip
    assert [line[6] for line in lines] == ["", "", "420.0", "603.0", "633.0"]
    assert [line[3] for line in lines] == [day for _pid, day, *_ in FIRST_STATEMENT]


def test_real_excel_dates_and_a_leading_zero_cid_lost_to_a_number_are_restored(
    engine: Engine, tmp_path: Path
) -> None:
    path = statement_xlsx(tmp_path / "rep.xlsx", FIRST_STATEMENT[:1], excel_dates=True)
    _import(engine, path)
    assert rows_of(engine, "pp_statement_line", "date_serv", "cid") == [
        (D(2024, 10, 10), cid(WOMAN))
    ]


def test_every_kind_of_statement_line_gives_its_status_through_the_store(
    engine: Engine, tmp_path: Path
) -> None:
    _import(engine, hand_counted_zip(tmp_path))
    assert set(statuses(engine).values()) == {"UNCLAIMED", "NOT_ELIGIBLE"}
    _import(engine, statement_xlsx(tmp_path / "first.xlsx", FIRST_STATEMENT))
    assert statuses(engine)[("ANC", "2025-02-10")] == "DENIED"
    _import(engine, statement_csv(tmp_path / "second.csv", SECOND_STATEMENT), now=LATER)
    assert statuses(engine) == {k: v for k, v in HAND_COUNTED_STATUS.items()}
    with read_tx(engine) as conn:
        result = period_claims(conn, Period(2568, as_of=AS_OF))
    resent = next(c for c in result.claims if c.evaluation.service.date == D(2025, 2, 10))
    assert resent.status is ClaimStatus.PAID
    assert [(h.error_code, h.statement_id) for h in resent.history] == [("603.0", "STM6801")]
    denied = next(c for c in result.claims if c.status is ClaimStatus.DENIED)
    assert denied.error is not None and denied.error.code == "420"
    assert sorted((u.reason, u.line.item_code) for u in result.unmatched) == [
        ("NO_SERVICE", "FPG"),
        ("UNKNOWN_ITEM", "XYZ"),
    ]


def test_importing_the_same_statement_again_is_a_no_op(engine: Engine, tmp_path: Path) -> None:
    path = statement_csv(tmp_path / "rep.csv", SECOND_STATEMENT)
    _import(engine, path)
    again = _import(engine, path, now=LATER)
    assert again.status == "unchanged"
    assert count(engine, "pp_statement_line") == len(SECOND_STATEMENT)


def test_a_statement_line_without_an_amount_stays_blank(engine: Engine, tmp_path: Path) -> None:
    lines = [(WOMAN, D(2025, 1, 10), "ANC", None, ""), (MAN, D(2025, 2, 1), "FIT", "1,060.5", "")]
    _import(engine, statement_csv(tmp_path / "rep.csv", lines))
    assert rows_of(engine, "pp_statement_line", "paid", order="line_no") == [
        (None,),
        (Decimal("1060.50"),),
    ]


def test_bad_statement_lines_are_quarantined_and_the_rest_load(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "rep.csv"
    path.write_text(
        "hcode,pid,date_serv,fs_code,amount,deny_code,rep_no\n"
        f"{HOSPCODE},{cid(WOMAN)},20250110,ANC,360,,R1\n"
        f"{HOSPCODE},{cid(WOMAN)[:12]}0,20250110,ANC,360,,R1\n"
        f"{HOSPCODE},{cid(WOMAN)},31/02/2568,ANC,360,,R1\n"
        f"{HOSPCODE},{cid(WOMAN)},20250110,ANC,three hundred,,R1\n"
        f"{HOSPCODE},{cid(WOMAN)},20250110,,360,,R1\n",
        encoding="utf-8",
    )
    result = _import(engine, path)
    part = result.parts[0]
    assert (part.rows_read, part.rows_loaded, part.issues) == (5, 1, 4)
    assert [(i.line, i.field) for i in part.sample] == [
        (3, "cid"),
        (4, "date_serv"),
        (5, "paid"),
        (6, "item_code"),
    ]
    assert all(cid(WOMAN)[:12] not in i.reason for i in part.sample)


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        (("hcode", "pid", "fs_code", "amount"), "date_serv"),
        (("pid", "date_serv", "fs_code", "amount"), "hospcode"),
    ],
)
def test_a_statement_without_a_mandatory_column_is_refused(
    engine: Engine, tmp_path: Path, header: tuple[str, ...], missing: str
) -> None:
    path = tmp_path / "rep.csv"
    path.write_text(",".join(header) + "\n" + ",".join("1" * len(header)) + "\n")
    result = _import(engine, path)
    assert (result.status, result.kind) == ("refused", "nhso_statement")
    assert missing in result.message and "nhso_statement_aliases.csv" in result.message
    assert count(engine, "pp_statement_line") == 0
