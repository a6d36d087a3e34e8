"""Opening the server's store and serving the app with uvicorn."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine

from store import paths
from store.engine import open_store

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8750
SERVER_DB_ENV = "SITTHI_SERVER_DB"
KEEP_ALIVE_S = 30
"""Longer than a client keeps an idle connection (httpx: 5 s), so the client closes it first
and never sends a request on a connection the server is closing."""


def default_server_db() -> Path:
    """The server's embedded store, apart from the user's own centre store."""
    return paths.data_dir() / "server.db"


def open_server_store(db: str | None) -> Engine:
    """`--db`, else `SITTHI_SERVER_DB`, else the embedded SQLite file; created or upgraded."""
    return open_store(db or os.environ.get(SERVER_DB_ENV) or default_server_db())


def serve(engine: Engine, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> None:
    """Run until SIGINT/SIGTERM; uvicorn finishes the requests in progress first."""
    import uvicorn

    from sync.server.app import create_app

    uvicorn.run(
        create_app(engine),
        host=host,
        port=port,
        proxy_headers=True,
        server_header=False,
        timeout_graceful_shutdown=30,
        timeout_keep_alive=KEEP_ALIVE_S,
        log_level="info",
    )
