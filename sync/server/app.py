"""The server's ASGI app: health, OpenAPI schema, and the sync API under `/api/v1/`.

Requests are small JSON messages in gzip; inflating, parsing (`sync.server.body`, with its
limits), packing answers and database work run in the thread pool so the event loop only moves
bytes and `/healthz` answers at once whatever a push holds. Every error a client can cause is a
4xx with a message; anything unexpected is a 500 logged by type, never a traceback to the client.
A pull first numbers the changes committed before it (waiting for a sequencer
already at work), so it sees every write that finished before it began; a background task does
the same every second, so a large load straight into the store is numbered before the units come
asking. Another compacts the change log every ten minutes (`sync.server.compaction`), in short
transactions of its own. Errors are JSON `{"error": code, "message": text}`; messages never
carry row content.
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import anyio
from sqlalchemy import Engine
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from store.engine import read_tx, write_tx
from store.judged.refresh import refresh_after_change
from sync.protocol import (
    API_PREFIX,
    MIN_PROTOCOL_VERSION,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    REGISTRY,
    ErrorBody,
    Health,
    Hello,
    ProtocolError,
    ProtocolRange,
    PullPage,
    PullRequest,
    PushRequest,
    PushResult,
    Welcome,
    pack,
    refusal_text,
    sitthi_version,
    supported,
)
from sync.server import feed
from sync.server.auth import Identity, bearer_token, identify
from sync.server.body import read_message
from sync.server.compaction import compact_log
from sync.server.openapi import schema
from sync.server.sequencer import ensure_counter, sequence_pending
from sync.server.settings import DeliverySettings, TrustSettings

log = logging.getLogger("sitthi.server")

MAX_WIRE_BYTES = 16 * 1024 * 1024
"""Largest compressed request body accepted."""
SEQUENCE_EVERY_S = 1.0
COMPACT_EVERY_S = 600.0


@dataclass
class ApiError(Exception):
    """An error answer of the API: status, a stable code and a text for the client's developer.

    Not a `SitthiError`: the text goes over the wire in English for any client and the log; the
    centre's client shows its own catalogue message for the status (`sync.client.*`)."""

    status: int
    code: str
    message: str


def _error_response(_request: Request, exc: Exception) -> Response:
    if not isinstance(exc, ApiError):
        log.error("request failed: %s", type(exc).__name__)
        exc = ApiError(500, "internal", "the server failed on this request; the log says why")
    headers = {"Upgrade": f"Sitthi-Protocol/{PROTOCOL_VERSION}"} if exc.status == 426 else None
    body = ErrorBody(exc.code, exc.message).to_json()
    return JSONResponse(body, status_code=exc.status, headers=headers)


async def _respond(request: Request, message: dict[str, Any]) -> Response:
    if "gzip" in request.headers.get("accept-encoding", ""):
        return Response(
            await run_in_threadpool(pack, message),
            media_type="application/json",
            headers={"Content-Encoding": "gzip", "Vary": "Accept-Encoding"},
        )
    return JSONResponse(message)


def _check_protocol(request: Request) -> None:
    sent = request.headers.get(PROTOCOL_HEADER, "")
    if not (sent.isascii() and sent.isdigit() and len(sent) <= 4) or not supported(int(sent)):
        raise ApiError(426, "protocol", refusal_text(sent[:16]))


async def _identity(request: Request) -> Identity:
    engine: Engine = request.app.state.engine
    token = bearer_token(request.headers.get("authorization"))

    def lookup() -> Identity | None:
        with read_tx(engine) as conn:
            return identify(conn, token)

    found = await run_in_threadpool(lookup)
    if found is None:
        raise ApiError(401, "unauthorized", "unknown or revoked token")
    return found


async def _message(request: Request) -> dict[str, Any]:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_WIRE_BYTES:
        raise ApiError(413, "too_large", f"request body over {MAX_WIRE_BYTES} bytes")
    body = bytearray()
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_WIRE_BYTES:
                raise ApiError(413, "too_large", f"request body over {MAX_WIRE_BYTES} bytes")
    except ClientDisconnect as exc:
        raise ApiError(400, "bad_request", "the request body was cut off") from exc
    compressed = request.headers.get("content-encoding", "").lower() == "gzip"
    try:
        return await run_in_threadpool(read_message, bytes(body), compressed=compressed)
    except ProtocolError as exc:
        raise ApiError(400, "bad_request", str(exc)) from exc


async def _call(request: Request, work: Callable[[Engine, Identity, dict[str, Any]], Any]) -> Any:
    _check_protocol(request)
    identity = await _identity(request)
    message = await _message(request)
    try:
        return await run_in_threadpool(work, request.app.state.engine, identity, message)
    except ProtocolError as exc:
        raise ApiError(400, "bad_request", str(exc)) from exc
    except feed.Forbidden as exc:
        raise ApiError(403, "forbidden", str(exc)) from exc
    except feed.TooOld as exc:
        raise ApiError(426, "protocol", str(exc)) from exc
    except (DataError, IntegrityError) as exc:
        log.warning("a request the store cannot take: %s", type(exc.orig or exc).__name__)
        raise ApiError(
            400, "bad_request", "the request holds a value the store cannot keep"
        ) from exc
    except OperationalError as exc:
        log.warning("database busy or failed: %s", type(exc.orig or exc).__name__)
        raise ApiError(503, "unavailable", "the server's store is busy; try again") from exc
    except PoolTimeout as exc:
        log.warning("no database connection free in time")
        raise ApiError(503, "unavailable", "the server's store is busy; try again") from exc


def _hello(engine: Engine, identity: Identity, message: dict[str, Any]) -> Welcome:
    hello = Hello.from_json(message)
    with write_tx(engine) as conn:
        peer = feed.touch_peer(conn, identity, hello.node_id)
    return Welcome(
        role=identity.role.value,
        hospcode=identity.hospcode,
        name=identity.name,
        server_version=sitthi_version(),
        writable=[t.name for t in REGISTRY if t.writable_by(identity.role)],
        acked=int(peer["acked_upto"]),
    )


def _push(
    engine: Engine, identity: Identity, message: dict[str, Any], settings: TrustSettings
) -> PushResult:
    request = PushRequest.from_json(message)
    with write_tx(engine) as conn:
        result = feed.apply_push(conn, identity, request, settings)
    log.info(
        "push from %s: %d applied, %d refused%s",
        identity.origin,
        result.applied,
        len(result.rejected),
        " (replay)" if result.duplicate else "",
    )
    return result


def _pull(
    engine: Engine,
    identity: Identity,
    message: dict[str, Any],
    settings: DeliverySettings,
    client_protocol: int,
) -> PullPage:
    request = PullRequest.from_json(message)
    unit = feed.pull_unit(identity, request.unit)
    sequence_pending(engine, settings=settings)
    with read_tx(engine) as conn:
        page = feed.pull_page(conn, identity, request, unit, client_protocol)
    with write_tx(engine) as conn:
        feed.touch_peer(conn, identity, request.node_id)
        feed.record_pull(conn, identity, request.node_id, request.cursor)
    return page


async def hello(request: Request) -> Response:
    welcome: Welcome = await _call(request, _hello)
    return await _respond(request, welcome.to_json())


async def push(request: Request) -> Response:
    settings: TrustSettings = request.app.state.trust
    result: PushResult = await _call(request, functools.partial(_push, settings=settings))
    return await _respond(request, result.to_json())


async def pull(request: Request) -> Response:
    settings: DeliverySettings = request.app.state.delivery
    sent = request.headers.get(PROTOCOL_HEADER, "")
    version = int(sent) if sent.isascii() and sent.isdigit() and len(sent) <= 4 else 0
    work = functools.partial(_pull, settings=settings, client_protocol=version)
    page: PullPage = await _call(request, work)
    return await _respond(request, page.to_json())


async def healthz(_request: Request) -> Response:
    protocols = ProtocolRange(MIN_PROTOCOL_VERSION, PROTOCOL_VERSION)
    return JSONResponse(Health("ok", sitthi_version(), protocols).to_json())


async def openapi(_request: Request) -> Response:
    return JSONResponse(schema())


async def _sequence_forever(engine: Engine, every: float, settings: DeliverySettings) -> None:
    while True:
        try:
            await run_in_threadpool(functools.partial(sequence_pending, engine, settings=settings))
        except (OperationalError, DBAPIError) as exc:
            log.warning("numbering changes failed: %s", type(exc.orig or exc).__name__)
        await anyio.sleep(every)


async def _compact_forever(engine: Engine, every: float) -> None:
    while True:
        await anyio.sleep(every)
        try:
            done = await run_in_threadpool(compact_log, engine)
        except (OperationalError, DBAPIError) as exc:
            log.warning("compacting the change log failed: %s", type(exc.orig or exc).__name__)
            continue
        if done.removed:
            log.info("change log compacted: %d entries removed, %d kept", done.removed, done.kept)


async def _refresh_forever(engine: Engine, every: float) -> None:
    """Judge the units that pushes made stale, right after they were applied, those nobody
    has read yet included (the stored judgements the province's readers read, `store.judged`)."""
    while True:
        try:
            await run_in_threadpool(refresh_after_change, engine, None, unjudged_too=True)
        except (OperationalError, DBAPIError) as exc:
            log.warning("refreshing judgements failed: %s", type(exc.orig or exc).__name__)
        await anyio.sleep(every)


def create_app(
    engine: Engine,
    *,
    sequence_every: float = SEQUENCE_EVERY_S,
    compact_every: float = COMPACT_EVERY_S,
    trust: TrustSettings | None = None,
    delivery: DeliverySettings | None = None,
) -> Starlette:
    """The server over an opened (migrated) store."""
    deliveries = delivery or DeliverySettings()

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        await run_in_threadpool(ensure_counter, engine)
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(_sequence_forever, engine, sequence_every, deliveries)
            tasks.start_soon(_compact_forever, engine, compact_every)
            tasks.start_soon(_refresh_forever, engine, sequence_every)
            yield
            tasks.cancel_scope.cancel()

    app = Starlette(
        routes=[
            Route("/healthz", healthz, methods=["GET"]),
            Route("/openapi.json", openapi, methods=["GET"]),
            Route(f"{API_PREFIX}/hello", hello, methods=["POST"]),
            Route(f"{API_PREFIX}/push", push, methods=["POST"]),
            Route(f"{API_PREFIX}/pull", pull, methods=["POST"]),
        ],
        exception_handlers={ApiError: _error_response, Exception: _error_response},
        lifespan=lifespan,
    )
    app.state.engine = engine
    app.state.trust = trust or TrustSettings()
    app.state.delivery = deliveries
    return app
