"""The import log in the store: batches (offered files), parts (members) and issues."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, Table, insert, select, update

from store.i18n import Message
from store.i18n.stored import params_json
from store.models import ImportBatch, ImportIssue, ImportPart
from sync.ingest.convert import Issue
from sync.ingest.limits import WRITE_CHUNK
from sync.ingest.results import REFUSED, FileResult, PartResult

BATCH: Table = ImportBatch.__table__  # type: ignore[attr-defined]
PART: Table = ImportPart.__table__  # type: ignore[attr-defined]
ISSUE: Table = ImportIssue.__table__  # type: ignore[attr-defined]


def new_batch_id() -> str:
    """Batches are events: a fresh random id, not a key-derived one."""
    return str(uuid.uuid4())


def _fit(text: str, table: Table, column: str) -> str:
    length = getattr(table.c[column].type, "length", None)
    return text if length is None or len(text) <= length else text[: length - 1] + "…"


@dataclass(frozen=True)
class EarlierImport:
    kind: str
    file_name: str
    started_at: dt.datetime


def earlier_import(conn: Connection, sha256: str) -> EarlierImport | None:
    """The earlier import of a file with these exact bytes, unless it was refused."""
    found = conn.execute(
        select(BATCH.c.kind, BATCH.c.file_name, BATCH.c.started_at)
        .where(BATCH.c.sha256 == sha256, BATCH.c.status != REFUSED)
        .order_by(BATCH.c.started_at)
        .limit(1)
    ).first()
    return EarlierImport(found.kind, found.file_name, found.started_at) if found else None


def member_loaded_before(conn: Connection, sha256: str, table_name: str) -> bool:
    """Whether a member with these exact bytes was loaded into the same table before."""
    found = conn.execute(
        select(PART.c.id).where(PART.c.sha256 == sha256, PART.c.table_name == table_name).limit(1)
    ).first()
    return found is not None


def start_batch(
    conn: Connection, batch_id: str, kind: str, file_name: str, sha256: str, started_at: dt.datetime
) -> None:
    conn.execute(
        insert(BATCH).values(
            id=batch_id,
            kind=kind,
            file_name=_fit(file_name, BATCH, "file_name"),
            sha256=sha256,
            status="loading",
            message="",
            started_at=started_at,
            rows_loaded=0,
            rows_unchanged=0,
            issues=0,
            warnings=0,
        )
    )


def _message_columns(text: str, reason: Message | None) -> dict[str, str]:
    """The batch's message: its English text, and the key and parameters of its catalogue
    message when it has one and they fit (see `store.models.ImportBatch`)."""
    params = params_json(reason) if reason is not None else ""
    if reason is None or _fit(params, BATCH, "message_params") != params:
        return {"message": _fit(text, BATCH, "message"), "message_key": "", "message_params": ""}
    return {
        "message": _fit(text, BATCH, "message"),
        "message_key": reason.key,
        "message_params": params,
    }


def finish_batch(conn: Connection, result: FileResult, finished_at: dt.datetime) -> None:
    conn.execute(
        update(BATCH)
        .where(BATCH.c.id == result.batch_id)
        .values(
            status=result.status,
            hospcode=result.hospcode,
            **_message_columns(result.message, result.reason),
            finished_at=finished_at,
            rows_loaded=result.rows_loaded,
            rows_unchanged=result.rows_unchanged,
            issues=result.issues,
            warnings=result.warnings,
        )
    )


def record_refusal(
    conn: Connection,
    *,
    kind: str,
    file_name: str,
    sha256: str,
    hospcode: str | None,
    message: str,
    started_at: dt.datetime,
    finished_at: dt.datetime,
    reason: Message | None = None,
) -> str:
    """A refused file's batch (no parts, no rows); returns its id. `reason` is the catalogue
    message behind `message` (its English text), when the refusal has one."""
    batch_id = new_batch_id()
    conn.execute(
        insert(BATCH).values(
            id=batch_id,
            kind=_fit(kind, BATCH, "kind"),
            file_name=_fit(file_name, BATCH, "file_name"),
            sha256=sha256,
            hospcode=hospcode,
            status=REFUSED,
            **_message_columns(message, reason),
            started_at=started_at,
            finished_at=finished_at,
            rows_loaded=0,
            rows_unchanged=0,
            issues=0,
            warnings=0,
        )
    )
    return batch_id


def record_part(conn: Connection, batch_id: str, part: PartResult, sha256: str) -> None:
    conn.execute(
        insert(PART).values(
            id=str(uuid.uuid4()),
            batch_id=batch_id,
            member=_fit(part.member, PART, "member"),
            table_name=part.table,
            sha256=sha256,
            encoding=part.encoding,
            has_header=part.has_header,
            rows_read=part.rows_read,
            rows_loaded=part.rows_loaded,
            rows_unchanged=part.rows_unchanged,
            issues=part.issues,
            warnings=part.warnings,
            skipped_duplicate=part.skipped_duplicate,
        )
    )


def _params(issue: Issue) -> str:
    return params_json(issue.message) if isinstance(issue.message, Message) else ""


def record_issues(conn: Connection, batch_id: str, issues: Sequence[Issue]) -> None:
    """Each issue with its English reason and its catalogue key and parameters (see
    `store.models.ImportIssue`)."""
    rows = [
        {
            "batch_id": batch_id,
            "member": _fit(i.member, ISSUE, "member"),
            "line": i.line,
            "field": i.field,
            "severity": i.severity,
            "reason": _fit(i.reason, ISSUE, "reason"),
            "reason_key": i.key,
            "reason_params": _fit(_params(i), ISSUE, "reason_params"),
        }
        for i in issues
    ]
    for start in range(0, len(rows), WRITE_CHUNK):
        conn.execute(insert(ISSUE), rows[start : start + WRITE_CHUNK])
