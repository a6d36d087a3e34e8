"""`sitthi import`: the summary people read, the JSON other tools read, and the exit status."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import tui.cli
from store.engine import open_store
from tests.support.ingest_builders import HOSPCODE, card, count, export_zip, f43_text, person


@pytest.fixture(autouse=True)
def _only_the_import_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tui.cli, "COMMAND_MODULES", ("tui.commands.importing",))


def _export(tmp_path: Path) -> Path:
    rows = [person(1), person(2, SEX="5"), person(3, BIRTH="25230101")]
    return export_zip(tmp_path, person=f43_text("PERSON", rows), card=f43_text("CARD", [card(1)]))


def test_the_summary_names_each_member_and_its_first_issues(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _export(tmp_path)
    assert tui.cli.main(["import", "--db", store_url, "--lang", "en", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"{path}: loaded (43-file export, unit {HOSPCODE})",
        "  person.txt → person: read 3, loaded 2, unchanged 0, issues 1, warnings 1"
        " [utf-8, header]",
        "    line 3 SEX: not a known code (see sex.csv) (error)",
        "    line 4 BIRTH: Buddhist-era year; 543 years subtracted (warning)",
        "  card.txt → card: read 1, loaded 1, unchanged 0, issues 0, warnings 0 [utf-8, header]",
        "1 files: 1 loaded, 0 unchanged, 0 refused",
    ]


def test_the_summary_is_thai_by_default(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _export(tmp_path)
    tui.cli.main(["--db", store_url, "import", str(path)])
    assert tui.cli.main(["--db", store_url, "import", str(path)]) == 0
    second_run = capsys.readouterr().out.splitlines()[-2:]
    assert second_run[0].startswith(f"{path}: ไม่มีข้อมูลใหม่ (ไฟล์นี้นำเข้าไปแล้ว")
    assert second_run[1] == "รวม 1 ไฟล์: นำเข้า 0 ไม่มีข้อมูลใหม่ 1 ไม่รับ 0"


def test_the_kind_of_file_is_named_in_thai(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _export(tmp_path)
    assert tui.cli.main(["--db", store_url, "import", str(path), "--lang", "th"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first == f"{path}: นำเข้าแล้ว (ไฟล์ส่งออก 43 แฟ้ม หน่วยบริการ {HOSPCODE})", first


def test_a_missing_path_is_refused_and_the_others_still_import(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _export(tmp_path)
    missing = tmp_path / "nowhere.zip"
    code = tui.cli.main(["--db", store_url, "--lang", "en", "import", str(missing), str(path)])
    out = capsys.readouterr().out
    assert code == 1
    assert f"{missing}: refused: no such file or folder" in out
    assert "1 files" not in out and "2 files: 1 loaded, 0 unchanged, 1 refused" in out
    engine = open_store(store_url)
    assert count(engine, "person") == 2
    engine.dispose()


def test_json_output_is_stable_and_complete(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _export(tmp_path)
    missing = tmp_path / "gone.csv"
    code = tui.cli.main(
        ["--db", store_url, "--lang", "en", "import", "--json", str(path), str(missing)]
    )
    document = json.loads(capsys.readouterr().out)
    assert code == 1
    assert document["version"] == 1
    assert document["totals"] == {
        "files": 2,
        "loaded": 1,
        "unchanged": 0,
        "refused": 1,
        "rows_loaded": 3,
        "issues": 1,
        "warnings": 1,
    }
    loaded, refused = document["files"]
    assert set(loaded) == {
        "file",
        "kind",
        "status",
        "message",
        "batch_id",
        "hospcode",
        "rows_read",
        "rows_loaded",
        "rows_unchanged",
        "issues",
        "warnings",
        "parts",
    }
    assert (loaded["file"], loaded["status"], loaded["hospcode"]) == (str(path), "loaded", HOSPCODE)
    people = loaded["parts"][0]
    assert {
        k: people[k]
        for k in (
            "member",
            "table",
            "encoding",
            "has_header",
            "rows_read",
            "rows_loaded",
            "issues",
            "warnings",
        )
    } == {
        "member": "person.txt",
        "table": "person",
        "encoding": "utf-8",
        "has_header": True,
        "rows_read": 3,
        "rows_loaded": 2,
        "issues": 1,
        "warnings": 1,
    }
    assert people["first_issues"][0] == {
        "line": 3,
        "field": "SEX",
        "severity": "error",
        "reason": "not a known code (see sex.csv)",
        "reason_key": "ingest.issue.unknown_code",
    }
    assert (refused["status"], refused["message"], refused["parts"]) == (
        "refused",
        "no such file or folder: check the name and the folder",
        [],
    )


def test_exit_status_is_0_when_nothing_was_refused(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _export(tmp_path)
    assert tui.cli.main(["--db", store_url, "import", str(path), str(path)]) == 0
    assert "ไม่รับ 0" in capsys.readouterr().out
