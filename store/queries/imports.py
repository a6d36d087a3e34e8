"""Import batches and their issues, newest first, for the imports screen and the dashboard."""

from __future__ import annotations

import datetime as dt
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
    started_at: dt.datetime
    finished_at: dt.datetime | None
    rows_loaded: int
    rows_unchanged: int
    issues: int
    warnings: int

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
    """The newest batch (what the dashboard reports as the last import)."""
    found = recent_batches(conn, limit=1)
    return found[0] if found else None


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
