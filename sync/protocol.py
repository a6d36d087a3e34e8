"""The sync wire protocol, imported by both the server and the client: one definition of each.

Every API request names its protocol version in the `Sitthi-Protocol` header; a server that
cannot speak it answers 426 with a message naming the versions it accepts, so an old client
stops with a clear refusal instead of exchanging rows it would misread. Bodies are JSON, gzip
compressed both ways. A batch of rows is sent per table as column names and value lists:

    {"person": {"columns": ["id", "hospcode", ...], "rows": [[...], ...], "deleted": ["id", ...]}}

Values are JSON scalars; dates and datetimes are ISO 8601 text (datetimes made in Sitthi are UTC
with `+00:00`), decimals are text. `sync.rows` converts between these and database values.

Ownership (the registry below) keeps sync free of conflicts: a facility-owned row is written only
by the unit named in its `hospcode`, a province-owned row only by the province, and the follow-up
log is append-only, so two writers never change the same row.
"""

from __future__ import annotations

import gzip
import json
import zlib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

PROTOCOL_VERSION = 1
"""The version this code speaks. Raise it when a message or table changes incompatibly."""
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


@dataclass(frozen=True)
class Route:
    """How the server picks the units that receive a province-owned row or a shared event.

    `column`: the unit named in that column of the row; `cid_column`: every unit holding a
    person with the CID in that column (re-evaluated when a unit later sends such a person);
    `all_units`: every unit.
    """

    column: str | None = None
    cid_column: str | None = None
    all_units: bool = False


@dataclass(frozen=True)
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
        routes=(Route(cid_column="cid"), Route(column="hsub"), Route(column="hmain_op")),
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
    """A message that does not follow the protocol; the text says what is wrong."""


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


def _get(message: dict[str, Any], key: str, kind: type | tuple[type, ...]) -> Any:
    value = message.get(key)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
        raise ProtocolError(f"field {key!r} missing or of the wrong type")
    return value


@dataclass
class TableRows:
    """Rows of one table in a push or a pull: values in `columns` order, and deleted ids."""

    columns: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"columns": self.columns, "rows": self.rows, "deleted": self.deleted}

    @classmethod
    def from_json(cls, value: Any) -> TableRows:
        if not isinstance(value, dict):
            raise ProtocolError("table entry is not an object")
        columns = _get(value, "columns", list)
        rows = _get(value, "rows", list)
        deleted = _get(value, "deleted", list)
        if not all(isinstance(c, str) for c in columns) or ("id" not in columns and rows):
            raise ProtocolError("table columns must be names and include 'id'")
        if not all(isinstance(r, list) and len(r) == len(columns) for r in rows):
            raise ProtocolError("every row must have one value per column")
        if not all(isinstance(d, str) for d in deleted):
            raise ProtocolError("deleted ids must be text")
        return cls(columns, rows, deleted)

    def __len__(self) -> int:
        return len(self.rows) + len(self.deleted)


def tables_to_json(tables: dict[str, TableRows]) -> dict[str, Any]:
    return {name: rows.to_json() for name, rows in tables.items()}


def tables_from_json(value: Any) -> dict[str, TableRows]:
    if not isinstance(value, dict):
        raise ProtocolError("'tables' is not an object")
    return {str(name): TableRows.from_json(rows) for name, rows in value.items()}


@dataclass
class Hello:
    node_id: str
    client_version: str

    def to_json(self) -> dict[str, Any]:
        return {"node_id": self.node_id, "client_version": self.client_version}

    @classmethod
    def from_json(cls, message: dict[str, Any]) -> Hello:
        return cls(_get(message, "node_id", str), _get(message, "client_version", str))


@dataclass
class Welcome:
    """The server's answer to Hello: who the token belongs to and what the server speaks."""

    role: str
    hospcode: str
    name: str
    server_version: str
    protocol: int = PROTOCOL_VERSION
    writable: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "hospcode": self.hospcode,
            "name": self.name,
            "server_version": self.server_version,
            "protocol": self.protocol,
            "writable": self.writable,
        }

    @classmethod
    def from_json(cls, message: dict[str, Any]) -> Welcome:
        return cls(
            role=_get(message, "role", str),
            hospcode=_get(message, "hospcode", str),
            name=_get(message, "name", str),
            server_version=_get(message, "server_version", str),
            protocol=_get(message, "protocol", int),
            writable=[str(t) for t in _get(message, "writable", list)],
        )


@dataclass
class PushRequest:
    """Outbox entries up to client sequence `upto`, the rows read when the batch was made."""

    node_id: str
    batch_id: str
    upto: int
    tables: dict[str, TableRows]

    def to_json(self) -> dict[str, Any]:
        return {
            "node_id": self.node_id,
            "batch_id": self.batch_id,
            "upto": self.upto,
            "tables": tables_to_json(self.tables),
        }

    @classmethod
    def from_json(cls, message: dict[str, Any]) -> PushRequest:
        upto = _get(message, "upto", int)
        if upto < 1:
            raise ProtocolError("'upto' must be a positive sequence number")
        return cls(
            node_id=_get(message, "node_id", str),
            batch_id=_get(message, "batch_id", str),
            upto=upto,
            tables=tables_from_json(message.get("tables")),
        )


@dataclass
class Rejection:
    """A row the server refused, with the reason (never personal data)."""

    table: str
    id: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"table": self.table, "id": self.id, "reason": self.reason}

    @classmethod
    def from_json(cls, value: Any) -> Rejection:
        if not isinstance(value, dict):
            raise ProtocolError("rejection is not an object")
        return cls(_get(value, "table", str), _get(value, "id", str), _get(value, "reason", str))


@dataclass
class PushResult:
    """Everything up to client sequence `acked` is applied (or refused, see `rejected`)."""

    acked: int
    applied: int
    rejected: list[Rejection] = field(default_factory=list)
    duplicate: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "acked": self.acked,
            "applied": self.applied,
            "rejected": [r.to_json() for r in self.rejected],
            "duplicate": self.duplicate,
        }

    @classmethod
    def from_json(cls, message: dict[str, Any]) -> PushResult:
        return cls(
            acked=_get(message, "acked", int),
            applied=_get(message, "applied", int),
            rejected=[Rejection.from_json(r) for r in _get(message, "rejected", list)],
            duplicate=bool(message.get("duplicate", False)),
        )


@dataclass
class PullRequest:
    """Rows after `cursor`; `unit` lets a provincial reader read one unit's deliveries."""

    node_id: str
    cursor: int
    limit: int = PULL_PAGE_ROWS
    unit: str = ""

    def to_json(self) -> dict[str, Any]:
        message: dict[str, Any] = {"node_id": self.node_id, "cursor": self.cursor}
        message["limit"] = self.limit
        if self.unit:
            message["unit"] = self.unit
        return message

    @classmethod
    def from_json(cls, message: dict[str, Any]) -> PullRequest:
        cursor = _get(message, "cursor", int)
        limit = _get(message, "limit", int)
        if cursor < 0 or not 1 <= limit <= PULL_PAGE_ROWS:
            raise ProtocolError(f"'cursor' must be >= 0 and 'limit' 1..{PULL_PAGE_ROWS}")
        unit = message.get("unit", "")
        if not isinstance(unit, str):
            raise ProtocolError("'unit' must be a hospcode")
        return cls(_get(message, "node_id", str), cursor, limit, unit)


@dataclass
class PullPage:
    """Rows changed after the request's cursor, up to `cursor`; `more` when a page follows."""

    cursor: int
    tables: dict[str, TableRows]
    more: bool

    def to_json(self) -> dict[str, Any]:
        return {"cursor": self.cursor, "tables": tables_to_json(self.tables), "more": self.more}

    @classmethod
    def from_json(cls, message: dict[str, Any]) -> PullPage:
        return cls(
            cursor=_get(message, "cursor", int),
            tables=tables_from_json(message.get("tables")),
            more=bool(_get(message, "more", bool)),
        )

    def __len__(self) -> int:
        return sum(len(rows) for rows in self.tables.values())
