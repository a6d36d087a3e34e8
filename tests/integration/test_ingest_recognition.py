"""Recognition that cannot mix kinds up (domain 7.2): a statement is never a rights list, a
file that fits no kind or several is refused naming what was seen, and a file whose every row
fails is refused with nothing written."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

import tui.cli
from store.engine import read_tx
from store.kpi import evaluate_units
from store.rights.rules import CoverageTally, tally
from sync.ingest.importer import import_paths
from sync.ingest.kinds import tabular_kinds
from sync.ingest.limits import DEFAULT_LIMITS
from sync.ingest.recognition import TabularKind, choose_kind
from sync.ingest.refused import Refused
from sync.ingest.rights import rights_spec
from sync.ingest.tabular import load_aliases, open_tabular
from tests.support.ingest_builders import (
    HOSPCODE,
    card,
    cid,
    count,
    data_rows,
    export_zip,
    f43_text,
    person,
    rows_of,
)
from tests.support.tabular_builders import XlsSheet, xls_book_bytes, xls_bytes, xlsx_bytes

NOW = dt.datetime(2025, 2, 1, 12, 0, tzinfo=dt.UTC)
AS_OF = dt.date(2025, 2, 1)


def csv_bytes(rows: list[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode()


def rep_shaped(rows: int = 3) -> list[Sequence[object]]:
    """A minimal e-Claim REP Detail sheet as NHSO serves it: title rows, a header with the
    statement's own columns beside PID, สิทธิหลัก and HMAIN, numeric cells."""
    header = [
        "REP No.", "TRAN_ID", "HN", "PID", "ชื่อ-สกุล", "วันเข้ารักษา",
        "ชดเชยสุทธิ", "Error Code", "สิทธิหลัก", "HCODE", "HMAIN",
    ]  # fmt: skip
    titles: list[Sequence[object]] = [
        ["รายงานผลการตรวจสอบข้อมูลการขอเบิก (REP)"],
        ["โรงพยาบาล 09901 โรงพยาบาลตัวอย่าง"],
        ["จังหวัด ตัวอย่าง"],
        ["เลขที่เอกสาร 680900001"],
        [],
    ]
    body: list[Sequence[object]] = [
        [f"680900{n}", 100 + n, f"{n:06d}", int(cid(n)), "ทดสอบ ระบบ", 25680115,
         360, "" if n % 2 else "C438", "UCS", 9901, 10676]
        for n in range(1, rows + 1)
    ]  # fmt: skip
    return [*titles, header, *body]


def stm_shaped() -> list[Sequence[object]]:
    """An STM detail sheet: the unit only in a title row, the detail header far down."""
    titles: list[Sequence[object]] = [["รายงานพึงรับ"], ["โรงพยาบาล 09901 โรงพยาบาลตัวอย่าง"]]
    titles += [[] for _ in range(10)]
    header = ["rep_no", "seq", "tran_id", "hn", "an", "pid", "name", "date_admit",
              "main_inscl", "amount_claimed"]  # fmt: skip
    body: list[Sequence[object]] = [
        ["680900001", 1, 101, "000001", "", int(cid(1)), "ทดสอบ", 25680115, "UCS", 360]
    ]
    return [*titles, header, *body]


def rights_figures(engine: Engine) -> list[tuple[str, CoverageTally]]:
    with read_tx(engine) as conn:
        units = list(evaluate_units(conn, AS_OF))
    return [(u.hospcode, tally(u.evaluations)) for u in units]


def people_and_rights(engine: Engine, tmp_path: Path) -> None:
    people = [person(n) for n in range(1, 4)]
    export = export_zip(
        tmp_path,
        person=f43_text("PERSON", people),
        card=f43_text("CARD", [card(n) for n in range(1, 4)]),
    )
    rights = tmp_path / "rights.csv"
    rights.write_bytes(
        csv_bytes(
            [
                ["pid", "maininscl", "hmain_op", "hsub", "checkdate"],
                [cid(1), "UCS", HOSPCODE, HOSPCODE, "20250110"],
                [cid(2), "UCS", "10676", "10676", "20250110"],
                [cid(3), "UCS", HOSPCODE, HOSPCODE, "20250110"],
            ]
        )
    )
    results = import_paths(engine, [export, rights], now=NOW)
    assert [r.status for r in results] == ["loaded", "loaded"]


# --- a statement is never a rights list ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("eclaim_09901_OP_25680910_01.xlsx", xlsx_bytes(rep_shaped())),
        ("eclaim_09901_OP_25680910_01.xls", xls_bytes(rep_shaped())),
        ("STM_09901_OPUCS256801_01.xls", xls_bytes(stm_shaped())),
        ("report.csv", csv_bytes(rep_shaped())),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_a_statement_shaped_table_is_never_recognised_as_a_rights_list(
    name: str, data: bytes
) -> None:
    sheets = open_tabular(data, name, DEFAULT_LIMITS)
    try:
        kind, _header = choose_kind(sheets, tabular_kinds(), name)
    except Refused as refusal:
        assert "NHSO rights list" in refusal.message
        return
    assert kind.kind != "nhso_rights"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("eclaim_09901_OP_25680910_01.xlsx", xlsx_bytes(rep_shaped())),
        ("STM_09901_OPUCS256801_01.xls", xls_bytes(stm_shaped())),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_importing_a_statement_shaped_file_leaves_the_rights_figures_unchanged(
    engine: Engine, tmp_path: Path, name: str, data: bytes
) -> None:
    people_and_rights(engine, tmp_path)
    before = (rights_figures(engine), rows_of(engine, "nhso_right", "cid", "hmain_op", "hsub"))
    statement = tmp_path / name
    statement.write_bytes(data)
    [result] = import_paths(engine, [statement], now=NOW)
    assert result.kind != "nhso_rights"
    figures = rights_figures(engine)
    known = {hospcode for hospcode, _tally in before[0]}
    # The statement's own unit may now be listed (its lines belong to it), with nobody in it.
    assert all(t.population == 0 for hospcode, t in figures if hospcode not in known)
    kept = [(hospcode, t) for hospcode, t in figures if hospcode in known]
    after = (kept, rows_of(engine, "nhso_right", "cid", "hmain_op", "hsub"))
    assert after == before
    assert count(engine, "nhso_right") == 3


def test_a_rights_list_with_a_money_column_is_refused_naming_it() -> None:
    data = csv_bytes([["pid", "maininscl", "hmain_op", "ชดเชยสุทธิ"], [cid(1), "UCS", "07543", 0]])
    with pytest.raises(Refused) as refused:
        choose_kind(open_tabular(data, "rights.csv", DEFAULT_LIMITS), tabular_kinds(), "r.csv")
    text = refused.value.message
    assert "Columns seen: pid, maininscl, hmain_op, ชดเชยสุทธิ" in text
    assert "NHSO rights list: has columns this kind never has (ชดเชยสุทธิ)" in text
    assert "NHSO statement / REP file: no row names its columns" in text


# --- no kind, several kinds ---------------------------------------------------------------------


def test_a_table_of_no_kind_is_refused_naming_the_kinds_considered_in_thai_and_english() -> None:
    data = csv_bytes([["pid", "hmain_op", "status"], [cid(1), "07543", "ok"]])
    with pytest.raises(Refused) as refused:
        choose_kind(open_tabular(data, "x.csv", DEFAULT_LIMITS), tabular_kinds(), "x.csv")
    reason = refused.value.reason
    assert reason is not None
    english, thai = reason.render("en"), reason.render("th")
    assert "Columns seen: pid, hmain_op, status" in english
    assert "NHSO rights list: no column for maininscl" in english
    assert "รายการสิทธิจาก สปสช.: ไม่มีคอลัมน์ maininscl" in thai
    assert "ไฟล์ statement / REP จาก สปสช." in thai


def test_a_refusal_quotes_the_sheet_of_the_kind_it_comes_closest_to() -> None:
    # The first sheet is a wide rights list with a money column (no rights list at all); the
    # second an STM detail lacking its TRAN_ID: the refusal is the STM's and quotes its sheet.
    rights = [
        "pid", "maininscl", "subinscl", "hmain", "hmain_op", "hsub", "startdate", "expdate",
        "checkdate", "status", "deathdate", "ชดเชยสุทธิ",
    ]  # fmt: skip
    detail = ["rep_no", "pid", "date_admit", "PP", "FS"]
    data = xls_book_bytes(
        [
            XlsSheet("สิทธิ", [rights, [cid(1), "UCS", "89", *["07543"] * 3, "20240101"]]),
            XlsSheet("รายละเอียด", [detail, ["680500123", cid(1), "10/02/2568", 360.0, 0.0]]),
        ]
    )
    name = "STM_07543_OPUCS256805_1.xls"
    with pytest.raises(Refused) as refused:
        choose_kind(open_tabular(data, name, DEFAULT_LIMITS), tabular_kinds(), name)
    assert refused.value.kind == "nhso_stm"
    text = refused.value.message
    assert "Columns seen: rep_no, pid, date_admit, PP, FS." in text
    assert "STM statement: no column for tran_id " in text


def test_a_refusal_never_quotes_a_data_row() -> None:
    # No header at all: the first row is a person's data, which must not reach the message.
    data = csv_bytes([[cid(1), "สมชาย", "UCS"], [cid(2), "สมหญิง", "OFC"]])
    with pytest.raises(Refused) as refused:
        choose_kind(open_tabular(data, "x.csv", DEFAULT_LIMITS), tabular_kinds(), "x.csv")
    for secret in (cid(1), "สมชาย", cid(2)):
        assert secret not in refused.value.message


def _twin(kind: str, name_pattern: str = "") -> TabularKind:
    return TabularKind(
        kind=kind,
        label=f"{kind} list",
        label_th=f"รายการ {kind}",
        aliases="nhso_rights_aliases.csv",
        mandatory=("cid", "maininscl"),
        spec=rights_spec,
        name_pattern=name_pattern,
    )


def test_a_table_that_fits_two_kinds_is_refused_rather_than_guessed() -> None:
    data = csv_bytes([["cid", "maininscl"], [cid(1), "UCS"]])
    sheets = open_tabular(data, "r.csv", DEFAULT_LIMITS)
    with pytest.raises(Refused) as refused:
        choose_kind(sheets, [_twin("first"), _twin("second")], "r.csv")
    assert "fits more than one kind (first list, second list)" in refused.value.message
    assert refused.value.reason is not None
    assert "รายการ first, รายการ second" in refused.value.reason.render("th")


def test_the_file_name_settles_a_tie_between_two_kinds() -> None:
    data = csv_bytes([["cid", "maininscl"], [cid(1), "UCS"]])
    sheets = open_tabular(data, "SECOND_09901.csv", DEFAULT_LIMITS)
    kinds = [_twin("first", r"^first_"), _twin("second", r"^second_")]
    kind, _header = choose_kind(sheets, kinds, "/tmp/SECOND_09901.csv")
    assert kind.kind == "second"


def test_an_exclusive_column_of_one_kind_keeps_the_other_out() -> None:
    data = csv_bytes([["hcode", "pid", "date_serv", "fs_code", "maininscl"],
                      ["07543", cid(1), "20250115", "ANC", "UCS"]])  # fmt: skip
    kind, _header = choose_kind(
        open_tabular(data, "s.csv", DEFAULT_LIMITS), tabular_kinds(), "s.csv"
    )
    assert kind.kind == "nhso_statement"


# --- every row failed -----------------------------------------------------------------------------


def test_a_file_whose_every_row_fails_is_refused_and_nothing_is_written(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "rights.csv"
    path.write_bytes(
        csv_bytes(
            [
                ["pid", "maininscl", "checkdate"],
                ["3100000000009", "UCS", "20250110"],
                ["", "OFC", "20250110"],
            ]
        )
    )
    [result] = import_paths(engine, [path], now=NOW)
    assert result.status == "refused"
    assert result.message.startswith("Every one of the 2 data rows has an error (the first: line 2")
    assert set(data_rows(engine).values()) == {0}
    assert count(engine, "import_issue") == 0


def test_every_row_failing_gives_exit_status_1(store_url: str, tmp_path: Path) -> None:
    path = tmp_path / "rights.csv"
    path.write_bytes(csv_bytes([["pid", "maininscl"], ["12345", "UCS"]]))
    assert tui.cli.main(["--db", store_url, "--lang", "en", "import", str(path)]) == 1


def test_a_file_with_one_good_row_among_bad_ones_is_imported(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "rights.csv"
    path.write_bytes(csv_bytes([["pid", "maininscl"], ["12345", "UCS"], [cid(1), "UCS"]]))
    [result] = import_paths(engine, [path], now=NOW)
    assert (result.status, result.rows_loaded, result.issues) == ("loaded", 1, 1)


# --- property: an accepted table is accepted as exactly one kind ----------------------------------

_KINDS = tabular_kinds()
_ALIASES = {k.kind: load_aliases(k.aliases) for k in _KINDS}
_HEADER_TEXTS = [
    *sorted({a for aliases in _ALIASES.values() for a in aliases.by_alias}),
    *("ลำดับ", "ชื่อ", "หมายเหตุ", "x"),
]
_STATEMENT_ONLY = {
    alias
    for alias, field in _ALIASES["nhso_statement"].by_alias.items()
    if field in {"item_code", "paid", "error_code", "statement_id", "date_serv"}
}


def _fits(kind: TabularKind, header: list[str]) -> bool:
    """The rule written plainly over one header row: mandatory fields named, none of the
    kind's forbidden fields, no field exclusive to another kind."""
    named = {_ALIASES[kind.kind].field_of(h) for h in header}
    if not set(kind.mandatory) <= named or named & set(kind.forbidden):
        return False
    return not any(
        _ALIASES[other.kind].field_of(h) in other.exclusive
        for other in _KINDS
        if other.kind != kind.kind
        for h in header
    )


@settings(max_examples=150, deadline=None)
@given(
    header=st.lists(st.sampled_from(_HEADER_TEXTS), min_size=1, max_size=9, unique=True),
    titles=st.integers(0, 3),
)
def test_any_table_the_recogniser_accepts_is_exactly_one_kind(
    header: list[str], titles: int
) -> None:
    rows: list[Sequence[object]] = [["รายงาน สปสช."]] * titles
    rows += [header, [cid(1)] * len(header)]
    sheets = open_tabular(csv_bytes(rows), "t.csv", DEFAULT_LIMITS)
    try:
        kind, found = choose_kind(sheets, _KINDS, "t.csv")
    except Refused:
        return
    assert [k.kind for k in _KINDS if _fits(k, header)] == [kind.kind]
    assert found.row == titles + 1
    if kind.kind == "nhso_rights":
        assert not _STATEMENT_ONLY & {h.casefold() for h in header}
