"""Refreshing the stored judgements: the one writer of the `judged_*` tables.

`refresh_judgements` judges the units that are stale on an as-of date (marked by a trigger,
never judged, judged for another day or fiscal year, or under other rules) with the same
functions a fresh report uses (`store.kpi.judged_units`), and stores in the caller's write
transaction each person's gap codes and coverage flags, each PP service's claim status, the
unit's KPI line, and the months that closed since the unit was last judged.

A month closes when a unit is first judged after the month's last day: its figures are those of
that day as the store knew it then (NHSO checks made after it are not known on it, domain 7.3),
and they are kept when later data changes the present, as HDC's monthly reports are. A full
recompute (after a rules change) judges the present again and leaves closed months as they are.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Mapping, Sequence
from importlib import resources

from sqlalchemy import Connection, Engine, Table, delete, insert, select

from store import models, paths
from store.judged.codec import encode
from store.kpi import JudgedUnit, judged_units
from store.rights.inputs import UnitFacts, unit_hospcodes
from store.rights.rules import CoverageTally, Evaluation, GapRules, evaluate_on_days, tally
from store.thaidate import fiscal_year as fiscal_year_of

JUDGEMENT_VERSION = "1"
"""Part of every rules key: raise it when a change to the rules' code changes what they judge,
so that every store judges its units again on next reading."""

HISTORY_MONTHS = 12
"""Months of history a refresh closes: the dashboard's trend and the league's change."""

_TABLES = models.SQLModel.metadata.tables
STALE = _TABLES["judged_stale"]
UNIT = _TABLES["judged_unit"]
PERSON = _TABLES["judged_person"]
SERVICE = _TABLES["judged_service"]
MONTH = _TABLES["judged_month"]
PERSONS = _TABLES["person"]


def rules_key() -> str:
    """A fingerprint of what the rules judge with: their code version and every reference
    table in force (shipped and the user's own copy), so a changed table makes every stored
    judgement stale."""
    digest = hashlib.sha256(JUDGEMENT_VERSION.encode())
    for name, text in _shipped_tables():
        digest.update(name.encode() + b"\0" + text)
        override = paths.reference_override_dir() / name
        if override.is_file():
            digest.update(b"\1" + override.read_bytes())
    return digest.hexdigest()


@functools.cache
def _shipped_tables() -> tuple[tuple[str, bytes], ...]:
    folder = resources.files("store.reference")
    return tuple(
        (entry.name, entry.read_bytes())
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".csv")
    )


def refresh_after_change(
    engine: Engine, as_of: dt.date | None = None, *, unjudged_too: bool = False
) -> tuple[str, ...]:
    """What a writer calls right after committing a change (an import, a pull, a push applied
    at the server): the stale units that have stored judgements are judged again on `as_of`
    (today by default), each in a write transaction of its own, so a long refresh holds no
    lock for long and loses nothing to a change made meanwhile. Units nobody has read yet stay
    for their first reader, so a centre's store that never shows figures never pays for them;
    the provincial server, whose store the province's officers read, judges them too
    (`unjudged_too`), so the units screen never waits for a whole province's judging."""
    from store.engine import read_tx, write_tx

    day = as_of or dt.date.today()
    judged_only = not unjudged_too
    with read_tx(engine) as conn:
        if not _anything_stale(conn, day):
            return ()
        wanted = units_to_judge(conn, day, judged_only=judged_only)
    if not wanted:
        with write_tx(engine) as conn:  # marks of units the store no longer knows
            return refresh_judgements(conn, day, judged_only=judged_only)
    done: list[str] = []
    for code in wanted:
        with write_tx(engine) as conn:
            done += refresh_judgements(conn, day, code, judged_only=judged_only)
    return tuple(done)


def _anything_stale(conn: Connection, as_of: dt.date) -> bool:
    """Whether a unit is marked, or a stored unit is of an earlier day or other rules (two
    small indexed reads). A unit stored for a later day is left to its reader."""
    if conn.execute(select(STALE.c.hospcode).limit(1)).first() is not None:
        return True
    other = select(UNIT.c.hospcode).where(
        (UNIT.c.as_of < as_of) | (UNIT.c.rules_key != rules_key())
    )
    return conn.execute(other.limit(1)).first() is not None


def fresh_units(
    conn: Connection, as_of: dt.date, fiscal_year: int, hospcode: str | None = None
) -> set[str]:
    """The units whose stored judgements hold for `as_of` and `fiscal_year` now."""
    query = select(UNIT.c.hospcode).where(
        UNIT.c.as_of == as_of,
        UNIT.c.fiscal_year == fiscal_year,
        UNIT.c.rules_key == rules_key(),
        UNIT.c.hospcode.not_in(select(STALE.c.hospcode)),
    )
    if hospcode is not None:
        query = query.where(UNIT.c.hospcode == hospcode)
    return set(conn.execute(query).scalars())


def refresh_judgements(
    conn: Connection,
    as_of: dt.date,
    hospcode: str | None = None,
    *,
    everything: bool = False,
    judged_only: bool = False,
) -> tuple[str, ...]:
    """Judge and store the stale units (every unit with `everything`; only units judged
    before with `judged_only`, what a writer does right after its change), in the caller's
    write transaction; returns the units judged, in order. The marks are removed before the
    units' inputs are read, so a change committed meanwhile marks its unit again."""
    year = fiscal_year_of(as_of)
    known = unit_hospcodes(conn, hospcode)
    wanted = units_to_judge(
        conn, as_of, hospcode, everything=everything, judged_only=judged_only, known=known
    )
    _forget_gone(conn, known, hospcode)
    if not wanted:
        return ()
    conn.execute(delete(STALE).where(STALE.c.hospcode.in_(wanted)))
    key = rules_key()
    rules = GapRules.from_reference()
    now = dt.datetime.now(dt.UTC)
    for unit in judged_units(conn, as_of, fiscal_year=year, units=wanted):
        _store_unit(conn, unit, as_of, year, key, now)
        _close_months(conn, unit.facts, as_of, rules, now)
    return tuple(wanted)


def units_to_judge(
    conn: Connection,
    as_of: dt.date,
    hospcode: str | None = None,
    *,
    everything: bool = False,
    judged_only: bool = False,
    known: Sequence[str] | None = None,
) -> list[str]:
    """The units (all, or `hospcode`) a refresh on `as_of` judges: every known unit with
    `everything`, else those whose stored judgements do not hold, except units stored for a
    later day: a reader looking back (an earlier `--as-of`) gets a fresh evaluation and does
    not move the stored present back, so it never undoes the server's refresh on today's date
    and the server never undoes its work. With `judged_only`, only units judged before."""
    known = unit_hospcodes(conn, hospcode) if known is None else known
    if everything:
        wanted = list(known)
    else:
        fresh = fresh_units(conn, as_of, fiscal_year_of(as_of), hospcode)
        later = set(conn.execute(select(UNIT.c.hospcode).where(UNIT.c.as_of > as_of)).scalars())
        wanted = [code for code in known if code not in fresh and code not in later]
    if judged_only:
        judged = set(conn.execute(select(UNIT.c.hospcode)).scalars())
        wanted = [code for code in wanted if code in judged]
    return wanted


def _forget_gone(conn: Connection, known: Sequence[str], hospcode: str | None) -> None:
    """Drop what is stored about units the store no longer knows (marks included)."""
    stored = set(conn.execute(select(UNIT.c.hospcode)).scalars()) | set(
        conn.execute(select(STALE.c.hospcode)).scalars()
    )
    if hospcode is not None:
        stored &= {hospcode}
    gone = sorted(stored - set(known))
    for table in (STALE, UNIT, PERSON, SERVICE):
        conn.execute(delete(table).where(table.c.hospcode.in_(gone)))


def _store_unit(
    conn: Connection, unit: JudgedUnit, as_of: dt.date, year: int, key: str, now: dt.datetime
) -> None:
    kpi, code = unit.kpi, unit.kpi.hospcode
    counts = tally(unit.evaluations)
    for table in (UNIT, PERSON, SERVICE):
        conn.execute(delete(table).where(table.c.hospcode == code))
    conn.execute(
        insert(UNIT).values(
            hospcode=code,
            as_of=as_of,
            fiscal_year=year,
            rules_key=key,
            computed_at=now,
            population=kpi.population,
            thai_population=kpi.thai_population,
            covered=kpi.covered,
            persons_with_gaps=counts.persons_with_gaps,
            eligible_baht=kpi.pp.eligible_baht,
            paid_baht=kpi.pp.paid_baht,
            due_count=kpi.pp.due_count,
            to_earn_baht=kpi.pp.to_earn_baht,
            rep_lines=kpi.statements.rep_lines,
            rep_lines_c=kpi.statements.rep_lines_c,
            report=encode(kpi),
        )
    )
    ids = dict(
        conn.execute(select(PERSONS.c.pid, PERSONS.c.id).where(PERSONS.c.hospcode == code)).all()
    )
    persons = [
        {
            "hospcode": code,
            "pid": ev.person.pid,
            "person_id": ids[ev.person.pid],
            "codes": " ".join(ev.codes),
            "responsible": ev.responsible,
            "in_coverage": ev.in_coverage,
            "covered": ev.covered,
        }
        for ev in unit.evaluations
    ]
    _insert_all(conn, PERSON, persons)
    services = [
        {
            "service_id": claim.evaluation.service.id,
            "item": claim.evaluation.item.item,
            "hospcode": code,
            "date_serv": claim.evaluation.service.date,
            "status": claim.status.value,
            "rate": claim.evaluation.item.rate,
            "paid": claim.paid,
        }
        for claim in unit.claims
    ]
    _insert_all(conn, SERVICE, services)


def _insert_all(conn: Connection, table: Table, rows: Sequence[Mapping[str, object]]) -> None:
    for start in range(0, len(rows), _CHUNK):
        conn.execute(insert(table), rows[start : start + _CHUNK])


_CHUNK = 5_000


def history_days(as_of: dt.date, months: int = HISTORY_MONTHS) -> list[dt.date]:
    """The month ends before `as_of`'s month that a refresh on `as_of` closes, oldest first."""
    from store.queries.dashboard import month_ends

    return month_ends(as_of, months)[:-1]


def month_tallies(
    facts: UnitFacts, days: Sequence[dt.date], rules: GapRules
) -> dict[dt.date, CoverageTally]:
    """One unit's counts on each of `days` (sorted), each person judged once per span in which
    the rules cannot change (`store.rights.rules.evaluate_on_days`)."""
    judged: dict[dt.date, list[Evaluation]] = {day: [] for day in days}
    for person in facts.persons:
        for day, ev in zip(
            days,
            evaluate_on_days(person, list(days), partners=facts.partners, rules=rules),
            strict=True,
        ):
            judged[day].append(ev)
    return {day: tally(evs) for day, evs in judged.items()}


def _close_months(
    conn: Connection, facts: UnitFacts, as_of: dt.date, rules: GapRules, now: dt.datetime
) -> None:
    closed = set(
        conn.execute(select(MONTH.c.month_end).where(MONTH.c.hospcode == facts.hospcode)).scalars()
    )
    days = [day for day in history_days(as_of) if day not in closed]
    if not days:
        return
    rows = [
        {
            "hospcode": facts.hospcode,
            "month_end": day,
            "population": counts.population,
            "thai_population": counts.thai_population,
            "covered": counts.covered,
            "persons_with_gaps": counts.persons_with_gaps,
            "closed_at": now,
        }
        for day, counts in month_tallies(facts, days, rules).items()
    ]
    _insert_all(conn, MONTH, rows)
