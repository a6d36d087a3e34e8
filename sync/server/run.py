"""Opening the server's store and serving the app with uvicorn.

The server's store is the one every other command uses: `--db`, else `SITTHI_DB`, else the
user store, so that on the provincial server `sitthi import`, the app and `sitthi server run`
work on the same data. A machine set up before that still starts on the store it served: an
old `SITTHI_SERVER_DB`, or the old default `server.db`, is used (when neither `--db` nor
`SITTHI_DB` is given) with a note saying how to make it the one store.
"""

from __future__ import annotations

import contextlib
import os
import socket
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine

from store import paths
from store.engine import open_store
from store.i18n import Message, message
from sync.logformat import uvicorn_log_config
from sync.server.settings import DeliverySettings, TrustSettings

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8750
SERVER_DB_ENV = "SITTHI_SERVER_DB"
KEEP_ALIVE_S = 30
"""Longer than a client keeps an idle connection (httpx: 5 s), so the client closes it first
and never sends a request on a connection the server is closing."""


LEGACY_SERVER_FILE = "server.db"


def legacy_server_db() -> Path:
    """Where the server kept its store when it had a store of its own."""
    return paths.data_dir() / LEGACY_SERVER_FILE


def server_store_choice(db: str | None) -> tuple[str | Path | None, Message | None]:
    """The store the server opens (None: the user store, as for every command) and a note for
    a machine still set up the old way."""
    old = os.environ.get(SERVER_DB_ENV, "")
    if db or os.environ.get("SITTHI_DB"):
        note = message("server.store.old_env_ignored", env=SERVER_DB_ENV) if old else None
        return db, note
    if old:
        return old, message("server.store.old_env", env=SERVER_DB_ENV, store=old)
    legacy = legacy_server_db()
    if legacy.exists() and not paths.default_db_path().exists():
        return legacy, message("server.store.old_file", store=str(legacy))
    return None, None


def open_server_store(db: str | None, *, lang: str = "en") -> Engine:
    """The server's store (see the module text), created or upgraded; notes go to stderr."""
    chosen, note = server_store_choice(db)
    if note is not None:
        print(f"sitthi: {note.render(lang)}", file=sys.stderr)
    return open_store(chosen)


def serve(
    engine: Engine,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    *,
    trust: TrustSettings | None = None,
    delivery: DeliverySettings | None = None,
) -> None:
    """Run until SIGINT/SIGTERM; uvicorn finishes the requests in progress first."""
    import uvicorn

    from sync.server.app import create_app

    uvicorn.run(
        create_app(engine, trust=trust, delivery=delivery),
        host=host,
        port=port,
        proxy_headers=True,
        server_header=False,
        timeout_graceful_shutdown=30,
        timeout_keep_alive=KEEP_ALIVE_S,
        log_level="info",
        log_config=uvicorn_log_config(),
    )


class _ThreadServer:
    """uvicorn in a background thread of this process (the province demo's server): signals
    stay with the command that started it."""

    def __init__(self, engine: Engine, host: str, port: int) -> None:
        import uvicorn

        from sync.server.app import create_app

        class Quiet(uvicorn.Server):
            def install_signal_handlers(self) -> None:
                """The command keeps its own handling of Ctrl-C."""

        config = uvicorn.Config(
            create_app(engine),
            host=host,
            port=port,
            log_level="warning",
            log_config=uvicorn_log_config(),
            timeout_keep_alive=KEEP_ALIVE_S,
        )
        self.server = Quiet(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + START_WAIT_S
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the sync server did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=START_WAIT_S)
        if self.thread.is_alive():
            self.server.force_exit = True
            self.thread.join(timeout=START_WAIT_S)


START_WAIT_S = 15.0


@contextlib.contextmanager
def serving_in_thread(engine: Engine, host: str = DEFAULT_HOST) -> Iterator[str]:
    """Serve the app over `engine` on a free port of `host` while the block runs; its URL."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        port = int(probe.getsockname()[1])
    server = _ThreadServer(engine, host, port)
    server.start()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()
