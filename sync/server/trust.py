"""Server side: checking every pushed row against the token that pushed it.

The server never believes a unit about ownership. Rows arrive decoded (`sync.wire_rows.decode_rows`)
and pass through these checks before they are written, each refusing only the rows that fail:
- a facility-owned row names the pushing unit, and its id is the one its natural key gives
  (`store.ids.stable_id` of the key the importer uses, which includes the unit), so a unit
  cannot take the id another unit's row will have;
- a follow-up is about a person the server holds for the unit the follow-up names, and a
  unit's token writes follow-ups only about its own people (a province token about any unit's);
  its action is one the log knows, and its clock stamp is well formed, names the writing store
  and is at most `max_clock_skew_s` ahead of the server's clock, so no stamp can outrank every
  later real follow-up;
- a row older (by its own update time, the `version` column its loader uses) than the copy the
  server holds does not replace it, whoever sends it and however often; a row without that
  time is refused, since nothing could then stop it from replacing a newer copy.

Reasons are catalogue messages rendered in English on the wire (the client logs them); they
name columns and rules, never values.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table, select

from store.followup import FollowupError, followup_action
from store.i18n import render
from store.ids import stable_id
from sync.protocol import PERSON_TABLE, Rejection, Role, SyncTable
from sync.server.auth import Identity
from sync.server.settings import TrustSettings
from sync.wire_rows import READ_CHUNK, table_for

FOLLOWUP_TABLE = "followup_log"
HLC_PATTERN = re.compile(r"([0-9]{13})-([0-9]{6})-(.+)", re.ASCII)


def reason(key: str, **params: object) -> str:
    """A refusal reason as the wire carries it (English, from the catalogue)."""
    return render(f"server.refused.{key}", "en", **params)


def check_rows(
    conn: Connection,
    identity: Identity,
    entry: SyncTable,
    rows: list[dict[str, Any]],
    settings: TrustSettings,
) -> tuple[list[dict[str, Any]], list[Rejection]]:
    """The rows that pass every check of their table, and a refusal for each that does not."""
    refused: list[Rejection] = []
    if identity.role is Role.FACILITY and entry.unit_column:
        rows, bad = _own_unit(identity, entry, rows)
        refused += bad
    from sync.ingest.importer import natural_keys, version_columns

    key = natural_keys().get(entry.name)
    if key:
        rows, bad = _ids_match_keys(entry, key, rows)
        refused += bad
    if entry.name == FOLLOWUP_TABLE:
        rows, bad = _followups(conn, rows, settings)
        refused += bad
    version = version_columns().get(entry.name)
    if version and rows:
        rows, bad = _not_older(conn, table_for(conn, entry.name), version, rows)
        refused += bad
    return rows, refused


def _own_unit(
    identity: Identity, entry: SyncTable, rows: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[Rejection]]:
    column = str(entry.unit_column)
    kept = [r for r in rows if r[column] == identity.hospcode]
    refused = [
        Rejection(entry.name, r["id"], reason("other_unit"))
        for r in rows
        if r[column] != identity.hospcode
    ]
    return kept, refused


def _ids_match_keys(
    entry: SyncTable, key: tuple[str, ...], rows: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[Rejection]]:
    kept: list[dict[str, Any]] = []
    refused: list[Rejection] = []
    for row in rows:
        if row["id"] == stable_id(entry.name, *(row.get(k) for k in key)):
            kept.append(row)
        else:
            refused.append(Rejection(entry.name, row["id"], reason("id_mismatch")))
    return kept, refused


def hlc_problem(stamp: object, node_id: object, latest_ms: int) -> str | None:
    """Why a follow-up's clock stamp cannot be accepted (a catalogue key), or None."""
    found = HLC_PATTERN.fullmatch(stamp) if isinstance(stamp, str) else None
    if found is None:
        return "bad_clock"
    if found.group(3) != node_id:
        return "clock_node"
    if int(found.group(1)) > latest_ms:
        return "clock_ahead"
    return None


def _followups(
    conn: Connection, rows: list[dict[str, Any]], settings: TrustSettings
) -> tuple[list[dict[str, Any]], list[Rejection]]:
    """Follow-ups about people the server holds for the named unit, with sound stamps.

    Rows have already been limited to the pushing unit's own (facility tokens), so a person of
    that unit is what a unit may write about; province tokens write about any unit's people.
    """
    now = dt.datetime.now(dt.UTC)
    latest_ms = int((now.timestamp() + settings.max_clock_skew_s) * 1000)
    people = _persons_of_units(conn, [r["person_id"] for r in rows])
    kept: list[dict[str, Any]] = []
    refused: list[Rejection] = []
    for row in rows:
        problem = hlc_problem(row.get("hlc"), row.get("node_id"), latest_ms)
        if problem is None and people.get(row["person_id"]) != row["hospcode"]:
            problem = "followup_person"
        if problem is None:
            try:
                followup_action(str(row.get("action")))
            except FollowupError:
                problem = "followup_action"
        if problem is None:
            kept.append(row)
        else:
            why = reason(problem, skew=settings.max_clock_skew_s)
            refused.append(Rejection(FOLLOWUP_TABLE, row["id"], why))
    return kept, refused


def _persons_of_units(conn: Connection, person_ids: Sequence[str]) -> dict[str, str]:
    """person id → the unit holding that person, for the ids the server holds."""
    person = table_for(conn, PERSON_TABLE)
    wanted = list(dict.fromkeys(person_ids))
    found: dict[str, str] = {}
    for start in range(0, len(wanted), READ_CHUNK):
        chunk = wanted[start : start + READ_CHUNK]
        query = select(person.c.id, person.c.hospcode).where(person.c.id.in_(chunk))
        found.update({str(i): str(h) for i, h in conn.execute(query)})
    return found


def _not_older(
    conn: Connection, table: Table, version: str, rows: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[Rejection]]:
    stored: dict[str, Any] = {}
    ids = [r["id"] for r in rows]
    for start in range(0, len(ids), READ_CHUNK):
        chunk = ids[start : start + READ_CHUNK]
        query = select(table.c.id, table.c[version]).where(table.c.id.in_(chunk))
        stored.update({str(i): v for i, v in conn.execute(query)})
    kept: list[dict[str, Any]] = []
    refused: list[Rejection] = []
    for row in rows:
        held = stored.get(row["id"])
        sent = row.get(version)
        if sent is None or sent == "":
            refused.append(Rejection(table.name, row["id"], reason("no_version", column=version)))
        elif held is None or _comparable(sent) >= _comparable(held):
            kept.append(row)
        else:
            refused.append(Rejection(table.name, row["id"], reason("older")))
    return kept, refused


def _comparable(value: Any) -> Any:
    """Datetimes compared in UTC whether the store keeps zones or not."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value
