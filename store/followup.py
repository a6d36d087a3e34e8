"""The follow-up log: what staff did about a person's gaps, appended, never edited.

Rows are written at a centre and at the province and later exchanged, so each row carries a
client-made UUID, the writing store's node id and a hybrid logical clock (HLC) timestamp. The
HLC is text that sorts in time order on every machine: 13-digit wall milliseconds, a 6-digit
counter, then the node id. A new stamp is later than every stamp already in the log (local or
received), so the log's order survives clocks that drift or jump back.

A person's current follow-up state is derived, never stored: the latest state-setting action
by HLC, ties (same wall time and counter) broken by node id. Notes are history only.

Mistakes are corrected by appending too, so a correction syncs like any entry and nothing is
lost: an edit is a row whose `corrects` names the original entry and whose action, unit and
note replace the original's; a retraction is such a row with `retracted` set. Of an original
and its corrections the latest by HLC decides what the entry now says (`FollowupRecord`); the
entry keeps its original place in time. A retracted entry no longer counts for the state but
stays in the history (the app strikes it through).

A unit code (the unit a person registered at) is a 5-digit HOSPCODE. Where the store knows its
units (facility rows, partner units, units named in NHSO rights records) a code outside them is
reported as `unknown_unit`, which the app asks staff to confirm rather than refusing: a person
may have just registered at a unit no file has named yet.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Collection, Iterable
from dataclasses import asdict, dataclass
from typing import Any, cast

from sqlalchemy import Connection, Row, Table, func, insert, select
from sqlmodel import SQLModel

from store.errors import SitthiError
from store.i18n import message
from store.models import FollowupLog, Person
from store.outbox import get_state, set_state
from store.reference import table

ACTIONS_TABLE = "followup_actions.csv"
NODE_KEY = "node_id"
MAX_NOTE = 1000
UNIT_CODE_DIGITS = 5
_WALL_DIGITS = 13
_COUNTER_DIGITS = 6


class FollowupError(SitthiError, ValueError):
    """A follow-up that cannot be recorded. Its message is `followup.problem_<code>`; `code` is
    the problem's short name (`bad_unit`), which the follow-up form and the server's trust
    checks tell apart."""

    def __init__(self, problem: str, /, **params: object) -> None:
        super().__init__(message(f"followup.problem_{problem}", **params))
        self.problem = problem

    @property
    def code(self) -> str:
        return self.problem


@dataclass(frozen=True)
class FollowupAction:
    code: str
    rank: int
    label_th: str
    label_en: str
    needs_unit: bool
    sets_state: bool
    outcome: str
    """`open` (still to do), `resolved` (nothing more to do), blank for notes."""

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_th


@functools.cache
def followup_actions() -> tuple[FollowupAction, ...]:
    """The actions staff can record, in menu order."""
    rows = table(ACTIONS_TABLE, key=("code",))
    actions = [
        FollowupAction(
            code=r["code"],
            rank=int(r["rank"]),
            label_th=r["label_th"],
            label_en=r["label_en"],
            needs_unit=r["needs_unit"] == "1",
            sets_state=r["sets_state"] == "1",
            outcome=r["outcome"],
        )
        for r in rows
    ]
    return tuple(sorted(actions, key=lambda a: a.rank))


def followup_action(code: str) -> FollowupAction:
    for action in followup_actions():
        if action.code == code:
            return action
    raise FollowupError("unknown_action")


@dataclass(frozen=True, order=True)
class Hlc:
    """A hybrid logical clock stamp; compares as (wall_ms, counter, node)."""

    wall_ms: int
    counter: int
    node: str

    def __str__(self) -> str:
        return f"{self.wall_ms:0{_WALL_DIGITS}d}-{self.counter:0{_COUNTER_DIGITS}d}-{self.node}"

    @classmethod
    def parse(cls, value: str) -> Hlc:
        wall, counter, node = value.split("-", 2)
        if len(wall) != _WALL_DIGITS or len(counter) != _COUNTER_DIGITS or not node:
            raise ValueError(f"not an HLC stamp: {value!r}")
        return cls(int(wall), int(counter), node)


def next_hlc(latest: Hlc | None, now_ms: int, node: str) -> Hlc:
    """A stamp later than `latest` (the newest stamp seen anywhere), not behind the wall clock."""
    if latest is None or now_ms > latest.wall_ms:
        return Hlc(now_ms, 0, node)
    return Hlc(latest.wall_ms, latest.counter + 1, node)


@dataclass(frozen=True)
class FollowupEntry:
    id: str
    hospcode: str
    person_id: str
    action: str
    unit: str
    note: str
    hlc: str
    node_id: str
    created_at: dt.datetime
    corrects: str = ""
    """The id of the original entry this one edits or retracts; blank for an original."""
    retracted: bool = False

    @property
    def order_key(self) -> tuple[int, int, str]:
        """Time order; a stamp that cannot be read (a store written before the server checked
        stamps) sorts before every readable one instead of breaking every list it is in."""
        try:
            stamp = Hlc.parse(self.hlc)
        except ValueError:
            return (-1, -1, self.node_id)
        return (stamp.wall_ms, stamp.counter, self.node_id)


@dataclass(frozen=True)
class FollowupRecord:
    """An original entry as it now reads: `current` is the latest of it and its corrections."""

    original: FollowupEntry
    current: FollowupEntry

    @property
    def retracted(self) -> bool:
        return self.current.retracted

    @property
    def edited(self) -> bool:
        return self.current.id != self.original.id and not self.current.retracted

    @property
    def id(self) -> str:
        return self.original.id


def resolve(entries: Iterable[FollowupEntry]) -> list[FollowupRecord]:
    """Each original entry with its latest correction applied, in the originals' time order.
    A correction whose original is not (yet) in `entries` waits: it has nothing to correct."""
    originals: dict[str, FollowupEntry] = {}
    corrections: dict[str, list[FollowupEntry]] = {}
    for entry in entries:
        if entry.corrects:
            corrections.setdefault(entry.corrects, []).append(entry)
        else:
            originals[entry.id] = entry
    records = [
        FollowupRecord(o, max([o, *corrections.get(o.id, [])], key=lambda e: e.order_key))
        for o in originals.values()
    ]
    return sorted(records, key=lambda r: r.original.order_key)


def derive_state(entries: Iterable[FollowupEntry]) -> FollowupEntry | None:
    """The entry that decides a person's follow-up state: of the entries not retracted, the
    latest (by its original's HLC) whose action, as corrected, sets the state."""
    deciding = [r for r in resolve(entries) if not r.retracted and _sets_state(r.current.action)]
    if not deciding:
        return None
    return max(deciding, key=lambda r: r.original.order_key).current


def derive_states(entries: Iterable[FollowupEntry]) -> dict[str, FollowupEntry]:
    """The deciding entry of every person that has one, by person id."""
    by_person: dict[str, list[FollowupEntry]] = {}
    for entry in entries:
        by_person.setdefault(entry.person_id, []).append(entry)
    states = {}
    for person_id, person_entries in by_person.items():
        state = derive_state(person_entries)
        if state is not None:
            states[person_id] = state
    return states


def _sets_state(code: str) -> bool:
    try:
        return followup_action(code).sets_state
    except FollowupError:
        return False


def store_node_id(conn: Connection) -> str:
    """This store's node id (shared with sync), made on first use and kept in `sync_state`."""
    found = get_state(conn, NODE_KEY)
    if found:
        return found
    return renew_node_id(conn)


def renew_node_id(conn: Connection) -> str:
    """Give this store a new node id: after it was restored from a backup, stamps and pushes
    made from here on must not be taken for those the store made before the restore."""
    node = str(uuid.uuid4())
    set_state(conn, NODE_KEY, node)
    return node


def _table(model: type[SQLModel]) -> Table:
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


def _latest_hlc(conn: Connection) -> Hlc | None:
    log = _table(FollowupLog)
    value = conn.execute(select(func.max(log.c.hlc))).scalar()
    return Hlc.parse(value) if value else None


def validate(action: str, unit: str, note: str) -> tuple[str, str]:
    """The unit and note as they will be stored; FollowupError when they cannot be."""
    spec = followup_action(action)
    unit, note = unit.strip(), note.strip()
    if spec.needs_unit and not unit:
        raise FollowupError("unit_required")
    if unit and not (len(unit) == UNIT_CODE_DIGITS and unit.isascii() and unit.isdigit()):
        raise FollowupError("bad_unit")
    if len(note) > MAX_NOTE:
        raise FollowupError("note_too_long")
    if not spec.sets_state and not note:
        raise FollowupError("note_required")
    return unit, note


def known_units(conn: Connection) -> frozenset[str]:
    """The unit codes this store knows: its facility rows, partner units, and the units NHSO
    rights records name (main, primary and sub-contractor units)."""
    from store.models import Facility, NhsoRight, PartnerUnit

    facility, partner, nhso = _table(Facility), _table(PartnerUnit), _table(NhsoRight)
    codes: set[str] = set(conn.execute(select(facility.c.hospcode)).scalars())
    codes |= set(conn.execute(select(partner.c.partner)).scalars())
    for column in (nhso.c.hmain, nhso.c.hmain_op, nhso.c.hsub):
        codes |= set(conn.execute(select(column).distinct()).scalars())
    return frozenset(code for code in codes if code)


def check_unit_known(conn: Connection, unit: str) -> None:
    """FollowupError `unknown_unit` when the store knows units and `unit` is not one of them."""
    if not unit:
        return
    known = known_units(conn)
    if known and unit not in known:
        raise FollowupError("unknown_unit", unit=unit)


def append_followup(
    conn: Connection,
    *,
    hospcode: str,
    person_id: str,
    action: str,
    unit: str = "",
    note: str = "",
    now: dt.datetime | None = None,
    unknown_unit_ok: bool = False,
) -> FollowupEntry:
    """Append one follow-up to the log. Call inside `store.engine.write_tx`.

    A unit code the store does not know is refused (`unknown_unit`) unless `unknown_unit_ok`
    (staff confirmed it)."""
    unit, note = validate(action, unit, note)
    if not unknown_unit_ok:
        check_unit_known(conn, unit)
    person = _table(Person)
    known = conn.execute(
        select(func.count())
        .select_from(person)
        .where(person.c.id == person_id, person.c.hospcode == hospcode)
    ).scalar()
    if not known:
        raise FollowupError("unknown_person")
    return _append(conn, hospcode, person_id, action, unit, note, now)


def correct_followup(
    conn: Connection,
    original_id: str,
    *,
    action: str,
    unit: str = "",
    note: str = "",
    now: dt.datetime | None = None,
    unknown_unit_ok: bool = False,
) -> FollowupEntry:
    """Append an edit of an entry: from now on it reads `action`, `unit`, `note`."""
    unit, note = validate(action, unit, note)
    if not unknown_unit_ok:
        check_unit_known(conn, unit)
    original = _original(conn, original_id)
    return _append(
        conn, original.hospcode, original.person_id, action, unit, note, now, corrects=original.id
    )


def retract_followup(
    conn: Connection, original_id: str, *, now: dt.datetime | None = None
) -> FollowupEntry:
    """Append a retraction of an entry: it stays in the history, struck through, and no longer
    counts for the person's state. Retracting again changes nothing new but is recorded."""
    original = _original(conn, original_id)
    return _append(
        conn,
        original.hospcode,
        original.person_id,
        original.action,
        original.unit,
        original.note,
        now,
        corrects=original.id,
        retracted=True,
    )


def _original(conn: Connection, entry_id: str) -> FollowupEntry:
    """The original entry `entry_id` names (a correction's id leads to its original)."""
    log = _table(FollowupLog)
    row = conn.execute(select(log).where(log.c.id == entry_id)).first()
    if row is None:
        raise FollowupError("unknown_entry")
    entry = _entry(row)
    return _original(conn, entry.corrects) if entry.corrects else entry


def _append(
    conn: Connection,
    hospcode: str,
    person_id: str,
    action: str,
    unit: str,
    note: str,
    now: dt.datetime | None,
    *,
    corrects: str = "",
    retracted: bool = False,
) -> FollowupEntry:
    created = _aware(now or dt.datetime.now(dt.UTC))
    node = store_node_id(conn)
    stamp = next_hlc(_latest_hlc(conn), int(created.timestamp() * 1000), node)
    entry = FollowupEntry(
        id=str(uuid.uuid4()),
        hospcode=hospcode,
        person_id=person_id,
        action=action,
        unit=unit,
        note=note,
        hlc=str(stamp),
        node_id=node,
        created_at=created,
        corrects=corrects,
        retracted=retracted,
    )
    conn.execute(insert(_table(FollowupLog)).values(**asdict(entry)))
    return entry


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _entry(row: Row[Any]) -> FollowupEntry:
    values = row._asdict()
    values["created_at"] = _aware(values["created_at"])
    return FollowupEntry(**values)


def followup_history(conn: Connection, person_id: str) -> list[FollowupEntry]:
    """A person's whole log as written (corrections included), oldest first."""
    log = _table(FollowupLog)
    rows = conn.execute(select(log).where(log.c.person_id == person_id)).all()
    return sorted((_entry(r) for r in rows), key=lambda e: e.order_key)


def followup_records(conn: Connection, person_id: str) -> list[FollowupRecord]:
    """A person's entries as they now read (corrections applied), oldest first."""
    return resolve(followup_history(conn, person_id))


def current_states(
    conn: Connection, hospcode: str | None = None, person_ids: Collection[str] | None = None
) -> dict[str, FollowupEntry]:
    """Each person's deciding follow-up entry (see `derive_state`), by person id."""
    log = _table(FollowupLog)
    query = select(log)
    if hospcode is not None:
        query = query.where(log.c.hospcode == hospcode)
    if person_ids is not None:
        query = query.where(log.c.person_id.in_(list(person_ids)))
    return derive_states(_entry(r) for r in conn.execute(query))
