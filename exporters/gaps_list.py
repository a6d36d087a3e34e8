"""The village health volunteer's list: houses to visit about rights gaps, one sheet per village
(or per volunteer), in house-number order, with what is wrong and what to do in plain words,
the last follow-up, and empty columns for the visit's date and outcome."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from sqlalchemy import Connection

from exporters.document import Cell, Column, Document, Kind, Section
from exporters.people import (
    Grouping,
    ListContext,
    grouped,
    load_context,
    resolve_village,
    resolve_volunteer,
    selected,
    volunteer_cell,
    volunteer_column,
)
from store.pp.catalog import CatalogItem
from store.queries.worklist import WorkRow, work_rows
from store.rights.rules import action, explanation

KIND = "gaps"
DueMap = Mapping[tuple[str, str], Sequence[CatalogItem]]


def columns(
    context: ListContext, *, with_due: bool, by: Grouping = Grouping.VILLAGE
) -> tuple[Column, ...]:
    t = context.t
    found = [
        Column(t("export.col.house"), 8),
        Column(t("export.col.name"), 24),
        Column(t("export.col.age"), 5, Kind.NUMBER),
        Column(t("export.col.cid"), 18),
        Column(t("export.col.problem"), 34),
        Column(t("export.col.todo"), 30),
    ]
    if context.phones is not None:
        found.append(Column(t("export.col.phone"), 13))
    found.append(Column(t("export.col.last_followup"), 18))
    if with_due:
        found.append(Column(t("export.col.due"), 30))
    found += volunteer_column(by, context)
    found += [Column(t("export.col.visit_date"), 12, Kind.BLANK)]
    found += [Column(t("export.col.outcome"), 22, Kind.BLANK)]
    return tuple(found)


def gaps_document(
    rows: Sequence[WorkRow],
    context: ListContext,
    *,
    hospcode: str | None,
    by: Grouping = Grouping.VILLAGE,
    due: DueMap | None = None,
) -> Document:
    """The rows (e.g. the work list as filtered on screen) as the volunteers' document."""
    cols = columns(context, with_due=due is not None, by=by)
    sections = []
    units = hospcode is None
    for group, members in grouped(rows, lambda r: r.evaluation.person, by, context, units=units):
        body = tuple(_cells(row, context, due, by) for row in members)
        heading = context.t("export.gaps_heading", group=group.name, count=len(body))
        sections.append(Section(group.name, heading, cols, body, place=group.place))
    persons = len({(r.evaluation.person.hospcode, r.evaluation.person.pid) for r in rows})
    return Document(
        kind=KIND,
        hospcode=hospcode,
        unit=context.unit_label(hospcode),
        as_of=context.as_of,
        sections=tuple(sections),
        persons=persons,
        person_level=True,
        show_cid=context.show_cid,
        lang=context.lang,
        group_label=context.t(f"export.group.{by.value}"),
    )


def _cells(
    row: WorkRow, context: ListContext, due: DueMap | None, by: Grouping
) -> tuple[Cell, ...]:
    person = row.evaluation.person
    codes = row.codes
    cells: list[Cell] = [
        person.house_no,
        person.full_name,
        context.age(person),
        context.cid(person.cid),
        explanation(codes, context.lang),
        action(codes, context.lang),
    ]
    if context.phones is not None:
        cells.append(context.phone(person))
    cells.append(_followup(row, context))
    if due is not None:
        items = due.get((person.hospcode, person.pid), ())
        cells.append(", ".join(item.name(context.lang) for item in items))
    cells += volunteer_cell(person, by, context)
    cells += [None, None]
    return tuple(cells)


def _followup(row: WorkRow, context: ListContext) -> str:
    from store.followup import followup_action
    from store.thaidate import format_be

    entry = row.followup
    if entry is None:
        return ""
    label = followup_action(entry.action).label(context.lang)
    return f"{format_be(entry.created_at.astimezone().date())} {label}"


def build_gaps(
    conn: Connection,
    as_of: dt.date,
    hospcode: str | None = None,
    *,
    by: Grouping = Grouping.VILLAGE,
    village: str | None = None,
    volunteer: str | None = None,
    with_due: bool = False,
    show_cid: bool = False,
    lang: str = "th",
) -> Document:
    """Everyone with a gap on the as-of date (or of one village / volunteer: by name, VID or
    number, and by VHVID; ExportError when the store has no such village or volunteer)."""
    villages = None if village is None else resolve_village(conn, hospcode, village)
    if volunteer is not None:
        volunteer = resolve_volunteer(conn, hospcode, volunteer)
    context = load_context(conn, as_of, hospcode, lang=lang, show_cid=show_cid)
    rows = selected(
        work_rows(conn, as_of, hospcode),
        lambda r: r.evaluation.person,
        villages=villages,
        volunteer=volunteer,
    )
    due = None
    if with_due:
        from store.pp.due_store import due_lists

        due = {
            (p.person.hospcode, p.person.pid): p.items
            for unit in due_lists(conn, as_of, hospcode)
            for p in unit.persons
        }
    return gaps_document(rows, context, hospcode=hospcode, by=by, due=due)
