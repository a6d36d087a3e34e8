"""Figures read from the stored judgements (`store.judged.refresh` keeps them).

A unit whose stored judgements do not hold for the day asked (stale, never judged, another day
or fiscal year, other rules) is judged on the spot by the same functions and not stored:
readers never write, so a read transaction stays one, and what a reader gets is always what a
fresh evaluation gives. Closed months are read as they were closed; a month not closed yet is
computed the way closing it would compute it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import ColumnElement, Connection, select

from store.judged.codec import decode
from store.judged.refresh import (
    MONTH,
    PERSON,
    SERVICE,
    STALE,
    UNIT,
    fresh_units,
    month_tallies,
    rules_key,
)
from store.kpi import KpiReport, UnitKpi, evaluate_units, judged_units
from store.pp.claims import ZERO, ClaimStatus, claim_rate_pct
from store.rights.inputs import UnitFacts, unit_facts_of, unit_hospcodes
from store.rights.rules import CoverageTally, GapRules, tally
from store.thaidate import fiscal_year as fiscal_year_of


def _holds(as_of: dt.date, fiscal_year: int) -> list[ColumnElement[bool]]:
    """Where a stored unit's judgements hold for `as_of` and `fiscal_year`."""
    return [
        UNIT.c.as_of == as_of,
        UNIT.c.fiscal_year == fiscal_year,
        UNIT.c.rules_key == rules_key(),
        UNIT.c.hospcode.not_in(select(STALE.c.hospcode)),
    ]


def stored_kpi_report(
    conn: Connection,
    as_of: dt.date,
    hospcode: str | None = None,
    fiscal_year: int | None = None,
) -> KpiReport:
    """`store.kpi.kpi_report`'s report, from the stored KPI lines where they hold."""
    year = fiscal_year if fiscal_year is not None else fiscal_year_of(as_of)
    known = unit_hospcodes(conn, hospcode)
    query = select(UNIT.c.hospcode, UNIT.c.report).where(*_holds(as_of, year))
    if hospcode is not None:
        query = query.where(UNIT.c.hospcode == hospcode)
    stored = {code: decode(text) for code, text in conn.execute(query)}
    missing = [code for code in known if code not in stored]
    judged: dict[str, UnitKpi] = {}
    if missing:
        judged = {
            unit.kpi.hospcode: unit.kpi
            for unit in judged_units(conn, as_of, fiscal_year=year, units=missing)
        }
    return KpiReport(as_of, tuple(stored.get(code) or judged[code] for code in known))


@dataclass(frozen=True)
class UnitSummary:
    """One unit's figures on one day, as the league table shows them."""

    hospcode: str
    population: int
    thai_population: int
    covered: int
    persons_with_gaps: int
    eligible_baht: Decimal
    paid_baht: Decimal

    @property
    def coverage_pct(self) -> float | None:
        return CoverageTally(self.population, self.thai_population, self.covered, {}).coverage_pct

    @property
    def claim_rate_pct(self) -> Decimal | None:
        return claim_rate_pct(self.paid_baht, self.eligible_baht)


def unit_summaries(conn: Connection, as_of: dt.date) -> list[UnitSummary]:
    """Every known unit's summary on `as_of` (PP money of its fiscal year), by hospcode."""
    year = fiscal_year_of(as_of)
    known = unit_hospcodes(conn)
    columns = (
        UNIT.c.hospcode,
        UNIT.c.population,
        UNIT.c.thai_population,
        UNIT.c.covered,
        UNIT.c.persons_with_gaps,
        UNIT.c.eligible_baht,
        UNIT.c.paid_baht,
    )
    stored = {
        row.hospcode: UnitSummary(*row)
        for row in conn.execute(select(*columns).where(*_holds(as_of, year)))
    }
    missing = [code for code in known if code not in stored]
    for unit in judged_units(conn, as_of, fiscal_year=year, units=missing) if missing else ():
        kpi = unit.kpi
        stored[kpi.hospcode] = UnitSummary(
            kpi.hospcode,
            kpi.population,
            kpi.thai_population,
            kpi.covered,
            tally(unit.evaluations).persons_with_gaps,
            kpi.pp.eligible_baht,
            kpi.pp.paid_baht,
        )
    return [stored[code] for code in known]


def month_figures(
    conn: Connection, days: Sequence[dt.date], hospcode: str | None = None
) -> dict[str, dict[dt.date, CoverageTally]]:
    """Each known unit's counts at each of `days` (month ends, sorted): the closed month's
    figures where the month is closed, else computed from the store now."""
    found = closed_month_figures(conn, days, hospcode)
    incomplete = [code for code, have in found.items() if len(have) < len(days)]
    rules = GapRules.from_reference()
    for facts in unit_facts_of(conn, incomplete):
        complete_months(found[facts.hospcode], facts, days, rules)
    return found


def closed_month_figures(
    conn: Connection, days: Sequence[dt.date], hospcode: str | None = None
) -> dict[str, dict[dt.date, CoverageTally]]:
    """Each known unit's counts at those of `days` whose month it has closed (the stored part
    of `month_figures`)."""
    known = unit_hospcodes(conn, hospcode)
    found: dict[str, dict[dt.date, CoverageTally]] = {code: {} for code in known}
    if not days:
        return found
    query = select(MONTH).where(MONTH.c.month_end.in_(list(days)))
    if hospcode is not None:
        query = query.where(MONTH.c.hospcode == hospcode)
    for row in conn.execute(query):
        if row.hospcode in found:
            found[row.hospcode][row.month_end] = CoverageTally(
                row.population, row.thai_population, row.covered, {}, row.persons_with_gaps
            )
    return found


def complete_months(
    have: dict[dt.date, CoverageTally],
    facts: UnitFacts,
    days: Sequence[dt.date],
    rules: GapRules,
) -> None:
    """Add to one unit's closed months (`have`) the counts of the `days` not closed yet,
    judged now from the unit's facts."""
    wanted = [day for day in days if day not in have]
    if wanted:
        have.update(month_tallies(facts, wanted, rules))


def persons_with_gaps(
    conn: Connection, as_of: dt.date, hospcode: str | None = None
) -> list[tuple[str, str]]:
    """(hospcode, person id) of everyone with a gap on `as_of`, from the stored judgements
    where they hold, else judged now."""
    year = fiscal_year_of(as_of)
    known = unit_hospcodes(conn, hospcode)
    fresh = select(UNIT.c.hospcode).where(*_holds(as_of, year))
    query = select(PERSON.c.hospcode, PERSON.c.person_id).where(
        PERSON.c.codes != "", PERSON.c.hospcode.in_(fresh)
    )
    if hospcode is not None:
        query = query.where(PERSON.c.hospcode == hospcode)
    found = [(row.hospcode, row.person_id) for row in conn.execute(query)]
    done = fresh_units(conn, as_of, year, hospcode)
    missing = [code for code in known if code not in done]
    found.extend(_judged_now(conn, as_of, missing))
    return found


def _judged_now(
    conn: Connection, as_of: dt.date, hospcodes: Iterable[str]
) -> list[tuple[str, str]]:
    from store.queries.worklist import person_ids

    found: list[tuple[str, str]] = []
    for unit in evaluate_units(conn, as_of, facts=unit_facts_of(conn, hospcodes)):
        ids = person_ids(conn, unit.hospcode)
        found.extend(
            (unit.hospcode, ids[(unit.hospcode, ev.person.pid)])
            for ev in unit.evaluations
            if ev.codes
        )
    return found


def stored_months_money(
    conn: Connection, year: int, as_of: dt.date, hospcode: str | None = None
) -> dict[dt.date, tuple[Decimal, Decimal]] | None:
    """Paid and unclaimed baht by service month (first days) from the stored claim statuses,
    as `store.queries.claims.months_money` sums them; None unless every unit's stored
    judgements hold for `as_of` and `year` is its fiscal year."""
    known = unit_hospcodes(conn, hospcode)
    if year != fiscal_year_of(as_of) or not set(known) <= fresh_units(conn, as_of, year, hospcode):
        return None
    query = select(SERVICE.c.date_serv, SERVICE.c.status, SERVICE.c.rate, SERVICE.c.paid).where(
        SERVICE.c.status != ClaimStatus.NOT_ELIGIBLE.value
    )
    if hospcode is not None:
        query = query.where(SERVICE.c.hospcode == hospcode)
    found: dict[dt.date, tuple[Decimal, Decimal]] = {}
    for row in conn.execute(query):
        month = row.date_serv.replace(day=1)
        paid, unclaimed = found.get(month, (ZERO, ZERO))
        if row.status == ClaimStatus.UNCLAIMED.value:
            unclaimed += row.rate
        found[month] = (paid + row.paid, unclaimed)
    return found
