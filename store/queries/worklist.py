"""The gap work list: persons with gaps, their follow-up state, and the list's filters and sorts.

Rows come from `store.kpi.work_list`, the same judgement as `sitthi report gaps`. Filtering,
searching and sorting are pure functions over the loaded rows, so the app reloads from the store
only when the store changes, not on every key press in the search box.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from store.codes import gap_codes
from store.followup import FollowupEntry, current_states, followup_action
from store.kpi import natural_key, work_list
from store.models import SQLModel
from store.queries.states import STATE_NONE, STATE_OPEN, STATES
from store.rights.rules import Evaluation

PERSON = SQLModel.metadata.tables["person"]


SORT_KEYS = ("village", "name", "gaps", "state", "checked")


@dataclass(frozen=True)
class WorkRow:
    """One person of the work list."""

    person_id: str
    evaluation: Evaluation
    followup: FollowupEntry | None

    @property
    def name(self) -> str:
        return self.evaluation.person.full_name

    @property
    def cid(self) -> str:
        return self.evaluation.person.cid

    @property
    def village(self) -> str:
        return self.evaluation.person.village

    @property
    def codes(self) -> tuple[str, ...]:
        return self.evaluation.codes

    @property
    def state(self) -> str:
        """`none`, `open` (someone is on it) or `resolved` (nothing more to do)."""
        return followup_state(self.followup)

    @property
    def last_checked(self) -> dt.date | None:
        return self.evaluation.last_checked


def followup_state(entry: FollowupEntry | None) -> str:
    """The state a person's deciding follow-up entry puts them in (`none` without one)."""
    if entry is None:
        return STATE_NONE
    return followup_action(entry.action).outcome or STATE_OPEN


@dataclass(frozen=True)
class WorkFilter:
    gap: str = ""
    village: str = ""
    state: str = ""
    search: str = ""


def person_ids(conn: Connection, hospcode: str | None = None) -> dict[tuple[str, str], str]:
    """Stable person ids by (hospcode, pid)."""
    query = select(PERSON.c.hospcode, PERSON.c.pid, PERSON.c.id)
    if hospcode is not None:
        query = query.where(PERSON.c.hospcode == hospcode)
    return {(row.hospcode, row.pid): row.id for row in conn.execute(query)}


def work_rows(conn: Connection, as_of: dt.date, hospcode: str | None = None) -> list[WorkRow]:
    """Everyone with a gap on `as_of`, in the report's order, with their follow-up state."""
    evaluations = work_list(conn, as_of, hospcode)
    ids = person_ids(conn, hospcode)
    states = current_states(conn, hospcode)
    rows = []
    for ev in evaluations:
        person_id = ids[(ev.person.hospcode, ev.person.pid)]
        rows.append(WorkRow(person_id, ev, states.get(person_id)))
    return rows


def villages(rows: Iterable[WorkRow]) -> list[str]:
    """The villages present, in natural order ("หมู่ 2" before "หมู่ 10")."""
    return sorted({r.village for r in rows if r.village}, key=natural_key)


def matches(row: WorkRow, wanted: WorkFilter) -> bool:
    if wanted.gap and wanted.gap not in row.codes:
        return False
    if wanted.village and row.village != wanted.village:
        return False
    if wanted.state and row.state != wanted.state:
        return False
    return _matches_search(row, wanted.search.strip())


def _matches_search(row: WorkRow, search: str) -> bool:
    """Digits match the end of the CID; anything else a part of the name (any case)."""
    if not search:
        return True
    compact = search.replace("-", "").replace(" ", "")
    if compact.isdigit():
        return row.cid.endswith(compact)
    return search.casefold() in row.name.casefold()


def filter_rows(rows: Iterable[WorkRow], wanted: WorkFilter) -> list[WorkRow]:
    return [row for row in rows if matches(row, wanted)]


def sort_rows(rows: Sequence[WorkRow], key: str, descending: bool = False) -> list[WorkRow]:
    """Sorted by one of SORT_KEYS; ties keep the list's own order (village, PID)."""
    keys: dict[str, Callable[[WorkRow], Any]] = {
        "village": lambda r: natural_key(r.village),
        "name": lambda r: r.name.casefold(),
        "gaps": lambda r: _gap_ranks(r.codes),
        "state": lambda r: STATES.index(r.state),
        "checked": lambda r: r.last_checked or dt.date.min,
    }
    if key not in keys:
        raise ValueError(f"unknown sort key {key!r}")
    return sorted(rows, key=keys[key], reverse=descending)


def _gap_ranks(row_codes: tuple[str, ...]) -> tuple[int, ...]:
    rank = {g.code: g.rank for g in gap_codes()}
    return tuple(rank[code] for code in row_codes)
