"""Tokens: one per facility or provincial user, shown once, kept only as a SHA-256 digest.

A token is 32 random bytes (URL-safe text), so a plain SHA-256 is enough to store it safely: there
is nothing to guess that a slow hash would protect. Lookup is by digest, and the stored digest is
compared again with `hmac.compare_digest` so no timing depends on how much of a guess was right.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
import uuid
from dataclasses import dataclass

from sqlalchemy import Connection, text

from store.errors import SitthiError
from store.i18n import message
from sync.protocol import Role

TOKEN_PREFIX = "sitthi_"
HOSPCODE_PATTERN = re.compile(r"[0-9A-Za-z]{1,16}")
ORIGIN_LENGTH = 80


class CredentialError(SitthiError, ValueError):
    """A hospcode, name or role that cannot be given a token; the text says why."""


@dataclass(frozen=True)
class Identity:
    """Who a request's token belongs to."""

    credential_id: str
    role: Role
    hospcode: str
    name: str

    @property
    def origin(self) -> str:
        """How changes this identity sends are marked, so they are not sent back to it."""
        if self.role is Role.FACILITY:
            return self.hospcode
        return f"province:{self.name}"[:ORIGIN_LENGTH]


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add_credential(conn: Connection, role: Role, *, hospcode: str = "", name: str = "") -> str:
    """Store a new credential and return its token (the only time it exists in clear)."""
    if role is Role.FACILITY and not HOSPCODE_PATTERN.fullmatch(hospcode):
        raise CredentialError(message("sync.server.bad_hospcode", hospcode=repr(hospcode)))
    if role is Role.PROVINCE and not name.strip():
        raise CredentialError(message("sync.server.no_name"))
    token = new_token()
    conn.execute(
        text(
            "INSERT INTO sync_credential (id, kind, hospcode, name, token_hash, created_at) "
            "VALUES (:id, :kind, :hospcode, :name, :hash, :at)"
        ),
        {
            "id": str(uuid.uuid4()),
            "kind": role.value,
            "hospcode": hospcode,
            "name": name.strip(),
            "hash": digest(token),
            "at": dt.datetime.now(dt.UTC),
        },
    )
    return token


def identify(conn: Connection, token: str) -> Identity | None:
    """The identity holding `token`, or None for an unknown or revoked one."""
    if not token:
        return None
    wanted = digest(token)
    row = conn.execute(
        text(
            "SELECT id, kind, hospcode, name, token_hash FROM sync_credential "
            "WHERE token_hash = :hash AND revoked_at IS NULL"
        ),
        {"hash": wanted},
    ).first()
    if row is None or not hmac.compare_digest(str(row[4]), wanted):
        return None
    return Identity(str(row[0]), Role(row[1]), str(row[2]), str(row[3]))


def bearer_token(authorization: str | None) -> str:
    """The token of an `Authorization: Bearer ...` header, or empty text."""
    if not authorization:
        return ""
    scheme, _, value = authorization.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


@dataclass(frozen=True)
class Credential:
    """A token's record as the province lists it (never the token itself)."""

    id: str
    role: Role
    hospcode: str
    name: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    last_seen_at: dt.datetime | None

    @property
    def holder(self) -> str:
        return self.hospcode if self.role is Role.FACILITY else self.name


def credentials(conn: Connection) -> list[Credential]:
    """Every credential, oldest first, with when a store last used it."""
    rows = conn.execute(
        text(
            "SELECT c.id, c.kind, c.hospcode, c.name, c.created_at, c.revoked_at, "
            "max(CASE WHEN p.last_pull_at IS NULL OR p.last_push_at > p.last_pull_at "
            "THEN p.last_push_at ELSE p.last_pull_at END) "
            "FROM sync_credential c LEFT JOIN sync_peer p ON p.credential_id = c.id "
            "GROUP BY c.id, c.kind, c.hospcode, c.name, c.created_at, c.revoked_at "
            "ORDER BY c.created_at, c.id"
        )
    )
    return [
        Credential(str(i), Role(k), str(h), str(n), _moment(c), _maybe(r), _maybe(seen))
        for i, k, h, n, c, r, seen in rows
    ]


def find_credential(conn: Connection, wanted: str) -> Credential:
    """The credential whose id is `wanted` or starts with it (at least 6 characters)."""
    wanted = wanted.strip().lower()
    if len(wanted) < 6:
        raise CredentialError(message("server.tokens.id_short"))
    found = [c for c in credentials(conn) if c.id.lower().startswith(wanted)]
    if len(found) != 1:
        raise CredentialError(
            message("server.tokens.no_such" if not found else "server.tokens.ambiguous")
        )
    return found[0]


def active_credential(conn: Connection, hospcode: str) -> Credential | None:
    """The unit's token that still works, if it has one."""
    for found in credentials(conn):
        if found.role is Role.FACILITY and found.hospcode == hospcode and not found.revoked_at:
            return found
    return None


def revoke(conn: Connection, credential_id: str) -> None:
    """Stop a token from working from now on (its record and its stores' history stay)."""
    conn.execute(
        text("UPDATE sync_credential SET revoked_at = :at WHERE id = :id AND revoked_at IS NULL"),
        {"at": dt.datetime.now(dt.UTC), "id": credential_id},
    )


def rotate(conn: Connection, credential_id: str) -> str:
    """A new token for the same credential: the old one stops working at once, and the stores
    that synced with it keep their place (they need only the new token)."""
    token = new_token()
    conn.execute(
        text(
            "UPDATE sync_credential SET token_hash = :hash, revoked_at = NULL, created_at = :at "
            "WHERE id = :id"
        ),
        {"hash": digest(token), "at": dt.datetime.now(dt.UTC), "id": credential_id},
    )
    return token


def _moment(value: object) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    moment = dt.datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _maybe(value: object) -> dt.datetime | None:
    return None if value is None else _moment(value)
