"""Test helpers for sync: a real uvicorn server in a thread, tokens, and synthetic rows.

Rows are written the way the importer writes them (stable ids, plain inserts/updates in a write
transaction), so the capture triggers see what they see in production. People are synthetic with
valid-checksum CIDs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import Connection, Engine, select, text, types
from sqlalchemy.dialects import postgresql, sqlite

from store.cid import check_digit
from store.engine import open_store, read_tx
from store.ids import stable_id
from sync.client import SyncResult
from sync.protocol import REGISTRY, Role
from sync.server.admin import add_facility, add_user
from sync.server.app import create_app
from sync.wire_rows import table_for

IMPORTED = dt.datetime(2025, 1, 15, 9, 30, tzinfo=dt.UTC)
IGNORED_IN_COMPARISON = ("batch_id",)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def synthetic_cid(n: int) -> str:
    """A valid-checksum CID for synthetic person number `n` (never a real person's pattern)."""
    first12 = f"5{n:011d}"
    return first12 + str(check_digit(first12))


class _QuietServer(uvicorn.Server):
    def install_signal_handlers(self) -> None:
        """The test process keeps its own signal handling."""


@dataclass
class Exchange:
    """One request the server answered, as it crossed the wire (bodies still gzip-compressed)."""

    method: str
    path: str
    request_headers: dict[str, str]
    request_body: bytes = b""
    status: int = 0
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: bytes = b""


class Recorder:
    """ASGI middleware that keeps every HTTP exchange with the app, for checks on the wire."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.exchanges: list[Exchange] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        exchange = Exchange(scope["method"], scope["path"], _headers(scope["headers"]))
        self.exchanges.append(exchange)

        async def receive_and_keep() -> Any:
            message = await receive()
            if message["type"] == "http.request":
                exchange.request_body += message.get("body", b"")
            return message

        async def send_and_keep(message: Any) -> None:
            if message["type"] == "http.response.start":
                exchange.status = message["status"]
                exchange.response_headers = _headers(message.get("headers", []))
            elif message["type"] == "http.response.body":
                exchange.response_body += message.get("body", b"")
            await send(message)

        await self.app(scope, receive_and_keep, send_and_keep)


def _headers(raw: Any) -> dict[str, str]:
    return {bytes(k).decode("latin-1").lower(): bytes(v).decode("latin-1") for k, v in raw}


class RunningServer:
    """The sync app served by uvicorn on 127.0.0.1 in a background thread; with `record`, every
    exchange is kept in `recorder.exchanges`."""

    def __init__(
        self,
        engine: Engine,
        port: int | None = None,
        *,
        record: bool = False,
        **app_options: Any,
    ) -> None:
        self.engine = engine
        self.port = port or free_port()
        self.app_options = app_options
        self.recorder = Recorder(self._app()) if record else None
        self._server: _QuietServer | None = None
        self._thread: threading.Thread | None = None

    def _app(self) -> Any:
        return create_app(self.engine, sequence_every=0.2, **self.app_options)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        app = self.recorder or self._app()
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="on",
        )
        self._server = _QuietServer(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 15
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=15)
            if self._thread.is_alive():
                self._server.force_exit = True
                self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def restart(self) -> None:
        self.stop()
        self.start()


@contextlib.contextmanager
def running_server(engine: Engine) -> Iterator[RunningServer]:
    server = RunningServer(engine)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@dataclass
class Province:
    """A server store with two units and a provincial user registered."""

    engine: Engine
    tokens: dict[str, str]


def make_province(url: str, units: tuple[str, ...] = ("10001", "10002")) -> Province:
    engine = open_store(url)
    tokens = {unit: add_facility(engine, unit, f"unit {unit}") for unit in units}
    tokens["province"] = add_user(engine, "insurance team", Role.PROVINCE)
    return Province(engine, tokens)


def put(conn: Connection, name: str, row: dict[str, Any]) -> str:
    """Insert `row` into table `name`, or update the stored row with the same id."""
    table = table_for(conn, name)
    row = {**{c.name: _filler(c) for c in table.columns if not c.nullable}, **row}
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    stmt = insert(table).values(**row)
    changed = {key: stmt.excluded[key] for key in row if key != "id"}
    conn.execute(stmt.on_conflict_do_update(index_elements=["id"], set_=changed))
    return str(row["id"])


def _filler(column: Any) -> Any:
    """A plain value for a required column a helper does not name (schemas grow)."""
    kind = column.type
    if isinstance(kind, types.Boolean):
        return False
    if isinstance(kind, types.DateTime):
        return IMPORTED
    if isinstance(kind, types.Date):
        return dt.date(2025, 1, 1)
    if isinstance(kind, types.Numeric):
        return Decimal("0") if not isinstance(kind, types.Integer) else 0
    if isinstance(kind, types.Integer):
        return 0
    return ""


def add_person(
    conn: Connection,
    hospcode: str,
    pid: str,
    cid: str,
    *,
    name: str = "Somchai",
    d_update: dt.datetime = dt.datetime(2025, 1, 1, 8, 0),
) -> str:
    return put(
        conn,
        "person",
        {
            "id": stable_id("person", hospcode, pid),
            "hospcode": hospcode,
            "pid": pid,
            "cid": cid,
            "hid": "1",
            "prename": "Mr",
            "name": name,
            "lname": "Test",
            "hn": pid,
            "sex": "1",
            "birth": dt.date(1980, 5, 17),
            "nation": "099",
            "typearea": "1",
            "discharge": "9",
            "telephone": "",
            "mobile": "",
            "d_update": d_update,
            "batch_id": "batch-1",
        },
    )


def add_right(
    conn: Connection,
    cid: str,
    *,
    hsub: str = "",
    hmain_op: str = "",
    hmain: str = "",
    maininscl: str = "UCS",
) -> str:
    return put(
        conn,
        "nhso_right",
        {
            "id": stable_id("nhso_right", cid, "2025-01-10"),
            "cid": cid,
            "maininscl": maininscl,
            "subinscl": "89",
            "hmain_op": hmain_op,
            "hsub": hsub,
            "hmain": hmain,
            "startdate": dt.date(2020, 1, 1),
            "expdate": None,
            "deathdate": None,
            "status": "",
            "checkdate": dt.date(2025, 1, 10),
            "checked_on": dt.date(2025, 1, 10),
            "imported_at": IMPORTED,
            "batch_id": "nhso-1",
        },
    )


def add_rights_in_bulk(conn: Connection, cids: list[str], hsub: str, hmain: str = "") -> None:
    """Many NHSO records at once, as a province-wide rights file loads them."""
    table = table_for(conn, "nhso_right")
    rows = [
        {
            "id": stable_id("nhso_right", cid, "2025-01-10"),
            "cid": cid,
            "maininscl": "UCS",
            "subinscl": "89",
            "hmain_op": "",
            "hsub": hsub,
            "hmain": hmain,
            "startdate": dt.date(2020, 1, 1),
            "checkdate": dt.date(2025, 1, 10),
            "checked_on": dt.date(2025, 1, 10),
            "status": "",
            "imported_at": IMPORTED,
            "batch_id": "nhso-bulk",
        }
        for cid in cids
    ]
    conn.execute(table.insert(), rows)


def add_catalog_item(conn: Connection, item: str, rate: str = "360.00") -> str:
    return put(
        conn,
        "pp_catalog_item",
        {
            "id": stable_id("pp_catalog_item", 2568, item),
            "fiscal_year": 2568,
            "item": item,
            "name_th": "ฝากครรภ์",
            "name_en": "Antenatal care",
            "rate": Decimal(rate),
            "source": "ANC",
            "code_field": "",
            "codes": "",
            "sex": "2",
            "age_min": None,
            "age_max": None,
            "thai_only": True,
            "max_per_pregnancy": None,
            "max_per_fiscal_year": 5,
            "min_interval_days": None,
            "window_days": None,
            "nhso_codes": "",
            "origin": "province",
            "loaded_at": IMPORTED,
        },
    )


def add_statement_line(conn: Connection, hospcode: str, cid: str, line_no: int) -> str:
    return put(
        conn,
        "pp_statement_line",
        {
            "id": stable_id("pp_statement_line", "stm-1", line_no),
            "hospcode": hospcode,
            "cid": cid,
            "date_serv": dt.date(2025, 1, 3),
            "item_code": "ANC",
            "paid": Decimal("360.00"),
            "error_code": "",
            "statement_id": "STM-1",
            "imported_at": IMPORTED,
            "batch_id": "stm-1",
            "line_no": line_no,
        },
    )


def add_followup(
    conn: Connection, hospcode: str, person_id: str, note: str, *, hlc_ms: int = 1_736_000_000_000
) -> str:
    """A follow-up event as the follow-up log writes it (client-made UUID, HLC, node id)."""
    node = "node-" + hospcode
    return put(
        conn,
        "followup_log",
        {
            "id": str(uuid.uuid4()),
            "hospcode": hospcode,
            "person_id": person_id,
            "action": "NOTE",
            "unit": "",
            "note": note,
            "hlc": f"{hlc_ms:013d}-000000-{node}",
            "node_id": node,
            "created_at": IMPORTED,
        },
    )


def snapshot(engine: Engine, tables: tuple[str, ...] | None = None) -> dict[str, dict[str, Any]]:
    """Every synced table's rows by id, values normalised for comparison across backends."""
    names = tables or tuple(entry.name for entry in REGISTRY)
    result: dict[str, dict[str, Any]] = {}
    with read_tx(engine) as conn:
        for name in names:
            rows = conn.execute(select(table_for(conn, name))).mappings().all()
            result[name] = {
                str(row["id"]): {
                    key: _normal(value)
                    for key, value in row.items()
                    if key not in IGNORED_IN_COMPARISON
                }
                for row in rows
            }
    return result


def _normal(value: Any) -> Any:
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    if isinstance(value, Decimal):
        return value.quantize(Decimal("0.01"))
    return value


def outbox_size(engine: Engine) -> int:
    with read_tx(engine) as conn:
        return int(conn.execute(text("SELECT count(*) FROM sync_change")).scalar() or 0)


@pytest.fixture(name="province")
def province_fixture(store_url: str) -> Iterator[Province]:
    """A provincial server store on each backend, with units 10001, 10002 and a province user."""
    made = make_province(store_url)
    yield made
    made.engine.dispose()


@pytest.fixture(name="server")
def server_fixture(province: Province) -> Iterator[RunningServer]:
    """The sync server over `province`, on a free loopback port."""
    with running_server(province.engine) as running:
        yield running


def centre_store(path: Path) -> Engine:
    """A centre's own SQLite store."""
    return open_store(path)


def sync_all(engine: Engine, url: str, token: str) -> SyncResult:
    from sync.client import sync_once

    return sync_once(engine, url, token, timeout=20)
