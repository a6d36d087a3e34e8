"""Every export of person-level data leaves two traces: a line in the audit log file and a row
in the store's export log, which the province reads. Neither holds personal data."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection

from exporters.audit import os_user, record_export
from store.exports import ExportRow, log_export


def record(
    conn: Connection,
    *,
    kind: str,
    hospcode: str | None,
    file_name: str,
    persons: int,
    rows: int,
    show_cid: bool,
    now: dt.datetime | None = None,
) -> ExportRow:
    """Write both traces (the store row in the caller's transaction); OSError from the audit
    log propagates, so the caller refuses the export."""
    moment = now or dt.datetime.now(dt.UTC)
    logged = log_export(
        conn,
        kind=kind,
        hospcode=hospcode,
        file_name=file_name,
        persons=persons,
        rows=rows,
        show_cid=show_cid,
        user=os_user(),
        now=moment,
    )
    command = f"export {kind}" + (" --show-cid" if show_cid else "")
    record_export(command, hospcode, persons, now=moment)
    return logged
