"""Export files in the real formats, built from synthetic people, for the import tests."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from sqlalchemy import Engine, select, text
from sqlmodel import SQLModel

import store.models  # noqa: F401  (the tables of rows_of)
from store.cid import check_digit
from sync.ingest.f43 import layout

HOSPCODE = "07543"
DATA_TABLES = ("person", "card", "house", "village", "death", "nhso_right", "facility")
LOG_TABLES = ("import_part", "import_issue")


def cid(n: int, first: str = "3") -> str:
    """A synthetic citizen ID with a valid check digit (never a real person's)."""
    first12 = f"{first}{n:011d}"
    return first12 + str(check_digit(first12))


def person(pid: int, **fields: str) -> dict[str, str]:
    row = {
        "HOSPCODE": HOSPCODE,
        "CID": cid(pid),
        "PID": str(pid),
        "HID": str(pid // 3 + 1),
        "PRENAME": "003",
        "NAME": "สมชาย",
        "LNAME": "ใจดี",
        "HN": f"{pid:06d}",
        "SEX": "1",
        "BIRTH": "19800115",
        "NATION": "099",
        "DISCHARGE": "9",
        "TYPEAREA": "1",
        "D_UPDATE": "20250101120000",
        "MOBILE": "0800000000",
    }
    row.update(fields)
    return row


def card(pid: int, **fields: str) -> dict[str, str]:
    row = {
        "HOSPCODE": HOSPCODE,
        "PID": str(pid),
        "INSTYPE_NEW": "0100",
        "INSID": cid(pid),
        "STARTDATE": "20200101",
        "EXPIREDATE": "",
        "MAIN": "10676",
        "SUB": HOSPCODE,
        "D_UPDATE": "20250101120000",
        "CID": cid(pid),
    }
    row.update(fields)
    return row


def home(hid: int, **fields: str) -> dict[str, str]:
    row = {
        "HOSPCODE": HOSPCODE,
        "HID": str(hid),
        "HOUSE": f"{hid}/2",
        "VILLANAME": "บ้านหนองบัว",
        "VILLAGE": "3",
        "TAMBON": "1",
        "AMPUR": "2",
        "CHANGWAT": "30",
        "D_UPDATE": "20250101120000",
    }
    row.update(fields)
    return row


def village(vid: str, **fields: str) -> dict[str, str]:
    row = {"HOSPCODE": HOSPCODE, "VID": vid, "D_UPDATE": "20250101120000"}
    row.update(fields)
    return row


def death(pid: int, **fields: str) -> dict[str, str]:
    row = {
        "HOSPCODE": HOSPCODE,
        "PID": str(pid),
        "DDEATH": "20240510",
        "CDEATH": "I219",
        "D_UPDATE": "20250101120000",
        "CID": cid(pid),
    }
    row.update(fields)
    return row


def f43_text(
    file: str,
    rows: Sequence[Mapping[str, str]],
    *,
    header: bool = True,
    newline: str = "\r\n",
    encoding: str = "utf-8",
    fields: Sequence[str] | None = None,
    extra: Sequence[str] = (),
) -> bytes:
    """A 43-file member: `fields` (default: the known layout) then `extra` unknown columns."""
    names = list(fields if fields is not None else layout(file))
    lines = []
    if header:
        lines.append("|".join([*names, *(f"X_{i}" for i in range(len(extra)))]))
    for row in rows:
        lines.append("|".join([*(row.get(n, "") for n in names), *extra]))
    return (newline.join(lines) + newline).encode(encoding)


def write_zip(path: Path, members: Mapping[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def zip_bytes(members: Mapping[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


EXPORT_NAME = f"F43_{HOSPCODE}_20250101120000.zip"


def export_zip(tmp: Path, name: str = EXPORT_NAME, **files: bytes) -> Path:
    """A 43-file export zip whose members are named `<file>.txt` (`person=...`)."""
    return export_zip_of(tmp, files, name)


def export_zip_of(tmp: Path, files: Mapping[str, bytes], name: str = EXPORT_NAME) -> Path:
    """`export_zip` from a mapping of file names (lower case) to their text."""
    return write_zip(tmp / name, {f"{k}.txt": v for k, v in files.items()})


def count(engine: Engine, table: str, where: str = "") -> int:
    with engine.connect() as conn:
        query = f"SELECT COUNT(*) FROM {table}" + (f" WHERE {where}" if where else "")
        return int(conn.execute(text(query)).scalar_one())


def data_rows(engine: Engine) -> dict[str, int]:
    """Rows in every table an import fills, batches aside."""
    return {t: count(engine, t) for t in (*DATA_TABLES, *LOG_TABLES)}


def rows_of(engine: Engine, table: str, *columns: str, order: str = "") -> list[tuple[object, ...]]:
    """Typed values (dates as dates on every backend) of a table's columns."""
    target = SQLModel.metadata.tables[table]
    query = select(*(target.c[c] for c in columns))
    if order:
        query = query.order_by(target.c[order])
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(query)]


def batches(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                text("SELECT status, kind, message, hospcode FROM import_batch ORDER BY started_at")
            )
        ]
