"""CID lists for NHSO's batch rights check (domain.md 7.6): plain text, one 13-digit CID per
line, no header, at most `cid_batch_size` per file (500, as public tools send them); several
files are zipped. The persons are the responsible population with a gap of `cid_batch_gaps`
(by default UNCHECKED, EXPIRED, NO_RIGHT, OUTSIDE_UNIT), Thai nationals with a valid Thai CID
only: NHSO's check answers for those. The answer comes back as an NHSO rights file, which
`sitthi import` loads like any other (the round trip the tests drive).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine

from exporters.files import be_stamp, default_name
from exporters.run import Saved, save_file
from store.cid import is_thai_cid
from store.codes import setting, setting_int

KIND = "cid-batch"
LINE_ENDS = {"crlf": "\r\n", "lf": "\n"}


@dataclass(frozen=True)
class CidBatch:
    hospcode: str | None
    as_of: dt.date
    cids: tuple[str, ...]
    gaps: tuple[str, ...]

    def files(self, size: int | None = None) -> list[tuple[str, ...]]:
        """The CIDs split into files of at most `size` (setting `cid_batch_size`)."""
        limit = size if size is not None else setting_int("cid_batch_size")
        if limit < 1:
            raise ValueError("cid_batch_size must be at least 1")
        return [self.cids[i : i + limit] for i in range(0, len(self.cids), limit)]


def batch_gaps() -> tuple[str, ...]:
    """The gap codes whose persons need a rights check (setting `cid_batch_gaps`)."""
    return tuple(setting("cid_batch_gaps").split())


def collect(
    conn: Connection,
    as_of: dt.date,
    hospcode: str | None = None,
    gaps: Sequence[str] | None = None,
) -> CidBatch:
    """The distinct CIDs to check, in order."""
    from store.kpi import evaluate_units

    wanted = tuple(gaps) if gaps else batch_gaps()
    found: set[str] = set()
    for unit in evaluate_units(conn, as_of, hospcode):
        for ev in unit.evaluations:
            cid = ev.person.cid
            if ev.responsible and ev.thai and is_thai_cid(cid) and set(ev.codes) & set(wanted):
                found.add(cid)
    return CidBatch(hospcode, as_of, tuple(sorted(found)), wanted)


def batch_text(cids: Sequence[str]) -> bytes:
    """One file's bytes: ASCII digits, one CID per line (`cid_batch_line_end`)."""
    end = LINE_ENDS[setting("cid_batch_line_end").strip().lower() or "crlf"]
    return "".join(cid + end for cid in cids).encode("ascii")


def member_name(batch: CidBatch, number: int) -> str:
    return f"{KIND}_{batch.hospcode or 'all'}_{be_stamp(batch.as_of)}_{number:02d}.txt"


def default_path(batch: CidBatch, folder: Path, size: int | None = None) -> Path:
    suffix = "zip" if len(batch.files(size)) > 1 else "txt"
    return folder / default_name(KIND, batch.hospcode, batch.as_of, suffix)


def zip_bytes(batch: CidBatch, files: Sequence[Sequence[str]]) -> bytes:
    stamp = (batch.as_of.year, batch.as_of.month, batch.as_of.day, 0, 0, 0)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for number, cids in enumerate(files, start=1):
            info = zipfile.ZipInfo(member_name(batch, number), date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, batch_text(cids))
    return buffer.getvalue()


def save_batch(engine: Engine, batch: CidBatch, path: Path, size: int | None = None) -> Saved:
    """Write the batch to `path`: one text file, or a zip when there are several (a path not
    ending in `.zip` then gets that suffix); audited like every person-level export."""
    files = batch.files(size)
    if len(files) > 1 and path.suffix.lower() != ".zip":
        path = path.with_suffix(".zip")

    def write(temp: Path) -> None:
        data = zip_bytes(batch, files) if len(files) > 1 else batch_text(batch.cids)
        temp.write_bytes(data)

    save_file(
        engine,
        path,
        write,
        kind=KIND,
        hospcode=batch.hospcode,
        persons=len(batch.cids),
        rows=len(batch.cids),
        show_cid=True,
    )
    return Saved(path, len(batch.cids), len(batch.cids), files=max(len(files), 1))
