"""Saving an export: the file written beside its target and renamed, and (for person-level
data) the export recorded in the same step, so a file never leaves without its record and a
refused record leaves no file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from sqlalchemy import Engine

from exporters.csvfile import write_csv
from exporters.document import Document
from exporters.files import staged
from exporters.record import record
from exporters.xlsx import write_xlsx


class Format(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"


@dataclass(frozen=True)
class Saved:
    path: Path
    rows: int
    persons: int
    files: int = 1


def save_document(
    engine: Engine, document: Document, path: Path, *, fmt: Format = Format.XLSX, bom: bool = True
) -> Saved:
    """Write `document` to `path` as XLSX or CSV; audited when it names persons."""

    def write(temp: Path) -> None:
        if fmt is Format.CSV:
            write_csv(document, temp, bom=bom)
        else:
            write_xlsx(document, temp)

    save_file(
        engine,
        path,
        write,
        kind=document.kind,
        hospcode=document.hospcode,
        persons=document.persons if document.person_level else None,
        rows=document.rows,
        show_cid=document.show_cid,
    )
    return Saved(path, document.rows, document.persons)


def save_file(
    engine: Engine,
    path: Path,
    write: Callable[[Path], None],
    *,
    kind: str,
    hospcode: str | None,
    persons: int | None,
    rows: int,
    show_cid: bool,
) -> None:
    """`write(temp)`, then record the export (unless `persons` is None: no personal data), then
    rename; an error at any step leaves no file and no record."""
    from store.engine import write_tx

    if persons is None:
        with staged(path) as temp:
            write(temp)
        return
    with write_tx(engine) as conn, staged(path) as temp:
        write(temp)
        record(
            conn,
            kind=kind,
            hospcode=hospcode,
            file_name=path.name,
            persons=persons,
            rows=rows,
            show_cid=show_cid,
        )
