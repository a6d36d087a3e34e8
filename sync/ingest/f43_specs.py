"""The 43 files Sitthi loads, and how: the registry the zip reader consults by member name.

Key and mandatory fields come from `store/reference/f43_files.csv`; this module says which
table and column each field goes to and how it is converted. To load another 43 file, add its
table to the store, its row to f43_files.csv and its layout to f43_layout.csv, and a spec here.

The files PP catalog items select from (`store/reference/pp_sources.csv`: SERVICE, ANC,
POSTNATAL, FP, EPI, SPECIALPP, NCDSCREEN, PROCEDURE_OPD, LABFU) all go to `pp_service`, their
specs made from that table, so a province adds a source file without code. Each row gets the id
`store.pp.sources.service_id` gives it, and every field of its layout stays selectable: the
fields without a column of their own are kept in `fields_json`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence

from sqlalchemy import Table
from sqlmodel import SQLModel

from store.i18n import message
from store.models import Card, Death, House, Person, PpService, Village
from store.pp.sources import (
    CID,
    D_UPDATE,
    ROW_KEY,
    SourceFile,
    fields_json_column,
    json_fields,
    pregnancy_number,
    source_files,
)
from store.reference import ReferenceTableError, table
from sync.ingest.convert import Column, Derived
from sync.ingest.spec import LoaderSpec

F43_FILES = "f43_files.csv"
VILLAGE_PART_WIDTH = 2


VILLAGE_PARTS = ("CHANGWAT", "AMPUR", "TAMBON", "VILLAGE")


def village_id(fields: Mapping[str, str]) -> str:
    """VID: changwat, ampur, tambon and moo, two digits each (HOME keeps them apart); blank
    when any of them is."""
    parts = [fields.get(name, "") for name in VILLAGE_PARTS]
    return "".join(p.zfill(VILLAGE_PART_WIDTH) for p in parts) if all(parts) else ""


def _table(model: type[SQLModel]) -> Table:
    found: Table = model.__table__  # type: ignore[attr-defined]
    return found


def _spec(
    file: str, model: type[SQLModel], columns: tuple[Column, ...], derived: tuple[Derived, ...] = ()
) -> LoaderSpec:
    rows = [r for r in table(F43_FILES, key=("file",)) if r["file"] == file]
    if not rows:
        raise ReferenceTableError(message("reference.no_row", source=F43_FILES, file=file))
    key_fields = rows[0]["key_fields"].split()
    target = {c.field: c.column for c in columns}
    missing = [f for f in key_fields if f not in target]
    if missing:
        raise ReferenceTableError(
            message(
                "reference.keys_not_loaded", source=F43_FILES, file=file, fields=", ".join(missing)
            )
        )
    return LoaderSpec(
        name=file,
        table=_table(model),
        columns=columns,
        required=frozenset(key_fields) | frozenset(rows[0]["mandatory_fields"].split()),
        key=tuple(target[f] for f in key_fields),
        version="d_update",
        derived=derived,
        hospcode="hospcode",
    )


def _common(*columns: Column) -> tuple[Column, ...]:
    update = Column("D_UPDATE", "d_update", "ymdhms", event=True)
    return (Column("HOSPCODE", "hospcode"), *columns, update)


@functools.cache
def f43_specs() -> tuple[LoaderSpec, ...]:
    """The loadable 43 files, in the order a zip's members are loaded."""
    return (
        _spec("VILLAGE", Village, _common(Column("VID", "vid"))),
        _spec(
            "HOME",
            House,
            _common(
                Column("HID", "hid"),
                Column("HOUSE", "house", "free"),
                Column("VILLANAME", "villaname", "free"),
                Column("VHVID", "vhvid"),
                Column("HEADID", "headid"),
            ),
            derived=(Derived("vid", VILLAGE_PARTS, village_id),),
        ),
        _spec(
            "PERSON",
            Person,
            _common(
                Column("PID", "pid"),
                Column("CID", "cid", "cid_as_given"),
                Column("HID", "hid"),
                Column("PRENAME", "prename", "free"),
                Column("NAME", "name", "free"),
                Column("LNAME", "lname", "free"),
                Column("HN", "hn"),
                Column("SEX", "sex", codes="sex.csv"),
                Column("BIRTH", "birth", "ymd", event=True),
                Column("NATION", "nation"),
                Column("TYPEAREA", "typearea", codes="typearea.csv"),
                Column("DISCHARGE", "discharge", codes="discharge.csv"),
                Column("DDISCHARGE", "ddischarge", "ymd", event=True),
                Column("TELEPHONE", "telephone", "free"),
                Column("MOBILE", "mobile", "free"),
            ),
        ),
        _spec(
            "CARD",
            Card,
            _common(
                Column("PID", "pid"),
                Column("INSTYPE_OLD", "instype_old"),
                Column("INSTYPE_NEW", "instype_new"),
                Column("INSID", "insid"),
                Column("STARTDATE", "startdate", "ymd"),
                Column("EXPIREDATE", "expiredate", "ymd"),
                Column("MAIN", "main"),
                Column("SUB", "sub"),
                Column("CID", "cid", "cid_as_given"),
            ),
        ),
        _spec(
            "DEATH",
            Death,
            _common(
                Column("PID", "pid"),
                Column("DDEATH", "ddeath", "ymd", event=True),
                Column("CDEATH", "cdeath"),
                Column("CID", "cid", "cid_as_given"),
            ),
        ),
        *(_pp_spec(source) for source in source_files().values()),
    )


def _pp_spec(source: SourceFile) -> LoaderSpec:
    """`pp_service` rows from one PP source file (see the module text)."""
    columns = [
        *(Column(name, name.lower()) for name in ROW_KEY),
        Column(source.date_field, "date_serv", "ymd", event=True),
        Column(CID, "cid"),
        Column(D_UPDATE, "d_update", "ymdhms", event=True),
    ]
    if source.related_date_field:
        columns.append(Column(source.related_date_field, "bdate", "ymd", event=True))
    extra_key = source.extra_key_fields
    # The key fields beyond HOSPCODE PID SEQ make up `key_code` (derived below, which replaces
    # these values); read through it here so that a blank one keeps its row out, named.
    columns.extend(Column(name, "key_code") for name in extra_key)
    derived = [
        Derived("source", (), lambda _fields: source.name),
        Derived("key_code", extra_key, lambda fields: " ".join(fields[f] for f in extra_key)),
        _fields_json(source),
    ]
    if source.pregnancy_field:
        pregnancy = source.pregnancy_field
        derived.append(
            Derived("gravida", (pregnancy,), lambda fields: pregnancy_number(fields[pregnancy]))
        )
    rows = [r for r in table(F43_FILES, key=("file",)) if r["file"] == source.name]
    mandatory = rows[0]["mandatory_fields"].split() if rows else []
    return LoaderSpec(
        name=source.name,
        table=_table(PpService),
        columns=tuple(columns),
        required=frozenset({*source.key_fields, source.date_field, D_UPDATE, *mandatory}),
        key=("source", "hospcode", "pid", "seq", "key_code"),
        version="d_update",
        derived=tuple(derived),
        hospcode="hospcode",
    )


def _fields_json(source: SourceFile) -> Derived:
    names = json_fields(source)

    def by_column(columns: Sequence[Sequence[str]], rows: int) -> list[str]:
        return fields_json_column(names, columns, rows=rows)

    def one_row(fields: Mapping[str, str]) -> str:
        return by_column([[fields[name]] for name in names], 1)[0]

    return Derived("fields_json", names, one_row, by_column)


def f43_spec(file: str) -> LoaderSpec | None:
    """The spec of a 43 file (`PERSON`), None for files Sitthi does not load."""
    return next((s for s in f43_specs() if s.name == file), None)
