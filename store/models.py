"""The stored inputs: what was imported from exports and NHSO files, and the import log.

Timestamps Sitthi makes are timezone-aware UTC; `d_update` keeps the exporter's wall clock as
written (naive), since it is only compared with other `d_update` values of the same rows.
Judgements (gaps, claim status) are computed from these rows and an as-of date by the rules
modules; the `judged_*` tables keep them (`store.judged`), never as a second source of truth:
they are refreshed whenever their inputs change and equal a fresh evaluation. Every row's `id`
is a stable UUIDv5 of its natural key (`store.ids.stable_id`) so that every machine names the
same row the same way.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    DateTime,
    Index,
    Integer,
    MetaData,
    Text,
    UniqueConstraint,
    false,
)
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
    district: str = Field(
        default="",
        max_length=CODE,
        sa_column_kwargs={"server_default": ""},
        description="AMPUR code: changwat and ampur, two digits each; blank: derived from villages",
    )
    district_name: str = Field(default="", max_length=NAME, sa_column_kwargs={"server_default": ""})


class PartnerUnit(SQLModel, table=True):
    """A unit whose UC registrations count as the facility's own for OUTSIDE_UNIT."""

    __tablename__ = "partner_unit"

    hospcode: str = Field(primary_key=True, foreign_key="facility.hospcode", max_length=CODE)
    partner: str = Field(primary_key=True, max_length=CODE)


class ImportBatch(SQLModel, table=True):
    """One file offered to `sitthi import` or the watcher, loaded or refused.

    `message` is the English text of why (for logs and older readers); `message_key` and
    `message_params` (a JSON object) are its catalogue message, which screens render in the
    reader's language. Batches stored before the key have a blank one: shown as `message`.
    """

    __tablename__ = "import_batch"

    id: str = Field(primary_key=True, max_length=36)
    kind: str = Field(max_length=32)
    file_name: str = Field(max_length=500)
    sha256: str = Field(index=True, max_length=64)
    hospcode: str | None = Field(default=None, max_length=CODE)
    status: str = Field(max_length=16)
    message: str = Field(default="", max_length=2000)
    message_key: str = Field(default="", max_length=64, sa_column_kwargs={"server_default": ""})
    message_params: str = Field(
        default="", max_length=2000, sa_column_kwargs={"server_default": ""}
    )
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
    """A row quarantined (error) or loaded after a correction (warning); holds no personal data.

    `reason` is the English text (for logs and older readers); `reason_key` and `reason_params`
    (a JSON object) are its catalogue message (`store.i18n`), which screens render in the
    reader's language. Issues stored before the catalogue have a blank key: shown as `reason`.
    """

    __tablename__ = "import_issue"

    id: int | None = Field(default=None, primary_key=True)
    batch_id: str = Field(foreign_key="import_batch.id", index=True, max_length=36)
    member: str = Field(max_length=500)
    line: int
    field: str = Field(default="", max_length=64)
    severity: str = Field(max_length=8)
    reason: str = Field(max_length=500)
    reason_key: str = Field(default="", max_length=64, sa_column_kwargs={"server_default": ""})
    reason_params: str = Field(default="", max_length=500, sa_column_kwargs={"server_default": ""})


class Village(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=36)
    hospcode: str = Field(index=True, max_length=CODE)
    vid: str = Field(max_length=CODE)
    d_update: dt.datetime = Field(sa_type=DateTime)
    batch_id: str = Field(max_length=36)


class House(SQLModel, table=True):
    __table_args__ = (Index("ix_house_hospcode_hid", "hospcode", "hid"),)

    id: str = Field(primary_key=True, max_length=36)
    hospcode: str = Field(max_length=CODE)
    hid: str = Field(max_length=CODE)
    house: str = Field(default="", max_length=NAME)
    villaname: str = Field(default="", max_length=NAME)
    vid: str = Field(default="", max_length=CODE)
    vhvid: str = Field(default="", max_length=CODE, description="the house's volunteer (อสม.)")
    headid: str = Field(default="", max_length=CODE, description="PID of the household's head")
    d_update: dt.datetime = Field(sa_type=DateTime)
    batch_id: str = Field(max_length=36)


class Person(SQLModel, table=True):
    __table_args__ = (Index("ix_person_hospcode_pid", "hospcode", "pid"),)

    id: str = Field(primary_key=True, max_length=36)
    hospcode: str = Field(max_length=CODE)
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
    __table_args__ = (Index("ix_card_hospcode_pid", "hospcode", "pid"),)

    id: str = Field(primary_key=True, max_length=36)
    hospcode: str = Field(max_length=CODE)
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
    __table_args__ = (Index("ix_death_hospcode_pid", "hospcode", "pid"),)

    id: str = Field(primary_key=True, max_length=36)
    hospcode: str = Field(max_length=CODE)
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


class PpService(SQLModel, table=True):
    """A row of a 43 file that PP catalog items select from (ANC, POSTNATAL, FP, EPI, ...).

    One table for every source file, so a province's catalog may select on any field without a
    schema change: the fields with a meaning of their own are columns, the rest of the row is
    kept as written in `fields_json` (field name → text, blanks left out). `key_code` holds the
    file's key fields beyond HOSPCODE PID SEQ (f43_files.csv), e.g. FPTYPE for FP; `date_serv`
    is the file's service date (PPCARE for POSTNATAL), `bdate` its related date (BDATE).
    """

    __tablename__ = "pp_service"

    id: str = Field(primary_key=True, max_length=36)
    hospcode: str = Field(index=True, max_length=CODE)
    source: str = Field(max_length=32)
    pid: str = Field(max_length=CODE)
    seq: str = Field(max_length=32)
    key_code: str = Field(default="", max_length=64)
    date_serv: dt.date
    gravida: str = Field(default="", max_length=8)
    bdate: dt.date | None = None
    cid: str = Field(default="", max_length=CODE)
    fields_json: str = Field(default="{}", sa_type=Text)
    d_update: dt.datetime = Field(sa_type=DateTime)
    batch_id: str = Field(max_length=36)


class PpStatementLine(SQLModel, table=True):
    """One line of an NHSO statement or REP file, kept as written; lines are never replaced.

    Its natural key is (import batch, line number in the file): a corrected claim arrives as a
    new line, and the line imported last (`imported_at`, then `line_no`) decides its service.
    """

    __tablename__ = "pp_statement_line"

    id: str = Field(primary_key=True, max_length=36)
    hospcode: str = Field(index=True, max_length=CODE)
    cid: str = Field(index=True, max_length=CODE)
    date_serv: dt.date
    item_code: str = Field(max_length=32)
    paid: Decimal | None = Field(default=None, max_digits=12, decimal_places=2)
    error_code: str = Field(default="", max_length=16)
    statement_id: str = Field(default="", max_length=64)
    imported_at: dt.datetime
    batch_id: str = Field(index=True, max_length=36)
    line_no: int
    item_name: str = Field(default="", max_length=NAME)
    """The service name a KTB REP INDIVIDUAL gives instead of an item code (`ชื่อบริการ`)."""
    outcome: str = Field(default="", max_length=16)
    """NHSO's own verdict when the file states one (KTB `สถานะ`): PAID, DENIED or PENDING;
    blank when the status follows from the amount and the error code alone."""
    remark: str = Field(default="", max_length=500)
    """NHSO's reason as written (KTB `หมายเหตุ`), shown for a denied line."""
    tran_id: str = Field(default="", max_length=64)


class NhsoRepLine(SQLModel, table=True):
    """One visit of an e-Claim REP file (its Detail sheet): what NHSO made of the claim.

    A REP names no fee-schedule item: the visit's PP and FS money is shared over its PP services
    that no item-level line decides, and a line with an error code is "ติด C". The same visit
    (unit, REP number, TRAN_ID) imported again replaces the earlier copy.
    """

    __tablename__ = "nhso_rep_line"

    id: str = Field(primary_key=True, max_length=36)
    hospcode: str = Field(index=True, max_length=CODE)
    rep_no: str = Field(default="", max_length=64)
    tran_id: str = Field(index=True, max_length=64)
    cid: str = Field(index=True, max_length=CODE)
    date_serv: dt.date
    error_code: str = Field(default="", max_length=64)
    compensated: Decimal | None = Field(default=None, max_digits=12, decimal_places=2)
    pp: Decimal | None = Field(default=None, max_digits=12, decimal_places=2)
    fs: Decimal | None = Field(default=None, max_digits=12, decimal_places=2)
    main_fund: str = Field(default="", max_length=64)
    imported_at: dt.datetime
    batch_id: str = Field(index=True, max_length=36)
    line_no: int


class NhsoStmLine(SQLModel, table=True):
    """One paid visit of an STM statement's detail sheet; it confirms the REP line of the same
    TRAN_ID. The unit is the statement's (named only in a title row or the file name)."""

    __tablename__ = "nhso_stm_line"

    id: str = Field(primary_key=True, max_length=36)
    hospcode: str = Field(index=True, max_length=CODE)
    rep_no: str = Field(default="", max_length=64)
    tran_id: str = Field(index=True, max_length=64)
    cid: str = Field(default="", max_length=CODE)
    date_serv: dt.date | None = None
    claimed: Decimal | None = Field(default=None, max_digits=12, decimal_places=2)
    pp: Decimal | None = Field(default=None, max_digits=12, decimal_places=2)
    fs: Decimal | None = Field(default=None, max_digits=12, decimal_places=2)
    imported_at: dt.datetime
    batch_id: str = Field(index=True, max_length=36)
    line_no: int


class NhsoTransfer(SQLModel, table=True):
    """One transfer of a Smart Money Transfer file: money that reached the unit's bank account.

    Unique by unit, batch, fund (with its sub-fund: one batch pays several) and transfer day.
    """

    __tablename__ = "nhso_transfer"

    id: str = Field(primary_key=True, max_length=36)
    hospcode: str = Field(index=True, max_length=CODE)
    transfer_date: dt.date
    batch_no: str = Field(max_length=64)
    period: str = Field(default="", max_length=64)
    fund: str = Field(default="", max_length=NAME)
    sub_fund: str = Field(default="", max_length=NAME)
    detail: str = Field(default="", max_length=500)
    amount: Decimal | None = Field(default=None, max_digits=12, decimal_places=2)
    transferred: Decimal | None = Field(default=None, max_digits=12, decimal_places=2)
    imported_at: dt.datetime
    batch_id: str = Field(index=True, max_length=36)
    line_no: int


class PpCatalogItem(SQLModel, table=True):
    """One PP fee-schedule item of one fiscal year, as the catalog CSV writes it.

    The rows of a fiscal year are replaced together by a province's catalog; fiscal years with
    no stored rows use the catalog shipped with Sitthi.
    """

    __tablename__ = "pp_catalog_item"

    id: str = Field(primary_key=True, max_length=36)
    fiscal_year: int = Field(index=True)
    position: int = Field(description="order in its catalog file: the first matching item wins")
    item: str = Field(max_length=32)
    name_th: str = Field(default="", max_length=NAME)
    name_en: str = Field(default="", max_length=NAME)
    rate: Decimal = Field(max_digits=12, decimal_places=2)
    source: str = Field(max_length=32)
    code_field: str = Field(default="", max_length=32)
    codes: str = Field(default="", max_length=2000)
    sex: str = Field(default="", max_length=1)
    age_min: int | None = None
    age_max: int | None = None
    thai_only: bool = False
    max_per_pregnancy: int | None = None
    max_per_fiscal_year: int | None = None
    min_interval_days: int | None = None
    window_days: int | None = None
    nhso_codes: str = Field(default="", max_length=2000)
    nhso_names: str = Field(default="", max_length=2000)
    origin: str = Field(default="", max_length=500)
    loaded_at: dt.datetime


SYNC_ID = BigInteger().with_variant(Integer(), "sqlite")
"""A 64-bit counter; INTEGER on SQLite so that it is the rowid and AUTOINCREMENT applies."""


class SyncChange(SQLModel, table=True):
    """A row of a synced table that changed in this store, one entry per row.

    At a centre this is the outbox: pushed in `id` order, removed when the server acknowledges
    an `id` at or above it. At the server it is the change log the provincial readers follow,
    ordered by the server-assigned `seq` (NULL until sequenced). Only the triggers that
    `store.outbox` installs write it; a new change of a row replaces its entry with a fresh,
    higher `id` (AUTOINCREMENT: ids are never reused), so an older acknowledgement cannot
    cover a newer edit.
    """

    __tablename__ = "sync_change"
    __table_args__ = (
        UniqueConstraint("table_name", "row_id"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, sa_type=SYNC_ID, primary_key=True)
    table_name: str = Field(max_length=64)
    row_id: str = Field(max_length=36)
    seq: int | None = Field(default=None, sa_type=BigInteger, index=True)
    origin: str = Field(default="", max_length=80)


class SyncRoute(SQLModel, table=True):
    """Server side: a province-owned row or shared event is delivered to one unit (`*`: all).

    `seq` is re-assigned whenever the row changes, so a unit's pull cursor meets it again.
    """

    __tablename__ = "sync_route"
    __table_args__ = (
        UniqueConstraint("table_name", "row_id", "hospcode"),
        Index("ix_sync_route_hospcode_seq", "hospcode", "seq"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, sa_type=SYNC_ID, primary_key=True)
    table_name: str = Field(max_length=64)
    row_id: str = Field(max_length=36)
    hospcode: str = Field(max_length=16)
    seq: int | None = Field(default=None, sa_type=BigInteger, index=True)


class SyncDelivery(SQLModel, table=True):
    """Server side: an NHSO record that followed a CID to a unit, for the province's audit.

    One row per record and unit: `person_id` is the unit's person whose CID it followed,
    `status` is `delivered`, `held` while the unit is over its daily limit of people it had
    no records for (the record goes out on a later day, within that day's limit), or `withheld`
    when another unit answers for the person (the record is not sent). `day` is the
    UTC day the delivery was decided. Nothing here is personal data beyond the ids.
    """

    __tablename__ = "sync_delivery"
    __table_args__ = (
        UniqueConstraint("table_name", "row_id", "hospcode"),
        Index("ix_sync_delivery_hospcode_day", "hospcode", "day"),
        Index("ix_sync_delivery_status_day", "status", "day"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, sa_type=SYNC_ID, primary_key=True)
    table_name: str = Field(max_length=64)
    row_id: str = Field(max_length=36)
    hospcode: str = Field(max_length=16)
    person_id: str = Field(max_length=36)
    status: str = Field(max_length=16)
    day: dt.date
    decided_at: dt.datetime = Field(sa_type=DateTime(timezone=True))


class SyncState(SQLModel, table=True):
    """Small named values of the sync machinery (node id, pull cursor, server counter)."""

    __tablename__ = "sync_state"

    key: str = Field(primary_key=True, max_length=200)
    value: str = Field(default="", sa_type=Text)


class SyncCredential(SQLModel, table=True):
    """Server side: who may sync. Only the SHA-256 of the token is kept."""

    __tablename__ = "sync_credential"

    id: str = Field(primary_key=True, max_length=36)
    kind: str = Field(max_length=16, description="facility or province")
    hospcode: str = Field(default="", index=True, max_length=16)
    name: str = Field(default="", max_length=200)
    token_hash: str = Field(unique=True, max_length=64)
    created_at: dt.datetime = Field(sa_type=DateTime(timezone=True))
    revoked_at: dt.datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class SyncPeer(SQLModel, table=True):
    """Server side: one client store (node) of a credential and how far its pushes were applied."""

    __tablename__ = "sync_peer"

    credential_id: str = Field(primary_key=True, foreign_key="sync_credential.id", max_length=36)
    node_id: str = Field(primary_key=True, max_length=36)
    acked_upto: int = Field(default=0, sa_type=BigInteger)
    last_batch_id: str = Field(default="", max_length=36)
    last_push_at: dt.datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    last_pull_at: dt.datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    pull_cursor: int = Field(default=0, sa_type=BigInteger)


class FollowupLog(SQLModel, table=True):
    """One thing staff did about a person's gaps: appended at a centre or the province, never
    edited. `hlc` orders the log on every machine (see `store.followup`); the person's current
    follow-up state is derived from it, not stored. A correction is a new row too: `corrects`
    names the original entry it edits (its action, unit and note replace the original's) or,
    with `retracted`, withdraws; the latest by `hlc` decides."""

    __tablename__ = "followup_log"

    id: str = Field(primary_key=True, max_length=36)
    hospcode: str = Field(index=True, max_length=CODE)
    person_id: str = Field(index=True, max_length=36)
    action: str = Field(max_length=32)
    unit: str = Field(default="", max_length=CODE)
    note: str = Field(default="", max_length=1000)
    hlc: str = Field(index=True, max_length=64)
    node_id: str = Field(max_length=36)
    created_at: dt.datetime = Field(sa_type=DateTime(timezone=True))
    corrects: str = Field(
        default="", index=True, max_length=36, sa_column_kwargs={"server_default": ""}
    )
    retracted: bool = Field(default=False, sa_column_kwargs={"server_default": false()})


class ExportLog(SQLModel, table=True):
    """One export of person-level data (a work list, a CID batch): who, when, what, how many.

    Never the CIDs, names or the file's content: the province reads this table (it is synced
    like the unit's other rows) to see what left each unit's store, as the PDPA asks.
    """

    __tablename__ = "export_log"

    id: str = Field(primary_key=True, max_length=36)
    hospcode: str = Field(index=True, max_length=CODE, description="the unit, or `all`")
    kind: str = Field(max_length=32, description="gaps, pp-due, claims, cid-batch")
    file_name: str = Field(default="", max_length=500, description="the file's name, no folder")
    persons: int = 0
    rows: int = 0
    show_cid: bool = False
    user: str = Field(default="", max_length=200)
    node_id: str = Field(default="", max_length=36)
    created_at: dt.datetime = Field(sa_type=DateTime(timezone=True))


MONEY = 14
"""Digits of a stored baht sum (12 before the point: a province's year of PP money fits)."""


class JudgedStale(SQLModel, table=True):
    """A unit whose inputs changed since its judgements were stored (`store.judged`).

    Only the triggers `store.judged.marks` installs add rows, in the writer's transaction; the
    refresh removes a unit's row in the transaction that stores its new judgements."""

    __tablename__ = "judged_stale"

    hospcode: str = Field(primary_key=True, max_length=CODE)


class JudgedUnit(SQLModel, table=True):
    """One unit's stored KPI line on one as-of date, and what it was computed from.

    `rules_key` fingerprints the rules' code version and the reference tables in force;
    `report` is the unit's typed KPI line encoded exactly (`store.judged.codec`); the columns
    beside it are the figures the league table reads without decoding it."""

    __tablename__ = "judged_unit"

    hospcode: str = Field(primary_key=True, max_length=CODE)
    as_of: dt.date
    fiscal_year: int
    rules_key: str = Field(max_length=64)
    computed_at: dt.datetime = Field(sa_type=DateTime(timezone=True))
    population: int
    thai_population: int
    covered: int
    persons_with_gaps: int
    eligible_baht: Decimal = Field(max_digits=MONEY, decimal_places=2)
    paid_baht: Decimal = Field(max_digits=MONEY, decimal_places=2)
    due_count: int
    to_earn_baht: Decimal = Field(max_digits=MONEY, decimal_places=2)
    rep_lines: int
    rep_lines_c: int
    report: str = Field(sa_type=Text)


class JudgedPerson(SQLModel, table=True):
    """One person's stored judgement on the unit's stored as-of date (`judged_unit.as_of`)."""

    __tablename__ = "judged_person"

    hospcode: str = Field(primary_key=True, max_length=CODE)
    pid: str = Field(primary_key=True, max_length=CODE)
    person_id: str = Field(max_length=36)
    codes: str = Field(default="", max_length=200, description="gap codes in rank order")
    responsible: bool
    in_coverage: bool
    covered: bool


class JudgedService(SQLModel, table=True):
    """One PP service's stored claim status for one catalog item (the unit's fiscal year)."""

    __tablename__ = "judged_service"
    __table_args__ = (Index("ix_judged_service_hospcode_date_serv", "hospcode", "date_serv"),)

    service_id: str = Field(primary_key=True, max_length=36)
    item: str = Field(primary_key=True, max_length=32)
    hospcode: str = Field(max_length=CODE)
    date_serv: dt.date
    status: str = Field(max_length=16)
    rate: Decimal = Field(max_digits=12, decimal_places=2)
    paid: Decimal = Field(max_digits=12, decimal_places=2, description="money actually paid")


class JudgedMonth(SQLModel, table=True):
    """A closed month of one unit: its figures at the month's last day as known when it was
    first computed after that day; later data does not change them (as HDC's reports)."""

    __tablename__ = "judged_month"

    hospcode: str = Field(primary_key=True, max_length=CODE)
    month_end: dt.date = Field(primary_key=True)
    population: int
    thai_population: int
    covered: int
    persons_with_gaps: int
    closed_at: dt.datetime = Field(sa_type=DateTime(timezone=True))
