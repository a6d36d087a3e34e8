"""Server side: a provincial reader older than the change log reads the tables themselves.

The change log is compacted (`sync.server.compaction`): a reader whose cursor is below the
horizon (a new reader at 0, one idle for long, one restored from a backup) could miss rows
whose entries were removed. Such a pull starts a snapshot instead, in three parts:

1. every row of every synced table, table by table in the registry's order, by id;
2. the log entries between the reader's cursor and `upto`, the number the server had handed out
   when the snapshot began (what is left of them: mostly deletions, which a restored reader
   must see and a table read cannot show);
3. the log from `upto` on, as any reader reads it.

A row changed while the snapshot runs is numbered above `upto`, so part 3 brings it. Where the
snapshot stands travels in the page (`PullPage.snapshot`, protocol 2): the reader stores it
with its cursor in the page's transaction and sends it back, so an interrupted snapshot resumes
exactly where it stopped and a repeated request gets the same page, like any pull. The cursor
stays where the reader was until the last page, which moves it to `upto`. A position whose
`upto` is below the horizon (the reader idled past it mid-snapshot) starts a new snapshot.

A position is `upto:part:after` (`part` is a registry index, or the registry's length for the
log part; `after` the last id or number given). It comes from a provincial token, which reads
every row anyway: it is checked for form, not trusted for anything else.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text

from store.outbox import get_state
from sync.protocol import REGISTRY, ProtocolError, PullPage, PullRequest, TableRows
from sync.server.sequencer import COUNTER_KEY
from sync.wire_rows import read_rows, table_for

LOG_PART = len(REGISTRY)
MAX_ID_CHARS = 36


@dataclass(frozen=True)
class Position:
    upto: int
    part: int
    after: str

    def encode(self) -> str:
        return f"{self.upto}:{self.part}:{self.after}"

    @classmethod
    def decode(cls, value: str) -> Position:
        upto, _, rest = value.partition(":")
        part, sep, after = rest.partition(":")
        if not (sep and upto.isdigit() and part.isdigit() and int(part) <= LOG_PART):
            raise ProtocolError("'snapshot' is not a snapshot position")
        if len(after) > MAX_ID_CHARS or not after.isprintable():
            raise ProtocolError("'snapshot' is not a snapshot position")
        if int(part) == LOG_PART and after and not after.isdigit():
            raise ProtocolError("'snapshot' is not a snapshot position")
        return cls(int(upto), int(part), after)


def start(conn: Connection) -> Position:
    """A new snapshot from the first table, up to the last number handed out."""
    return Position(int(get_state(conn, COUNTER_KEY) or 0), 0, "")


def snapshot_page(
    conn: Connection, request: PullRequest, at: Position, origin: str, horizon: int
) -> PullPage:
    """The page after `at`: `request.limit` rows of tables, or of the log part."""
    if at.upto < horizon:
        at = start(conn)
    if at.part < LOG_PART:
        return _table_page(conn, request, at)
    return _log_page(conn, request, at, origin)


def _table_page(conn: Connection, request: PullRequest, at: Position) -> PullPage:
    """Up to `request.limit` rows from the tables, going on to the next table when one ends."""
    tables: dict[str, TableRows] = {}
    room = request.limit
    while at.part < LOG_PART and room > 0:
        entry = REGISTRY[at.part]
        ids = [
            str(row_id)
            for (row_id,) in conn.execute(
                text(f'SELECT id FROM "{entry.name}" WHERE id > :after ORDER BY id LIMIT :n'),
                {"after": at.after, "n": room},
            )
        ]
        if ids:
            tables[entry.name] = read_rows(conn, table_for(conn, entry.name), ids)
        room -= len(ids)
        full = room == 0
        at = Position(at.upto, at.part, ids[-1]) if full else Position(at.upto, at.part + 1, "")
    return PullPage(request.cursor, tables, True, at.encode())


def _log_page(conn: Connection, request: PullRequest, at: Position, origin: str) -> PullPage:
    after = max(request.cursor, int(at.after or 0))
    entries = conn.execute(
        text(
            "SELECT seq, table_name, row_id FROM sync_change "
            "WHERE seq > :after AND seq <= :upto AND origin <> :me ORDER BY seq LIMIT :n"
        ),
        {"after": after, "upto": at.upto, "me": origin, "n": request.limit},
    ).all()
    ids: dict[str, list[str]] = {}
    for _seq, name, row_id in entries:
        ids.setdefault(str(name), []).append(str(row_id))
    tables: dict[str, TableRows] = {
        entry.name: read_rows(conn, table_for(conn, entry.name), ids[entry.name])
        for entry in REGISTRY
        if entry.name in ids
    }
    if len(entries) < request.limit:
        return PullPage(max(at.upto, request.cursor), tables, True)
    last = str(int(entries[-1][0]))
    return PullPage(request.cursor, tables, True, Position(at.upto, LOG_PART, last).encode())
