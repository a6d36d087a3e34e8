"""Provincial administration: registering units and provincial users, each with a new token."""

from __future__ import annotations

from sqlalchemy import Engine, text

from store.engine import write_tx
from sync.protocol import Role
from sync.server.auth import add_credential


def add_facility(engine: Engine, hospcode: str, name: str = "") -> str:
    """Register a unit (if new) and return a new token for it."""
    with write_tx(engine) as conn:
        token = add_credential(conn, Role.FACILITY, hospcode=hospcode)
        known = conn.execute(
            text("SELECT name FROM facility WHERE hospcode = :h"), {"h": hospcode}
        ).first()
        if known is None:
            conn.execute(
                text("INSERT INTO facility (hospcode, name) VALUES (:h, :n)"),
                {"h": hospcode, "n": name},
            )
        elif name and known[0] != name:
            conn.execute(
                text("UPDATE facility SET name = :n WHERE hospcode = :h"),
                {"h": hospcode, "n": name},
            )
    return token


def add_user(engine: Engine, name: str, role: Role = Role.PROVINCE) -> str:
    """Register a provincial user and return a new token for them."""
    with write_tx(engine) as conn:
        return add_credential(conn, role, name=name)
