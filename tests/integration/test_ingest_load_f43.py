"""Loading 43-file exports: every table, bad rows quarantined, re-imports and newer exports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine

from store.ids import stable_id
from sync.ingest.f43 import layout
from sync.ingest.importer import import_paths
from sync.ingest.results import FileResult
from tests.support.ingest_builders import (
    HOSPCODE,
    batches,
    card,
    cid,
    count,
    death,
    export_zip,
    f43_text,
    home,
    person,
    rows_of,
    village,
    write_zip,
)

NOW = dt.datetime(2025, 2, 1, 12, 0, tzinfo=dt.UTC)


def _import(engine: Engine, *paths: Path) -> list[FileResult]:
    return import_paths(engine, list(paths), now=NOW)


def test_a_full_export_loads_every_table(engine: Engine, tmp_path: Path) -> None:
    path = export_zip(
        tmp_path,
        name="F43_99999_20250101120000.zip",
        person=f43_text("PERSON", [person(1), person(2, SEX="2", TYPEAREA="3")]),
        card=f43_text("CARD", [card(1), card(2, INSTYPE_NEW="4200")]),
        home=f43_text("HOME", [home(1)]),
        village=f43_text("VILLAGE", [village("30020103")]),
        death=f43_text("DEATH", [death(2)]),
    )
    [result] = _import(engine, path)
    assert (result.status, result.kind, result.hospcode) == ("loaded", "f43_zip", HOSPCODE)
    assert [(p.table, p.rows_loaded) for p in result.parts] == [
        ("village", 1),
        ("house", 1),
        ("person", 2),
        ("card", 2),
        ("death", 1),
    ]
    assert rows_of(engine, "facility", "hospcode") == [(HOSPCODE,)]
    assert rows_of(engine, "person", "pid", "cid", "sex", "birth", "typearea", order="pid") == [
        ("1", cid(1), "1", dt.date(1980, 1, 15), "1"),
        ("2", cid(2), "2", dt.date(1980, 1, 15), "3"),
    ]
    assert rows_of(engine, "card", "instype_new", order="pid") == [("0100",), ("4200",)]
    assert rows_of(engine, "house", "hid", "house", "villaname", "vid") == [
        ("1", "1/2", "บ้านหนองบัว", "30020103")
    ]
    assert rows_of(engine, "village", "vid") == [("30020103",)]
    assert rows_of(engine, "death", "pid", "ddeath") == [("2", dt.date(2024, 5, 10))]
    stored_id = rows_of(engine, "person", "id", order="pid")[0][0]
    assert stored_id == stable_id("person", HOSPCODE, "1")
    assert rows_of(engine, "person", "d_update")[0][0] == dt.datetime(2025, 1, 1, 12, 0)
    assert batches(engine) == [("loaded", "f43_zip", "", HOSPCODE)]


def test_thai_names_load_from_a_tis620_member_without_header(
    engine: Engine, tmp_path: Path
) -> None:
    data = f43_text(
        "PERSON", [person(1, NAME="ประเสริฐ", LNAME="วงศ์ไทย")], header=False, encoding="cp874"
    )
    [result] = _import(engine, export_zip(tmp_path, person=data))
    assert (result.parts[0].encoding, result.parts[0].has_header) == ("cp874", False)
    assert rows_of(engine, "person", "name", "lname") == [("ประเสริฐ", "วงศ์ไทย")]


def test_utf8_with_byte_order_mark_and_lf_lines(engine: Engine, tmp_path: Path) -> None:
    data = f43_text("PERSON", [person(1, NAME="มานี")], encoding="utf-8-sig", newline="\n")
    [result] = _import(engine, export_zip(tmp_path, person=data))
    assert result.parts[0].encoding == "utf-8-sig"
    assert rows_of(engine, "person", "hospcode", "name") == [(HOSPCODE, "มานี")]


def test_members_in_a_subfolder_and_upper_case_load_others_are_skipped(
    engine: Engine, tmp_path: Path
) -> None:
    path = write_zip(
        tmp_path / f"{HOSPCODE}_20250101.zip",
        {
            "F43_07543/PERSON.TXT": f43_text("PERSON", [person(1)]),
            "F43_07543/Card.Txt": f43_text("CARD", [card(1)]),
            "F43_07543/DIAGNOSIS_OPD.TXT": b"anything",
            "F43_07543/notes.doc": b"\x00\x01",
        },
    )
    [result] = _import(engine, path)
    assert [p.member for p in result.parts] == ["F43_07543/PERSON.TXT", "F43_07543/Card.Txt"]
    assert (count(engine, "person"), count(engine, "card")) == (1, 1)


def test_unknown_trailing_fields_are_ignored(engine: Engine, tmp_path: Path) -> None:
    data = f43_text("CARD", [card(1)], header=True, extra=["X1", "X2", "X3"])
    [result] = _import(engine, export_zip(tmp_path, card=data))
    assert result.parts[0].rows_loaded == 1
    assert rows_of(engine, "card", "cid") == [(cid(1),)]


def test_a_headerless_member_of_no_known_layout_is_refused_and_the_rest_loads(
    engine: Engine, tmp_path: Path
) -> None:
    odd = f43_text("CARD", [card(1), card(2)], header=False, extra=["X1", "X2", "X3"])
    people = f43_text("PERSON", [person(1)], header=False)
    [result] = _import(engine, export_zip(tmp_path, person=people, card=odd))
    assert result.status == "loaded"
    by_table = {p.table: p for p in result.parts}
    assert (by_table["person"].rows_loaded, by_table["card"].rows_loaded) == (1, 0)
    assert (by_table["card"].rows_read, by_table["card"].issues) == (2, 1)
    assert "14 fields per line without a header fits no known layout of CARD" in (
        by_table["card"].sample[0].reason
    )
    assert count(engine, "card") == 0


def test_an_export_of_only_unknown_layouts_is_refused(engine: Engine, tmp_path: Path) -> None:
    odd = f43_text("CARD", [card(1)], header=False, extra=["X1"])
    [result] = _import(engine, export_zip(tmp_path, card=odd))
    assert result.status == "refused"
    assert "12 fields per line without a header fits no known layout of CARD" in result.message
    assert count(engine, "card") == 0


def test_a_headerless_service_without_hsub_stores_the_cid(engine: Engine, tmp_path: Path) -> None:
    fields = [f for f in layout("SERVICE") if f != "HSUB"]
    visit = {"HOSPCODE": HOSPCODE, "PID": "1", "SEQ": "77", "DATE_SERV": "20250115"}
    visit.update({"D_UPDATE": "20250115100000", "CID": cid(1), "HN": "000001"})
    service = f43_text("SERVICE", [visit], header=False, fields=fields)
    [result] = _import(engine, export_zip(tmp_path, person=f43_text("PERSON", [person(1)]),
                                          service=service))  # fmt: skip
    assert result.status == "loaded", result.message
    assert rows_of(engine, "pp_service", "source", "cid", "seq") == [("SERVICE", cid(1), "77")]


def test_buddhist_era_years_are_corrected_with_warnings(engine: Engine, tmp_path: Path) -> None:
    data = f43_text("PERSON", [person(1, BIRTH="25230115", D_UPDATE="25680101120000")])
    [result] = _import(engine, export_zip(tmp_path, person=data))
    assert (result.parts[0].rows_loaded, result.warnings, result.issues) == (1, 2, 0)
    assert rows_of(engine, "person", "birth", "d_update") == [
        (dt.date(1980, 1, 15), dt.datetime(2025, 1, 1, 12, 0))
    ]
    assert rows_of(engine, "import_issue", "line", "field", "severity", order="field") == [
        (2, "BIRTH", "warning"),
        (2, "D_UPDATE", "warning"),
    ]


def test_bad_rows_are_quarantined_and_the_rest_loads(engine: Engine, tmp_path: Path) -> None:
    rows = [
        person(1),
        person(2, BIRTH="19801345"),
        person(3, SEX="7"),
        person(4, PID=""),
        person(5, TYPEAREA="12"),
        person(6, D_UPDATE="yesterday"),
        person(7),
    ]
    [result] = _import(engine, export_zip(tmp_path, person=f43_text("PERSON", rows)))
    part = result.parts[0]
    assert (part.rows_read, part.rows_loaded, part.issues) == (7, 2, 5)
    assert result.status == "loaded"
    assert rows_of(engine, "person", "pid", order="pid") == [("1",), ("7",)]
    issues = rows_of(
        engine, "import_issue", "member", "line", "field", "severity", "reason", order="line"
    )
    assert [(i[1], i[2], i[3]) for i in issues] == [
        (3, "BIRTH", "error"),
        (4, "SEX", "error"),
        (5, "PID", "error"),
        (6, "TYPEAREA", "error"),
        (7, "D_UPDATE", "error"),
    ]
    assert {i[0] for i in issues} == {"person.txt"}
    assert "not a known code" in str(issues[1][4])


def test_issue_reasons_hold_no_personal_data(engine: Engine, tmp_path: Path) -> None:
    bad = person(3, CID="31000000000x9", NAME="ลับมาก", BIRTH="1980131", SEX="ก", HN="A" * 40)
    # One good row keeps the file from being refused (every row failing refuses it whole).
    people = f43_text("PERSON", [person(1), bad])
    [result] = _import(engine, export_zip(tmp_path, person=people))
    assert result.issues >= 2
    reasons = " ".join(str(r[0]) for r in rows_of(engine, "import_issue", "reason"))
    for value in ("31000000000x9", "ลับมาก", "1980131", "ก", "A" * 16):
        assert value not in reasons


def test_the_same_bytes_again_change_nothing(engine: Engine, tmp_path: Path) -> None:
    path = export_zip(tmp_path, person=f43_text("PERSON", [person(1), person(2, SEX="9")]))
    _import(engine, path)
    before = (count(engine, "import_batch"), count(engine, "import_issue"), count(engine, "person"))
    [again] = _import(engine, path)
    assert again.status == "unchanged"
    assert "imported before" in again.message
    after = (count(engine, "import_batch"), count(engine, "import_issue"), count(engine, "person"))
    assert after == before


def test_a_member_already_loaded_is_skipped_in_a_new_zip(engine: Engine, tmp_path: Path) -> None:
    people = f43_text("PERSON", [person(1)])
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    _import(engine, export_zip(tmp_path / "a", person=people))
    [second] = _import(
        engine, export_zip(tmp_path / "b", person=people, card=f43_text("CARD", [card(1)]))
    )
    assert second.status == "loaded"
    assert [(p.table, p.skipped_duplicate, p.rows_loaded) for p in second.parts] == [
        ("person", True, 0),
        ("card", False, 1),
    ]
    assert count(engine, "person") == 1


def test_a_zip_of_members_all_loaded_before_is_unchanged(engine: Engine, tmp_path: Path) -> None:
    people = f43_text("PERSON", [person(1)])
    _import(engine, write_zip(tmp_path / "one.zip", {"person.txt": people}))
    [again] = _import(engine, write_zip(tmp_path / "two.zip", {"export/PERSON.TXT": people}))
    assert again.status == "unchanged"
    assert again.parts[0].skipped_duplicate


def test_a_newer_export_updates_and_an_older_one_does_not(engine: Engine, tmp_path: Path) -> None:
    for folder in ("jan", "mar", "feb"):
        (tmp_path / folder).mkdir()
    january = person(1, TYPEAREA="1", D_UPDATE="20250101120000")
    _import(engine, export_zip(tmp_path / "jan", person=f43_text("PERSON", [january, person(2)])))

    march = person(1, TYPEAREA="3", D_UPDATE="20250301080000")
    [newer] = _import(
        engine, export_zip(tmp_path / "mar", person=f43_text("PERSON", [march, person(2)]))
    )
    assert (newer.rows_loaded, newer.rows_unchanged) == (1, 1)
    assert rows_of(engine, "person", "typearea", "d_update", order="pid")[0] == (
        "3",
        dt.datetime(2025, 3, 1, 8, 0),
    )

    february = person(1, TYPEAREA="2", D_UPDATE="20250201080000")
    [older] = _import(engine, export_zip(tmp_path / "feb", person=f43_text("PERSON", [february])))
    assert (older.status, older.rows_loaded, older.rows_unchanged) == ("unchanged", 0, 1)
    assert rows_of(engine, "person", "typearea", order="pid")[0] == ("3",)
    assert count(engine, "person") == 2


def test_the_same_key_twice_in_a_file_keeps_the_newer_row(engine: Engine, tmp_path: Path) -> None:
    rows = [
        person(1, NAME="ใหม่", D_UPDATE="20250301000000"),
        person(1, NAME="เก่า", D_UPDATE="20250101000000"),
    ]
    [result] = _import(engine, export_zip(tmp_path, person=f43_text("PERSON", rows)))
    assert (result.rows_loaded, result.warnings) == (1, 1)
    assert rows_of(engine, "person", "name") == [("ใหม่",)]
    assert rows_of(engine, "import_issue", "line", "reason") == [
        (3, "same key as line 2, which was kept")
    ]


def test_hospcode_comes_from_the_rows_not_the_file_name(engine: Engine, tmp_path: Path) -> None:
    rows = [person(1, HOSPCODE="11111"), person(2, HOSPCODE="11111"), person(3)]
    path = export_zip(
        tmp_path, name="F43_22222_20250101120000.zip", person=f43_text("PERSON", rows)
    )
    [result] = _import(engine, path)
    assert result.hospcode == "11111"
    assert rows_of(engine, "facility", "hospcode", order="hospcode") == [(HOSPCODE,), ("11111",)]


def test_a_loose_43_file_is_imported_like_a_zip_member(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "PERSON.TXT"
    path.write_bytes(f43_text("PERSON", [person(1)]))
    [result] = _import(engine, path)
    assert (result.kind, result.rows_loaded) == ("f43_member", 1)


def test_a_folder_stands_for_its_files(engine: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    export_zip(folder, person=f43_text("PERSON", [person(1)]))
    (folder / "~$rights.xlsx").write_bytes(b"lock")
    (folder / ".hidden").write_bytes(b"x")
    (folder / "old").mkdir()
    results = _import(engine, folder)
    assert [Path(r.file).name for r in results] == [f"F43_{HOSPCODE}_20250101120000.zip"]
