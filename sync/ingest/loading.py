"""Loading read columns through a `LoaderSpec`: convert, quarantine, de-duplicate, upsert, log."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from sqlalchemy import Connection, Table

from store.ids import stable_ids
from store.models import Facility
from sync.ingest.convert import WARNING, ColumnConverter, Columns, Issue, issue_message
from sync.ingest.ledger import record_issues
from sync.ingest.results import PartResult
from sync.ingest.spec import LoadContext, LoaderSpec
from sync.ingest.upsert import insert_missing, upsert_columns

FACILITY: Table = Facility.__table__  # type: ignore[attr-defined]


def load_columns(
    conn: Connection, spec: LoaderSpec, read: Columns, part: PartResult, context: LoadContext
) -> Counter[str]:
    """Store the rows of one part (or one slice of it: the part's counts are added to); returns
    how many stored rows name each hospcode.

    Rows with an error are kept out and logged; of two rows with the same key, the newer (or,
    when equally new, the later) is kept and the other logged as a warning.
    """
    converter = ColumnConverter(
        part.member, spec.table, spec.columns, spec.required, spec.derived, context.latest_today
    )
    if spec.defaults is not None:
        read = with_defaults(read, spec.defaults(context))
    converted = converter.convert(read)
    count = len(read.lines)
    values = converted.values
    values["batch_id"] = [context.batch_id] * count
    if spec.complete is not None:
        spec.complete(values, read.lines, context)
    ids = stable_ids(spec.table.name, zip(*(values[k] for k in spec.key), strict=True))
    values["id"] = list(ids)
    issues = converted.issues
    chosen = _newest_of_each_key(
        ids, values[spec.version], converted.keep, read.lines, part, issues
    )
    hospcodes: Counter[str] = Counter()
    if spec.hospcode is not None:
        column = values[spec.hospcode]
        hospcodes.update(str(column[i]) for i in chosen)
        facilities = [{"hospcode": h, "name": ""} for h in sorted(hospcodes)]
        insert_missing(conn, FACILITY, "hospcode", facilities)
    written, unchanged = upsert_columns(conn, spec.table, spec.version, values, chosen)
    part.rows_read += count
    part.rows_loaded += written
    part.rows_unchanged += unchanged
    issues.sort(key=lambda issue: issue.line)
    record_issues(conn, context.batch_id, issues)
    part.count(issues)
    return hospcodes


def with_defaults(read: Columns, defaults: Mapping[str, str | None]) -> Columns:
    """`read` with each blank (or absent) field of `defaults` set to its default."""
    values = dict(read.values)
    for name, default in defaults.items():
        if not default:
            continue
        column = values.get(name)
        if column is None:
            values[name] = [default] * len(read.lines)
        else:
            values[name] = [default if v is None or v == "" else v for v in column]
    return Columns(read.lines, values, read.all_text)


def _newest_of_each_key(
    ids: list[str],
    versions: list[object],
    keep: list[int],
    lines: list[int],
    part: PartResult,
    issues: list[Issue],
) -> list[int]:
    """One row index per id: the newest version, the later line on a tie."""
    chosen: dict[str, int] = {}
    for index in keep:
        row_id = ids[index]
        earlier = chosen.get(row_id)
        if earlier is None:
            chosen[row_id] = index
            continue
        if versions[index] < versions[earlier]:  # type: ignore[operator]
            issues.append(_superseded(part.member, lines[index], lines[earlier]))
            continue
        issues.append(_superseded(part.member, lines[earlier], lines[index]))
        chosen[row_id] = index
    return list(chosen.values())


def _superseded(member: str, line: int, kept_line: int) -> Issue:
    return Issue(member, line, "", WARNING, issue_message("superseded", line=kept_line))
