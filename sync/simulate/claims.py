"""What NHSO made of the synthetic centre's PP claims: the lines of its statements.

The centre's PP services are judged with the store's own rules (`store.pp.eligibility`) and the
catalog of the demo, then each is given an outcome by rates.toml [statement]: a service older
than `settled_days` was paid, partly paid, denied (with a code that fits its item), is still
pending, or was never claimed; a newer one is pending or not claimed yet. Services that do not
qualify are mostly not claimed, the rest denied with the code fitting the failed condition;
persons with a rights problem NHSO knows of are denied whatever was done. Some denied claims
were corrected and paid in the recent statement, and a few lines belong to no service (an item
outside the catalog, a day without a service), as real statements have.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from store.cid import is_valid_cid
from store.pp.catalog import Catalog, shipped_catalog
from store.pp.eligibility import Evaluation, Service, evaluate, is_thai_nation
from store.pp.eligibility import Person as RulesPerson
from store.pp.sources import pregnancy_number, source_file
from store.thaidate import fiscal_year, parse_ymd
from sync.simulate.params import Params, Section
from sync.simulate.population import Person, Streams
from sync.simulate.services import ServiceYear

BAHT = Decimal("1")


@dataclass(frozen=True)
class StatementEntry:
    """One line of a statement as NHSO writes it; `paid` None when it has no amount yet."""

    hospcode: str
    cid: str
    date_serv: dt.date
    item: str
    paid: Decimal | None
    error_code: str
    statement_id: str


@dataclass(frozen=True)
class Statements:
    """The older statement (XLSX) and the recent one (CSV), with the days they were issued."""

    older: tuple[StatementEntry, ...]
    recent: tuple[StatementEntry, ...]
    older_day: dt.date
    recent_day: dt.date


def demo_catalog(first: dt.date, last: dt.date) -> Catalog:
    """The shipped catalog, and for each fiscal year from `first` to `last` that it lacks, the
    items of its latest year carried forward: the catalog the province would have sent."""
    shipped = shipped_catalog()
    latest = max(shipped.fiscal_years)
    missing = [
        year
        for year in range(fiscal_year(first), fiscal_year(last) + 1)
        if year not in shipped.fiscal_years
    ]
    carried = [
        dataclasses.replace(item, fiscal_year=year)
        for year in missing
        for item in shipped.for_year(latest)
    ]
    return Catalog((*shipped.items, *carried))


def judge_services(
    services: ServiceYear, persons: Iterable[Person], hospcode: str, catalog: Catalog
) -> list[Evaluation]:
    """The centre's PP services judged as the store will judge them."""
    rules_persons = {
        (hospcode, str(p.pid)): RulesPerson(p.sex, p.birth, is_thai_nation(p.nation), p.cid)
        for p in persons
    }
    rows = []
    for visit, row in services.pp_rows():
        source = source_file(row.file)
        if source is None:
            continue
        related = row.fields.get(source.related_date_field, "")
        rows.append(
            Service(
                source=row.file,
                hospcode=hospcode,
                pid=str(visit.person.pid),
                seq=visit.seq,
                date=parse_ymd(row.fields[source.date_field])[0],
                fields=row.fields,
                gravida=pregnancy_number(row.fields.get(source.pregnancy_field, "")),
                related_date=parse_ymd(related)[0] if related else None,
                id=f"{visit.seq}/{row.file}",
            )
        )
    return evaluate(rows, rules_persons, catalog)


def build_statements(
    streams: Streams,
    params: Params,
    persons: list[Person],
    services: ServiceYear,
    today: dt.date,
    hospcode: str,
) -> Statements:
    """The lines of the two statements (see the module text)."""
    section = params.statement
    catalog = demo_catalog(services.first_day, today)
    evaluations = judge_services(services, persons, hospcode, catalog)
    by_pid = {str(p.pid): p for p in persons}
    rng = streams.rng("statements")
    older_day = today - dt.timedelta(days=section.integer("recent_days"))
    recent_day = today - dt.timedelta(days=1)
    outcomes = _Outcomes(rng, section, today, older_day)
    older: list[StatementEntry] = []
    recent: list[StatementEntry] = []
    for evaluation in evaluations:
        person = by_pid[evaluation.service.pid]
        for entry, is_recent in outcomes.lines(evaluation, person, hospcode):
            (recent if is_recent else older).append(entry)
    stray = _unmatched(rng, section, persons, services, hospcode, catalog, older_day)
    recent.extend(stray)
    older_id = f"{section.text('statement_prefix')}{older_day:%Y%m}-0001"
    recent_id = f"{section.text('statement_prefix')}{recent_day:%Y%m}-0002"
    return Statements(
        tuple(_ordered(older, older_id)),
        tuple(_ordered(recent, recent_id)),
        older_day,
        recent_day,
    )


def _ordered(entries: list[StatementEntry], statement_id: str) -> list[StatementEntry]:
    """The lines of one statement, named and in the order NHSO lists them."""
    named = [dataclasses.replace(e, statement_id=statement_id) for e in entries]
    return sorted(named, key=lambda e: (e.date_serv, e.cid, e.item, e.error_code != ""))


class _Outcomes:
    """Draws what happened to each service's claim."""

    def __init__(
        self, rng: random.Random, section: Section, today: dt.date, older_day: dt.date
    ) -> None:
        self.rng = rng
        self.section = section
        self.settled_before = today - dt.timedelta(days=section.integer("settled_days"))
        self.older_day = older_day
        self.settled = section.weights("settled")
        self.unsettled = section.weights("unsettled")
        self.denials = section.section("denials")
        self.ineligible = section.section("ineligible_denials").values
        self.problems = section.section("problem_denials").values

    def lines(
        self, evaluation: Evaluation, person: Person, hospcode: str
    ) -> list[tuple[StatementEntry, bool]]:
        """The statement lines of one service, each with whether it is in the recent one."""
        service = evaluation.service
        if not is_valid_cid(person.cid):
            return []
        day = service.date
        item = evaluation.item
        in_older = day < self.older_day - dt.timedelta(days=self.section.integer("settled_days"))

        def entry(paid: Decimal | None, code: str = "") -> StatementEntry:
            return StatementEntry(hospcode, person.nhso_cid, day, item.item, paid, code, "")

        if evaluation.reason is not None:
            if self.rng.random() >= self.section.number("ineligible_claimed_share"):
                return []
            code = str(self.ineligible.get(evaluation.reason.condition, ""))
            return [(entry(Decimal(0), code), not in_older)] if code else []
        if person.problem in self.problems:
            return [(entry(Decimal(0), str(self.problems[person.problem])), not in_older)]
        if day >= self.settled_before:
            outcome = self.unsettled.draw(self.rng)
        else:
            outcome = self.settled.draw(self.rng)
        if outcome == "missing":
            return []
        if outcome == "pending":
            return [(entry(None), True)]
        if outcome == "paid":
            return [(entry(item.rate), not in_older)]
        if outcome == "partial":
            percent = Decimal(self.rng.randint(*self.section.span("partial_percent")))
            paid = (item.rate * percent / 100).quantize(BAHT, ROUND_HALF_UP)
            return [(entry(paid), not in_older)]
        denied = entry(Decimal(0), self.denials.weights(item.item).draw(self.rng))
        if in_older and self.rng.random() < self.section.number("resent_share"):
            return [(denied, False), (entry(item.rate), True)]
        return [(denied, not in_older)]


def _unmatched(
    rng: random.Random,
    section: Section,
    persons: list[Person],
    services: ServiceYear,
    hospcode: str,
    catalog: Catalog,
    since: dt.date,
) -> list[StatementEntry]:
    """Lines for an item outside the catalog, and for days without a service of the item,
    dated from `since` to the end of the services' year."""
    people = [p for p in sorted(persons, key=lambda p: p.pid) if is_valid_cid(p.nhso_cid)]
    served = {(str(v.person.pid), v.day) for v in services.visits}
    scale = len(persons) / 1000
    entries = []
    unknown = section.text("unknown_item")
    unknown_paid = Decimal(section.integer("unknown_item_paid"))
    for _ in range(max(1, round(section.number("unknown_item_per_1000") * scale))):
        person, day = rng.choice(people), _day(rng, since, services.last_day)
        entries.append(
            StatementEntry(hospcode, person.nhso_cid, day, unknown, unknown_paid, "", "")
        )
    made = 0
    while made < max(1, round(section.number("no_service_per_1000") * scale)):
        person, day = rng.choice(people), _day(rng, since, services.last_day)
        items = catalog.for_year(fiscal_year(day))
        if (str(person.pid), day) in served or not items:
            continue
        item = rng.choice(items)
        entries.append(StatementEntry(hospcode, person.nhso_cid, day, item.item, item.rate, "", ""))
        made += 1
    return entries


def _day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randrange((last - first).days + 1))
