"""The stored inputs: what was imported from exports and NHSO files, and the import log.

Timestamps Sitthi makes are timezone-aware UTC; `d_update` keeps the exporter's wall clock as
written (naive), since it is only compared with other `d_update` values of the same rows.
Judgements (gaps, claim status) are not stored here: they are computed from these rows and an
as-of date by the rules modules. Every row's `id` is a stable UUIDv5 of its natural key
(`store.ids.stable_id`) so that every machine names the same row the same way.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, MetaData
from sqlmodel import Field, SQLModel

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLModel.metadata = MetaData(naming_convention=NAMING_CONVENTION)

CODE = 16
NAME = 200


class Facility(SQLModel, table=True):
    """A health unit known to this store (a centre, or every unit at the province)."""

    hospcode: str = Field(primary_key=True, max_length=CODE)
    name: str = Field(default="", max_length=NAME)


class PartnerUnit(SQLModel, table=True):
    """A unit whose UC registrations count as the facility's own for OUTSIDE_UNIT."""

    __tablename__ = "partner_unit"

    hospcode: str = Field(primary_key=True, foreign_key="facility.hospcode", max_length=CODE)
    partner: str = Field(primary_key=True, max_length=CODE)


class ImportBatch(SQLModel, table=True):
    """One file offered to `sitthi import` or the watcher, loaded or refused."""

    __tablename__ = "import_batch"

    id: str = Field(primary_key=True, max_length=36)
    kind: str = Field(max_length=32)
    file_name: str = Field(max_length=500)
    sha256: str = Field(index=True, max_length=64)
    hospcode: str | None = Field(default=None, max_length=CODE)
    status: str = Field(max_length=16)
    message: str = Field(default="", max_length=2000)
    started_at: dt.datetime
    finished_at: dt.datetime | None = None
    rows_loaded: int = 0
    rows_unchanged: int = 0
    issues: int = 0
    warnings: int = 0


class ImportPart(SQLModel, table=True):
    """One member of an imported file (a 43-file table inside a zip, or the file itself)."""

    __tablename__ = "import_part"

    id: str = Field(primary_key=True, max_length=36)
    batch_id: str = Field(foreign_key="import_batch.id", index=True, max_length=36)
    member: str = Field(max_length=500)
    table_name: str = Field(max_length=32)
    sha256: str = Field(index=True, max_length=64)
    encoding: str = Field(max_length=16)
    has_header: bool
    rows_read: int = 0
    rows_loaded: int = 0
    rows_unchanged: int = 0
    issues: int = 0
    warnings: int = 0
    skipped_duplicate: bool = False


class ImportIssue(SQLModel, table=True):
    """A row quarantined (error) or loaded after a correction (warning); holds no personal data."""

    __tablename__ = "import_issue"

    id: int | None = Field(default=None, primary_key=True)
    batch_id: str = Field(foreign_key="import_batch.id", index=True, max_length=36)
    member: str = Field(max_length=500)
    line: int
    field: str = Field(default="", max_length=64)
    severity: str = Field(max_length=8)
    reason: str = Field(max_length=500)


class Village(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=36)
    hospcode: str = Field(index=True, max_length=CODE)
    vid: str = Field(max_length=CODE)
    d_update: dt.datetime = Field(sa_type=DateTime)
    batch_id: str = Field(max_length=36)


class House(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=36)
    hospcode: str = Field(index=True, max_length=CODE)
    hid: str = Field(max_length=CODE)
    house: str = Field(default="", max_length=NAME)
    villaname: str = Field(default="", max_length=NAME)
    vid: str = Field(default="", max_length=CODE)
    d_update: dt.datetime = Field(sa_type=DateTime)
    batch_id: str = Field(max_length=36)


class Person(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=36)
    hospcode: str = Field(index=True, max_length=CODE)
    pid: str = Field(max_length=CODE)
    cid: str = Field(default="", index=True, max_length=CODE)
    hid: str = Field(default="", max_length=CODE)
    prename: str = Field(default="", max_length=NAME)
    name: str = Field(default="", max_length=NAME)
    lname: str = Field(default="", max_length=NAME)
    hn: str = Field(default="", max_length=CODE)
    sex: str = Field(default="", max_length=1)
    birth: dt.date | None = None
    nation: str = Field(default="", max_length=3)
    typearea: str = Field(default="", max_length=1)
    discharge: str = Field(default="", max_length=1)
    ddischarge: dt.date | None = None
    telephone: str = Field(default="", max_length=32)
    mobile: str = Field(default="", max_length=32)
    d_update: dt.datetime = Field(sa_type=DateTime)
    batch_id: str = Field(max_length=36)


class Card(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=36)
    hospcode: str = Field(index=True, max_length=CODE)
    pid: str = Field(max_length=CODE)
    instype_old: str = Field(default="", max_length=4)
    instype_new: str = Field(max_length=4)
    insid: str = Field(default="", max_length=32)
    startdate: dt.date | None = None
    expiredate: dt.date | None = None
    main: str = Field(default="", max_length=CODE)
    sub: str = Field(default="", max_length=CODE)
    cid: str = Field(default="", max_length=CODE)
    d_update: dt.datetime = Field(sa_type=DateTime)
    batch_id: str = Field(max_length=36)


class Death(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=36)
    hospcode: str = Field(index=True, max_length=CODE)
    pid: str = Field(max_length=CODE)
    ddeath: dt.date | None = None
    cdeath: str = Field(default="", max_length=16)
    cid: str = Field(default="", max_length=CODE)
    d_update: dt.datetime = Field(sa_type=DateTime)
    batch_id: str = Field(max_length=36)


class NhsoRight(SQLModel, table=True):
    """One person's right as NHSO reported it on a check date (the authoritative source)."""

    __tablename__ = "nhso_right"

    id: str = Field(primary_key=True, max_length=36)
    cid: str = Field(index=True, max_length=CODE)
    maininscl: str = Field(default="", max_length=8)
    subinscl: str = Field(default="", max_length=8)
    hmain_op: str = Field(default="", max_length=CODE)
    hsub: str = Field(default="", max_length=CODE)
    hmain: str = Field(default="", max_length=CODE)
    startdate: dt.date | None = None
    expdate: dt.date | None = None
    deathdate: dt.date | None = None
    status: str = Field(default="", max_length=200)
    checkdate: dt.date | None = None
    checked_on: dt.date = Field(description="checkdate, else the day the file was imported")
    imported_at: dt.datetime
    batch_id: str = Field(max_length=36)
