"""The 43 files PP items are selected from, and the `pp_service` row made from one of their lines.

What Sitthi needs to know about a source file is data: its fields (f43_layout.csv), its key
(f43_files.csv), and which of its fields is the service date, the related date (the start of an
item's window) and the pregnancy number (pp_sources.csv). A province can add a source file by
adding rows to those tables.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import RowMapping

from store import thaidate
from store.ids import stable_id
from store.models import PpService
from store.reference import table

SOURCES = "pp_sources.csv"
ROW_KEY = ("HOSPCODE", "PID", "SEQ")
"""Key fields every source file starts with; the rest of its key is kept as `key_code`."""
D_UPDATE = "D_UPDATE"
CID = "CID"


@dataclass(frozen=True)
class SourceFile:
    """A 43 file that catalog items may select rows from."""

    name: str
    date_field: str
    related_date_field: str
    pregnancy_field: str
    key_fields: tuple[str, ...]
    fields: frozenset[str]

    @property
    def extra_key_fields(self) -> tuple[str, ...]:
        return tuple(f for f in self.key_fields if f not in ROW_KEY)

    @property
    def typed_fields(self) -> frozenset[str]:
        """Fields stored in columns of their own rather than in `fields_json`."""
        named = {self.date_field, self.related_date_field, self.pregnancy_field}
        return frozenset({*ROW_KEY, D_UPDATE, CID, *named} - {""})


@functools.cache
def layout_fields() -> dict[str, frozenset[str]]:
    """Every 43 file in f43_layout.csv with its field names."""
    fields: dict[str, set[str]] = {}
    for row in table("f43_layout.csv"):
        fields.setdefault(row["file"].upper(), set()).add(row["field"].upper())
    return {name: frozenset(names) for name, names in fields.items()}


@functools.cache
def source_files() -> dict[str, SourceFile]:
    """The PP source files by upper-case name."""
    keys = {r["file"].upper(): tuple(r["key_fields"].split()) for r in table("f43_files.csv")}
    layouts = layout_fields()
    files = {}
    for row in table(SOURCES, key=("file",)):
        name = row["file"].upper()
        files[name] = SourceFile(
            name=name,
            date_field=row["date_field"].upper(),
            related_date_field=row["related_date_field"].upper(),
            pregnancy_field=row["pregnancy_field"].upper(),
            key_fields=keys.get(name, ROW_KEY),
            fields=layouts.get(name, frozenset()),
        )
    return files


def source_file(name: str) -> SourceFile | None:
    return source_files().get(name.strip().upper())


class ServiceRowError(ValueError):
    """A source-file line that cannot become a `pp_service` row; names the field, no values."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class ServiceRecord:
    """A `pp_service` row, and the date fields whose Buddhist-era year was corrected."""

    row: PpService
    be_corrected: tuple[str, ...]


def service_id(source: str, hospcode: str, pid: str, seq: str, key_code: str) -> str:
    return stable_id("pp_service", source, hospcode, pid, seq, key_code)


def service_record(file: str, values: Mapping[str, str], *, batch_id: str) -> ServiceRecord:
    """The `pp_service` row for one line of a source file (field name → text as written).

    Raises ServiceRowError for an unknown file, a missing key field or service date, or a date
    that cannot be read; a blank related date is kept as None.
    """
    source = source_file(file)
    if source is None:
        raise ServiceRowError("file", f"{file} is not a PP source file ({SOURCES})")
    text = {k.strip().upper(): (v or "").strip() for k, v in values.items()}
    for name in (*source.key_fields, source.date_field, D_UPDATE):
        if not text.get(name):
            raise ServiceRowError(name, "missing")
    corrected: list[str] = []
    date_serv = _date(text[source.date_field], source.date_field, corrected)
    related = text.get(source.related_date_field, "") if source.related_date_field else ""
    bdate = _date(related, source.related_date_field, corrected) if related else None
    d_update = _timestamp(text[D_UPDATE], corrected)
    hospcode, pid, seq = (text[f] for f in ROW_KEY)
    key_code = " ".join(text[f] for f in source.extra_key_fields)
    sized = {"HOSPCODE": "hospcode", "PID": "pid", "SEQ": "seq", CID: "cid"}
    sized[source.pregnancy_field or "GRAVIDA"] = "gravida"
    for name, column in sized.items():
        _fits(name, text.get(name, ""), column)
    _fits(" ".join(source.extra_key_fields), key_code, "key_code")
    rest = sorted(k for k in text if k not in source.typed_fields)
    row = PpService(
        id=service_id(source.name, hospcode, pid, seq, key_code),
        hospcode=hospcode,
        source=source.name,
        pid=pid,
        seq=seq,
        key_code=key_code,
        date_serv=date_serv,
        gravida=pregnancy_number(text.get(source.pregnancy_field, "")),
        bdate=bdate,
        cid=text.get(CID, ""),
        fields_json=fields_json_column(rest, [[text[k]] for k in rest], rows=1)[0],
        d_update=d_update,
        batch_id=batch_id,
    )
    return ServiceRecord(row, tuple(corrected))


def _fits(field: str, value: str, column: str) -> None:
    limit = PpService.__table__.c[column].type.length  # type: ignore[attr-defined]
    if len(value) > limit:
        raise ServiceRowError(field, f"longer than {limit} characters")


def _date(value: str, field: str, corrected: list[str]) -> dt.date:
    try:
        day, was_be = thaidate.parse_ymd(value)
    except thaidate.DateError:
        raise ServiceRowError(field, "not a YYYYMMDD date") from None
    if was_be:
        corrected.append(field)
    return day


def _timestamp(value: str, corrected: list[str]) -> dt.datetime:
    try:
        stamp, was_be = thaidate.parse_ymdhms(value)
    except thaidate.DateError:
        raise ServiceRowError(D_UPDATE, "not a YYYYMMDDHHMMSS timestamp") from None
    if was_be:
        corrected.append(D_UPDATE)
    return stamp


def pregnancy_number(value: str) -> str:
    """GRAVIDA as a plain number (`01` and `1` are the same pregnancy)."""
    return str(int(value)) if value.isdigit() else value


def json_fields(source: SourceFile) -> tuple[str, ...]:
    """The fields of a source file kept in `fields_json`, in the order they are written."""
    return tuple(sorted(source.fields - source.typed_fields))


def fields_json_column(
    names: Sequence[str], columns: Sequence[Sequence[str]], *, rows: int
) -> list[str]:
    """The `fields_json` text of `rows` rows at once: `columns[i]` holds field `names[i]` of
    every row (stripped text), `names` in sorted order. Blank values are left out.

    Done a column at a time: each distinct value of a field is encoded once (codes and dates
    repeat a great deal), and a row's text is only the join of its encoded parts, which keeps a
    large export's import fast. The result equals `json.dumps` of the row's non-blank fields.
    """
    encoded: list[list[str]] = []
    for name, column in zip(names, columns, strict=True):
        key = json.dumps(name) + ":"
        memo = {v: key + json.dumps(v, ensure_ascii=False) if v else "" for v in set(column)}
        encoded.append([memo[v] for v in column])
    if not encoded:
        return ["{}"] * rows
    return ["{" + ",".join(filter(None, parts)) + "}" for parts in zip(*encoded, strict=True)]


def row_fields(row: Mapping[str, Any] | RowMapping) -> dict[str, str]:
    """Every field of a stored `pp_service` row by its 43-file name, as text (dates YYYYMMDD)."""
    source = source_file(str(row["source"]))
    fields: dict[str, str] = dict(json.loads(row["fields_json"] or "{}"))
    fields.update({"HOSPCODE": row["hospcode"], "PID": row["pid"], "SEQ": row["seq"]})
    if row["cid"]:
        fields[CID] = row["cid"]
    if source is not None:
        fields[source.date_field] = row["date_serv"].strftime("%Y%m%d")
        if source.related_date_field and row["bdate"] is not None:
            fields[source.related_date_field] = row["bdate"].strftime("%Y%m%d")
        if source.pregnancy_field and row["gravida"]:
            fields[source.pregnancy_field] = row["gravida"]
    return fields


def clear_cache() -> None:
    layout_fields.cache_clear()
    source_files.cache_clear()
