"""Which 43-file services are claimable PP services, and why the others are not.

A service is a PP service when an item of the catalog for its fiscal year selects it. It is
eligible when it passes the item's conditions in a fixed order (sex, age, Thai nationality,
window, interval, per pregnancy, per fiscal year); otherwise the first condition it fails is its
reason. Limits count only eligible services, earliest first, per person: the person is the CID
when it is valid (so the province sees one woman across units), else the unit's PID.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from store.cid import is_valid_cid
from store.codes import thai_nation_codes
from store.pp.catalog import Catalog, CatalogItem
from store.pp.labels import label
from store.pp.sources import source_file
from store.thaidate import age_on, fiscal_year


@dataclass(frozen=True)
class Service:
    """A row of a PP source file: who was served, when, and the fields items select on."""

    source: str
    hospcode: str
    pid: str
    seq: str
    date: dt.date
    fields: Mapping[str, str] = field(default_factory=dict, hash=False)
    gravida: str = ""
    related_date: dt.date | None = None
    id: str = ""

    @property
    def fiscal_year(self) -> int:
        return fiscal_year(self.date)

    @property
    def person_ref(self) -> tuple[str, str]:
        return (self.hospcode, self.pid)


@dataclass(frozen=True)
class Person:
    """What the conditions need to know about the person served."""

    sex: str
    birth: dt.date | None
    thai: bool
    cid: str = ""


def is_thai_nation(nation: str | None) -> bool:
    """NATION codes that mean Thai (settings.csv `thai_nation_codes`)."""
    return (nation or "").strip() in thai_nation_codes()


@dataclass(frozen=True)
class Reason:
    """Why a service is not eligible: a code of pp_labels.csv and the values its text shows."""

    code: str
    params: tuple[tuple[str, str], ...] = ()

    @property
    def condition(self) -> str:
        return label("reason", self.code).condition

    def text(self, lang: str = "th") -> str:
        return label("reason", self.code).text(lang, dict(self.params))


@dataclass(frozen=True)
class Evaluation:
    """A PP service with its catalog item and, unless eligible, the reason it is not."""

    service: Service
    item: CatalogItem
    person: Person | None
    reason: Reason | None

    @property
    def eligible(self) -> bool:
        return self.reason is None

    @property
    def fiscal_year(self) -> int:
        return self.service.fiscal_year


def match_item(service: Service, catalog: Catalog) -> CatalogItem | None:
    """The catalog item of the service's fiscal year that selects it; None: not a PP service."""
    return catalog.match(service.fiscal_year, service.source, service.fields)


def evaluate(
    services: Iterable[Service],
    persons: Mapping[tuple[str, str], Person],
    catalog: Catalog,
) -> list[Evaluation]:
    """Every PP service among `services`, judged; in date order. `persons` by (hospcode, pid)."""
    matched = [(s, item) for s in services if (item := match_item(s, catalog)) is not None]
    matched.sort(key=lambda pair: _order(pair[0]))
    counts = _Counts()
    results = []
    for service, item in matched:
        person = persons.get(service.person_ref)
        reason = _person_reason(service, item, person)
        if reason is None and person is not None:
            who = _person_key(service, person)
            reason = counts.reason(service, item, who)
            if reason is None:
                counts.record(service, item, who)
        results.append(Evaluation(service, item, person, reason))
    return results


def _order(service: Service) -> tuple[dt.date, str, str, str, str]:
    return (service.date, service.hospcode, service.seq, service.source, service.id)


def _person_key(service: Service, person: Person) -> tuple[str, ...]:
    if is_valid_cid(person.cid):
        return ("cid", person.cid)
    return ("pid", service.hospcode, service.pid)


def _person_reason(service: Service, item: CatalogItem, person: Person | None) -> Reason | None:
    """The first failed condition that depends only on the service and the person."""
    if person is None:
        return Reason("NO_PERSON")
    return (
        _sex_reason(item, person)
        or _age_reason(service, item, person)
        or _thai_reason(item, person)
        or _window_reason(service, item)
    )


def _sex_reason(item: CatalogItem, person: Person) -> Reason | None:
    if not item.sex:
        return None
    if person.sex not in ("1", "2"):
        return Reason("SEX_UNKNOWN")
    if person.sex != item.sex:
        return Reason("SEX", (("required", item.sex),))
    return None


def _age_reason(service: Service, item: CatalogItem, person: Person) -> Reason | None:
    if item.age_min is None and item.age_max is None:
        return None
    if person.birth is None:
        return Reason("AGE_UNKNOWN")
    age = age_on(person.birth, service.date)
    too_young = item.age_min is not None and age < item.age_min
    too_old = item.age_max is not None and age > item.age_max
    if too_young or too_old:
        return Reason("AGE", (("age", str(age)), ("range", age_range(item))))
    return None


def age_range(item: CatalogItem) -> str:
    """`30-60`, `50+` or `0-59`: the item's age range as staff write it."""
    if item.age_max is None:
        return f"{item.age_min}+"
    return f"{item.age_min or 0}-{item.age_max}"


def _thai_reason(item: CatalogItem, person: Person) -> Reason | None:
    if item.thai_only and not person.thai:
        return Reason("THAI")
    return None


def _window_reason(service: Service, item: CatalogItem) -> Reason | None:
    if item.window_days is None:
        return None
    source = source_file(service.source)
    related = source.related_date_field if source else ""
    if service.related_date is None:
        return Reason("WINDOW_NO_DATE", (("related_field", related),))
    days = (service.date - service.related_date).days
    if days < 0:
        return Reason("WINDOW_BEFORE", (("related_field", related),))
    if days > item.window_days:
        params = (("related_field", related), ("days", str(days)))
        return Reason("WINDOW", (*params, ("window_days", str(item.window_days))))
    return None


@dataclass
class _Counts:
    """Eligible services so far, per person and item: the last date, per pregnancy, per year."""

    last: dict[tuple[object, ...], dt.date] = field(default_factory=dict)
    per_pregnancy: dict[tuple[object, ...], int] = field(default_factory=dict)
    per_year: dict[tuple[object, ...], int] = field(default_factory=dict)

    def reason(self, service: Service, item: CatalogItem, who: tuple[str, ...]) -> Reason | None:
        if item.min_interval_days is not None:
            last = self.last.get((who, item.item))
            if last is not None and (service.date - last).days < item.min_interval_days:
                days = str((service.date - last).days)
                minimum = str(item.min_interval_days)
                return Reason("INTERVAL", (("days", days), ("min_interval_days", minimum)))
        limit = item.max_per_pregnancy
        if limit is not None and self.per_pregnancy.get(_pregnancy(service, item, who), 0) >= limit:
            return Reason("PER_PREGNANCY", (("limit", str(limit)), ("gravida", service.gravida)))
        limit = item.max_per_fiscal_year
        if limit is not None and self.per_year.get(_year(service, item, who), 0) >= limit:
            year = str(service.fiscal_year)
            return Reason("PER_YEAR", (("limit", str(limit)), ("fiscal_year", year)))
        return None

    def record(self, service: Service, item: CatalogItem, who: tuple[str, ...]) -> None:
        self.last[(who, item.item)] = service.date
        pregnancy = _pregnancy(service, item, who)
        self.per_pregnancy[pregnancy] = self.per_pregnancy.get(pregnancy, 0) + 1
        year = _year(service, item, who)
        self.per_year[year] = self.per_year.get(year, 0) + 1


def _pregnancy(service: Service, item: CatalogItem, who: tuple[str, ...]) -> tuple[object, ...]:
    return (who, item.item, service.gravida)


def _year(service: Service, item: CatalogItem, who: tuple[str, ...]) -> tuple[object, ...]:
    return (who, item.item, service.fiscal_year)
