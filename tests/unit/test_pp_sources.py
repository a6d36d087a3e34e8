"""43-file lines of PP source files become `pp_service` rows; the importer's reference tables."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from store.pp.sources import fields_json_column, row_fields, source_files
from store.reference import table
from tests.support.pp_rows import ServiceRowError, service_record

POSTNATAL = {
    "HOSPCODE": "10001",
    "PID": "000123",
    "SEQ": "98765",
    "GRAVIDA": "02",
    "BDATE": "20250101",
    "PPCARE": "25680205",  # a Buddhist-era year leaked by the exporter
    "PPPLACE": "10001",
    "PPRESULT": "1",
    "PROVIDER": "",
    "D_UPDATE": "20250206103000",
    "CID": "1101700203450",
}


def test_a_postnatal_line_keeps_its_visit_date_delivery_date_and_pregnancy() -> None:
    record = service_record("postnatal", POSTNATAL, batch_id="b1")
    row = record.row
    assert (row.source, row.hospcode, row.pid, row.seq, row.key_code) == (
        "POSTNATAL",
        "10001",
        "000123",
        "98765",
        "02",
    )
    assert (row.date_serv, row.bdate, row.gravida) == (
        dt.date(2025, 2, 5),
        dt.date(2025, 1, 1),
        "2",
    )
    assert row.d_update == dt.datetime(2025, 2, 6, 10, 30)
    assert json.loads(row.fields_json) == {"PPPLACE": "10001", "PPRESULT": "1"}
    assert record.be_corrected == ("PPCARE",)


def test_the_same_line_gets_the_same_id_on_every_machine_and_another_key_another() -> None:
    first = service_record("POSTNATAL", POSTNATAL, batch_id="b1").row.id
    again = service_record("POSTNATAL", {**POSTNATAL, "PPRESULT": "2"}, batch_id="b2").row.id
    other = service_record("POSTNATAL", {**POSTNATAL, "GRAVIDA": "3"}, batch_id="b1").row.id
    assert first == again != other


def test_a_stored_row_gives_back_every_field_for_catalog_selection() -> None:
    fp = {"HOSPCODE": "10001", "PID": "7", "SEQ": "11", "DATE_SERV": "20250110", "FPTYPE": "1",
          "FPPLACE": "10001", "D_UPDATE": "20250110090000"}  # fmt: skip
    row = service_record("FP", fp, batch_id="b1").row
    assert row.key_code == "1"
    fields = row_fields(row.model_dump())
    assert fields["FPTYPE"] == "1"
    assert fields["DATE_SERV"] == "20250110"
    assert {k: v for k, v in fp.items() if k != "D_UPDATE"} == fields


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        ({"SEQ": ""}, "SEQ", "missing"),
        ({"GRAVIDA": " "}, "GRAVIDA", "missing"),
        ({"PPCARE": "20250231"}, "PPCARE", "not a YYYYMMDD date"),
        ({"BDATE": "1/1/2025"}, "BDATE", "not a YYYYMMDD date"),
        ({"D_UPDATE": "2025"}, "D_UPDATE", "not a YYYYMMDDHHMMSS timestamp"),
        ({"PID": "1" * 17}, "PID", "longer than 16 characters"),
        ({"GRAVIDA": "1" * 9}, "GRAVIDA", "longer than 8 characters"),
    ],
)
def test_a_bad_line_names_the_field_but_not_its_value(
    change: dict[str, str], field: str, reason: str
) -> None:
    with pytest.raises(ServiceRowError) as caught:
        service_record("POSTNATAL", {**POSTNATAL, **change}, batch_id="b1")
    assert (caught.value.field, caught.value.reason) == (field, reason)
    assert all(v not in str(caught.value) for v in change.values() if v.strip())


def test_a_file_that_is_no_pp_source_is_refused() -> None:
    with pytest.raises(ServiceRowError, match="PERSON is not a PP source file"):
        service_record("PERSON", POSTNATAL, batch_id="b1")


@given(st.dictionaries(st.sampled_from(sorted(POSTNATAL)), st.text(max_size=16)))
def test_any_line_becomes_a_row_or_a_clear_refusal(change: dict[str, str]) -> None:
    try:
        service_record("POSTNATAL", {**POSTNATAL, **change}, batch_id="b1")
    except ServiceRowError as exc:
        assert exc.field in POSTNATAL


KEYS = {
    "SERVICE": "HOSPCODE PID SEQ",
    "ANC": "HOSPCODE PID SEQ GRAVIDA",
    "POSTNATAL": "HOSPCODE PID SEQ GRAVIDA",
    "FP": "HOSPCODE PID SEQ FPTYPE",
    "EPI": "HOSPCODE PID SEQ VACCINETYPE",
    "SPECIALPP": "HOSPCODE PID SEQ PPSPECIAL",
    "NCDSCREEN": "HOSPCODE PID SEQ",
    "PROCEDURE_OPD": "HOSPCODE PID SEQ PROCEDCODE",
    "LABFU": "HOSPCODE PID SEQ LABTEST",
}


@pytest.mark.parametrize(("file", "key"), KEYS.items())
def test_the_importer_finds_each_source_files_key_and_mandatory_fields(file: str, key: str) -> None:
    (row,) = [r for r in table("f43_files.csv") if r["file"] == file]
    assert row["key_fields"] == key
    layout = {r["field"] for r in table("f43_layout.csv") if r["file"] == file}
    mandatory = row["mandatory_fields"].split()
    assert set(key.split()) <= set(mandatory) <= layout
    assert source_files()[file].date_field in mandatory


STATEMENT_ALIASES = {
    "hospcode": ["hcode", "hospcode", "รหัสหน่วยบริการ"],
    "cid": ["pid", "cid", "person_id", "เลขประจำตัวประชาชน"],
    "date_serv": ["date_serv", "serv_date", "service_date", "วันที่รับบริการ"],
    "item_code": ["item", "fs_code", "fscode", "รหัสรายการ"],
    "paid": ["paid", "amount", "pp_amount", "compensation", "ยอดชดเชย"],
    "error_code": ["error_code", "deny_code", "err_code", "รหัสข้อผิดพลาด"],
    "statement_id": ["rep_no", "stm_no", "tran_id", "เลขที่ statement"],
}


def test_statement_aliases_name_the_statement_line_columns() -> None:
    from store.models import PpStatementLine

    aliases: dict[str, list[str]] = {}
    for row in table("nhso_statement_aliases.csv"):
        aliases.setdefault(row["field"], []).append(row["alias"])
    assert aliases == STATEMENT_ALIASES
    assert set(aliases) <= set(PpStatementLine.model_fields)


field_text = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=12).map(
    str.strip
)


@given(st.lists(st.lists(field_text, min_size=3, max_size=3), max_size=6))
def test_fields_json_of_whole_columns_equals_json_of_each_rows_non_blank_fields(
    rows: list[list[str]],
) -> None:
    names = ["ALPHA", "BETA", "GAMMA"]
    columns = [[r[i] for r in rows] for i in range(len(names))]
    texts = fields_json_column(names, columns, rows=len(rows))
    assert len(texts) == len(rows)
    for text, values in zip(texts, rows, strict=True):
        expected = {k: v for k, v in zip(names, values, strict=True) if v}
        assert json.loads(text) == expected
        assert text == json.dumps(expected, ensure_ascii=False, separators=(",", ":"))


def test_rows_without_fields_of_their_own_keep_an_empty_object() -> None:
    assert fields_json_column([], [], rows=2) == ["{}", "{}"]
