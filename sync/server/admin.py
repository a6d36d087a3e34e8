"""Provincial administration: registering units and provincial users, each with a new token."""

from __future__ import annotations

from sqlalchemy import Engine, text

from store.engine import write_tx
from store.i18n import message
from sync.protocol import Role
from sync.server.auth import CredentialError, active_credential, add_credential


def add_facility(engine: Engine, hospcode: str, name: str = "") -> str:
    """Register a unit (if new) and return a new token for it; a unit whose token still works
    is refused (one token per unit: `rotate` replaces it)."""
    with write_tx(engine) as conn:
        held = active_credential(conn, hospcode)
        if held is not None:
            raise CredentialError(
                message("server.tokens.unit_has_one", hospcode=hospcode, id=held.id[:8])
            )
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
