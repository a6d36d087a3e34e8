"""Writing export files: page setup by column count, the font setting, sheet names, text cells,
and the temporary file renamed only when the whole file is written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from exporters.csvfile import csv_rows, safe_text
from exporters.document import Column, Document, Kind, Section
from exporters.files import ExportError, default_name, write_atomically
from exporters.xlsx import sheet_names, write_xlsx

AS_OF = dt.date(2025, 5, 20)


def document(columns: int, rows: int = 3, name: str = "หมู่ 1") -> Document:
    cols = tuple(Column(f"คอลัมน์ {i}", 10) for i in range(columns))
    body = tuple(tuple(f"ค่า {r}-{c}" for c in range(columns)) for r in range(rows))
    section = Section(name, "หัวเรื่อง", cols, body, place="หมู่ 1 · อสม. ทดสอบ")
    return Document(
        "gaps", "07543", "07543 รพ.สต.ทดสอบ", AS_OF, (section,), persons=rows, person_level=True
    )


@pytest.mark.parametrize(
    ("columns", "orientation"),
    [(4, "portrait"), (7, "portrait"), (8, "landscape"), (11, "landscape")],
)
def test_orientation_follows_the_number_of_columns(
    tmp_path: Path, columns: int, orientation: str
) -> None:
    path = tmp_path / "x.xlsx"
    write_xlsx(document(columns), path)
    sheet = openpyxl.load_workbook(path).active
    assert sheet.page_setup.orientation == orientation
    assert sheet.page_setup.paperSize == 9


def test_the_font_is_a_setting(tmp_path: Path, sitthi_home: Path) -> None:
    path = tmp_path / "default.xlsx"
    write_xlsx(document(3), path)
    cell = openpyxl.load_workbook(path).active["A3"]
    assert (cell.font.name, cell.font.sz) == ("Tahoma", 10)
    override = sitthi_home / "config" / "reference" / "settings.csv"
    override.parent.mkdir(parents=True)
    override.write_text(
        "key,value,meaning\nexport_font,TH Sarabun New,x\nexport_font_size,16,x\n", encoding="utf-8"
    )
    from store import codes

    codes.clear_cache()
    sarabun = tmp_path / "sarabun.xlsx"
    write_xlsx(document(3), sarabun)
    sheet = openpyxl.load_workbook(sarabun).active
    assert (sheet["A3"].font.name, sheet["A3"].font.sz) == ("TH Sarabun New", 16)
    assert '"TH Sarabun New,Regular"' in sheet.oddHeader.left.font or "TH Sarabun New" in str(
        sheet.oddHeader.left.font
    )


def test_sheet_names_are_valid_and_unique() -> None:
    sections = tuple(
        Section(name, "", (), ()) for name in ("หมู่ 1", "หมู่ 1", "a/b:c*d?", "ก" * 40, "ก" * 40)
    )
    names = sheet_names(sections)
    assert names[:3] == ["หมู่ 1", "หมู่ 1 (2)", "a-b-c-d-"]
    assert all(len(n) <= 31 for n in names) and len(set(names)) == len(names)


def test_formula_starts_are_guarded_in_csv_only_as_text() -> None:
    assert [safe_text(v) for v in ("=1+1", "+66", "-x", "@a", "\tx", "ok", "")] == [
        "'=1+1",
        "'+66",
        "'-x",
        "'@a",
        "'\tx",
        "ok",
        "",
    ]
    section = Section("s", "h", (Column("n", 5, Kind.NUMBER),), ((-5,),))
    doc = Document("x", None, "", AS_OF, (section,))
    assert list(csv_rows(doc))[1] == ["s", "-5"], "numbers are not text and need no guard"


def test_a_failing_write_leaves_no_file_and_an_older_file_stays(tmp_path: Path) -> None:
    target = tmp_path / "list.xlsx"

    def broken(temp: Path) -> None:
        temp.write_bytes(b"half a file")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_atomically(target, broken)
    assert list(tmp_path.iterdir()) == []
    target.write_bytes(b"yesterday's list")
    with pytest.raises(OSError):
        write_atomically(target, broken)
    assert target.read_bytes() == b"yesterday's list"
    assert list(tmp_path.iterdir()) == [target]
    write_atomically(target, lambda temp: write_xlsx(document(3), temp))
    assert openpyxl.load_workbook(target).active["A1"].value == "หัวเรื่อง"
    assert list(tmp_path.iterdir()) == [target]


def test_a_folder_or_a_missing_folder_is_refused_with_a_message(tmp_path: Path) -> None:
    with pytest.raises(ExportError) as refused:
        write_atomically(tmp_path, lambda temp: None)
    assert refused.value.reason.key == "export.is_folder"
    with pytest.raises(ExportError) as missing:
        write_atomically(tmp_path / "nope" / "x.csv", lambda temp: None)
    assert missing.value.reason.key == "export.no_folder"
    assert "nope" in missing.value.reason.render("en")


def test_default_names_carry_the_unit_and_the_buddhist_era_date() -> None:
    assert default_name("gaps", "09901", dt.date(2026, 11, 30), "xlsx") == (
        "gaps_09901_25691130.xlsx"
    )
    assert default_name("report", None, dt.date(2025, 1, 5), "csv") == "report_all_25680105.csv"
