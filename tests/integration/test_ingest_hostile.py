"""Hostile or broken files are refused whole, with a clear message, and nothing is written."""

from __future__ import annotations

import random
import stat
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine

import tui.cli
from sync.ingest.importer import import_paths
from sync.ingest.limits import Limits
from tests.support.ingest_builders import (
    batches,
    card,
    data_rows,
    export_zip,
    f43_text,
    person,
    write_zip,
)

PERSON_TXT = f43_text("PERSON", [person(1), person(2)])


def _nothing_written(engine: Engine) -> None:
    assert set(data_rows(engine).values()) == {0}


def _refused_once(engine: Engine, message: str) -> None:
    logged = batches(engine)
    assert len(logged) == 1
    status, _kind, logged_message, _hospcode = logged[0]
    assert status == "refused"
    assert message in str(logged_message)


def _import_one(engine: Engine, path: Path, limits: Limits | None = None) -> str:
    kwargs = {"limits": limits} if limits else {}
    [result] = import_paths(engine, [path], **kwargs)  # type: ignore[arg-type]
    assert result.status == "refused", result
    assert result.parts == []
    return result.message


def _with_member_info(path: Path, info: zipfile.ZipInfo, data: bytes) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("card.txt", f43_text("CARD", [card(1)]))
        archive.writestr(info, data)
    return path


@pytest.mark.parametrize(
    "member",
    [
        "../person.txt",
        "export/../../person.txt",
        "/etc/person.txt",
        "C:/temp/person.txt",
        "..\\person.txt",
        "D:\\person.txt",
    ],
)
def test_zip_path_traversal_is_refused(engine: Engine, tmp_path: Path, member: str) -> None:
    path = write_zip(
        tmp_path / "F43_07543_20250101120000.zip",
        {"card.txt": f43_text("CARD", [card(1)]), member: PERSON_TXT},
    )
    assert member in zipfile.ZipFile(path).namelist()
    message = _import_one(engine, path)
    assert "unsafe path" in message
    _nothing_written(engine)
    _refused_once(engine, "unsafe path")


def test_a_symbolic_link_member_is_refused(engine: Engine, tmp_path: Path) -> None:
    info = zipfile.ZipInfo("person.txt")
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    path = _with_member_info(tmp_path / "link.zip", info, b"/etc/passwd")
    assert "symbolic link" in _import_one(engine, path)
    _nothing_written(engine)


def test_an_encrypted_member_is_refused(engine: Engine, tmp_path: Path) -> None:
    path = export_zip(tmp_path, card=f43_text("CARD", [card(1)]), person=PERSON_TXT)
    _patch_headers(path, "person.txt", _set_encrypted)
    assert zipfile.ZipFile(path).getinfo("person.txt").flag_bits & 0x1
    assert "encrypted" in _import_one(engine, path)
    _nothing_written(engine)


def test_a_highly_compressed_member_is_refused_as_a_zip_bomb(
    engine: Engine, tmp_path: Path
) -> None:
    path = export_zip(tmp_path, person=PERSON_TXT, service=bytes(40 * 1024 * 1024))
    message = _import_one(engine, path)
    assert "zip bomb" in message
    assert "service.txt" in message
    _nothing_written(engine)


def _patch_headers(path: Path, member: str, patch: Callable[[bytearray, int, int], None]) -> None:
    """Edit a member's central-directory entry and local header in place, as a forger would."""
    data = bytearray(path.read_bytes())
    central = data.find(b"PK\x01\x02")
    while central != -1:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + name_length] == member.encode():
            patch(data, central, struct.unpack_from("<I", data, central + 42)[0])
        central = data.find(b"PK\x01\x02", central + 4)
    path.write_bytes(bytes(data))


def _set_encrypted(data: bytearray, central: int, local: int) -> None:
    for offset in (central + 8, local + 6):
        struct.pack_into("<H", data, offset, struct.unpack_from("<H", data, offset)[0] | 0x1)


def _lie_about_size(path: Path, member: str, size: int) -> None:
    """Declare another uncompressed size for a member (central directory and local header)."""

    def patch(data: bytearray, central: int, local: int) -> None:
        struct.pack_into("<I", data, central + 24, size)
        struct.pack_into("<I", data, local + 22, size)

    _patch_headers(path, member, patch)


def test_a_member_declaring_a_huge_size_is_refused(engine: Engine, tmp_path: Path) -> None:
    path = export_zip(tmp_path, person=PERSON_TXT)
    _lie_about_size(path, "person.txt", 3_000_000_000)
    assert zipfile.ZipFile(path).getinfo("person.txt").file_size == 3_000_000_000
    message = _import_one(engine, path)
    assert "would expand to" in message
    _nothing_written(engine)


def test_a_member_larger_than_it_declares_is_refused(engine: Engine, tmp_path: Path) -> None:
    path = export_zip(tmp_path, person=PERSON_TXT)
    _lie_about_size(path, "person.txt", 10)
    message = _import_one(engine, path)
    assert "person.txt" in message
    _nothing_written(engine)


def test_limits_on_total_size_and_member_count(engine: Engine, tmp_path: Path) -> None:
    path = export_zip(tmp_path, person=PERSON_TXT, card=f43_text("CARD", [card(1)]))
    small_total = Limits(max_total_bytes=len(PERSON_TXT))
    assert "would expand to" in _import_one(engine, path, small_total)
    assert "members in the zip" in _import_one(engine, path, Limits(max_members=1))
    _nothing_written(engine)


def test_too_many_members_is_refused(engine: Engine, tmp_path: Path) -> None:
    members = {f"junk/{i}.txt": b"" for i in range(2001)}
    members["person.txt"] = PERSON_TXT
    path = write_zip(tmp_path / "many.zip", members)
    assert "2002 members" in _import_one(engine, path)
    _nothing_written(engine)


def test_binary_garbage_is_refused(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "export.dat"
    path.write_bytes(random.Random(11).randbytes(20_000))
    message = _import_one(engine, path)
    assert "binary" in message or "neither UTF-8 nor TIS-620" in message
    _nothing_written(engine)


def test_a_damaged_zip_is_refused(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "F43_07543_20250101120000.zip"
    path.write_bytes(b"PK\x03\x04" + random.Random(5).randbytes(2000))
    assert "not a readable zip" in _import_one(engine, path)
    _refused_once(engine, "not a readable zip")
    assert batches(engine)[0][3] == "07543"


def test_a_zip_without_any_known_43_file_is_refused(engine: Engine, tmp_path: Path) -> None:
    path = write_zip(tmp_path / "other.zip", {"readme.txt": b"hello", "diagnosis_opd.txt": b"x"})
    assert "no 43-file table" in _import_one(engine, path)
    _nothing_written(engine)


def test_a_binary_member_refuses_the_whole_zip(engine: Engine, tmp_path: Path) -> None:
    path = export_zip(
        tmp_path, card=f43_text("CARD", [card(1)]), person=random.Random(2).randbytes(5000)
    )
    message = _import_one(engine, path)
    assert message.startswith("person.txt:")
    _nothing_written(engine)


def test_a_member_header_without_a_mandatory_column_refuses_the_zip(
    engine: Engine, tmp_path: Path
) -> None:
    no_update = f43_text("PERSON", [person(1)], fields=["HOSPCODE", "PID", "NAME"])
    path = export_zip(tmp_path, card=f43_text("CARD", [card(1)]), person=no_update)
    assert "no column for D_UPDATE" in _import_one(engine, path)
    _nothing_written(engine)


def test_an_nhso_file_missing_a_mandatory_column_is_refused(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "rights.csv"
    path.write_text("pid,hmain_op,status\r\n3100000000019,07543,ok\r\n", encoding="utf-8")
    message = _import_one(engine, path)
    assert "no column for maininscl" in message
    _nothing_written(engine)
    assert batches(engine)[0][1] == "nhso_rights"


@pytest.mark.parametrize(
    "build",
    ["traversal", "bomb", "garbage", "no_43_file", "missing"],
)
def test_the_command_exits_1_for_a_refused_file_and_still_imports_the_rest(
    store_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    build: str,
) -> None:
    monkeypatch.setattr(tui.cli, "COMMAND_MODULES", ("tui.commands.importing",))
    good = export_zip(tmp_path, person=PERSON_TXT)
    bad = tmp_path / f"{build}.zip"
    if build == "traversal":
        write_zip(bad, {"../../person.txt": PERSON_TXT})
    elif build == "bomb":
        write_zip(bad, {"person.txt": bytes(30 * 1024 * 1024)})
    elif build == "garbage":
        bad.write_bytes(random.Random(1).randbytes(9000))
    elif build == "no_43_file":
        write_zip(bad, {"notes.txt": b"nothing here"})
    code = tui.cli.main(["--db", store_url, "--lang", "en", "import", str(bad), str(good)])
    out = capsys.readouterr().out
    assert code == 1
    assert f"{bad}: refused: " in out
    assert f"{good}: loaded" in out
    assert "1 loaded, 0 unchanged, 1 refused" in out


def test_a_damaged_later_member_leaves_nothing_of_the_earlier_ones(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "F43_07543_20250101120000.zip"
    cards = f43_text("CARD", [card(1), card(2)])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("person.txt", PERSON_TXT)
        archive.writestr("card.txt", cards)
    data = path.read_bytes()
    at = data.index(cards) + len(cards) // 2
    path.write_bytes(data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :])
    message = _import_one(engine, path)
    assert message.startswith("member 'card.txt' is damaged")
    _nothing_written(engine)
    _refused_once(engine, "damaged")


def test_a_nul_deep_inside_a_member_is_refused_on_every_backend(
    engine: Engine, tmp_path: Path
) -> None:
    rows = [person(i) for i in range(1, 2000)] + [person(2000, NAME="x\x00y")]
    path = export_zip(tmp_path, person=f43_text("PERSON", rows))
    assert "binary data" in _import_one(engine, path)
    _nothing_written(engine)
