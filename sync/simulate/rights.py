"""Health-insurance rights of the synthetic persons: CARD rows and the NHSO rights lists.

Each person holds a right drawn by nationality and age. A set share of the responsible Thai
population is then given one *problem* (rates.toml [problems.share]) that shows up as a rights gap
when the store judges it: a blank NHSO right, an expired right, a mistyped CID, a UC registration
elsewhere, a death NHSO knows of and the HIS does not, a stale CARD, a missing or old check.
Everybody else holds a clean right that NHSO checked recently.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Callable

from sync.simulate.cids import mistype
from sync.simulate.params import Params, ParamsError, Section
from sync.simulate.population import (
    ADULT_AGE,
    DISCHARGE_DIED,
    DISCHARGE_MOVED,
    NOT_DISCHARGED,
    THAI,
    Person,
    Population,
    export_moment,
)
from sync.simulate.records import CardRow, NhsoRow
from sync.simulate.timeline import days_after, days_before, office_stamp

UC = "0100"
SSS = "4200"
SELF_PAY = "9100"
STP_RIGHT = "8301"
STP_CID_TYPE = "0"
UCS = "UCS"
EXPIRING_MAININSCL = frozenset({"SSS", "OFC", "LGO"})
PREVIOUSLY_UC = EXPIRING_MAININSCL | {"PVT"}
"""NHSO rights whose holders may have held UC before (an older CARD row)."""
CLOSING = dt.time(16, 30)
YEAR = dt.timedelta(days=365)

NOT_LISTED = frozenset(
    {"card_self_pay", "no_record", "no_cid_blank", "stale_check", "never_checked"}
)
"""Problems of persons who are in no recent NHSO list."""

NO_CARD = frozenset({"no_record"})


def _any(_person: Person, _params: Params) -> bool:
    return True


def _holds_uc(person: Person, _params: Params) -> bool:
    return person.right == UC


def _holds_sss(person: Person, _params: Params) -> bool:
    return person.right == SSS


def _can_expire(person: Person, params: Params) -> bool:
    return _maininscl(params, person.right) in EXPIRING_MAININSCL


def _old_enough_to_die(person: Person, params: Params) -> bool:
    return person.age >= params.problems.integer("dead_at_nhso_age_min")


def _could_take_a_job(person: Person, params: Params) -> bool:
    top = params.problems.integer("new_job_age_max")
    return person.right == UC and ADULT_AGE <= person.age <= top


ELIGIBLE: dict[str, Callable[[Person, Params], bool]] = {
    "nhso_blank": _holds_uc,
    "card_self_pay": _any,
    "no_record": _any,
    "expired": _can_expire,
    "stp_thai": _any,
    "stp_other": _any,
    "no_cid_blank": _any,
    "no_cid_typo": _any,
    "outside_unit": _holds_uc,
    "dead_at_nhso": _old_enough_to_die,
    "new_job": _could_take_a_job,
    "left_job": _holds_sss,
    "stale_check": _any,
    "never_checked": _any,
}
"""Who can have each problem; what it does is in `_apply_problem` and `_current_record`."""


def _maininscl(params: Params, instype: str) -> str:
    """What NHSO reports for a CARD right; blank when NHSO knows of no right."""
    table = params.rights.section("maininscl").values
    value = table.get(instype, "")
    return value if isinstance(value, str) else ""


def assign_rights(
    rng: random.Random, params: Params, population: Population, today: dt.date
) -> None:
    """A right for every person, and where UC members are registered."""
    rights = params.rights
    centre = params.centre
    days = params.days
    foreign_rights = params.foreigners.weights("rights")
    mixes = {band: rights.weights(band) for band in ("child", "working", "elder")}
    others = centre.texts("other_units")
    for person in population.persons:
        if person.nation != THAI:
            person.right = foreign_rights.draw(rng)
        else:
            person.right = mixes[_age_band(rights, person.age)].draw(rng)
        person.right_start = max(person.birth, days_before(rng, today, days.span("right_start")))
        if person.right != UC and rng.random() < rights.number("future_expiry_share"):
            person.right_expiry = days_after(rng, today, days.span("future_expiry"))
        person.sss_hospital = rng.choice(centre.texts("sss_hospitals"))
        if not person.responsible:
            person.uc_unit = rng.choice(others)
        elif rng.random() < rights.number("partner_share"):
            person.uc_unit = centre.text("partner_hospcode")
        else:
            person.uc_unit = centre.text("hospcode")


def _age_band(rights: Section, age: int) -> str:
    if age <= rights.integer("child_age_max"):
        return "child"
    return "elder" if age >= rights.integer("elder_age_min") else "working"


def assign_problems(
    rng: random.Random, params: Params, population: Population, today: dt.date
) -> None:
    """Give each problem to its share of the responsible Thai nationals (at least one each)."""
    shares = params.problems.section("share")
    unknown = set(shares.values) - set(ELIGIBLE)
    if unknown:
        raise ParamsError(f"rates.toml [problems.share]: unknown problems {sorted(unknown)}")
    pool = [p for p in population.persons if p.responsible and p.nation == THAI]
    for name in shares.values:
        count = max(1, round(shares.number(name) * len(pool)))
        eligible = [p for p in pool if not p.problem and ELIGIBLE[name](p, params)]
        for person in rng.sample(eligible, min(count, len(eligible))):
            person.problem = name
            _apply_problem(rng, params, population, person, today)


def _apply_problem(
    rng: random.Random, params: Params, population: Population, person: Person, today: dt.date
) -> None:
    """What the problem changes in the person's identity or right."""
    problem = person.problem
    if problem in ("stp_thai", "stp_other"):
        office = params.birth.weights("cid_offices").draw(rng)
        person.cid = person.nhso_cid = population.cids.make(STP_CID_TYPE, office)
        person.right = STP_RIGHT
        if problem == "stp_other":
            person.nation = params.problems.weights("stp_other_nations").draw(rng)
    elif problem == "card_self_pay":
        person.right = SELF_PAY
    elif problem == "no_cid_blank":
        person.cid = ""
    elif problem == "no_cid_typo":
        person.cid = mistype(rng, person.cid)
    elif problem == "outside_unit":
        person.uc_unit = rng.choice(params.centre.texts("other_units"))
    elif problem == "expired":
        person.right_expiry = days_before(rng, today, params.days.span("expired"))
        start = person.right_start or person.birth
        person.right_start = max(person.birth, min(start, person.right_expiry - YEAR))


def write_records(
    rng: random.Random, params: Params, population: Population, today: dt.date
) -> None:
    """CARD rows for the HIS, and the lines of the recent and the older NHSO list."""
    exported = export_moment(params, today)
    overlap = params.nhso.number("old_batch_overlap")
    recent, old = params.days.span("recent_check"), params.days.span("old_check")
    for person in population.persons:
        person.cards = _card_rows(rng, params, person, today, exported)
        listed = _listed_recently(rng, params, person)
        if listed:
            checked = _check_time(rng, today, recent)
            person.nhso_recent = _current_record(rng, params, person, checked)
        if person.problem == "stale_check" or (listed and rng.random() < overlap):
            checked = _check_time(rng, today, old)
            person.nhso_old = _baseline_record(params, person, checked)


def _card_rows(
    rng: random.Random, params: Params, person: Person, today: dt.date, exported: dt.datetime
) -> list[CardRow]:
    """The HIS's CARD rows: its belief about the right, perhaps after an older UC row."""
    if person.problem in NO_CARD:
        return []
    centre = params.centre
    oldest = today - dt.timedelta(days=centre.integer("d_update_max_days"))
    start = person.right_start or person.birth
    main = sub = ""
    if person.right == UC:
        own = person.responsible
        sub = centre.text("hospcode") if own else person.uc_unit
        main = centre.text("hospital_hospcode") if own else person.uc_unit
    elif person.right == SSS:
        main = person.sss_hospital
    current = CardRow(
        instype=person.right,
        startdate=start,
        expiredate=None if person.problem == "expired" else person.right_expiry,
        main=main,
        sub=sub,
        d_update=office_stamp(rng, max(start, oldest), exported),
    )
    had_uc = person.nation == THAI and _maininscl(params, person.right) in PREVIOUSLY_UC
    if not had_uc or rng.random() >= params.rights.number("previous_card_share"):
        return [current]
    before = current.d_update - dt.timedelta(days=1)
    previous = CardRow(
        instype=UC,
        startdate=max(person.birth, days_before(rng, start, params.days.span("previous_card"))),
        expiredate=None,
        main=centre.text("hospital_hospcode"),
        sub=centre.text("hospcode"),
        d_update=office_stamp(rng, min(oldest, before.date()), before),
    )
    return [previous, current]


def _listed_recently(rng: random.Random, params: Params, person: Person) -> bool:
    """Whether the person is in the recent NHSO list."""
    if person.problem:
        return person.problem not in NOT_LISTED
    nhso = params.nhso
    if person.responsible:
        return person.nation == THAI or rng.random() < params.foreigners.number("checked_share")
    if person.discharge == DISCHARGE_DIED:
        share = nhso.number("listed_share_died")
    elif person.discharge == DISCHARGE_MOVED:
        share = nhso.number("listed_share_moved")
    elif person.discharge == NOT_DISCHARGED:
        share = nhso.weights("listed_share_by_typearea").get(person.typearea)
    else:
        share = 0.0
    return rng.random() < share


def _check_time(rng: random.Random, today: dt.date, span: tuple[int, int]) -> dt.datetime:
    day = days_before(rng, today, span)
    return office_stamp(rng, day, dt.datetime.combine(day, CLOSING))


def _baseline_record(params: Params, person: Person, checked: dt.datetime) -> NhsoRow:
    """What NHSO reports for the right the HIS holds."""
    centre = params.centre
    maininscl = _maininscl(params, person.right)
    hmain_op = hsub = hmain = subinscl = ""
    if maininscl == UCS:
        own = (centre.text("hospcode"), centre.text("partner_hospcode"))
        hsub = person.uc_unit
        hmain_op = hmain = centre.text("hospital_hospcode") if hsub in own else hsub
        subinscl = params.rights.text_by_age("uc_subinscl", person.age)
    elif maininscl == "SSS":
        hmain = person.sss_hospital
    return NhsoRow(
        cid=person.nhso_cid,
        maininscl=maininscl,
        subinscl=subinscl,
        hmain_op=hmain_op,
        hsub=hsub,
        hmain=hmain,
        startdate=person.right_start if maininscl else None,
        expdate=person.right_expiry if maininscl else None,
        deathdate=None,
        status=params.nhso.text("status_normal" if maininscl else "status_no_right"),
        checked_at=checked,
    )


def _current_record(
    rng: random.Random, params: Params, person: Person, checked: dt.datetime
) -> NhsoRow:
    """What NHSO reports now: the HIS's right, unless the person's problem says otherwise."""
    base = _baseline_record(params, person, checked)
    centre = params.centre
    nhso = params.nhso
    problem = person.problem
    if problem == "nhso_blank":
        return dataclasses.replace(
            base,
            maininscl="",
            subinscl="",
            hmain_op="",
            hsub="",
            hmain="",
            startdate=None,
            expdate=None,
            status=nhso.text("status_no_right"),
        )
    if problem == "new_job":
        return dataclasses.replace(
            base,
            maininscl="SSS",
            subinscl="",
            hmain_op="",
            hsub="",
            hmain=person.sss_hospital,
            startdate=days_before(rng, checked.date(), params.days.span("new_job_start")),
            expdate=None,
        )
    if problem == "left_job":
        hospital = centre.text("hospital_hospcode")
        return dataclasses.replace(
            base,
            maininscl=UCS,
            subinscl=params.rights.text_by_age("uc_subinscl", person.age),
            hmain_op=hospital,
            hsub=centre.text("hospcode"),
            hmain=hospital,
            startdate=days_before(rng, checked.date(), params.days.span("left_job_start")),
            expdate=None,
        )
    if problem == "dead_at_nhso":
        died = days_before(rng, checked.date(), params.days.span("death_before_check"))
        return dataclasses.replace(base, deathdate=died, status=nhso.text("status_dead"))
    if person.death is not None and person.death.ddeath <= checked.date():
        return dataclasses.replace(
            base, deathdate=person.death.ddeath, status=nhso.text("status_dead")
        )
    return base
