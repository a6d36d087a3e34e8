"""The sync wire protocol, imported by both the server and the client: one definition of each.

Every API request names its protocol version in the `Sitthi-Protocol` header; a server that
cannot speak it answers 426 with a message naming the versions it accepts, so an old client
stops with a clear refusal instead of exchanging rows it would misread. Bodies are JSON, gzip
compressed both ways. A batch of rows is sent per table as column names and value lists:

    {"person": {"columns": ["id", "hospcode", ...], "rows": [[...], ...], "deleted": ["id", ...]}}

Values are JSON scalars; dates and datetimes are ISO 8601 text (datetimes made in Sitthi are UTC
with `+00:00`), decimals are text. `sync.wire_rows` converts between these and database values.

Each message is a pydantic dataclass: its fields are the one definition of the body, from which
pydantic derives the check of what arrives (`from_json`), the body sent (`to_json`, keys in field
order, byte for byte what protocol 1 always sent) and the JSON Schema `/openapi.json` serves
(`sync.server.openapi`). Checks are strict (no text for a number, no number for a flag); a body
with extra keys is read, so a newer peer may add optional fields without a version change.

Ownership (the registry below) keeps sync free of conflicts: a facility-owned row is written only
by the unit named in its `hospcode`, a province-owned row only by the province, and the follow-up
log is append-only, so two writers never change the same row.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import zlib
from dataclasses import field
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal, Self

from pydantic import ConfigDict, Field, StrictBool, StrictInt, StrictStr, model_validator
from pydantic.dataclasses import dataclass
from pydantic_core import SchemaSerializer, SchemaValidator, ValidationError

PROTOCOL_VERSION = 2
"""The version this code speaks. Raise it when a message or table changes incompatibly.

2: a pull may answer with a snapshot position (`PullPage.snapshot`) that the reader sends back
(`PullRequest.snapshot`): the server's change log is compacted, and a provincial reader whose
cursor is older than what the log still holds reads the tables themselves first. A protocol-1
client never sees the field; one that would need a snapshot is refused with 426."""
SNAPSHOT_PROTOCOL_VERSION = 2
"""The oldest client version that can follow a snapshot."""
MIN_PROTOCOL_VERSION = 1
"""The oldest client version the server still serves."""

API_PREFIX = "/api/v1"
PROTOCOL_HEADER = "Sitthi-Protocol"
MAX_BODY_BYTES = 64 * 1024 * 1024
"""Largest decompressed body either side accepts (a push batch or a pull page is far smaller)."""

PUSH_BATCH_ROWS = 2000
PULL_PAGE_ROWS = 2000
ALL_UNITS = "*"
"""Route target: a row every unit receives (the PP catalog, targets)."""


class Owner(StrEnum):
    FACILITY = "facility"
    PROVINCE = "province"
    SHARED_LOG = "shared-log"


class Role(StrEnum):
    FACILITY = "facility"
    PROVINCE = "province"


@dataclasses.dataclass(frozen=True)
class Route:
    """How the server picks the units that receive a province-owned row or a shared event.

    `column`: the unit named in that column of the row; `cid_column`: every unit holding a
    person with the CID in that column (re-evaluated when a unit later sends such a person),
    unless `unit_columns`, the units the record itself names, or another unit answering for
    that CID say the person is someone else's; `all_units`: every unit.
    """

    column: str | None = None
    cid_column: str | None = None
    unit_columns: tuple[str, ...] = ()
    all_units: bool = False


@dataclasses.dataclass(frozen=True)
class SyncTable:
    name: str
    owner: Owner
    unit_column: str | None = None
    """The column naming the unit a facility-owned row or shared event belongs to."""
    routes: tuple[Route, ...] = ()

    def writable_by(self, role: Role) -> bool:
        if self.owner is Owner.SHARED_LOG:
            return True
        return self.owner.value == role.value

    @property
    def append_only(self) -> bool:
        return self.owner is Owner.SHARED_LOG


REGISTRY: tuple[SyncTable, ...] = (
    SyncTable("village", Owner.FACILITY, unit_column="hospcode"),
    SyncTable("house", Owner.FACILITY, unit_column="hospcode"),
    SyncTable("person", Owner.FACILITY, unit_column="hospcode"),
    SyncTable("card", Owner.FACILITY, unit_column="hospcode"),
    SyncTable("death", Owner.FACILITY, unit_column="hospcode"),
    SyncTable("pp_service", Owner.FACILITY, unit_column="hospcode"),
    SyncTable(
        "nhso_right",
        Owner.PROVINCE,
        routes=(
            Route(cid_column="cid", unit_columns=("hsub", "hmain", "hmain_op")),
            Route(column="hsub"),
            Route(column="hmain_op"),
        ),
    ),
    SyncTable("pp_statement_line", Owner.PROVINCE, routes=(Route(column="hospcode"),)),
    SyncTable("nhso_rep_line", Owner.PROVINCE, routes=(Route(column="hospcode"),)),
    SyncTable("nhso_stm_line", Owner.PROVINCE, routes=(Route(column="hospcode"),)),
    SyncTable("nhso_transfer", Owner.PROVINCE, routes=(Route(column="hospcode"),)),
    SyncTable("pp_catalog_item", Owner.PROVINCE, routes=(Route(all_units=True),)),
    SyncTable(
        "followup_log", Owner.SHARED_LOG, unit_column="hospcode", routes=(Route(column="hospcode"),)
    ),
    SyncTable("export_log", Owner.FACILITY, unit_column="hospcode"),
)
"""Every synced table, in an order where a row's dependencies come before it."""

PERSON_TABLE = "person"
PERSON_CID_COLUMN = "cid"


def sync_table(name: str) -> SyncTable | None:
    for entry in REGISTRY:
        if entry.name == name:
            return entry
    return None


def table_names() -> tuple[str, ...]:
    return tuple(entry.name for entry in REGISTRY)


class ProtocolError(ValueError):
    """A message that does not follow the protocol; the text says what is wrong.

    Not a `SitthiError`: its text is the protocol's (English, for any client and the server's
    log); a centre worker reads the catalogue message the centre's client makes of the answer
    (`sync.client.*`)."""


def sitthi_version() -> str:
    """The installed Sitthi's version, sent in the handshake and shown by the server."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("sitthi")
    except PackageNotFoundError:
        return "0+unknown"


def supported(version: int) -> bool:
    return MIN_PROTOCOL_VERSION <= version <= PROTOCOL_VERSION


def refusal_text(client_version: object) -> str:
    return (
        f"this server speaks sync protocol {MIN_PROTOCOL_VERSION} to {PROTOCOL_VERSION} and the "
        f"client sent {client_version or 'none'}: install the Sitthi version the province uses"
    )


def pack(message: dict[str, Any]) -> bytes:
    """A message as gzip-compressed compact JSON."""
    raw = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode()
    return gzip.compress(raw, compresslevel=6, mtime=0)


def unpack(body: bytes, *, compressed: bool = True, limit: int = MAX_BODY_BYTES) -> dict[str, Any]:
    """Read a message, refusing one that inflates beyond `limit` bytes or is not a JSON object."""
    raw = _inflate(body, limit) if compressed else body
    if len(raw) > limit:
        raise ProtocolError(f"message larger than {limit} bytes")
    try:
        value = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProtocolError(f"message is not JSON: {exc.__class__.__name__}") from exc
    if not isinstance(value, dict):
        raise ProtocolError("message is not a JSON object")
    return value


def _inflate(body: bytes, limit: int) -> bytes:
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        raw = inflater.decompress(body, limit + 1)
    except zlib.error as exc:
        raise ProtocolError("message is not gzip data") from exc
    if len(raw) > limit or inflater.unconsumed_tail:
        raise ProtocolError(f"message inflates beyond {limit} bytes")
    if not inflater.eof:
        raise ProtocolError("message is truncated")
    return raw


class _Message:
    """The codec every message shares, generated from its fields by pydantic.

    `from_json` validates a decoded body against the message's own schema (the one served at
    `/openapi.json`) and refuses what does not fit with a `ProtocolError` naming the field, never
    the value; `to_json` gives the body to send, its keys in field order.
    """

    __pydantic_validator__: ClassVar[SchemaValidator]
    __pydantic_serializer__: ClassVar[SchemaSerializer]

    @classmethod
    def from_json(cls, message: Any) -> Self:
        try:
            value = cls.__pydantic_validator__.validate_python(message)
        except ValidationError as exc:
            raise ProtocolError(_first_problem(exc)) from None
        assert isinstance(value, cls)
        return value

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = self.__pydantic_serializer__.to_python(self)
        return body


def _first_problem(exc: ValidationError) -> str:
    """What is wrong and where, without the offending value (a row may hold personal data)."""
    error = exc.errors(include_url=False, include_input=False, include_context=False)[0]
    where = ".".join(str(part) for part in error["loc"]) or "message"
    return f"{where}: {error['msg']}"


_CONFIG = ConfigDict(json_schema_serialization_defaults_required=True)
"""A field with a default is still always sent, so the schema of an answer requires it."""


@dataclass(config=_CONFIG)
class TableRows(_Message):
    """Rows of one table in a push or a pull: values in `columns` order, and deleted ids."""

    columns: list[StrictStr]
    rows: list[list[Any]]
    deleted: list[StrictStr] = field(default_factory=list)
    """Always sent; a message without it deletes nothing."""

    @model_validator(mode="after")
    def _one_value_per_column(self) -> TableRows:
        if "id" not in self.columns and self.rows:
            raise ValueError("table columns must include 'id'")
        if not all(len(row) == len(self.columns) for row in self.rows):
            raise ValueError("every row must have one value per column")
        return self

    def __len__(self) -> int:
        return len(self.rows) + len(self.deleted)


@dataclass(config=_CONFIG)
class Hello(_Message):
    """The client's handshake: the store's node id and the Sitthi version it runs."""

    node_id: StrictStr
    client_version: StrictStr


@dataclass(config=_CONFIG)
class Welcome(_Message):
    """The server's answer to Hello: who the token belongs to and what the server speaks."""

    role: Literal["facility", "province"]
    hospcode: StrictStr
    name: StrictStr
    server_version: StrictStr
    protocol: StrictInt = PROTOCOL_VERSION
    writable: list[StrictStr] = field(default_factory=list)
    acked: Annotated[StrictInt, Field(ge=0)] = 0
    """How far the server has applied this store's pushes (the store's node id); an older
    server does not send it."""


@dataclass(config=_CONFIG)
class PushRequest(_Message):
    """Outbox entries up to client sequence `upto`, the rows read when the batch was made."""

    node_id: StrictStr
    batch_id: StrictStr
    upto: Annotated[StrictInt, Field(ge=1)]
    tables: dict[str, TableRows]


@dataclass(config=_CONFIG)
class Rejection(_Message):
    """A row the server refused, with the reason (never personal data)."""

    table: StrictStr
    id: StrictStr
    reason: StrictStr


@dataclass(config=_CONFIG)
class PushResult(_Message):
    """Everything up to client sequence `acked` is applied (or refused, see `rejected`)."""

    acked: StrictInt
    applied: StrictInt
    rejected: list[Rejection] = field(default_factory=list)
    duplicate: StrictBool = False


@dataclass(config=_CONFIG)
class PullRequest(_Message):
    """Rows after `cursor`; `unit` lets a provincial reader read one unit's deliveries."""

    node_id: StrictStr
    cursor: Annotated[StrictInt, Field(ge=0)]
    limit: Annotated[StrictInt, Field(ge=1, le=PULL_PAGE_ROWS)]
    unit: StrictStr = Field(default="", exclude_if=lambda unit: not unit)
    """Sent only when a provincial reader names a unit."""
    snapshot: StrictStr = Field(default="", max_length=80, exclude_if=lambda at: not at)
    """Protocol 2: the snapshot position the last page gave, sent back unchanged while a
    snapshot is under way (never otherwise)."""


@dataclass(config=_CONFIG)
class PullPage(_Message):
    """Rows changed after the request's cursor, up to `cursor`; `more` when a page follows."""

    cursor: StrictInt
    tables: dict[str, TableRows]
    more: StrictBool
    snapshot: StrictStr = Field(default="", exclude_if=lambda at: not at)
    """Protocol 2: where a snapshot of the tables stands after this page (sent only during a
    snapshot, when `cursor` stays where the reader was); the reader keeps it with the cursor
    and sends it back. The last page of a snapshot leaves it out and moves the cursor on."""

    def __len__(self) -> int:
        return sum(len(rows) for rows in self.tables.values())


@dataclass(config=_CONFIG)
class ErrorBody(_Message):
    """Every refusal's body: a short code (`bad_request`, `protocol`, ...) and a message."""

    error: StrictStr
    message: StrictStr


@dataclass(config=_CONFIG)
class ProtocolRange:
    """The protocol versions a server serves, oldest and newest."""

    min: StrictInt
    max: StrictInt


@dataclass(config=_CONFIG)
class Health(_Message):
    """`GET /healthz`: the server is up, its Sitthi version and the protocols it serves."""

    status: StrictStr
    version: StrictStr
    protocol: ProtocolRange
