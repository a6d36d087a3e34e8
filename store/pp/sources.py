"""The 43 files PP items are selected from: their fields, keys, dates and `pp_service` ids.

What Sitthi needs to know about a source file is data: its fields (f43_layout.csv), its key
(f43_files.csv), and which of its fields is the service date, the related date (the start of an
item's window) and the pregnancy number (pp_sources.csv). A province can add a source file by
adding rows to those tables.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import RowMapping

from store.ids import stable_id
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


def service_id(source: str, hospcode: str, pid: str, seq: str, key_code: str) -> str:
    return stable_id("pp_service", source, hospcode, pid, seq, key_code)


def pregnancy_number(value: str) -> str:
    """GRAVIDA as a plain number (`01` and `1` are the same pregnancy)."""
    return str(int(value)) if value.isdecimal() else value


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
