"""Who is due for a PP service: the catalog's conditions applied to a person on a date.

`store.pp.eligibility` judges a service that was given; this module judges a person who has not
been served yet, with the same catalog row: an item is *due* for a person on a day when

- the item's sex, age (completed years on the day) and Thai conditions fit the person (an
  unknown sex or birth date fits no item that asks for one);
- no earlier qualifying service of the item is closer than its `min_interval_days` (a service
  exactly that many days ago no longer blocks: the interval has passed);
- fewer than its `max_per_fiscal_year` qualifying services fall in the day's fiscal year;
- for an item with neither limit, the person had none of it in the day's fiscal year.

Only the items named in the `pp_due_items` setting are offered to a whole population (the
screenings: cervical, colorectal, diabetes); the others follow an event (a pregnancy, a birth,
a chosen contraceptive) that no person-level rule can foresee. Nothing here reads the store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from store.codes import setting
from store.pp.catalog import Catalog, CatalogItem
from store.thaidate import age_on, fiscal_year


@dataclass(frozen=True)
class DuePerson:
    """What the conditions read about a person."""

    sex: str
    birth: dt.date | None
    thai: bool


@dataclass(frozen=True)
class DueItems:
    """The items offered to a population in a fiscal year, and the catalog year they come from
    (an earlier one when the year has no catalog yet: its rates are carried forward)."""

    fiscal_year: int
    catalog_year: int | None
    items: tuple[CatalogItem, ...]

    @property
    def carried_forward(self) -> bool:
        return self.catalog_year is not None and self.catalog_year != self.fiscal_year


def due_item_codes() -> tuple[str, ...]:
    """The item codes of the `pp_due_items` setting, upper-case, in the setting's order."""
    return tuple(code.upper() for code in setting("pp_due_items").split())


def due_items_for(catalog: Catalog, year: int, codes: Sequence[str] | None = None) -> DueItems:
    """The offered items of fiscal year `year` (or of the newest earlier catalog year)."""
    wanted = tuple(codes) if codes is not None else due_item_codes()
    used = catalog.rates_year(year)
    if used is None:
        return DueItems(year, None, ())
    by_code = {item.item: item for item in catalog.items_for(year)}
    items = tuple(by_code[code] for code in wanted if code in by_code)
    return DueItems(year, used, items)


def fits_person(item: CatalogItem, person: DuePerson, on: dt.date) -> bool:
    """The item's sex, age and Thai conditions hold for the person on the day."""
    if item.sex and person.sex != item.sex:
        return False
    if item.age_min is not None or item.age_max is not None:
        if person.birth is None:
            return False
        age = age_on(person.birth, on)
        if item.age_min is not None and age < item.age_min:
            return False
        if item.age_max is not None and age > item.age_max:
            return False
    return not (item.thai_only and not person.thai)


def is_due(
    item: CatalogItem, person: DuePerson, on: dt.date, history: Iterable[dt.date] = ()
) -> bool:
    """Whether the person is due for the item on the day; `history` holds the dates of their
    qualifying services of the item (later ones are ignored)."""
    if not fits_person(item, person, on):
        return False
    past = [day for day in history if day <= on]
    year = fiscal_year(on)
    this_year = sum(1 for day in past if fiscal_year(day) == year)
    interval = item.min_interval_days
    if interval is not None and any((on - day).days < interval for day in past):
        return False
    if item.max_per_fiscal_year is not None:
        return this_year < item.max_per_fiscal_year
    if item.min_interval_days is None:
        return this_year == 0
    return True


def due_for(
    items: Iterable[CatalogItem],
    person: DuePerson,
    on: dt.date,
    history: Mapping[str, Sequence[dt.date]],
) -> tuple[CatalogItem, ...]:
    """The items the person is due for on the day, in the given order; `history` by item."""
    return tuple(item for item in items if is_due(item, person, on, history.get(item.item, ())))


def to_earn(due: Iterable[CatalogItem]) -> Decimal:
    """Baht still to earn: the rate of every due item (one service each)."""
    return sum((item.rate for item in due), Decimal("0"))
