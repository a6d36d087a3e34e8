"""The centre's side of sync: one round is a handshake, push until the outbox is empty, pull until
the server has nothing newer.

Every step is safe to interrupt and repeat. A push batch is read in one snapshot (outbox entries
and the rows they name), and its entries are removed only when the server acknowledges them; an
entry re-recorded by an edit made meanwhile has a higher id and stays. A pull page is applied
together with its cursor in one transaction, with capture switched off so the rows do not
re-enter the outbox (and, during a snapshot of the server's tables, with the snapshot position
the page gave, sent back with the next request). After a failure at any byte the next round
resends what was not acknowledged and re-reads from the last stored cursor; the server applies a
batch it has already acknowledged as a no-op.
"""

from __future__ import annotations

import logging
import ssl
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import Engine

from store.engine import read_tx, write_tx
from store.errors import SitthiError
from store.followup import renew_node_id, store_node_id
from store.i18n import Message, catalog
from store.i18n import message as says
from store.judged.refresh import refresh_after_change
from store.outbox import (
    acknowledge,
    applying_remote,
    discard,
    get_state,
    pending_count,
    pending_entries,
    requeue_all,
    set_state,
)
from sync.protocol import (
    API_PREFIX,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    PULL_PAGE_ROWS,
    PUSH_BATCH_ROWS,
    REGISTRY,
    Hello,
    Owner,
    ProtocolError,
    PullPage,
    PullRequest,
    PushRequest,
    PushResult,
    Rejection,
    Role,
    TableRows,
    Welcome,
    pack,
    sitthi_version,
    sync_table,
    unpack,
)
from sync.wire_rows import decode_rows, delete_ids, insert_new, read_rows, table_for, upsert

log = logging.getLogger("sitthi.sync")

CONNECT_TIMEOUT_S = 10.0
TIMEOUT_S = 60.0
SEND_ATTEMPTS = 2
RETRY_PAUSE_S = 0.2
MAX_ROUNDS_OVER_PENDING = 20
"""Extra batches or pages allowed in a round beyond what the outbox held at its start."""


class SyncError(SitthiError, RuntimeError):
    """A round that could not finish; the message is for the user (no row content)."""


class ServerUnavailable(SyncError):
    """The server could not be reached or answered with a temporary failure: try again later."""


class SyncRefused(SyncError):
    """The server refused the request (token, version, rights): retrying will not help."""


@dataclass
class SyncResult:
    server: str
    pushed: int = 0
    pulled: int = 0
    pending: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    skipped: int = 0
    reidentified: bool = False
    """The store found it had gone back in time (restored), took a new node id and sent
    everything it owns again."""
    bytes_sent: int = 0
    bytes_received: int = 0
    complete: bool = True

    def to_json(self) -> dict[str, Any]:
        return {
            "pushed": self.pushed,
            "pulled": self.pulled,
            "pending": self.pending,
            "server": self.server,
            "rejected": len(self.rejected),
            "reidentified": self.reidentified,
        }


def node_id(engine: Engine) -> str:
    """This store's id as a sync client: the store's node id, shared with the follow-up log."""
    with write_tx(engine) as conn:
        return store_node_id(conn)


def cursor_key(server: str) -> str:
    return f"cursor {server.rstrip('/')}"


def snapshot_key(server: str) -> str:
    """Where a store keeps the position of a snapshot under way from `server` (protocol 2)."""
    return f"snapshot {server.rstrip('/')}"


def sent_key(server: str) -> str:
    """Where a store keeps the highest outbox position it ever sent to `server`."""
    return f"sent {server.rstrip('/')}"


def ssl_context(ca_bundle: str | None) -> ssl.SSLContext:
    """Certificate verification always on; `ca_bundle` adds the province's own CA."""
    return ssl.create_default_context(cafile=ca_bundle or None)


class SyncClient:
    """One client store talking to one server."""

    def __init__(
        self,
        engine: Engine,
        server: str,
        token: str,
        *,
        ca_bundle: str | None = None,
        timeout: float = TIMEOUT_S,
        should_stop: Callable[[], bool] = lambda: False,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if not server:
            raise SyncRefused(says("sync.client.no_server"))
        if not token:
            raise SyncRefused(says("sync.client.no_token"))
        self.engine = engine
        self.server = server.rstrip("/")
        self.should_stop = should_stop
        self.http = httpx.Client(
            base_url=self.server,
            verify=ssl_context(ca_bundle) if self.server.startswith("https") else True,
            timeout=httpx.Timeout(timeout, connect=CONNECT_TIMEOUT_S),
            transport=transport,
            headers={
                "Authorization": f"Bearer {token}",
                PROTOCOL_HEADER: str(PROTOCOL_VERSION),
                "Accept-Encoding": "gzip",
                "User-Agent": f"sitthi/{sitthi_version()}",
            },
        )
        self.node = node_id(engine)
        self.result = SyncResult(server=self.server)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> SyncClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def run(self) -> SyncResult:
        """Handshake, push everything, pull everything; stops early when asked to. Units the
        pulled rows made stale are judged again right after (`store.judged`)."""
        welcome = self.hello()
        self.push_all(welcome)
        if not self.should_stop():
            self.pull_all(welcome)
        if self.result.pulled:
            refresh_after_change(self.engine)
        with read_tx(self.engine) as conn:
            self.result.pending = pending_count(conn, welcome.writable)
        self.result.complete = not self.should_stop()
        return self.result

    def _post(self, path: str, message: dict[str, Any]) -> dict[str, Any]:
        """POST a message; a connection dropped under it is retried once (every request of
        the protocol is safe to repeat: pushes are applied once by sequence, pulls read by
        cursor), which also covers a kept-alive connection the server closed meanwhile."""
        body = pack(message)
        for attempt in range(1, SEND_ATTEMPTS + 1):
            try:
                response = self.http.post(
                    f"{API_PREFIX}/{path}",
                    content=body,
                    headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
                )
                content = response.content
                break
            except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
                if attempt == SEND_ATTEMPTS:
                    raise ServerUnavailable(
                        says("sync.client.unreachable", server=self.server)
                    ) from exc
                time.sleep(RETRY_PAUSE_S)
            except httpx.HTTPError as exc:
                raise ServerUnavailable(
                    says("sync.client.unreachable", server=self.server)
                ) from exc
        self.result.bytes_sent += len(body)
        self.result.bytes_received += response.num_bytes_downloaded
        if response.status_code != 200:
            raise _failure(self.server, response.status_code, content)
        try:
            return unpack(content, compressed=False)
        except ProtocolError as exc:
            raise ServerUnavailable(says("sync.client.unreadable", server=self.server)) from exc

    def hello(self) -> Welcome:
        """Handshake; a store restored from a backup is detected here and re-identified."""
        welcome = self._hello()
        if self._went_back(welcome):
            self._reidentify(welcome)
            welcome = self._hello()
        return welcome

    def _hello(self) -> Welcome:
        answer = self._post("hello", Hello(self.node, sitthi_version()).to_json())
        try:
            return Welcome.from_json(answer)
        except ProtocolError as exc:
            raise ServerUnavailable(says("sync.client.unreadable", server=self.server)) from exc

    def _went_back(self, welcome: Welcome) -> bool:
        """Whether the server has applied more of this store's pushes than the store ever sent.

        Before each push the store records how far the batch reaches; a store restored from a
        backup has lost that record along with the changes it sent after the backup, so the
        server's acknowledged position is ahead of it, and the positions the restored store
        hands out next would be taken for batches already applied. (A store that never kept the
        record, from before this check, starts keeping it now.)
        """
        key = sent_key(self.server)
        with read_tx(self.engine) as conn:
            recorded = get_state(conn, key)
        if recorded is None:
            with write_tx(self.engine) as conn:
                set_state(conn, key, str(welcome.acked))
            return False
        return welcome.acked > int(recorded)

    def _reidentify(self, welcome: Welcome) -> None:
        """Take a new node id and queue every row this store owns again: the server applies
        them once by row id, so what it holds is not doubled and what it lacks arrives."""
        with write_tx(self.engine) as conn:
            self.node = renew_node_id(conn)
            queued = requeue_all(conn, welcome.writable)
            set_state(conn, sent_key(self.server), "0")
        self.result.reidentified = True
        log.warning(
            "this store is behind what the server applied from it (restored from a backup?): "
            "it has a new sync identity and sends its %d rows again",
            queued,
        )

    def push_all(self, welcome: Welcome) -> None:
        writable = set(welcome.writable)
        with read_tx(self.engine) as conn:
            budget = pending_count(conn) // PUSH_BATCH_ROWS + MAX_ROUNDS_OVER_PENDING
        for _ in range(budget):
            if self.should_stop():
                return
            request = self._next_batch(writable)
            if request is None:
                return
            self._record_sent(request.upto)
            try:
                result = PushResult.from_json(self._post("push", request.to_json()))
            except ProtocolError as exc:
                raise ServerUnavailable(says("sync.client.unreadable", server=self.server)) from exc
            with write_tx(self.engine) as conn:
                acknowledge(conn, result.acked)
            if not result.duplicate:
                self.result.pushed += sum(len(rows) for rows in request.tables.values())
                self.result.rejected += result.rejected
            for rejection in result.rejected:
                log.info(
                    "server refused %s row %s: %s",
                    rejection.table,
                    rejection.id,
                    rejection.reason,
                )

    def _record_sent(self, upto: int) -> None:
        key = sent_key(self.server)
        with write_tx(self.engine) as conn:
            recorded = int(get_state(conn, key) or 0)
            if upto > recorded:
                set_state(conn, key, str(upto))

    def _next_batch(self, writable: set[str]) -> PushRequest | None:
        """The next outbox batch, after dropping entries of tables this store does not own."""
        while True:
            with read_tx(self.engine) as conn:
                entries = pending_entries(conn, PUSH_BATCH_ROWS)
                if not entries:
                    return None
                local = [e.id for e in entries if e.table_name not in writable]
                if not local:
                    ids: dict[str, list[str]] = {}
                    for entry in entries:
                        ids.setdefault(entry.table_name, []).append(entry.row_id)
                    tables = {
                        name: read_rows(conn, table_for(conn, name), ids[name])
                        for name in _registry_order(ids)
                    }
                    return PushRequest(
                        node_id=self.node,
                        batch_id=str(uuid.uuid4()),
                        upto=entries[-1].id,
                        tables=tables,
                    )
            with write_tx(self.engine) as conn:
                discard(conn, local)

    def pull_all(self, welcome: Welcome) -> None:
        key = cursor_key(self.server)
        with read_tx(self.engine) as conn:
            cursor = int(get_state(conn, key) or 0)
            at = get_state(conn, snapshot_key(self.server)) or ""
        readable = _readable(Role(welcome.role))
        for _ in range(_page_budget()):
            if self.should_stop():
                return
            request = PullRequest(self.node, cursor, PULL_PAGE_ROWS, snapshot=at)
            answer = self._post("pull", request.to_json())
            try:
                page = PullPage.from_json(answer)
            except ProtocolError as exc:
                raise ServerUnavailable(says("sync.client.unreadable", server=self.server)) from exc
            if page.cursor < cursor:
                raise SyncRefused(says("sync.client.went_back", server=self.server))
            self._apply_page(page, readable, key)
            cursor, at = page.cursor, page.snapshot
            if not page.more:
                return

    def _apply_page(self, page: PullPage, readable: set[str], key: str) -> None:
        with write_tx(self.engine) as conn, applying_remote(conn):
            for name in _registry_order(page.tables):
                payload = page.tables[name]
                if name not in readable:
                    self.result.skipped += len(payload)
                    continue
                self.result.pulled += _apply_table(
                    conn, name, payload, self.result, f"pull-{page.cursor}"
                )
            set_state(conn, key, str(page.cursor))
            set_state(conn, snapshot_key(self.server), page.snapshot)


def _apply_table(
    conn: Any, name: str, payload: TableRows, result: SyncResult, provenance: str
) -> int:
    table = table_for(conn, name)
    rows, bad = decode_rows(conn, table, payload, provenance)
    result.skipped += len(bad)
    for _row_id, reason in bad:
        log.warning("a pulled %s row was not stored: %s", name, reason)
    entry = sync_table(name)
    if entry is not None and entry.append_only:
        insert_new(conn, table, rows)
        return len(rows)
    from sync.ingest.importer import version_columns

    upsert(conn, table, rows, version_columns().get(name))
    delete_ids(conn, table, payload.deleted)
    return len(rows) + len(payload.deleted)


def _registry_order(names: Any) -> list[str]:
    return [entry.name for entry in REGISTRY if entry.name in names]


def _readable(role: Role) -> set[str]:
    if role is Role.PROVINCE:
        return {entry.name for entry in REGISTRY}
    return {entry.name for entry in REGISTRY if entry.owner is not Owner.FACILITY}


def _page_budget() -> int:
    return 1_000_000 // PULL_PAGE_ROWS + MAX_ROUNDS_OVER_PENDING


REFUSAL_KEYS = {401: "token", 403: "forbidden", 413: "too_large", 426: "version"}
"""The client's message for each refusal the server answers with (`sync.client.*`); any other
4xx is "the request was refused", with its status."""


def _failure(server: str, status: int, content: bytes) -> SyncError:
    """The reader's sentence for a failed request, chosen by its status; the server's own words
    (English, for whoever runs it) go to the log, not into the sentence."""
    try:
        body = unpack(content, compressed=False)
        detail = f"{body.get('error', '')}: {body.get('message', '')}"
    except ProtocolError:
        detail = ""
    log.info("%s answered %s %s", server, status, detail)
    if status in REFUSAL_KEYS:
        return SyncRefused(says(f"sync.client.{REFUSAL_KEYS[status]}", server=server))
    if 400 <= status < 500:
        return SyncRefused(says("sync.client.request", server=server, status=status))
    return ServerUnavailable(says("sync.client.answered", server=server, status=status))


def rejection_reason(rejection: Rejection) -> Message | None:
    """The catalogue message whose English is the reason the server gave for refusing a row
    (the wire carries the English words), None for words the catalogue does not hold."""
    english = catalog("en")
    for key, template in english.items():
        if key.startswith("server.refused.") and template == rejection.reason:
            return says(key)
    return None


def sync_once(
    engine: Engine,
    server: str,
    token: str,
    *,
    ca_bundle: str | None = None,
    timeout: float = TIMEOUT_S,
    should_stop: Callable[[], bool] = lambda: False,
) -> SyncResult:
    """One round with the server: push then pull. Raises SyncError with a message on failure."""
    with SyncClient(
        engine, server, token, ca_bundle=ca_bundle, timeout=timeout, should_stop=should_stop
    ) as client:
        return client.run()
