"""PP-due lists from the store: the responsible population, their qualifying services so far,
and the items of `store.pp.due` each person is due for on the as-of date.

A person's history of an item is their services of it that qualified (the eligibility rules'
judgement, as the claims report makes it), of any year up to the as-of date, so an interval
counts from the last service NHSO would have paid for.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import Connection

from store.pp.catalog import CatalogItem
from store.pp.catalog_store import load_catalog
from store.pp.due import DueItems, DuePerson, due_for, due_items_for, to_earn
from store.pp.eligibility import Evaluation as ServiceEvaluation
from store.pp.eligibility import evaluate
from store.pp.queries import load_persons, load_services
from store.rights.rules import Evaluation, PersonFacts
from store.thaidate import fiscal_year

History = dict[tuple[str, str], dict[str, list[dt.date]]]
"""Qualifying service dates by (hospcode, pid), then by item."""


@dataclass(frozen=True)
class PersonDue:
    """A person of the responsible population and the items they are due for."""

    person: PersonFacts
    items: tuple[CatalogItem, ...]
    last: Mapping[str, dt.date] = field(default_factory=dict, hash=False)
    """The date of their last qualifying service of each due item they ever had."""

    @property
    def to_earn_baht(self) -> Decimal:
        return to_earn(self.items)


@dataclass(frozen=True)
class UnitDue:
    """One unit's persons due for at least one item."""

    hospcode: str
    offered: DueItems
    persons: tuple[PersonDue, ...]

    @property
    def due_count(self) -> int:
        """Person-item pairs due (a person due for two items counts twice)."""
        return sum(len(p.items) for p in self.persons)

    @property
    def to_earn_baht(self) -> Decimal:
        return sum((p.to_earn_baht for p in self.persons), Decimal("0"))


def offered_items(conn: Connection, as_of: dt.date) -> DueItems:
    """The items offered on the as-of date's fiscal year (from the stored catalog)."""
    return due_items_for(load_catalog(conn), fiscal_year(as_of))


def service_history(
    conn: Connection, as_of: dt.date, offered: DueItems, hospcode: str | None = None
) -> History:
    """Every person's qualifying services of the offered items up to the as-of date."""
    if not offered.items:
        return history_of((), offered)
    catalog = load_catalog(conn)
    sources = frozenset(item.source for item in offered.items)
    services = load_services(conn, hospcode, sources=sources, until=as_of)
    return history_of(evaluate(services, load_persons(conn, hospcode), catalog), offered)


def history_of(judged: Iterable[ServiceEvaluation], offered: DueItems) -> History:
    """The dates of each person's eligible services of the offered items, from services
    judged up to the as-of date."""
    found: History = defaultdict(lambda: defaultdict(list))
    wanted = {item.item for item in offered.items}
    for evaluation in judged:
        if evaluation.eligible and evaluation.item.item in wanted:
            service = evaluation.service
            found[(service.hospcode, service.pid)][evaluation.item.item].append(service.date)
    return found


def persons_due(
    evaluations: Iterable[Evaluation],
    offered: DueItems,
    history: Mapping[tuple[str, str], Mapping[str, Sequence[dt.date]]],
    as_of: dt.date,
) -> tuple[PersonDue, ...]:
    """The responsible persons among `evaluations` (the gap rules' judgement on the as-of date)
    who are due for at least one offered item."""
    found = []
    for ev in evaluations:
        if not ev.responsible:
            continue
        person = ev.person
        dates = history.get((person.hospcode, person.pid), {})
        due = due_for(offered.items, DuePerson(person.sex, person.birth, ev.thai), as_of, dates)
        if due:
            last = {item.item: max(dates[item.item]) for item in due if dates.get(item.item)}
            found.append(PersonDue(person, due, last))
    return tuple(found)


def due_lists(conn: Connection, as_of: dt.date, hospcode: str | None = None) -> list[UnitDue]:
    """Every unit's (or `hospcode`'s) persons due on the as-of date."""
    from store.kpi import evaluate_units

    offered = offered_items(conn, as_of)
    history = service_history(conn, as_of, offered, hospcode)
    return [
        UnitDue(unit.hospcode, offered, persons_due(unit.evaluations, offered, history, as_of))
        for unit in evaluate_units(conn, as_of, hospcode)
    ]
