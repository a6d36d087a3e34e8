"""Import batches and their issues, newest first, for the imports screen and the dashboard."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import Connection, func, select

from store.i18n.stored import stored_text
from store.models import SQLModel

_TABLES = SQLModel.metadata.tables
BATCH = _TABLES["import_batch"]
ISSUE = _TABLES["import_issue"]

ISSUE_LIMIT = 500
"""Issues shown per batch; a broken file can have one per line, the screen says how many more."""


@dataclass(frozen=True)
class BatchRow:
    id: str
    kind: str
    file_name: str
    hospcode: str
    status: str
    message: str
    """The stored English text."""
    started_at: dt.datetime
    finished_at: dt.datetime | None
    rows_loaded: int
    rows_unchanged: int
    issues: int
    warnings: int
    message_key: str = ""
    message_params: str = ""

    def message_in(self, lang: str) -> str:
        """Why the file was refused (or had nothing new) in `lang`, else the stored text."""
        return stored_text(self.message_key, self.message_params, self.message, lang)

    def age(self, now: dt.datetime) -> dt.timedelta:
        """Time since the batch finished (or started, while it runs)."""
        return now - _aware(self.finished_at or self.started_at)


@dataclass(frozen=True)
class IssueRow:
    member: str
    line: int
    field: str
    severity: str
    reason: str
    """The stored English text."""
    reason_key: str = ""
    reason_params: str = ""

    def reason_in(self, lang: str) -> str:
        """The reason in `lang` (its catalogue message), else the stored text."""
        return stored_text(self.reason_key, self.reason_params, self.reason, lang)


@dataclass(frozen=True)
class BatchIssues:
    batch_id: str
    rows: tuple[IssueRow, ...]
    total: int


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _batch(row: object) -> BatchRow:
    values = dict(row._mapping)  # type: ignore[attr-defined]
    values["hospcode"] = values["hospcode"] or ""
    values["started_at"] = _aware(values["started_at"])
    if values["finished_at"] is not None:
        values["finished_at"] = _aware(values["finished_at"])
    return BatchRow(**{k: values[k] for k in BatchRow.__dataclass_fields__})


def recent_batches(conn: Connection, limit: int = 200) -> list[BatchRow]:
    """The latest batches, newest first."""
    query = select(BATCH).order_by(BATCH.c.started_at.desc(), BATCH.c.id).limit(limit)
    return [_batch(row) for row in conn.execute(query)]


def last_batch(conn: Connection) -> BatchRow | None:
    """The newest batch, whatever became of it."""
    found = recent_batches(conn, limit=1)
    return found[0] if found else None


REFUSED = "refused"
"""The status of a refused batch (`import_batch.status`, written by `sync.ingest`)."""


def imported_digests(conn: Connection, sha256s: Collection[str]) -> set[str]:
    """Which of these file digests have their data in the store (an import not refused)."""
    query = select(BATCH.c.sha256).where(
        BATCH.c.sha256.in_(list(sha256s)), BATCH.c.status != REFUSED
    )
    return set(conn.execute(query).scalars())


@dataclass(frozen=True)
class LastImports:
    """What the overview says about imports: the newest file whose data is in the store, and a
    refused file offered after it (the data shown is still the good one's)."""

    good: BatchRow | None
    refused_since: BatchRow | None


def last_imports(conn: Connection) -> LastImports:
    newest = last_batch(conn)
    query = (
        select(BATCH)
        .where(BATCH.c.status != REFUSED)
        .order_by(BATCH.c.started_at.desc(), BATCH.c.id)
        .limit(1)
    )
    good = next((_batch(row) for row in conn.execute(query)), None)
    refused = newest if newest is not None and newest.status == REFUSED else None
    return LastImports(good, refused)


def batch_issues(conn: Connection, batch_id: str, limit: int = ISSUE_LIMIT) -> BatchIssues:
    """A batch's issues in file order (member, line), at most `limit`, with the full count."""
    total = conn.execute(
        select(func.count()).select_from(ISSUE).where(ISSUE.c.batch_id == batch_id)
    ).scalar_one()
    query = (
        select(
            ISSUE.c.member,
            ISSUE.c.line,
            ISSUE.c.field,
            ISSUE.c.severity,
            ISSUE.c.reason,
            ISSUE.c.reason_key,
            ISSUE.c.reason_params,
        )
        .where(ISSUE.c.batch_id == batch_id)
        .order_by(ISSUE.c.member, ISSUE.c.line, ISSUE.c.id)
        .limit(limit)
    )
    rows = tuple(IssueRow(*row) for row in conn.execute(query))
    return BatchIssues(batch_id, rows, total)
