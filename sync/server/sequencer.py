"""Server side: giving committed changes their pull sequence numbers and their recipients.

Writers (pushes, a province's `sitthi import` straight into the server's store) only record that
a row changed (`sync_change`, seq NULL). Numbers are handed out afterwards, by one sequencer at a
time holding the counter row, in a transaction that commits them all at once. A number is thus
only ever given to a committed change, and every number given later is larger, so a reader that
has seen number N has seen every change numbered up to N: the pull cursor can never skip a
change that committed late, which numbering inside the writers' transactions would allow.

In the same transaction the sequencer decides which units receive each changed row (the table's
`Route`s in the protocol registry) and renumbers the row's deliveries (`sync_route`), so each
unit's pull meets the row again. A person a unit sends adds that unit as a recipient of the
NHSO records already held for the person's CID, whenever they were loaded.

A record follows a CID to a unit only for a person of the unit's responsible population
(TYPEAREA 1 or 3: the people the unit answers for), and every such decision is recorded in
`sync_delivery` for the province's audit (`sitthi server audit`). A unit that sends a person
another unit holds as responsible, where the record does not name the sending unit, gets
nothing: the record is withheld and the unit flagged, since a unit could otherwise collect
another unit's patients' records by typing in their CIDs with TYPEAREA 1. A record that merely
names another unit is delivered: a person living in this unit's area and registered at another
is the OUTSIDE_UNIT gap the unit must see. A unit that would receive records for more people
new to it in one day than the province allows (`DeliverySettings.daily_limit`) gets the rest
held, flagged in the audit and the log; held records go out on later days, within each day's
limit.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from typing import NamedTuple

from sqlalchemy import Connection, Engine, bindparam, text

from store import codes
from store.engine import read_tx, write_tx
from store.outbox import get_state, set_state
from sync.protocol import (
    ALL_UNITS,
    PERSON_CID_COLUMN,
    PERSON_TABLE,
    REGISTRY,
    Route,
    SyncTable,
)
from sync.server.settings import DeliverySettings
from sync.wire_rows import READ_CHUNK

log = logging.getLogger("sitthi.server")

COUNTER_KEY = "server_seq"
CLAIMED = 0
"""`seq` of the changes the running sequencer has taken (real numbers start at 1)."""
ROUND_LIMIT = 20_000
DELIVERED = "delivered"
HELD = "held"
WITHHELD = "withheld"
"""Not sent: the person is another unit's (see `_Elsewhere`); looked at again when the record
changes or a unit sends a person with its CID."""


ROUTES_DUE_KEY = "server_routes_due"
"""Set when rows got new deliveries outside a change (`route_own_log_back`): number them."""


def ensure_counter(engine: Engine) -> None:
    with write_tx(engine) as conn:
        if get_state(conn, COUNTER_KEY) is None:
            set_state(conn, COUNTER_KEY, "0")


def has_pending(engine: Engine) -> bool:
    """Changes to number, or held deliveries a new day may release."""
    with read_tx(engine) as conn:
        if conn.execute(text("SELECT 1 FROM sync_change WHERE seq IS NULL LIMIT 1")).first():
            return True
        return get_state(conn, ROUTES_DUE_KEY) == "1" or _held_before(conn, _today())


def route_own_log_back(conn: Connection, hospcode: str) -> int:
    """Deliver a unit's own entries of the append-only logs to it (how many were not yet).

    A unit's own changes are never routed back to it, but a new store of the unit (one
    restored from a backup, which takes a new sync identity, or a replacement machine) may
    lack entries the unit recorded and sent since: rows from files come back by importing the
    files again, typed follow-ups cannot. Called when a unit's store is first seen, so each
    entry goes back once, numbered by the next round; the store keeps the entries it has
    (append-only logs are inserted by id) and ordinary syncs send nothing back. A store whose
    pull cursor is past such a delivery held the entry already when it read that far.
    """
    added = 0
    for entry in REGISTRY:
        if entry.append_only and entry.unit_column:
            added += conn.execute(
                text(
                    "INSERT INTO sync_route (table_name, row_id, hospcode) "
                    f"SELECT '{entry.name}', id, {entry.unit_column} FROM {entry.name} "
                    f"WHERE {entry.unit_column} = :h "
                    "ON CONFLICT (table_name, row_id, hospcode) DO NOTHING"
                ),
                {"h": hospcode},
            ).rowcount
    if added:
        set_state(conn, ROUTES_DUE_KEY, "1")
    return added


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def _held_before(conn: Connection, day: dt.date) -> bool:
    query = text(f"SELECT 1 FROM sync_delivery WHERE status = '{HELD}' AND day < :d LIMIT 1")
    return conn.execute(query, {"d": day}).first() is not None


def sequence_pending(
    engine: Engine, *, limit: int = ROUND_LIMIT, settings: DeliverySettings | None = None
) -> int:
    """Number the committed, unnumbered changes (after any sequencer at work); how many."""
    total = 0
    while has_pending(engine):
        with write_tx(engine) as conn:
            done = _round(conn, limit=limit, settings=settings or DeliverySettings())
        total += done
        if done < limit:
            break
    return total


def _lock_counter(conn: Connection) -> int | None:
    """The counter, locked until commit (on SQLite the write transaction is the lock)."""
    if conn.dialect.name == "postgresql":
        value = conn.execute(
            text("SELECT value FROM sync_state WHERE key = :k FOR UPDATE"), {"k": COUNTER_KEY}
        ).scalar()
    else:
        value = get_state(conn, COUNTER_KEY)
    return None if value is None else int(value)


def _round(conn: Connection, *, limit: int, settings: DeliverySettings) -> int:
    counter = _lock_counter(conn)
    if counter is None:
        return 0
    today = _today()
    routes_due = get_state(conn, ROUTES_DUE_KEY) == "1"
    if routes_due:
        set_state(conn, ROUTES_DUE_KEY, "0")
    skip_locked = " FOR UPDATE SKIP LOCKED" if conn.dialect.name == "postgresql" else ""
    claimed = conn.execute(
        text(
            f"UPDATE sync_change SET seq = {CLAIMED} WHERE id IN ("
            f"SELECT id FROM sync_change WHERE seq IS NULL ORDER BY id LIMIT :n{skip_locked})"
        ),
        {"n": limit},
    ).rowcount
    if not claimed and not routes_due and not _held_before(conn, today):
        return 0
    for entry in REGISTRY:
        _add_routes(conn, entry)
        for route in entry.routes:
            if route.cid_column:
                _follow_cids(conn, entry, route, settings, today)
    _renumber_deliveries(conn)
    routes = _number(conn, "sync_route", "seq IS NULL", counter)
    changes = _number(conn, "sync_change", f"seq = {CLAIMED}", counter + routes)
    set_state(conn, COUNTER_KEY, str(counter + routes + changes))
    return int(claimed)


def _add_routes(conn: Connection, entry: SyncTable) -> None:
    claimed = f"c.seq = {CLAIMED} AND c.table_name = '{entry.name}'"
    insert = "INSERT INTO sync_route (table_name, row_id, hospcode) "
    conflict = " ON CONFLICT (table_name, row_id, hospcode) DO NOTHING"
    for route in entry.routes:
        if route.all_units:
            conn.execute(
                text(
                    f"{insert}SELECT c.table_name, c.row_id, '{ALL_UNITS}' "
                    f"FROM sync_change c JOIN {entry.name} r ON r.id = c.row_id "
                    f"WHERE {claimed}{conflict}"
                )
            )
        if route.column:
            col = f"r.{route.column}"
            conn.execute(
                text(
                    f"{insert}SELECT DISTINCT c.table_name, c.row_id, {col} "
                    f"FROM sync_change c JOIN {entry.name} r ON r.id = c.row_id "
                    f"WHERE {claimed} AND {col} <> '' AND {col} <> '{ALL_UNITS}' "
                    f"AND {col} <> c.origin{conflict}"
                )
            )


class Candidate(NamedTuple):
    """A record that may follow a CID to a unit, for the unit's person with that CID."""

    row_id: str
    unit: str
    person_id: str
    cid: str
    named: frozenset[str]
    """The units the record itself names (its `unit_columns`, blanks left out)."""


def _follow_cids(
    conn: Connection, entry: SyncTable, route: Route, settings: DeliverySettings, today: dt.date
) -> None:
    """Route records of `entry` to the units holding a responsible person with their CID,
    unless the person is another unit's, and within each unit's daily limit of people new to
    it; record every such decision."""
    candidates = _cid_candidates(conn, entry, route)
    if not candidates:
        return
    elsewhere = _Elsewhere(conn, {c.cid for c in candidates})
    by_unit: dict[str, list[Candidate]] = defaultdict(list)
    for candidate in candidates:
        by_unit[candidate.unit].append(candidate)
    routes: list[dict[str, str]] = []
    decided: list[dict[str, object]] = []
    now = dt.datetime.now(dt.UTC)
    for unit, due in by_unit.items():
        known = _people_delivered(conn, entry.name, unit)
        new_today = _new_people_on(conn, entry.name, unit, today)
        limit = settings.daily_limit(len(known) - new_today)
        budget = limit - new_today
        admitted: set[str] = set()
        counts: dict[str, int] = defaultdict(int)
        for candidate in sorted(due, key=lambda c: c.person_id):
            fresh = candidate.person_id not in known and candidate.person_id not in admitted
            if elsewhere.answers_for(candidate):
                status = WITHHELD
            elif fresh and budget <= 0:
                status = HELD
            else:
                status = DELIVERED
                if fresh:
                    admitted.add(candidate.person_id)
                    budget -= 1
                routes.append({"t": entry.name, "r": candidate.row_id, "h": unit})
            counts[status] += 1
            decided.append(
                {"t": entry.name, "r": candidate.row_id, "h": unit, "p": candidate.person_id}
                | {"s": status, "d": today, "at": now}
            )
        _warn(unit, entry.name, limit, counts)
    if routes:
        conn.execute(
            text(
                "INSERT INTO sync_route (table_name, row_id, hospcode) VALUES (:t, :r, :h) "
                "ON CONFLICT (table_name, row_id, hospcode) DO NOTHING"
            ),
            routes,
        )
    conn.execute(
        text(
            "INSERT INTO sync_delivery "
            "(table_name, row_id, hospcode, person_id, status, day, decided_at) "
            "VALUES (:t, :r, :h, :p, :s, :d, :at) "
            "ON CONFLICT (table_name, row_id, hospcode) DO UPDATE SET "
            "person_id = excluded.person_id, status = excluded.status, day = excluded.day, "
            "decided_at = excluded.decided_at"
        ),
        decided,
    )


def _warn(unit: str, table: str, limit: int, counts: dict[str, int]) -> None:
    if counts[WITHHELD]:
        log.warning(
            "unit %s asked for %d %s records of people another unit answers for: withheld",
            unit,
            counts[WITHHELD],
            table,
        )
    if counts[HELD]:
        log.warning(
            "unit %s is over its daily limit of %d people new to it: %d %s records held",
            unit,
            limit,
            counts[HELD],
            table,
        )


class _Elsewhere:
    """Whether a record's person is another unit's: another unit holds the CID in its
    responsible population and the record does not name the asking unit (a person who moved
    in, whom NHSO registered to the asking unit, or who lives in its area and is registered
    elsewhere still gets the record)."""

    def __init__(self, conn: Connection, cids: set[str]) -> None:
        self.holders = _responsible_holders(conn, cids)

    def answers_for(self, candidate: Candidate) -> bool:
        if candidate.unit in candidate.named:
            return False
        return bool(self.holders.get(candidate.cid, set()) - {candidate.unit})


def _responsible_holders(conn: Connection, cids: set[str]) -> dict[str, set[str]]:
    """CID → the units holding a person with it in their responsible population."""
    query = text(
        f"SELECT {PERSON_CID_COLUMN}, hospcode FROM {PERSON_TABLE} "
        f"WHERE {PERSON_CID_COLUMN} IN :cids AND typearea IN :responsible"
    ).bindparams(bindparam("cids", expanding=True), bindparam("responsible", expanding=True))
    responsible = sorted(codes.responsible_typeareas())
    wanted = sorted(cids)
    holders: dict[str, set[str]] = defaultdict(set)
    for start in range(0, len(wanted), READ_CHUNK):
        chunk = wanted[start : start + READ_CHUNK]
        for cid, unit in conn.execute(query, {"cids": chunk, "responsible": responsible}):
            holders[str(cid)].add(str(unit))
    return holders


def _cid_candidates(conn: Connection, entry: SyncTable, route: Route) -> list[Candidate]:
    """Records the claimed changes (a changed record, a unit's changed person) make due to a
    responsible person's unit, not yet routed there, and earlier decisions to look at again:
    a hold, and a record withheld whose CID another unit just sent."""
    cid = f"r.{route.cid_column}"
    person_cid = f"p.{PERSON_CID_COLUMN}"
    named = "".join(f", r.{column}" for column in route.unit_columns)
    unrouted = (
        "NOT EXISTS (SELECT 1 FROM sync_route s WHERE s.table_name = :t "
        "AND s.row_id = r.id AND s.hospcode = p.hospcode)"
    )
    person_sent = (
        f"EXISTS (SELECT 1 FROM sync_change q JOIN {PERSON_TABLE} o ON o.id = q.row_id "
        f"WHERE q.seq = {CLAIMED} AND q.table_name = '{PERSON_TABLE}' "
        f"AND o.{PERSON_CID_COLUMN} = {person_cid})"
    )
    query = text(
        f"SELECT r.id, p.hospcode, p.id, {cid}{named} FROM sync_change c "
        f"JOIN {entry.name} r ON r.id = c.row_id "
        f"JOIN {PERSON_TABLE} p ON {person_cid} = {cid} "
        f"WHERE c.seq = {CLAIMED} AND c.table_name = :t AND {cid} <> '' "
        f"AND p.typearea IN :responsible AND {unrouted} "
        f"UNION SELECT r.id, p.hospcode, p.id, {cid}{named} FROM sync_change c "
        f"JOIN {PERSON_TABLE} p ON p.id = c.row_id "
        f"JOIN {entry.name} r ON {cid} = {person_cid} "
        f"WHERE c.seq = {CLAIMED} AND c.table_name = '{PERSON_TABLE}' AND {person_cid} <> '' "
        f"AND p.typearea IN :responsible AND {unrouted} "
        f"UNION SELECT d.row_id, d.hospcode, d.person_id, {cid}{named} FROM sync_delivery d "
        f"JOIN {PERSON_TABLE} p ON p.id = d.person_id "
        f"JOIN {entry.name} r ON r.id = d.row_id "
        f"WHERE d.table_name = :t AND {unrouted} AND (d.status = '{HELD}' "
        f"OR (d.status = '{WITHHELD}' AND p.typearea IN :responsible AND {person_sent}))"
    ).bindparams(bindparam("responsible", expanding=True))
    responsible = sorted(codes.responsible_typeareas())
    found = conn.execute(query, {"t": entry.name, "responsible": responsible})
    return [
        Candidate(str(r), str(h), str(p), str(c), frozenset(str(u) for u in units if u))
        for r, h, p, c, *units in found
    ]


def _people_delivered(conn: Connection, table: str, unit: str) -> set[str]:
    """The unit's people it has received records of `table` for, on any day."""
    query = text(
        "SELECT DISTINCT person_id FROM sync_delivery "
        f"WHERE table_name = :t AND hospcode = :h AND status = '{DELIVERED}'"
    )
    return {str(p) for (p,) in conn.execute(query, {"t": table, "h": unit})}


def _new_people_on(conn: Connection, table: str, unit: str, day: dt.date) -> int:
    """How many of the unit's people first received records of `table` on `day`."""
    query = text(
        "SELECT count(*) FROM (SELECT person_id FROM sync_delivery "
        f"WHERE table_name = :t AND hospcode = :h AND status = '{DELIVERED}' "
        "GROUP BY person_id HAVING min(day) = :d) AS first_days"
    )
    return int(conn.execute(query, {"t": table, "h": unit, "d": day}).scalar() or 0)


def _renumber_deliveries(conn: Connection) -> None:
    conn.execute(
        text(
            "UPDATE sync_route SET seq = NULL WHERE seq IS NOT NULL AND EXISTS ("
            "SELECT 1 FROM sync_change c WHERE c.seq = :claimed "
            "AND c.table_name = sync_route.table_name AND c.row_id = sync_route.row_id)"
        ),
        {"claimed": CLAIMED},
    )


def _number(conn: Connection, table: str, where: str, base: int) -> int:
    result = conn.execute(
        text(
            f"UPDATE {table} SET seq = :base + n.rn FROM ("
            f"SELECT id, row_number() OVER (ORDER BY id) AS rn FROM {table} WHERE {where}"
            f") AS n WHERE {table}.id = n.id"
        ),
        {"base": base},
    )
    return int(result.rowcount or 0)
