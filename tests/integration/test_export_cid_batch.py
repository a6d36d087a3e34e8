"""`sitthi export cid-batch`: the CIDs for NHSO's batch rights check, and the round trip back
through an NHSO answer file in a real rights layout (the UCWS batch dump, domain.md 7.3)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import pytest

from exporters.audit import audit_path
from exporters.cid_batch import CidBatch
from tests.support.cli import run
from tests.support.export_builders import (
    AS_OF,
    BAD_CID,
    NON_THAI_CID,
    RESPONSIBLE_WITH_GAPS,
    village_zip,
)
from tests.support.ingest_builders import HOSPCODE, cid

UCWS_COLUMNS = (
    "person_id",
    "title_name",
    "fname",
    "lname",
    "sex",
    "birthdate",
    "nation",
    "maininscl",
    "maininscl_main",
    "maininscl_name",
    "subinscl",
    "subinscl_name",
    "hmain",
    "hmain_name",
    "hmain_op",
    "hmain_op_name",
    "hsub",
    "hsub_name",
    "startdate",
    "expdate",
    "paid_model",
    "purchaseprovince",
    "status",
    "status_desc",
    "ws_status",
    "ws_status_desc",
    "ws_date_request",
    "wsid",
)
THAI_RESPONSIBLE = RESPONSIBLE_WITH_GAPS - 2
"""Everyone UNCHECKED but the non-Thai person and the one with a broken CID."""


@pytest.fixture
def villages(store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    code, _, err = run(capsys, "import", str(village_zip(tmp_path)), "--db", store_url)
    assert (code, err) == (0, "")
    return store_url


def unchecked(capsys: pytest.CaptureFixture[str], db: str) -> int:
    code, out, _ = run(capsys, "report", "kpi", "--json", "--as-of", AS_OF, "--db", db)
    assert code == 0
    [unit] = json.loads(out)["units"]
    count: int = unit["gaps"]["UNCHECKED"]
    return count


def ucws_answer(path: Path, cids: list[str], checked: dt.datetime) -> Path:
    """NHSO's answer as the UCWS batch dump writes it: every column, CE dates, UTF-8 CSV."""
    out = io.StringIO()
    writer = csv.DictWriter(out, UCWS_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for number, person_id in enumerate(cids):
        writer.writerow(
            {
                "person_id": person_id,
                "title_name": "นาย",
                "fname": "ทดสอบ",
                "lname": f"คนที่{number}",
                "sex": "1",
                "birthdate": "19800115",
                "nation": "099",
                "maininscl": "UCS",
                "maininscl_main": "UCS",
                "maininscl_name": "สิทธิหลักประกันสุขภาพแห่งชาติ",
                "subinscl": "89",
                "subinscl_name": "ช่วงอายุ 12-59 ปี",
                "hmain": "10676",
                "hmain_name": "โรงพยาบาลชุมชน",
                "hmain_op": HOSPCODE,
                "hmain_op_name": "รพ.สต.",
                "hsub": HOSPCODE,
                "hsub_name": "รพ.สต.",
                "startdate": "20200101",
                "expdate": "",
                "paid_model": "1",
                "purchaseprovince": "3000",
                "status": "003",
                "status_desc": "ปกติ",
                "ws_status": "NHSO-000001",
                "ws_status_desc": "ok",
                "ws_date_request": checked.strftime("%Y-%m-%d %H:%M:%S"),
                "wsid": f"WS{number:05d}",
            }
        )
    path.write_bytes(out.getvalue().encode("utf-8"))
    return path


def test_the_batch_is_plain_text_valid_thai_cids_only_and_audited(
    villages: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "batch.txt"
    code, _out, err = run(
        capsys, "export", "cid-batch", "--as-of", AS_OF, "--db", villages, "-o", str(target)
    )
    assert (code, err) == (0, ""), err
    data = target.read_bytes()
    lines = data.decode("ascii").split("\r\n")
    assert lines[-1] == "" and len(lines) - 1 == THAI_RESPONSIBLE
    cids = lines[:-1]
    assert all(len(c) == 13 and c.isdigit() for c in cids), "no header, nothing but CIDs"
    assert NON_THAI_CID not in cids and BAD_CID not in cids
    assert cids == sorted(set(cids))
    [line] = [json.loads(x) for x in audit_path().read_text(encoding="utf-8").splitlines()]
    assert (line["command"], line["persons"], line["hospcode"]) == (
        "export cid-batch --show-cid",
        THAI_RESPONSIBLE,
        HOSPCODE,
    )


def test_a_batch_splits_at_the_size_setting_and_is_zipped(
    villages: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], sitthi_home: Path
) -> None:
    override = sitthi_home / "config" / "reference" / "settings.csv"
    override.parent.mkdir(parents=True)
    override.write_text("key,value,meaning\ncid_batch_size,4,test\n", encoding="utf-8")
    target = tmp_path / "batch.txt"
    code, out, err = run(
        capsys,
        "export",
        "cid-batch",
        "--as-of",
        AS_OF,
        "--db",
        villages,
        "-o",
        str(target),
        "--lang",
        "en",
    )
    assert (code, err) == (0, ""), err
    zipped = target.with_suffix(".zip")
    assert str(zipped) in out and not target.exists()
    with zipfile.ZipFile(zipped) as archive:
        names = archive.namelist()
        sizes = [len(archive.read(n).split(b"\r\n")) - 1 for n in names]
    assert names == [f"cid-batch_{HOSPCODE}_25680520_{n:02d}.txt" for n in (1, 2, 3)]
    assert sizes == [4, 4, 2]


def test_the_shipped_batch_size_is_500() -> None:
    cids = tuple(cid(n) for n in range(1, 1002))
    files = CidBatch(HOSPCODE, dt.date(2025, 5, 20), cids, ("UNCHECKED",)).files()
    assert [len(f) for f in files] == [500, 500, 1]
    assert [c for f in files for c in f] == list(cids)


def test_the_answer_from_nhso_imports_and_unchecked_falls_by_the_checked_persons(
    villages: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = unchecked(capsys, villages)
    assert before == RESPONSIBLE_WITH_GAPS
    batch = tmp_path / "batch.txt"
    code, _, err = run(
        capsys, "export", "cid-batch", "--as-of", AS_OF, "--db", villages, "-o", str(batch)
    )
    assert (code, err) == (0, "")
    sent = batch.read_text(encoding="ascii").split()
    answer = ucws_answer(tmp_path / "ucws_result.csv", sent, dt.datetime(2025, 5, 19, 10, 15))
    code, out, err = run(capsys, "import", str(answer), "--db", villages, "--json")
    assert (code, err) == (0, ""), err
    [result] = json.loads(out)["files"]
    assert (result["kind"], result["rows_loaded"]) == ("nhso_rights", len(sent))
    assert unchecked(capsys, villages) == before - len(sent) == 2
    code, out, _ = run(
        capsys,
        "export",
        "cid-batch",
        "--as-of",
        AS_OF,
        "--db",
        villages,
        "-o",
        str(tmp_path / "again.txt"),
    )
    assert code == 0 and "ไม่มีผู้ที่ต้องส่งตรวจสอบสิทธิ" in out
    assert not (tmp_path / "again.txt").exists()
