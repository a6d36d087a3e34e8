"""PP service files in a 43-file export: every source file into `pp_service`, with the same
guarantees as the other tables (encodings, headers, re-imports, newer D_UPDATE, bad rows)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine

from store.pp.sources import service_id
from sync.ingest.importer import import_paths
from sync.ingest.results import FileResult
from tests.support.ingest_builders import (
    HOSPCODE,
    count,
    export_zip,
    export_zip_of,
    f43_text,
    person,
    rows_of,
)
from tests.support.pp_builders import anc, hand_counted_tables, row
from tests.support.pp_rows import service_record

NOW = dt.datetime(2025, 5, 20, 9, 0, tzinfo=dt.UTC)
D = dt.date

SOURCE_ROWS = {
    "SERVICE": row("SERVICE", 1, "10", D(2025, 1, 10), CHIEFCOMP='ไข้ "สูง" ไอ', PRICE="120"),
    "ANC": anc(1, "11", D(2025, 1, 10), GA="12"),
    "POSTNATAL": row("POSTNATAL", 1, "12", D(2025, 2, 5), GRAVIDA="02", BDATE="20250101"),
    "FP": row("FP", 1, "13", D(2025, 1, 10), FPTYPE="1", FPPLACE=HOSPCODE),
    "EPI": row("EPI", 1, "14", D(2025, 1, 10), VACCINETYPE="106"),
    "SPECIALPP": row("SPECIALPP", 1, "15", D(2025, 1, 10), PPSPECIAL="1B0040"),
    "NCDSCREEN": row("NCDSCREEN", 1, "16", D(2025, 1, 10), BSLEVEL="98", WEIGHT="61"),
    "PROCEDURE_OPD": row("PROCEDURE_OPD", 1, "17", D(2025, 1, 10), PROCEDCODE="9918"),
    "LABFU": row("LABFU", 1, "18", D(2025, 1, 10), LABTEST="0531002", LABRESULT="98"),
}


def _import(engine: Engine, *paths: Path, now: dt.datetime = NOW) -> list[FileResult]:
    return import_paths(engine, list(paths), now=now)


def stored(engine: Engine) -> dict[str, tuple[object, ...]]:
    """Stored service rows by source file."""
    columns = ("source", "id", "pid", "seq", "key_code", "date_serv", "gravida", "bdate",
               "cid", "fields_json", "d_update")  # fmt: skip
    return {r[0]: r[1:] for r in rows_of(engine, "pp_service", *columns)}  # type: ignore[misc]


def test_every_pp_source_file_loads_with_the_ids_and_fields_the_rules_read(
    engine: Engine, tmp_path: Path
) -> None:
    members = {file.lower(): f43_text(file, [values]) for file, values in SOURCE_ROWS.items()}
    members["diagnosis_opd"] = b"HOSPCODE|PID|SEQ|DIAGCODE\r\n07543|1|10|J069\r\n"
    members["drug_opd"] = b"\x00\x01 not even text"
    path = export_zip_of(tmp_path, {"person": f43_text("PERSON", [person(1)]), **members})
    [result] = _import(engine, path)
    assert result.status == "loaded"
    assert [(p.member, p.table, p.rows_loaded) for p in result.parts] == [
        ("person.txt", "person", 1),
        *((f"{file.lower()}.txt", "pp_service", 1) for file in SOURCE_ROWS),
    ]
    rows = stored(engine)
    assert set(rows) == set(SOURCE_ROWS)
    for file, values in SOURCE_ROWS.items():
        expected = service_record(file, values, batch_id="any").row
        row_id, pid, seq, key_code, day, gravida, bdate, cid, fields_json, d_update = rows[file]
        assert row_id == expected.id == service_id(file, HOSPCODE, pid, seq, key_code)  # type: ignore[arg-type]
        assert (key_code, day, gravida, bdate, cid) == (
            expected.key_code,
            expected.date_serv,
            expected.gravida,
            expected.bdate,
            expected.cid,
        )
        assert json.loads(str(fields_json)) == json.loads(expected.fields_json)
        assert d_update == expected.d_update
    postnatal = rows["POSTNATAL"]
    assert postnatal[3:7] == ("02", D(2025, 2, 5), "2", D(2025, 1, 1))
    assert json.loads(str(rows["SERVICE"][8])) == {"CHIEFCOMP": 'ไข้ "สูง" ไอ', "PRICE": "120"}
    assert json.loads(str(rows["FP"][8])) == {"FPPLACE": HOSPCODE, "FPTYPE": "1"}


def test_a_tis620_member_without_header_keeps_its_thai_text(engine: Engine, tmp_path: Path) -> None:
    service = row("SERVICE", 1, "10", D(2025, 1, 10), CHIEFCOMP="ปวดศีรษะ เวียนศีรษะ")
    data = f43_text("SERVICE", [service], header=False, encoding="cp874", newline="\n")
    [result] = _import(engine, export_zip(tmp_path, service=data))
    assert (result.parts[0].encoding, result.parts[0].has_header) == ("cp874", False)
    fields = json.loads(str(rows_of(engine, "pp_service", "fields_json")[0][0]))
    assert fields == {"CHIEFCOMP": "ปวดศีรษะ เวียนศีรษะ"}


def test_importing_the_same_export_again_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    members = {f.lower(): f43_text(f, rows) for f, rows in hand_counted_tables().items()}
    path = export_zip_of(tmp_path, members)
    _import(engine, path)
    before = stored(engine)
    [again] = _import(engine, path, now=NOW + dt.timedelta(days=1))
    assert again.status == "unchanged"
    renamed = export_zip(tmp_path, name="F43_07543_20250601120000.zip", **members)
    [copy] = _import(engine, renamed, now=NOW + dt.timedelta(days=2))
    assert copy.status == "unchanged"
    assert all(p.skipped_duplicate for p in copy.parts)
    assert stored(engine) == before
    assert count(engine, "pp_service") == 17


def test_a_newer_export_updates_rows_with_a_newer_d_update_and_only_those(
    engine: Engine, tmp_path: Path
) -> None:
    first = [anc(1, "11", D(2025, 1, 10), GA="12"), anc(1, "12", D(2025, 2, 10), GA="16")]
    _import(engine, export_zip(tmp_path, name="F43_07543_1.zip", anc=f43_text("ANC", first)))
    newer = anc(1, "11", D(2025, 1, 10), GA="13", D_UPDATE="20250301080000")
    older = anc(1, "12", D(2025, 2, 10), GA="99", D_UPDATE="20240101080000")
    extra = anc(1, "13", D(2025, 3, 10), GA="20")
    [result] = _import(
        engine,
        export_zip(tmp_path, name="F43_07543_2.zip", anc=f43_text("ANC", [newer, older, extra])),
    )
    assert (result.parts[0].rows_loaded, result.parts[0].rows_unchanged) == (2, 1)
    fields = {
        seq: json.loads(str(text))["GA"]
        for seq, text in rows_of(engine, "pp_service", "seq", "fields_json")
    }
    assert fields == {"11": "13", "12": "16", "13": "20"}
    assert count(engine, "pp_service") == 3


def test_bad_rows_are_quarantined_by_line_and_field_and_the_rest_load(
    engine: Engine, tmp_path: Path
) -> None:
    rows = [
        anc(1, "11", D(2025, 1, 10)),
        anc(1, "12", D(2025, 1, 10), DATE_SERV="20250231"),
        anc(1, "13", D(2025, 1, 10), GRAVIDA=""),
        anc(1, "14", D(2025, 1, 10), D_UPDATE="yesterday"),
        anc(1, "15", D(2025, 1, 10), DATE_SERV="25680115"),
        anc(1, "1" * 40, D(2025, 1, 10)),
    ]
    [result] = _import(engine, export_zip(tmp_path, anc=f43_text("ANC", rows)))
    part = result.parts[0]
    assert (part.rows_read, part.rows_loaded, part.issues, part.warnings) == (6, 2, 4, 1)
    assert [(i.line, i.field, i.severity) for i in part.sample] == [
        (3, "DATE_SERV", "error"),
        (4, "GRAVIDA", "error"),
        (5, "D_UPDATE", "error"),
        (7, "SEQ", "error"),
        (6, "DATE_SERV", "warning"),
    ]
    assert all("20250231" not in i.reason and "yesterday" not in i.reason for i in part.sample)
    assert sorted(r[0] for r in rows_of(engine, "pp_service", "date_serv")) == [  # type: ignore[type-var]
        D(2025, 1, 10),
        D(2025, 1, 15),
    ]


@pytest.mark.parametrize("missing", ["GRAVIDA", "DATE_SERV"])
def test_a_member_without_a_mandatory_column_refuses_the_export(
    engine: Engine, tmp_path: Path, missing: str
) -> None:
    from sync.ingest.f43 import layout

    fields = [f for f in layout("ANC") if f != missing]
    data = f43_text("ANC", [anc(1, "11", D(2025, 1, 10))], fields=fields)
    [result] = _import(engine, export_zip(tmp_path, anc=data))
    assert result.status == "refused"
    assert result.message.startswith(f"anc.txt: no column for {missing}: ")
    assert count(engine, "pp_service") == 0
