"""The command line speaks Thai: every --help, argparse's own usage and errors, and the
failures of each command, with no English sentence left; and the catalogue behind it is whole."""

from __future__ import annotations

import errno
import http.server
import json
import os
import re
import string
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from store.engine import open_store
from store.errors import os_error
from store.i18n import LANGUAGES, catalog
from store.pp.catalog import COLUMNS
from tests.support.english import english_left
from tests.support.ingest_builders import f43_text, person, write_zip
from tests.support.syncserver import free_port
from tui.cli import main

COMMANDS = [
    [],
    ["import"],
    ["report"],
    ["report", "kpi"],
    ["report", "gaps"],
    ["report", "claims"],
    ["demo"],
    ["facility"],
    ["facility", "list"],
    ["facility", "set"],
    ["facility", "partners"],
    ["sync"],
    ["server"],
    ["server", "run"],
    ["server", "add-facility"],
    ["server", "add-user"],
    ["config"],
    ["config", "set"],
    ["config", "get"],
    ["config", "unset"],
    ["config", "show"],
    ["daemon"],
]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    try:
        code = main(list(argv))
    except SystemExit as stop:
        code = int(stop.code or 0)
    out, err = capsys.readouterr()
    return code, out + err


def placeholders(template: str) -> set[str]:
    names = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    return names | set(re.findall(r"%\(?\w*\)?[sr]", template))


def test_every_message_has_both_languages_and_the_same_placeholders() -> None:
    thai, english = catalog("th"), catalog("en")
    assert sorted(set(thai) ^ set(english)) == []
    for key in thai:
        assert placeholders(thai[key]) == placeholders(english[key]), key
        assert thai[key].strip() and english[key].strip(), key


def test_the_english_detector_finds_english() -> None:
    assert english_left("sitthi: no server configured for this unit")
    assert not english_left("sitthi: ยังไม่ได้ตั้งค่า `sitthi config set server URL` --server URL")


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "sitthi")
def test_every_help_is_thai(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, text = run(capsys, *command, "--help", "--lang", "th")
    assert code == 0
    assert "วิธีใช้:" in text and "ตัวเลือก" in text
    assert english_left(text) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_help_follows_the_language(lang: str, capsys: pytest.CaptureFixture[str]) -> None:
    _, text = run(capsys, "report", "kpi", "--help", "--lang", lang)
    assert ("usage:" in text) == (lang == "en")


def failure_paths(tmp_path: Path) -> list[list[str]]:
    db = str(tmp_path / "store.db")
    unreachable = f"http://127.0.0.1:{free_port()}"
    return [
        ["nonsense"],
        ["report"],
        ["report", "kpi", "--as-of", "31/02/2568", "--db", db],
        ["report", "kpi", "--as-of", "yesterday", "--db", db],
        ["report", "kpi", "--fiscal-year", "2025", "--db", db],
        ["report", "claims", "--status", "LOST", "--db", db],
        ["report", "gaps", "--hospcode", "99999", "--db", db],
        ["report", "kpi", "--unknown-option", "--db", db],
        ["demo", "--persons", "0"],
        ["demo", "--persons", "many"],
        ["demo", "--persons", "10", "--large"],
        ["facility", "partners", "123", "--db", db],
        ["facility", "partners", "09901", "--add", "09901", "--db", db],
        ["facility", "set", "09901", "--db", db],
        ["facility", "set", "09901", "--name", " ", "--db", db],
        ["import", "--db", db],
        ["import", str(tmp_path / "missing.zip"), "--db", db],
        ["import", str(tmp_path / "garbage.zip"), "--db", db],
        ["import", str(tmp_path / "unreadable.zip"), "--db", db],
        ["import", str(tmp_path / "catalog.csv"), "--db", db],
        *(["import", str(tmp_path / name), "--db", db] for name in REFUSED_FILES),
        ["report", "kpi", "--db", "foo://x"],
        ["report", "kpi", "--db", "mysql://user@127.0.0.1/sitthi"],
        ["report", "kpi", "--db", f"postgresql://postgres@127.0.0.1:{free_port()}/sitthi"],
        ["report", "kpi", "--db", str(tmp_path / "a-folder")],
        ["sync", "--db", db],
        ["sync", "--server", unreachable, "--db", db],
        ["config", "set", "colour", "blue"],
        ["config", "set", "server", "ftp://x"],
        ["config", "set", "interval", "often"],
        ["config", "set", "interval", "1"],
        ["config", "set", "ca_bundle", "/no/such/bundle.pem"],
        ["daemon", "--db", db],
        ["daemon", "--interval", "-1", "--watch", str(tmp_path), "--db", db],
        ["server", "add-facility", "a b", "--db", str(tmp_path / "server.db")],
        ["server", "add-user", " ", "--role", "province", "--db", str(tmp_path / "server.db")],
        ["server", "add-user", "Dao", "--role", "admin"],
    ]


OS_TEXTS = [os.strerror(code) for code in (errno.EACCES, errno.EISDIR, errno.ENOENT, errno.ENOSPC)]
"""What the system says in English; shown inside a Thai sentence it must be the catalogue's."""
EXCEPTION_NAME = re.compile(r"\b[A-Z][a-z]+(?:[A-Z][a-z]+)*(?:Error|Exception)\b")


def deny_reading(monkeypatch: pytest.MonkeyPatch, denied: Path) -> None:
    """Reading `denied` fails as a file of another user does (the tests may run as root, who
    may read anything)."""
    read_bytes, opened = Path.read_bytes, Path.open

    def refuse(path: Path) -> None:
        if path.name == denied.name:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))

    def guarded(path: Path) -> bytes:
        refuse(path)
        return read_bytes(path)

    def guarded_open(path: Path, *args: Any, **kwargs: Any) -> Any:
        refuse(path)
        return opened(path, *args, **kwargs)

    monkeypatch.setattr(Path, "read_bytes", guarded)
    monkeypatch.setattr(Path, "open", guarded_open)


def bad_catalog(path: Path) -> None:
    """A PP catalog file with a rate that is no amount and a sex that is no code."""
    cells = dict.fromkeys(COLUMNS, "")
    cells.update(fiscal_year="2568", item="ANC", name_th="ฝากครรภ์", rate="abc", source="ANC")
    cells.update(sex="F")
    path.write_text(",".join(COLUMNS) + "\n" + ",".join(cells.values()) + "\n", "utf-8")


REFUSED_FILES = (
    "empty.txt",
    "random.zip",
    "no_tables.zip",
    "no_d_update.zip",
    "binary_member.zip",
    "headerless.zip",
)
"""Files `write_refused_files` makes, each refused for another reason."""


def write_refused_files(folder: Path) -> None:
    (folder / "empty.txt").write_bytes(b"")
    (folder / "random.zip").write_bytes(bytes(range(7, 256)) * 4)
    write_zip(folder / "no_tables.zip", {"readme.txt": b"hello"})
    fields = ["HOSPCODE", "PID", "CID", "NAME"]
    write_zip(folder / "no_d_update.zip", {"PERSON.txt": f43_text("PERSON", [], fields=fields)})
    write_zip(folder / "binary_member.zip", {"PERSON.txt": bytes(range(256)) * 8})
    three = f43_text("PERSON", [person(1), person(2)], header=False, fields=fields[:3])
    write_zip(folder / "headerless.zip", {"PERSON.txt": three})


def test_every_failure_path_speaks_thai_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_refused_files(tmp_path)
    (tmp_path / "garbage.zip").write_bytes(b"PK\x03\x04 not really a zip")
    (tmp_path / "unreadable.zip").write_bytes(b"PK\x03\x04")
    deny_reading(monkeypatch, tmp_path / "unreadable.zip")
    bad_catalog(tmp_path / "catalog.csv")
    (tmp_path / "a-folder").mkdir()
    monkeypatch.setenv("SITTHI_TOKEN", "sitthi_x")
    for argv in failure_paths(tmp_path):
        code, text = run(capsys, *argv, "--lang", "th")
        assert code in (1, 2), argv
        assert text.strip(), argv
        assert english_left(text) == [], (argv, text)
        assert [t for t in OS_TEXTS if t in text] == [], (argv, text)
        assert EXCEPTION_NAME.findall(text) == [], (argv, text)


def test_the_os_errors_say_what_to_do_in_thai(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "store.db")
    (tmp_path / "unreadable.zip").write_bytes(b"PK\x03\x04")
    deny_reading(monkeypatch, tmp_path / "unreadable.zip")
    _, denied = run(capsys, "import", str(tmp_path / "unreadable.zip"), "--db", db, "--lang", "th")
    assert "ไม่มีสิทธิ์เข้าถึง" in denied
    (tmp_path / "a-folder").mkdir()
    _, folder = run(capsys, "report", "kpi", "--db", str(tmp_path / "a-folder"), "--lang", "th")
    assert "นี่คือโฟลเดอร์ ไม่ใช่ไฟล์" in folder
    _, english = run(capsys, "report", "kpi", "--db", str(tmp_path / "a-folder"), "--lang", "en")
    assert "this is a folder, not a file" in english
    full = os_error(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))
    assert "ดิสก์เต็ม" in full.render("th") and "disk is full" in full.render("en")
    odd = os_error(OSError(errno.EADDRINUSE, os.strerror(errno.EADDRINUSE)))
    assert "EADDRINUSE" in odd.render("th") and english_left(odd.render("th")) == []


def test_a_bad_catalog_file_is_refused_cell_by_cell_in_thai(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad_catalog(tmp_path / "catalog.csv")
    argv = ["import", str(tmp_path / "catalog.csv"), "--db", str(tmp_path / "store.db")]
    _, thai = run(capsys, *argv, "--lang", "th")
    assert "บรรทัด 2 คอลัมน์ rate: 'abc' ไม่ใช่จำนวนเงินบาท" in thai
    assert "บรรทัด 2 คอลัมน์ sex: 'F' ไม่ใช่ค่าที่ใช้ได้" in thai
    _, english = run(capsys, *argv, "--lang", "en")
    assert "line 2, column rate: 'abc' is not an amount in baht" in english


def test_a_failed_sync_is_in_the_daemons_status_in_the_readers_language(
    tmp_path: Path,
) -> None:
    """The daemon keeps the problem's catalogue key: its status reads in Thai and in English."""
    from sync.daemon import Daemon, DaemonOptions
    from sync.daemon_status import read_status, store_name

    centre = open_store(tmp_path / "centre.db")
    unreachable = f"http://127.0.0.1:{free_port()}"
    options = DaemonOptions(server=unreachable, token="sitthi_x", first_retry_s=60, timeout_s=2)
    daemon = Daemon(centre, options)
    thread = threading.Thread(target=daemon.run, daemon=True)
    thread.start()
    try:
        for _ in range(200):
            if daemon.status.last_error is not None:
                break
            time.sleep(0.05)
    finally:
        daemon.request_stop()
        thread.join(timeout=30)
    status = read_status(store_name(centre))
    centre.dispose()
    assert status is not None and status.last_error is not None
    thai, english = status.problem("th"), status.problem("en")
    assert thai is not None and english is not None
    assert "ติดต่อเซิร์ฟเวอร์" in thai and english_left(thai) == [], thai
    assert EXCEPTION_NAME.findall(thai) == [], thai
    assert "cannot reach the server" in english
    assert re.search(r"\(next try in \d+ s\)$", english), english


def test_the_saved_app_language_is_the_default(capsys: pytest.CaptureFixture[str]) -> None:
    from tui.prefs import Prefs, save_prefs

    save_prefs(Prefs(lang="en"))
    _, text = run(capsys, "sync")
    assert "no server configured" in text
    _, text = run(capsys, "sync", "--lang", "th")
    assert "ยังไม่ได้ตั้งค่าเซิร์ฟเวอร์" in text


def refusal(capsys: pytest.CaptureFixture[str], path: Path, lang: str) -> str:
    code, text = run(capsys, "import", str(path), "--db", str(path.parent / "s.db"), "--lang", lang)
    assert code == 1, text
    return text


def test_an_empty_file_and_a_false_zip_are_told_apart_shortly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_refused_files(tmp_path)
    empty = refusal(capsys, tmp_path / "empty.txt", "en")
    assert "the file is empty: export it again" in empty and "tell" not in empty
    assert "ไฟล์ว่างเปล่า" in refusal(capsys, tmp_path / "empty.txt", "th")
    damaged = refusal(capsys, tmp_path / "random.zip", "en")
    assert "not a zip file (damaged or another kind of file)" in damaged
    assert "UTF-8" not in damaged
    assert "ไม่ใช่ไฟล์ zip" in refusal(capsys, tmp_path / "random.zip", "th")


def test_a_zip_members_refusal_names_the_member_in_the_readers_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_refused_files(tmp_path)
    missing = refusal(capsys, tmp_path / "no_d_update.zip", "th")
    assert "PERSON.txt" in missing and "D_UPDATE" in missing and "ไม่มีคอลัมน์" in missing
    binary = refusal(capsys, tmp_path / "binary_member.zip", "th")
    assert "PERSON.txt: ไม่ใช่ข้อความ UTF-8 หรือ TIS-620" in binary
    assert "PERSON.txt: neither UTF-8" in refusal(capsys, tmp_path / "binary_member.zip", "en")


@pytest.mark.parametrize(
    ("url", "thai", "english"),
    [
        ("foo://x", "ไม่ใช่ที่อยู่ของที่เก็บข้อมูล", "not a store address Sitthi opens"),
        ("mysql://u@127.0.0.1/s", "ไม่ใช่ที่อยู่ของที่เก็บข้อมูล", "not a store address"),
        ("postgresql://postgres@127.0.0.1:{port}/s", "ติดต่อเซิร์ฟเวอร์ฐานข้อมูล", "cannot reach"),
    ],
)
def test_a_store_address_sitthi_cannot_open_is_said_without_a_traceback(
    url: str, thai: str, english: str, capsys: pytest.CaptureFixture[str]
) -> None:
    url = url.format(port=free_port())
    code, text = run(capsys, "report", "kpi", "--db", url, "--lang", "th")
    assert code == 1 and thai in text and "Traceback" not in text, text
    code, text = run(capsys, "report", "kpi", "--db", url, "--lang", "en")
    assert code == 1 and english in text, text


class _OldServer(http.server.BaseHTTPRequestHandler):
    """A server of another protocol version: refuses every request with 426 and its own
    English words."""

    def _refuse(self) -> None:
        body = json.dumps(
            {"error": "protocol", "message": "this server speaks sync protocol 1 to 2"}
        )
        self.send_response(426)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    do_GET = do_POST = _refuse

    def log_message(self, *_args: object) -> None:
        return


def test_a_server_of_another_version_is_told_in_thai_without_its_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _OldServer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("SITTHI_TOKEN", "sitthi_x")
    url = f"http://127.0.0.1:{server.server_address[1]}"
    argv = ["sync", "--server", url, "--db", str(tmp_path / "store.db")]
    try:
        code, thai = run(capsys, *argv, "--lang", "th")
        _, english = run(capsys, *argv, "--lang", "en")
    finally:
        server.shutdown()
        server.server_close()
    assert code == 1
    assert "ใช้วิธีซิงก์คนละรุ่น" in thai and english_left(thai) == [], thai
    assert "speaks" not in thai and "protocol" not in thai
    assert "another version of the sync protocol" in english


def test_rows_the_server_refused_are_listed_in_thai(capsys: pytest.CaptureFixture[str]) -> None:
    from sync.protocol import Rejection
    from tui.commands.sync import print_rejections

    older = Rejection("person", "a1", catalog("en")["server.refused.older"])
    odd = Rejection("card", "b2", "a reason from a newer server")
    print_rejections([older, odd], "th")
    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        f"  แถว a1 ของตาราง person: {catalog('th')['server.refused.older']}",
        f"  แถว b2 ของตาราง card: {catalog('th')['cli.sync.unknown_reason']}",
    ]
    assert [english_left(line) for line in lines] == [[], []]
