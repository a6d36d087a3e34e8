"""A year of the synthetic centre's services: visits, and the PP rows some of them carry.

Every visit is a SERVICE row; a PP visit also carries rows of ANC, POSTNATAL, FP, EPI,
SPECIALPP or NCDSCREEN, written with the visit's SEQ. Who comes, how often and for what follows
rates.toml [services]: ordinary and NCD-clinic visits, pregnancies with their antenatal and
postnatal visits (some postnatal ones after the 42-day window), family planning by method,
children's vaccinations by schedule and elders' influenza vaccine, cervical cancer and FIT
screening, and the yearly NCD screening with a blood sugar level for most. Some services fall
outside an item's conditions (a sixth antenatal visit in a fiscal year, a woman of 62 screened),
as they do in real exports; the store's rules judge them, not the simulation.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from sync.simulate.params import Params, Section
from sync.simulate.population import ADULT_AGE, FEMALE, Person, Streams
from sync.simulate.timeline import office_stamp

SERVICE = "SERVICE"
ANC, POSTNATAL, FP, EPI, SPECIALPP, NCDSCREEN = (
    "ANC",
    "POSTNATAL",
    "FP",
    "EPI",
    "SPECIALPP",
    "NCDSCREEN",
)
LIVING_AWAY = "2"
OUTSIDE = "4"
DAYS_PER_WEEK = 7
PREGNANCY_DAYS = 280
YEAR_DAYS = 365
REPEAT_GAP_DAYS = 30
"""A repeated screening comes at least this long after the first."""


@dataclass(frozen=True)
class PpRow:
    """A row of a PP file made at a visit: the fields beyond the visit's own."""

    file: str
    fields: dict[str, str]


@dataclass(eq=False)
class Visit:
    """One visit of a person: a SERVICE row, and the PP rows made at it."""

    person: Person = field(repr=False)
    day: dt.date
    moment: dt.datetime
    kind: str
    provider: str
    rows: list[PpRow] = field(default_factory=list)
    seq: str = ""
    d_update: dt.datetime = dt.datetime(2000, 1, 1)
    details: dict[str, str] = field(default_factory=dict)
    """SERVICE fields of the visit: complaint, vital signs, price."""


@dataclass(frozen=True)
class ServiceYear:
    """Every visit of the year, in SEQ order."""

    first_day: dt.date
    last_day: dt.date
    visits: tuple[Visit, ...]

    def pp_rows(self) -> Iterator[tuple[Visit, PpRow]]:
        """Each PP row with the visit it was made at, in SEQ order."""
        for visit in self.visits:
            for row in visit.rows:
                yield visit, row


class _Year:
    """Collects the visits of the year for one concern's random stream."""

    def __init__(self, rng: random.Random, section: Section, first: dt.date, last: dt.date):
        self.rng = rng
        self.first = first
        self.last = last
        self.providers = section.texts("providers")
        self.open_hour = section.integer("open_hour")
        self.close_hour = section.integer("close_hour")
        self.visits: list[Visit] = []

    def within(self, person: Person, day: dt.date) -> bool:
        """Whether the person can come on the day: in the year and not yet discharged."""
        if not self.first <= day <= self.last:
            return False
        return person.ddischarge is None or day < person.ddischarge

    def visit(self, person: Person, day: dt.date, kind: str, *rows: PpRow) -> None:
        """A visit with its PP rows, if the person can come that day (else nothing)."""
        if not self.within(person, day):
            return
        seconds = self.rng.randrange((self.close_hour - self.open_hour) * 3600)
        start = dt.datetime.combine(day, dt.time(self.open_hour))
        moment = start + dt.timedelta(seconds=seconds)
        provider = self.rng.choice(self.providers)
        self.visits.append(Visit(person, day, moment, kind, provider, list(rows)))

    def day_in_year(self) -> dt.date:
        return self.first + dt.timedelta(days=self.rng.randrange((self.last - self.first).days + 1))


def _poisson(rng: random.Random, mean: float) -> int:
    """A count with the given mean (Knuth's method; means here are small)."""
    if mean <= 0:
        return 0
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


@dataclass(frozen=True)
class _Centre:
    """What every concern needs: the rates, the persons served and who is in the NCD clinic."""

    params: Params
    persons: list[Person]
    hospcode: str
    ncd_patients: frozenset[int]

    def factor(self, person: Person) -> float:
        """Persons from outside the area come less often."""
        if person.typearea == OUTSIDE:
            return self.params.services.number("outside_rate_factor")
        return 1.0


def build_services(
    streams: Streams, params: Params, persons: list[Person], today: dt.date, hospcode: str
) -> ServiceYear:
    """The year of visits before `today`, numbered in date order."""
    section = params.services
    last = today - dt.timedelta(days=1)
    first = today - dt.timedelta(days=section.integer("days"))
    served = [p for p in sorted(persons, key=lambda p: p.pid) if p.typearea != LIVING_AWAY]
    patients = _ncd_patients(streams.rng("services/ncd_patients"), params, served)
    centre = _Centre(params, served, hospcode, patients)
    concerns = (
        ("visits", _ordinary_visits),
        ("ncd_clinic", _ncd_clinic),
        ("pregnancies", _pregnancies),
        ("family_planning", _family_planning),
        ("epi", _vaccinations),
        ("screening", _screening),
    )
    visits: list[Visit] = []
    for concern, make in concerns:
        year = _Year(streams.rng(f"services/{concern}"), section, first, last)
        make(year, centre)
        visits.extend(year.visits)
    visits.sort(key=lambda v: (v.moment, v.person.pid, v.kind))
    stamps = streams.rng("services/d_update")
    details = streams.rng("services/details")
    edit_days = section.integer("edit_days_max")
    latest = dt.datetime.combine(today, dt.time(0))
    for number, visit in enumerate(visits, start=1):
        visit.seq = f"{visit.day:%y}{number:07d}"
        edited = min(visit.day + dt.timedelta(days=edit_days), last)
        visit.d_update = max(visit.moment, office_stamp(stamps, edited, latest))
        visit.details = _details(details, section, visit)
    return ServiceYear(first, last, tuple(visits))


def _details(rng: random.Random, section: Section, visit: Visit) -> dict[str, str]:
    """What the SERVICE row says of a visit beyond who and when."""
    if visit.kind == "ordinary":
        complaint = section.weights("complaints").draw(rng)
    else:
        complaint = section.text("ncd_complaint" if visit.kind == "ncd" else "pp_complaint")
    price = rng.randint(3, 30) * 10
    details = {
        "CHIEFCOMP": complaint,
        "BTEMP": f"{rng.uniform(36.0, 37.8):.1f}",
        "PR": str(rng.randint(64, 104)),
        "RR": str(rng.randint(16, 24)),
        "COST": str(price * 6 // 10),
        "PRICE": str(price),
    }
    if visit.person.age >= ADULT_AGE:
        details["SBP"] = str(rng.randint(100, 165))
        details["DBP"] = str(rng.randint(60, 100))
    return details


def _ncd_patients(rng: random.Random, params: Params, persons: list[Person]) -> frozenset[int]:
    """PIDs of the hypertension and diabetes patients of the NCD clinic."""
    section = params.services
    return frozenset(
        p.pid for p in persons if rng.random() < section.by_age("ncd_share_by_age", p.age)
    )


def _ordinary_visits(year: _Year, centre: _Centre) -> None:
    section = centre.params.services
    share_of_year = section.integer("days") / YEAR_DAYS
    for person in centre.persons:
        mean = section.by_age("visits_by_age", person.age) * share_of_year * centre.factor(person)
        personal = year.rng.gammavariate(2.0, mean / 2.0)
        for _ in range(_poisson(year.rng, personal)):
            year.visit(person, year.day_in_year(), "ordinary")


def _ncd_clinic(year: _Year, centre: _Centre) -> None:
    interval = centre.params.services.span("ncd_interval")
    for person in centre.persons:
        if person.pid not in centre.ncd_patients:
            continue
        day = year.first + dt.timedelta(days=year.rng.randint(0, interval[1]))
        while day <= year.last:
            year.visit(person, day, "ncd")
            day += dt.timedelta(days=year.rng.randint(*interval))


def _pregnancies(year: _Year, centre: _Centre) -> None:
    """Antenatal visits by the schedule, dT at the first, postnatal visits after delivery."""
    section = centre.params.services.section("pregnancy")
    rng = year.rng
    low, high = section.integer("age_min"), section.integer("age_max")
    mothers = [p for p in centre.persons if p.sex == FEMALE and low <= p.age <= high]
    gravidas = section.weights("gravida")
    for mother in mothers:
        if rng.random() >= section.number("share") * centre.factor(mother):
            continue
        due = year.last + dt.timedelta(days=rng.randint(*section.span("due_span")))
        gravida = gravidas.draw(rng)
        _antenatal(year, centre, section, mother, due, gravida)
        _postnatal(year, centre, section, mother, due, gravida)


def _antenatal(
    year: _Year, centre: _Centre, section: Section, mother: Person, due: dt.date, gravida: str
) -> None:
    rng = year.rng
    conceived = due - dt.timedelta(days=PREGNANCY_DAYS)
    weeks = list(section.integers("anc_weeks"))
    if rng.random() < section.number("late_first_visit_share"):
        late = rng.randint(*section.span("late_first_visit_weeks"))
        weeks = [late, *(w for w in weeks if w > late)]
    jitter = section.integer("anc_jitter_days")
    number = 0
    for index, week in enumerate(weeks):
        if index and rng.random() >= section.number("anc_attend"):
            continue
        day = conceived + dt.timedelta(days=week * DAYS_PER_WEEK + rng.randint(-jitter, jitter))
        if not day < due:
            break
        number += 1
        rows = [
            PpRow(
                ANC,
                {
                    "DATE_SERV": _ymd(day),
                    "GRAVIDA": gravida,
                    "ANCNO": str(number),
                    "GA": str((day - conceived).days // DAYS_PER_WEEK),
                    "ANCRESULT": "1",
                    "ANCPLACE": centre.hospcode,
                },
            )
        ]
        if number == 1 and rng.random() < section.number("dt_share"):
            rows.append(_epi_row(centre, day, section.text("dt_vaccine")))
        year.visit(mother, day, "pp", *rows)


def _postnatal(
    year: _Year, centre: _Centre, section: Section, mother: Person, due: dt.date, gravida: str
) -> None:
    rng = year.rng
    for span in section.spans("postnatal_days"):
        if rng.random() >= section.number("postnatal_attend"):
            continue
        if rng.random() < section.number("late_postnatal_share"):
            span = section.span("late_postnatal_days")
        day = due + dt.timedelta(days=rng.randint(*span))
        fields = {
            "GRAVIDA": gravida,
            "BDATE": _ymd(due),
            "PPCARE": _ymd(day),
            "PPPLACE": centre.hospcode,
            "PPRESULT": "1",
        }
        year.visit(mother, day, "pp", PpRow(POSTNATAL, fields))


def _family_planning(year: _Year, centre: _Centre) -> None:
    section = centre.params.services.section("family_planning")
    rng = year.rng
    low, high = section.integer("age_min"), section.integer("age_max")
    methods = section.weights("methods")
    intervals = {
        "1": section.span("pill_interval"),
        "2": section.span("injection_interval"),
    }
    for woman in centre.persons:
        if woman.sex != FEMALE or not low <= woman.age <= high:
            continue
        if rng.random() >= section.number("user_share") * centre.factor(woman):
            continue
        method = methods.draw(rng)
        interval = intervals.get(method, section.span("other_interval"))
        day = year.first + dt.timedelta(days=rng.randint(0, interval[1]))
        while day <= year.last:
            fields = {"DATE_SERV": _ymd(day), "FPTYPE": method, "FPPLACE": centre.hospcode}
            year.visit(woman, day, "pp", PpRow(FP, fields))
            day += dt.timedelta(days=rng.randint(*interval))


def _epi_row(centre: _Centre, day: dt.date, vaccine: str) -> PpRow:
    fields = {"DATE_SERV": _ymd(day), "VACCINETYPE": vaccine, "VACCINEPLACE": centre.hospcode}
    return PpRow(EPI, fields)


def _vaccinations(year: _Year, centre: _Centre) -> None:
    """Children's vaccines by the schedule; influenza for elders in the campaign months."""
    section = centre.params.services.section("epi")
    rng = year.rng
    schedule = section.schedule("schedule")
    oldest = max(days for days, _ in schedule) + section.span("delay_days")[1]
    months = set(section.integers("flu_months"))
    campaign = [
        year.first + dt.timedelta(days=n)
        for n in range((year.last - year.first).days + 1)
        if (year.first + dt.timedelta(days=n)).month in months
    ]
    for person in centre.persons:
        if (year.last - person.birth).days <= oldest:
            for days, vaccine in schedule:
                if rng.random() >= section.number("attend"):
                    continue
                delay = rng.randint(*section.span("delay_days"))
                day = person.birth + dt.timedelta(days=days + delay)
                year.visit(person, day, "pp", _epi_row(centre, day, vaccine))
        elif (
            campaign
            and person.age >= section.integer("flu_age_min")
            and rng.random() < section.number("flu_share") * centre.factor(person)
        ):
            day = rng.choice(campaign)
            year.visit(person, day, "pp", _epi_row(centre, day, section.text("flu_vaccine")))


def _screening(year: _Year, centre: _Centre) -> None:
    """Cervical cancer and FIT screening, and the yearly NCD screening of non-patients."""
    section = centre.params.services.section("screening")
    for person in centre.persons:
        chance = centre.factor(person)
        low, high = section.span("cervical_age")
        if person.sex == FEMALE and low <= person.age <= high:
            _screen(year, person, section, chance, "cervical", centre)
        low, high = section.span("fit_age")
        if low <= person.age <= high:
            _screen(year, person, section, chance, "fit", centre)
        if person.pid not in centre.ncd_patients and person.age >= section.integer("ncd_age_min"):
            _screen(year, person, section, chance, "ncd", centre)


def _screen(
    year: _Year, person: Person, section: Section, chance: float, kind: str, centre: _Centre
) -> None:
    """Screen a person with the kind's yearly share; some twice (`<kind>_repeat_share`)."""
    if year.rng.random() >= section.number(f"{kind}_share") * chance:
        return
    repeat_key = f"{kind}_repeat_share"
    repeat = section.number(repeat_key) if repeat_key in section.values else 0.0
    for day in _screening_days(year, repeat):
        if kind == "ncd":
            row = _ncd_screen_row(year, centre, section, day)
        else:
            row = _specialpp_row(centre, day, section.weights(f"{kind}_codes").draw(year.rng))
        year.visit(person, day, "pp", row)


def _screening_days(year: _Year, repeat_share: float) -> list[dt.date]:
    """A day in the year, and a later second one for the share screened twice."""
    day = year.day_in_year()
    days = [day]
    room = (year.last - day).days
    if room > REPEAT_GAP_DAYS and year.rng.random() < repeat_share:
        days.append(day + dt.timedelta(days=year.rng.randint(REPEAT_GAP_DAYS, room)))
    return days


def _specialpp_row(centre: _Centre, day: dt.date, code: str) -> PpRow:
    fields = {
        "DATE_SERV": _ymd(day),
        "SERVPLACE": "1",
        "PPSPECIAL": code,
        "PPSPLACE": centre.hospcode,
    }
    return PpRow(SPECIALPP, fields)


def _ncd_screen_row(year: _Year, centre: _Centre, section: Section, day: dt.date) -> PpRow:
    rng = year.rng
    height = rng.randint(145, 180)
    weight = rng.randint(42, 95)
    sbp, dbp = rng.randint(100, 165), rng.randint(60, 100)
    fields = {
        "DATE_SERV": _ymd(day),
        "SERVPLACE": "1",
        "SMOKE": rng.choice("1234"),
        "ALCOHOL": rng.choice("1234"),
        "DMFAMILY": rng.choice("129"),
        "HTFAMILY": rng.choice("129"),
        "WEIGHT": str(weight),
        "HEIGHT": str(height),
        "WAIST_CM": str(rng.randint(65, 110)),
        "SBP_1": str(sbp),
        "DBP_1": str(dbp),
        "SBP_2": str(sbp - rng.randint(0, 8)),
        "DBP_2": str(dbp - rng.randint(0, 5)),
        "SCREENPLACE": centre.hospcode,
    }
    if rng.random() < section.number("blood_sugar_share"):
        fields["BSLEVEL"] = str(rng.randint(*section.span("blood_sugar")))
        fields["BSTEST"] = "1"
    return PpRow(NCDSCREEN, fields)


def _ymd(day: dt.date) -> str:
    return day.strftime("%Y%m%d")
