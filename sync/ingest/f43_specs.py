"""The 43 files Sitthi loads, and how: the registry the zip reader consults by member name.

Key and mandatory fields come from `store/reference/f43_files.csv`; this module says which
table and column each field goes to and how it is converted. To load another 43 file, add its
table to the store, its row to f43_files.csv and its layout to f43_layout.csv, and a spec here.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

from sqlalchemy import Table
from sqlmodel import SQLModel

from store.models import Card, Death, House, Person, Village
from store.reference import ReferenceError, table
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
        raise ReferenceError(f"{F43_FILES}: no row for {file}")
    key_fields = rows[0]["key_fields"].split()
    target = {c.field: c.column for c in columns}
    missing = [f for f in key_fields if f not in target]
    if missing:
        raise ReferenceError(f"{F43_FILES}: key fields of {file} not loaded: {missing}")
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
    return (Column("HOSPCODE", "hospcode"), *columns, Column("D_UPDATE", "d_update", "ymdhms"))


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
                Column("BIRTH", "birth", "ymd"),
                Column("NATION", "nation"),
                Column("TYPEAREA", "typearea", codes="typearea.csv"),
                Column("DISCHARGE", "discharge", codes="discharge.csv"),
                Column("DDISCHARGE", "ddischarge", "ymd"),
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
                Column("DDEATH", "ddeath", "ymd"),
                Column("CDEATH", "cdeath"),
                Column("CID", "cid", "cid_as_given"),
            ),
        ),
    )


def f43_spec(file: str) -> LoaderSpec | None:
    """The spec of a 43 file (`PERSON`), None for files Sitthi does not load."""
    return next((s for s in f43_specs() if s.name == file), None)
