"""The PP-due list: who in the responsible population is due for a screening this fiscal year
and has not had it, per village (or volunteer), in house-number order, with the baht each
visit would still earn."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

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
from store.pp.due_store import PersonDue, due_lists
from store.thaidate import format_be

KIND = "pp-due"


def columns(context: ListContext, by: Grouping) -> tuple[Column, ...]:
    t = context.t
    found = [
        Column(t("export.col.house"), 8),
        Column(t("export.col.name"), 24),
        Column(t("export.col.age"), 5, Kind.NUMBER),
        Column(t("export.col.cid"), 18),
        Column(t("export.col.due_items"), 34),
        Column(t("export.col.last_service"), 22),
        Column(t("export.col.to_earn"), 10, Kind.BAHT),
    ]
    if context.phones is not None:
        found.append(Column(t("export.col.phone"), 13))
    found += volunteer_column(by, context)
    found += [Column(t("export.col.visit_date"), 12, Kind.BLANK)]
    found += [Column(t("export.col.outcome"), 22, Kind.BLANK)]
    return tuple(found)


def _cells(due: PersonDue, context: ListContext, by: Grouping) -> tuple[Cell, ...]:
    person = due.person
    last = [
        f"{item.item} {format_be(due.last[item.item])}"
        for item in due.items
        if item.item in due.last
    ]
    cells: list[Cell] = [
        person.house_no,
        person.full_name,
        context.age(person),
        context.cid(person.cid),
        ", ".join(item.name(context.lang) for item in due.items),
        ", ".join(last),
        due.to_earn_baht,
    ]
    if context.phones is not None:
        cells.append(context.phone(person))
    cells += volunteer_cell(person, by, context)
    return (*cells, None, None)


def pp_due_document(
    persons: list[PersonDue],
    context: ListContext,
    *,
    hospcode: str | None,
    by: Grouping = Grouping.VILLAGE,
    notes: tuple[str, ...] = (),
) -> Document:
    cols = columns(context, by)
    sections = []
    units = hospcode is None
    for group, members in grouped(persons, lambda p: p.person, by, context, units=units):
        body = tuple(_cells(p, context, by) for p in members)
        total = sum((p.to_earn_baht for p in members), Decimal("0"))
        totals: tuple[Cell, ...] = (
            context.t("export.total"),
            *([None] * 5),
            total,
            *([None] * (len(cols) - 7)),
        )
        heading = context.t("export.due_heading", group=group.name, count=len(body))
        sections.append(
            Section(group.name, heading, cols, body, totals=totals, place=group.place, notes=notes)
        )
    return Document(
        kind=KIND,
        hospcode=hospcode,
        unit=context.unit_label(hospcode),
        as_of=context.as_of,
        sections=tuple(sections),
        persons=len(persons),
        person_level=True,
        show_cid=context.show_cid,
        lang=context.lang,
        group_label=context.t(f"export.group.{by.value}"),
    )


def build_pp_due(
    conn: Connection,
    as_of: dt.date,
    hospcode: str | None = None,
    *,
    by: Grouping = Grouping.VILLAGE,
    village: str | None = None,
    volunteer: str | None = None,
    item: str | None = None,
    show_cid: bool = False,
    lang: str = "th",
) -> Document:
    """Everyone due on the as-of date (only for `item` when given; of one village / volunteer
    as `exporters.gaps_list.build_gaps` reads them)."""
    villages = None if village is None else resolve_village(conn, hospcode, village)
    if volunteer is not None:
        volunteer = resolve_volunteer(conn, hospcode, volunteer)
    context = load_context(conn, as_of, hospcode, lang=lang, show_cid=show_cid)
    units = due_lists(conn, as_of, hospcode)
    persons = [p for unit in units for p in unit.persons]
    if item is not None:
        wanted = item.upper()
        persons = [
            PersonDue(p.person, tuple(i for i in p.items if i.item == wanted), p.last)
            for p in persons
            if any(i.item == wanted for i in p.items)
        ]
    persons = selected(persons, lambda p: p.person, villages=villages, volunteer=volunteer)
    notes: tuple[str, ...] = ()
    if units and units[0].offered.carried_forward:
        offered = units[0].offered
        notes = (context.t("export.carried_forward", year=offered.catalog_year),)
    return pp_due_document(persons, context, hospcode=hospcode, by=by, notes=notes)
