"""The people of the synthetic centre: villages, households and persons, before any rights.

Persons are drawn from the age/sex pyramid first, then gathered into households whose members fit
together (a spouse of about the head's age, children of an age their mother could have borne,
grandparents, grandchildren), so the pyramid holds exactly while households stay plausible. The
rights of each person are added by `sync.simulate.rights`; later modules (pregnancies, a child's
vaccinations) hang further records off the same `Person` objects.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from store.codes import responsible_typeareas
from store.thaidate import age_on
from sync.simulate.cids import CidMaker
from sync.simulate.params import Params, Section, sample_weighted, word_list
from sync.simulate.records import CardRow, DeathRow, NhsoRow
from sync.simulate.timeline import birth_for_age, days_before, office_stamp

MALE, FEMALE = "1", "2"
THAI = "099"
MAX_AGE = 99
ADULT_AGE = 18

HEAD, SPOUSE, CHILD, GRANDCHILD, PARENT, RELATIVE = (
    "head",
    "spouse",
    "child",
    "grandchild",
    "parent",
    "relative",
)

LOCAL, INCOMER, FOREIGN, OUTSIDE = "local", "incomer", "foreign", "outside"
TYPEAREA_OF_KIND = {LOCAL: "1", INCOMER: "3", FOREIGN: "3", OUTSIDE: "4"}
OUTSIDE_MOO = "00"

NOT_DISCHARGED = "9"
DISCHARGE_DIED, DISCHARGE_MOVED, DISCHARGE_MISSING = "1", "2", "3"


@dataclass(eq=False)
class Village:
    moo: str
    vid: str
    d_update: dt.datetime


@dataclass(eq=False)
class Person:
    """One PERSON row, with what the other files and the NHSO lists hold about them."""

    pid: int
    sex: str
    age: int
    birth: dt.date
    birth_unknown: bool = False
    hid: int = 0
    role: str = ""
    mother: Person | None = field(default=None, repr=False)
    father: Person | None = field(default=None, repr=False)
    couple: Person | None = field(default=None, repr=False)
    married: bool = False
    prename: str = ""
    name: str = ""
    lname: str = ""
    nation: str = THAI
    cid: str = ""
    nhso_cid: str = ""
    typearea: str = "1"
    discharge: str = NOT_DISCHARGED
    ddischarge: dt.date | None = None
    movein: dt.date | None = None
    d_update: dt.datetime = dt.datetime(2000, 1, 1)
    right: str = ""
    problem: str = ""
    uc_unit: str = ""
    sss_hospital: str = ""
    right_start: dt.date | None = None
    right_expiry: dt.date | None = None
    cards: list[CardRow] = field(default_factory=list, repr=False)
    nhso_recent: NhsoRow | None = field(default=None, repr=False)
    nhso_old: NhsoRow | None = field(default=None, repr=False)
    death: DeathRow | None = field(default=None, repr=False)

    @property
    def responsible(self) -> bool:
        """In the responsible population: TYPEAREA 1 or 3 and not discharged (a local death
        always comes with DISCHARGE 1 here)."""
        return self.typearea in responsible_typeareas() and self.discharge == NOT_DISCHARGED


@dataclass(eq=False)
class Household:
    hid: int
    members: list[Person] = field(repr=False)
    kind: str = LOCAL
    nation: str = THAI
    village: Village | None = None
    house_no: str = ""
    house_id: str = ""
    d_update: dt.datetime = dt.datetime(2000, 1, 1)
    volunteer: Person | None = field(default=None, repr=False)

    @property
    def head(self) -> Person:
        return self.members[0]

    def join(self, person: Person, role: str) -> None:
        person.hid = self.hid
        person.role = role
        self.members.append(person)


@dataclass
class Population:
    persons: list[Person]
    households: list[Household]
    villages: list[Village]
    cids: CidMaker


class AgePool:
    """Persons not yet in a household, by sex and age, to draw family members of fitting age."""

    def __init__(self, persons: list[Person]) -> None:
        self._buckets: dict[tuple[str, int], list[Person]] = defaultdict(list)
        for person in persons:
            self._buckets[(person.sex, person.age)].append(person)

    def draw(
        self, rng: random.Random, low: int, high: int, sex: str | None = None
    ) -> Person | None:
        """A random unplaced person aged `low`..`high` (of `sex` if given), or None."""
        sexes = (sex,) if sex else (MALE, FEMALE)
        keys = [
            (s, age)
            for s in sexes
            for age in range(max(low, 0), min(high, MAX_AGE) + 1)
            if self._buckets.get((s, age))
        ]
        if not keys:
            return None
        key = rng.choices(keys, [len(self._buckets[k]) for k in keys])[0]
        bucket = self._buckets[key]
        index = rng.randrange(len(bucket))
        bucket[index], bucket[-1] = bucket[-1], bucket[index]
        return bucket.pop()

    def remaining(self) -> list[Person]:
        return sorted((p for bucket in self._buckets.values() for p in bucket), key=lambda p: p.pid)


def draw_people(rng: random.Random, params: Params, count: int, today: dt.date) -> list[Person]:
    """`count` persons whose sexes and ages follow the pyramid (`age_pyramid.csv`)."""
    bands = [
        (sex, int(row["age_from"]), int(row["age_to"]), float(row[column]))
        for row in word_list("age_pyramid.csv")
        for sex, column in ((MALE, "male"), (FEMALE, "female"))
    ]
    birth = params.birth
    unknown_age = birth.integer("unknown_day_age_min")
    unknown_share = birth.number("unknown_day_share")
    weights = [band[3] for band in bands]
    persons = []
    for pid in range(1, count + 1):
        sex, low, high, _ = rng.choices(bands, weights)[0]
        age = rng.randint(low, high)
        born = birth_for_age(rng, age, today)
        unknown = age >= unknown_age and rng.random() < unknown_share
        if unknown:
            born = born.replace(month=1, day=1)
            age = age_on(born, today)
        persons.append(Person(pid=pid, sex=sex, age=age, birth=born, birth_unknown=unknown))
    return persons


def form_households(rng: random.Random, params: Params, persons: list[Person]) -> list[Household]:
    """Gather every person into a household of about the mean size."""
    section = params.household
    pool = AgePool(persons)
    head_age = section.integer("head_age_min")
    households: list[Household] = []
    for hid in range(1, max(1, round(len(persons) / section.number("mean_size"))) + 1):
        sex = MALE if rng.random() < section.number("male_head_share") else FEMALE
        head = (
            pool.draw(rng, head_age, MAX_AGE, sex)
            or pool.draw(rng, head_age, MAX_AGE)
            or pool.draw(rng, 0, MAX_AGE)
        )
        if head is None:
            break
        household = Household(hid, [])
        household.join(head, HEAD)
        households.append(household)
    for household in households:
        _gather_family(rng, section, pool, household)
    _place_leftovers(rng, section, pool.remaining(), households)
    return households


def _gather_family(rng: random.Random, section: Section, pool: AgePool, house: Household) -> None:
    head = house.head
    spouse = None
    if rng.random() < section.by_age("couple_share_by_age", head.age):
        younger, older = section.integer("wife_younger_max"), section.integer("wife_older_max")
        if head.sex == MALE:
            spouse = pool.draw(rng, max(ADULT_AGE, head.age - younger), head.age + older, FEMALE)
        else:
            spouse = pool.draw(rng, max(ADULT_AGE, head.age - older), head.age + younger, MALE)
    if spouse is not None:
        house.join(spouse, SPOUSE)
        head.couple, spouse.couple = spouse, head
    mother = next((p for p in (head, spouse) if p is not None and p.sex == FEMALE), None)
    father = next((p for p in (head, spouse) if p is not None and p.sex == MALE), None)
    youngest = section.integer("mother_age_at_birth_min")
    oldest = section.integer("mother_age_at_birth_max")
    parent_age = mother.age if mother else head.age
    low, high = parent_age - oldest, parent_age - youngest
    for _ in range(int(section.weights("children").draw(rng))):
        child = pool.draw(rng, low, high)
        if child is None:
            break
        house.join(child, CHILD)
        child.mother, child.father = mother, father
    grandparent = section.integer("grandparent_age_min")
    if head.age >= grandparent and rng.random() < section.number("grandchildren_share"):
        low = head.age - section.integer("grandchild_gap_max")
        high = min(
            section.integer("grandchild_age_max"), head.age - section.integer("grandchild_gap_min")
        )
        for _ in range(rng.randint(1, section.integer("grandchildren_max"))):
            grandchild = pool.draw(rng, low, high)
            if grandchild is None:
                break
            house.join(grandchild, GRANDCHILD)
    if rng.random() < section.number("parent_share"):
        parent = pool.draw(rng, head.age + youngest, head.age + oldest)
        if parent is not None:
            house.join(parent, PARENT)


def _place_leftovers(
    rng: random.Random, section: Section, leftovers: list[Person], households: list[Household]
) -> None:
    """Persons no family drew: a child of a woman of fitting age, an elderly parent or a
    sibling of a head, else the head of a household of their own."""
    cap = section.integer("max_size")
    youngest = section.integer("mother_age_at_birth_min")
    oldest = section.integer("mother_age_at_birth_max")
    sibling = section.integer("sibling_age_gap_max")
    mothers: dict[int, list[tuple[Household, Person]]] = defaultdict(list)
    heads: dict[int, list[Household]] = defaultdict(list)
    for house in households:
        heads[house.head.age].append(house)
        for member in house.members[:2]:
            if member.sex == FEMALE:
                mothers[member.age].append((house, member))
    for person in leftovers:
        found = _pick_by_age(rng, mothers, person.age + youngest, person.age + oldest, cap)
        if found is not None and person.age <= section.integer("child_age_max"):
            house, mother = found
            house.join(person, CHILD)
            person.mother, person.father = mother, mother.couple
            continue
        parent_of = _pick_by_age(rng, heads, person.age - oldest, person.age - youngest, cap)
        if parent_of is not None and not any(m.role == PARENT for m in parent_of.members):
            parent_of.join(person, PARENT)
            continue
        sibling_of = _pick_by_age(rng, heads, person.age - sibling, person.age + sibling, cap)
        if sibling_of is not None:
            sibling_of.join(person, RELATIVE)
            continue
        house = Household(len(households) + 1, [])
        house.join(person, HEAD)
        households.append(house)


def _pick_by_age(
    rng: random.Random, index: dict[int, list[Any]], low: int, high: int, cap: int
) -> Any:
    """A random entry of `index` keyed by an age in `low`..`high` whose household has room."""
    ages = [a for a in range(max(low, 0), high + 1) if index.get(a)]
    if not ages:
        return None
    age = rng.choices(ages, [len(index[a]) for a in ages])[0]
    entry = rng.choice(index[age])
    house = entry[0] if isinstance(entry, tuple) else entry
    return entry if len(house.members) < cap else None


def settle(
    rng: random.Random, params: Params, households: list[Household], today: dt.date
) -> list[Village]:
    """Decide where each household comes from and give it a village and a house number."""
    persons = sum(len(h.members) for h in households)
    order = list(households)
    rng.shuffle(order)
    nations = params.foreigners.weights("nations")
    # Migrant households are young; households from outside or moving in can be of any age.
    foreign_age = params.foreigners.integer("head_age_max")
    quotas = (
        (FOREIGN, params.foreigners.number("share"), foreign_age),
        (OUTSIDE, params.typearea.number("outside"), MAX_AGE),
        (INCOMER, params.typearea.number("incomer"), MAX_AGE),
    )
    for kind, share, age_limit in quotas:
        taken = 0
        for house in order:
            if taken >= share * persons:
                break
            if house.kind == LOCAL and house.head.age <= age_limit:
                house.kind = kind
                taken += len(house.members)
                if kind == FOREIGN:
                    house.nation = nations.draw(rng)
    return _place_houses(rng, params, households, today)


def _place_houses(
    rng: random.Random, params: Params, households: list[Household], today: dt.date
) -> list[Village]:
    centre = params.centre
    area = centre.text("changwat") + centre.text("ampur") + centre.text("tambon")
    exported = export_moment(params, today)
    oldest = today - dt.timedelta(days=centre.integer("d_update_max_days"))
    count = rng.randint(centre.integer("villages_min"), centre.integer("villages_max"))
    villages = [
        Village(f"{moo:02d}", f"{area}{moo:02d}", office_stamp(rng, oldest, exported))
        for moo in range(1, count + 1)
    ]
    weights = [
        rng.uniform(centre.number("village_weight_min"), centre.number("village_weight_max"))
        for _ in villages
    ]
    outside = Village(OUTSIDE_MOO, area + OUTSIDE_MOO, office_stamp(rng, oldest, exported))
    numbers: dict[str, int] = defaultdict(int)
    sub_share = params.household.number("sub_house_share")
    gap_share = params.household.number("house_number_gap_share")
    for house in households:
        village = outside if house.kind == OUTSIDE else rng.choices(villages, weights)[0]
        house.village = village
        numbers[village.moo] += 1 + int(rng.random() < gap_share)
        number = numbers[village.moo]
        house.house_no = (
            f"{number}/{rng.randint(1, 3)}" if rng.random() < sub_share else str(number)
        )
        if village is not outside:
            house.house_id = f"{area[:4]}{rng.randrange(10**7):07d}"
        house.d_update = office_stamp(rng, oldest, exported)
    used = {h.village.moo for h in households if h.village is not None}
    return [v for v in (*villages, outside) if v.moo in used]


def set_typeareas(
    rng: random.Random, params: Params, households: list[Household], today: dt.date
) -> None:
    """TYPEAREA from the household's origin; some working-age locals live away (2)."""
    section = params.typearea
    moved_in = params.days.span("moved_in")
    for house in households:
        for member in house.members:
            member.typearea = TYPEAREA_OF_KIND[house.kind]
            if house.kind in (INCOMER, FOREIGN):
                member.movein = max(member.birth, days_before(rng, today, moved_in))
    low, high = section.integer("away_age_min"), section.integer("away_age_max")
    candidates = [
        m
        for house in households
        if house.kind == LOCAL
        for m in house.members
        if m.role != HEAD and low <= m.age <= high
    ]
    persons = sum(len(h.members) for h in households)
    rng.shuffle(candidates)
    for member in candidates[: round(section.number("away") * persons)]:
        member.typearea = "2"


def name_people(rng: random.Random, params: Params, households: list[Household]) -> None:
    """Surnames shared within a family, given names of the person's generation, prenames."""
    section = params.household
    surnames: dict[str, list[str]] = defaultdict(list)
    for row in word_list("surnames.csv"):
        surnames[row["origin"]].append(row["name"])
    given = _given_names()
    for house in households:
        origin = "foreign" if house.kind == FOREIGN else "thai"
        family = rng.choice(surnames[origin])
        for member in house.members:
            member.lname = _surname(rng, section, member, family, surnames[origin])
            member.name = rng.choice(given[(origin, member.sex, _era(member.birth.year))])
            _set_prename(rng, section, member)


def _surname(
    rng: random.Random, section: Section, member: Person, family: str, choices: list[str]
) -> str:
    """The family's surname (the husband's), kept by most wives and some other relatives."""
    if member.sex == FEMALE and member.role in (HEAD, SPOUSE) and member.couple is not None:
        chance = section.number("wife_takes_surname_share")
    elif member.role == PARENT:
        chance = section.number("parent_surname_share")
    elif member.role == RELATIVE:
        chance = section.number("relative_surname_share")
    else:
        chance = 1.0
    return family if rng.random() < chance else rng.choice(choices)


def _given_names() -> dict[tuple[str, str, str], list[str]]:
    """Given names by origin, sex and generation (`old`, `mid`, `new`)."""
    eras = {"old": ("old", "mid"), "any": ("old", "mid", "new"), "new": ("mid", "new")}
    names: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for row in word_list("given_names.csv"):
        for generation in eras[row["era"]]:
            names[(row["origin"], row["sex"], generation)].append(row["name"])
    return names


def _era(year: int) -> str:
    return "old" if year < 1975 else "new" if year >= 1990 else "mid"


def _set_prename(rng: random.Random, section: Section, person: Person) -> None:
    person.married = person.couple is not None or (
        person.age >= section.integer("nang_without_spouse_age")
        and rng.random() < section.number("nang_without_spouse_share")
    )
    for row in word_list("prename.csv"):
        if (
            row["sex"] == person.sex
            and int(row["age_min"]) <= person.age <= int(row["age_max"])
            and row["married"] in ("", str(int(person.married)))
        ):
            person.prename = row["code"]
            return


def identify(rng: random.Random, params: Params, households: list[Household]) -> CidMaker:
    """Nationality and a synthetic CID for everyone; returns the CID maker for later needs."""
    birth = params.birth
    foreigners = params.foreigners
    offices = birth.weights("cid_offices")
    cutoff = birth.integer("cid_type_cutoff_year")
    maker = CidMaker(rng)
    for house in households:
        for member in house.members:
            member.nation = house.nation
            if house.kind == FOREIGN:
                key = "cid_type_adult" if member.age >= ADULT_AGE else "cid_type_child"
                kind = foreigners.weights(key).draw(rng)
            else:
                key = "cid_type_after" if member.birth.year >= cutoff else "cid_type_before"
                kind = birth.weights(key).draw(rng)
            member.cid = member.nhso_cid = maker.make(kind, offices.draw(rng))
    return maker


def discharge(rng: random.Random, params: Params, persons: list[Person], today: dt.date) -> None:
    """Some persons died, moved away or went missing; deaths get a DEATH row."""
    section = params.discharge
    exported = export_moment(params, today)
    causes = section.weights("causes")
    hospital = params.centre.text("hospital_hospcode")
    days = params.days
    events = (
        (DISCHARGE_DIED, "died", days.span("died")),
        (DISCHARGE_MOVED, "moved", days.span("moved")),
        (DISCHARGE_MISSING, "missing", days.span("moved")),
    )
    for code, key, within in events:
        pool = [p for p in persons if p.discharge == NOT_DISCHARGED and p.typearea != "4"]
        weights = [section.by_age(f"{key}_age_weights", p.age) for p in pool]
        chosen = sample_weighted(rng, pool, weights, round(section.number(key) * len(persons)))
        for person in chosen:
            person.discharge = code
            person.ddischarge = max(person.birth, days_before(rng, today, within))
            if code == DISCHARGE_DIED:
                in_hospital = rng.random() < section.number("in_hospital_share")
                person.death = DeathRow(
                    ddeath=person.ddischarge,
                    cause=causes.draw(rng),
                    hospdeath=hospital if in_hospital else "",
                    d_update=office_stamp(rng, person.ddischarge, exported),
                )


def stamp_people(rng: random.Random, params: Params, persons: list[Person], today: dt.date) -> None:
    """When each PERSON row was last edited: after birth, moving in and discharge."""
    exported = export_moment(params, today)
    oldest = today - dt.timedelta(days=params.centre.integer("d_update_max_days"))
    for person in persons:
        earliest = max(d for d in (oldest, person.birth, person.movein, person.ddischarge) if d)
        person.d_update = office_stamp(rng, earliest, exported)


def assign_volunteers(rng: random.Random, params: Params, households: list[Household]) -> None:
    """A village health volunteer for every run of 10-15 houses of a village (in house-number
    order, as volunteers are given neighbouring houses): a responsible adult of the village."""
    section = params.household
    low, high = section.integer("volunteer_age_min"), section.integer("volunteer_age_max")
    by_village: dict[str, list[Household]] = defaultdict(list)
    for house in households:
        if house.village is not None and house.village.moo != OUTSIDE_MOO:
            by_village[house.village.moo].append(house)
    for moo in sorted(by_village):
        houses = sorted(by_village[moo], key=lambda h: _house_order(h.house_no))
        adults = [
            m
            for h in houses
            for m in h.members
            if m.responsible and low <= m.age <= high and m.nation == THAI
        ]
        start = 0
        while start < len(houses) and adults:
            size = rng.randint(
                section.integer("volunteer_houses_min"), section.integer("volunteer_houses_max")
            )
            group = houses[start : start + size]
            wanted = FEMALE if rng.random() < section.number("volunteer_female_share") else MALE
            local = [m for h in group for m in h.members if m in adults] or adults
            chosen = [m for m in local if m.sex == wanted] or local
            volunteer = rng.choice(chosen)
            if len(adults) > 1:
                adults.remove(volunteer)
            for house in group:
                house.volunteer = volunteer
            start += size


def _house_order(house_no: str) -> tuple[int, ...]:
    """`12` before `12/3` before `13`: house numbers compared part by part as numbers."""
    return tuple(int(part) if part.isdigit() else 0 for part in house_no.split("/"))


def export_moment(params: Params, today: dt.date) -> dt.datetime:
    """When the 43-file export of `today` is made (rates.toml `export_time`)."""
    return dt.datetime.combine(today, dt.time.fromisoformat(params.centre.text("export_time")))


def build_population(streams: Streams, params: Params, count: int, today: dt.date) -> Population:
    """Persons in households in villages, named and identified, some discharged."""
    persons = draw_people(streams.rng("ages"), params, count, today)
    households = form_households(streams.rng("households"), params, persons)
    villages = settle(streams.rng("villages"), params, households, today)
    set_typeareas(streams.rng("typearea"), params, households, today)
    name_people(streams.rng("names"), params, households)
    cids = identify(streams.rng("cids"), params, households)
    discharge(streams.rng("discharge"), params, persons, today)
    stamp_people(streams.rng("d_update"), params, persons, today)
    assign_volunteers(streams.rng("volunteers"), params, households)
    return Population(persons, households, villages, cids)


@dataclass(frozen=True)
class Streams:
    """Independent random streams per concern, so adding one leaves the others' draws alone."""

    seed: int

    def rng(self, concern: str) -> random.Random:
        return random.Random(f"sitthi-simulation/{self.seed}/{concern}")
