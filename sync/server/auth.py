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
