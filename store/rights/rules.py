"""Rights-gap rules: pure functions of one person's facts and an as-of date (domain.md section 4).

Nothing here touches the database; `store.rights.inputs` loads the inputs and `store.kpi` builds
reports, so every side (reports, the terminal app, the provincial server) gets the same answer.

Where the specification leaves a case open, the rules decide as follows:

- Expiry: a right is EXPIRED when its expiry date is strictly before the as-of date; a right that
  expires on the as-of date is still valid that day. A record without an expiry date never
  expires. The date is the NHSO record's `expdate`, or the CARD row's EXPIREDATE when the best
  record is a CARD row.
- EXPIRED needs a right named: a best record whose right is blank or self-pay (the `NONE` group,
  e.g. `9100`) is reported as NO_RIGHT only, never also as EXPIRED.
- A blank right on a CARD row (INSTYPE_NEW empty) counts as no right, like a blank maininscl.
- OUTSIDE_UNIT needs a primary unit: a UC record with `hsub`, `hmain_op` and `hmain` all blank
  does not say where the person is registered, so it is not reported as outside.
- DEAD_AT_NHSO looks at every NHSO record of the CID, not only the newest, because several NHSO
  downloads carry no death column and a later one must not hide a death; a death date after the
  as-of date does not count on that date.
- MISMATCH compares the newest NHSO record with the newest CARD row; a side whose code is in no
  right group (e.g. INSTYPE `4100`, maininscl `NHS`) is not compared.
- UNCHECKED: "older than N days" means more than N whole days between the newest NHSO check and
  the as-of date; a check exactly N days old is still current.
- Thai means NATION in the `thai_nation_codes` setting; a blank NATION is not Thai.
- Ties between NHSO records with the same check date and import time, or CARD rows with the same
  D_UPDATE, are broken by their codes so that every machine picks the same record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Literal

from store import codes
from store.cid import is_valid_cid

NO_CID = "NO_CID"
NO_RIGHT = "NO_RIGHT"
EXPIRED = "EXPIRED"
STP = "STP"
OUTSIDE_UNIT = "OUTSIDE_UNIT"
DEAD_AT_NHSO = "DEAD_AT_NHSO"
MISMATCH = "MISMATCH"
UNCHECKED = "UNCHECKED"

RULE_CODES = (NO_CID, NO_RIGHT, EXPIRED, STP, OUTSIDE_UNIT, DEAD_AT_NHSO, MISMATCH, UNCHECKED)
"""Every code the rules produce; their texts, actions and report order are in gap_codes.csv."""

COVERAGE_BREAKING = frozenset({NO_RIGHT, EXPIRED, STP})
"""Gaps that leave a person without a usable right: they count against rights coverage."""

NO_RIGHT_GROUP = "NONE"
UC_GROUP = "UC"
STP_GROUP = "STP"


@dataclass(frozen=True)
class CardFact:
    """One CARD row of the person (the right the health-centre system holds)."""

    instype: str
    d_update: dt.datetime
    expiredate: dt.date | None = None
    startdate: dt.date | None = None
    main: str = ""
    sub: str = ""


@dataclass(frozen=True)
class NhsoFact:
    """One NHSO record for the person's CID (the authoritative right on its check date)."""

    maininscl: str
    checked_on: dt.date
    imported_at: dt.datetime
    subinscl: str = ""
    hmain_op: str = ""
    hsub: str = ""
    hmain: str = ""
    startdate: dt.date | None = None
    expdate: dt.date | None = None
    deathdate: dt.date | None = None
    status: str = ""


@dataclass(frozen=True)
class PersonFacts:
    """Everything the rules read about one PERSON row of one unit."""

    hospcode: str
    pid: str
    cid: str = ""
    prename: str = ""
    name: str = ""
    lname: str = ""
    sex: str = ""
    birth: dt.date | None = None
    nation: str = ""
    typearea: str = ""
    discharge: str = ""
    hid: str = ""
    house_no: str = ""
    village: str = ""
    volunteer: str = ""
    """The house's village health volunteer (HOME VHVID), "" when none is named."""
    cards: tuple[CardFact, ...] = ()
    nhso: tuple[NhsoFact, ...] = ()
    has_local_death: bool = False

    @property
    def full_name(self) -> str:
        """Name and surname (PRENAME is a code in the 43 files, so it is left out)."""
        return " ".join(part for part in (self.name, self.lname) if part)


@dataclass(frozen=True)
class GapRules:
    """The configurable parts of the rules, read from the reference tables by default."""

    responsible_typeareas: frozenset[str]
    thai_nations: frozenset[str]
    unchecked_after_days: int

    @classmethod
    def from_reference(cls) -> GapRules:
        return cls(
            responsible_typeareas=codes.responsible_typeareas(),
            thai_nations=codes.thai_nation_codes(),
            unchecked_after_days=codes.setting_int("unchecked_after_days"),
        )


@dataclass(frozen=True)
class BestRecord:
    """The record a person's right is judged on: the newest NHSO record, else the newest CARD."""

    source: Literal["nhso", "card"]
    right: str
    group: str | None
    expires: dt.date | None
    recorded_on: dt.date
    unit: str

    @property
    def names_a_right(self) -> bool:
        return bool(self.right) and self.group != NO_RIGHT_GROUP


@dataclass(frozen=True)
class Evaluation:
    """One person judged on one date: their gaps (rank order) and their place in coverage."""

    person: PersonFacts
    as_of: dt.date
    responsible: bool
    thai: bool
    codes: tuple[str, ...]
    best: BestRecord | None
    last_checked: dt.date | None

    @property
    def in_coverage(self) -> bool:
        """Counted in the coverage denominator: a Thai national of the responsible population
        whom NHSO does not record as dead."""
        return self.responsible and self.thai and DEAD_AT_NHSO not in self.codes

    @property
    def covered(self) -> bool:
        """Counted in the coverage numerator."""
        return self.in_coverage and not COVERAGE_BREAKING.intersection(self.codes)


@dataclass(frozen=True)
class CoverageTally:
    """Counts for one unit: population sizes, coverage and persons per gap code."""

    population: int
    thai_population: int
    covered: int
    gaps: dict[str, int]
    persons_with_gaps: int = 0
    """Persons with at least one gap (a person with two kinds counts once, unlike `gaps`):
    the length of the unit's work list."""

    @property
    def coverage_pct(self) -> float | None:
        """Covered share in per cent, two decimals; None when nobody is counted."""
        if self.thai_population == 0:
            return None
        return round(100 * self.covered / self.thai_population, 2)


def is_responsible(person: PersonFacts, rules: GapRules) -> bool:
    """TYPEAREA 1 or 3 (per the reference table), DISCHARGE 9, and no local death record."""
    return (
        person.typearea in rules.responsible_typeareas
        and person.discharge == "9"
        and not person.has_local_death
    )


def is_thai(person: PersonFacts, rules: GapRules) -> bool:
    return person.nation in rules.thai_nations


def known_on(records: Iterable[NhsoFact], as_of: dt.date) -> tuple[NhsoFact, ...]:
    """The NHSO records known on `as_of`: a record checked after that day was not (domain 7.3),
    so the best record as of a day uses only records checked on or before it."""
    return tuple(r for r in records if r.checked_on <= as_of)


def as_known_on(person: PersonFacts, as_of: dt.date) -> PersonFacts:
    """The person as the store knew them on `as_of` (NHSO records checked later left out)."""
    known = known_on(person.nhso, as_of)
    return person if len(known) == len(person.nhso) else replace(person, nhso=known)


def newest_nhso(person: PersonFacts) -> NhsoFact | None:
    """The NHSO record with the latest check date, then the latest import."""
    if not person.nhso:
        return None
    return max(
        person.nhso,
        key=lambda r: (r.checked_on, r.imported_at, r.maininscl, r.hsub, r.hmain_op, r.hmain),
    )


def newest_card(person: PersonFacts) -> CardFact | None:
    """The CARD row with the latest D_UPDATE."""
    if not person.cards:
        return None
    return max(person.cards, key=lambda c: (c.d_update, c.instype, c.main, c.sub))


def primary_unit(record: NhsoFact) -> str:
    """The NHSO primary-care unit: `hsub`, else `hmain_op`, else `hmain`."""
    return record.hsub or record.hmain_op or record.hmain


def best_record(person: PersonFacts) -> BestRecord | None:
    """The newest NHSO record for the CID, else the newest CARD row, else None."""
    nhso = newest_nhso(person)
    if nhso is not None:
        return BestRecord(
            source="nhso",
            right=nhso.maininscl.strip().upper(),
            group=codes.maininscl_group(nhso.maininscl),
            expires=nhso.expdate,
            recorded_on=nhso.checked_on,
            unit=primary_unit(nhso),
        )
    card = newest_card(person)
    if card is not None:
        return BestRecord(
            source="card",
            right=card.instype.strip(),
            group=codes.instype_group(card.instype),
            expires=card.expiredate,
            recorded_on=card.d_update.date(),
            unit=card.main,
        )
    return None


def _has_no_right(best: BestRecord | None) -> bool:
    return best is None or not best.names_a_right


def _has_expired(best: BestRecord | None, as_of: dt.date) -> bool:
    return (
        best is not None
        and best.names_a_right
        and best.expires is not None
        and best.expires < as_of
    )


def _is_stp(best: BestRecord | None) -> bool:
    return best is not None and best.group == STP_GROUP


def _is_outside_unit(best: BestRecord | None, hospcode: str, partners: frozenset[str]) -> bool:
    return (
        best is not None
        and best.source == "nhso"
        and best.group == UC_GROUP
        and bool(best.unit)
        and best.unit != hospcode
        and best.unit not in partners
    )


def _is_dead_at_nhso(person: PersonFacts, as_of: dt.date) -> bool:
    return any(r.deathdate is not None and r.deathdate <= as_of for r in person.nhso)


def _is_mismatch(person: PersonFacts) -> bool:
    nhso, card = newest_nhso(person), newest_card(person)
    if nhso is None or card is None:
        return False
    nhso_group = codes.maininscl_group(nhso.maininscl)
    card_group = codes.instype_group(card.instype)
    return nhso_group is not None and card_group is not None and nhso_group != card_group


def _is_unchecked(person: PersonFacts, as_of: dt.date, rules: GapRules) -> bool:
    nhso = newest_nhso(person)
    return nhso is None or (as_of - nhso.checked_on).days > rules.unchecked_after_days


def in_rank_order(found: Iterable[str]) -> tuple[str, ...]:
    """Gap codes in the order of the reference table's `rank`."""
    wanted = set(found)
    return tuple(gap.code for gap in codes.gap_codes() if gap.code in wanted)


def evaluate(
    person: PersonFacts,
    as_of: dt.date,
    *,
    partners: frozenset[str] = frozenset(),
    rules: GapRules | None = None,
) -> Evaluation:
    """Judge one person on `as_of`; `partners` are the unit's configured partner units.

    Only what was known on `as_of` counts: NHSO records checked after it are left out (also
    from the evaluation's `person`, so every screen shows the record the judgement used)."""
    rules = rules or GapRules.from_reference()
    person = as_known_on(person, as_of)
    responsible = is_responsible(person, rules)
    best = best_record(person)
    newest = newest_nhso(person)
    found: list[str] = []
    if responsible:
        checks = {
            NO_CID: not is_valid_cid(person.cid),
            NO_RIGHT: _has_no_right(best),
            EXPIRED: _has_expired(best, as_of),
            STP: _is_stp(best),
            OUTSIDE_UNIT: _is_outside_unit(best, person.hospcode, partners),
            DEAD_AT_NHSO: _is_dead_at_nhso(person, as_of),
            MISMATCH: _is_mismatch(person),
            UNCHECKED: _is_unchecked(person, as_of, rules),
        }
        found = [code for code, hit in checks.items() if hit]
    return Evaluation(
        person=person,
        as_of=as_of,
        responsible=responsible,
        thai=is_thai(person, rules),
        codes=in_rank_order(found),
        best=best,
        last_checked=newest.checked_on if newest else None,
    )


def tally(evaluations: Iterable[Evaluation]) -> CoverageTally:
    """Population, coverage and gap counts over one unit's evaluations (all eight codes)."""
    population = thai_population = covered = with_gaps = 0
    gaps = dict.fromkeys(in_rank_order(RULE_CODES), 0)
    for ev in evaluations:
        if not ev.responsible:
            continue
        population += 1
        thai_population += int(ev.in_coverage)
        covered += int(ev.covered)
        with_gaps += int(bool(ev.codes))
        for code in ev.codes:
            gaps[code] += 1
    return CoverageTally(population, thai_population, covered, gaps, with_gaps)


def explanation(gap_codes: Iterable[str], lang: str) -> str:
    """The explanations of the codes in one language (`th` or `en`), joined with "; "."""
    texts = [codes.gap_code(code) for code in gap_codes]
    return "; ".join(g.explanation_en if lang == "en" else g.explanation_th for g in texts)


def action(gap_codes: Iterable[str], lang: str) -> str:
    """The suggested action of the first (highest-ranked) code, or "" when there is none."""
    for code in gap_codes:
        gap = codes.gap_code(code)
        return gap.action_en if lang == "en" else gap.action_th
    return ""


def judgement_changes(person: PersonFacts, rules: GapRules) -> list[dt.date]:
    """The days on which the person's evaluation may differ from the day before, sorted.

    The rules read the as-of date only by comparing it with these dates of the person's facts:
    expiry (CARD and NHSO), death, the check date and the day a check goes stale after
    `unchecked_after_days`; so between two of these days every as-of date gets the same
    evaluation, and a trend need judge a person once per span, not once per day. Each date and
    the day after it are listed (strict and non-strict comparisons alike), which errs on the
    side of judging again. A rule that compares another date with the as-of date must add it
    here (tests/integration/test_gaps_trend.py checks every day of two years against `evaluate`).
    """
    one = dt.timedelta(days=1)
    days: set[dt.date] = set()
    for card in person.cards:
        if card.expiredate is not None:
            days.update((card.expiredate, card.expiredate + one))
    stale = dt.timedelta(days=rules.unchecked_after_days + 1)
    for record in person.nhso:
        for day in (record.expdate, record.deathdate, record.checked_on):
            if day is not None:
                days.update((day, day + one))
        days.update((record.checked_on + stale, record.checked_on + stale + one))
    return sorted(days)


def evaluate_on_days(
    person: PersonFacts,
    days: list[dt.date],
    *,
    partners: frozenset[str] = frozenset(),
    rules: GapRules,
) -> list[Evaluation]:
    """`evaluate` on each of `days` (sorted), judging once per span of `judgement_changes`;
    each result is the one `evaluate` gives on that day, apart from its `as_of`."""
    import bisect

    changes = judgement_changes(person, rules)
    found: list[Evaluation] = []
    span, current = -1, None
    for day in days:
        here = bisect.bisect_right(changes, day)
        if current is None or here != span:
            span, current = here, evaluate(person, day, partners=partners, rules=rules)
        found.append(current)
    return found
