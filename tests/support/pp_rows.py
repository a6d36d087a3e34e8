"""`pp_service` rows built line by line, an independent oracle for the importer's bulk path.

The importer converts whole columns at a time (`sync.ingest.f43_specs`); these tests build the
same rows the plain way, one line at a time, so each path checks the other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from store import thaidate
from store.models import PpService
from store.pp.sources import (
    CID,
    D_UPDATE,
    ROW_KEY,
    SOURCES,
    fields_json_column,
    pregnancy_number,
    service_id,
    source_file,
)


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
