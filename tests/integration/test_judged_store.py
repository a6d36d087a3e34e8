"""Stored judgements: whatever a centre or the province writes (imports, pulls, pushes applied
at the server, follow-ups, catalog changes), the figures read from the store equal a fresh
evaluation, on SQLite and on PostgreSQL; closed months keep their figures."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, Engine, delete, func, insert, select, update

from store.engine import read_tx, write_tx
from store.followup import append_followup
from store.ids import stable_id
from store.judged.read import stored_kpi_report
from store.judged.refresh import fresh_units, refresh_judgements
from store.kpi import kpi_report
from store.models import SQLModel
from store.outbox import applying_remote, writing_as
from store.pp.catalog import Catalog, shipped_catalog
from store.pp.catalog_store import replace_catalog
from store.pp.queries import Period, period_claims
from store.queries.claims import money_by_month, months_money
from store.queries.dashboard import coverage_trend, followup_summary
from store.queries.units import unit_league
from store.queries.worklist import work_rows
from store.rights.inputs import save_partner_units, unit_hospcodes
from store.thaidate import fiscal_year
from tests.support.tui_store import AS_OF, HOSPCODE, OTHER_UNIT, PEOPLE, build_store

T = SQLModel.metadata.tables
DAYS = (AS_OF, AS_OF + dt.timedelta(days=40), AS_OF - dt.timedelta(days=20), dt.date(2025, 3, 31))
BATCH = stable_id("import_batch", "judged")
SHARED = PEOPLE[5]
"""A person whose CID the other unit holds too: an NHSO record about it concerns both units."""


@pytest.fixture
def province(store_url: str) -> Iterator[Engine]:
    engine = build_store(store_url)
    with write_tx(engine) as conn:
        conn.execute(insert(T["facility"]).values(hospcode=OTHER_UNIT, name="รพ.สต.อีกแห่ง"))
        conn.execute(
            insert(T["person"]).values(
                id=stable_id("person", OTHER_UNIT, "1"),
                hospcode=OTHER_UNIT,
                pid="1",
                cid=SHARED.cid,
                name="ชูใจ",
                lname="ใฝ่รู้",
                sex="2",
                birth=dt.date(1980, 1, 1),
                nation="099",
                typearea="1",
                discharge="9",
                d_update=dt.datetime(2024, 12, 1),
                batch_id=BATCH,
            )
        )
    yield engine
    engine.dispose()


def _person(conn: Connection, index: int, **values: object) -> None:
    someone = PEOPLE[index]
    conn.execute(
        update(T["person"])
        .where(T["person"].c.hospcode == HOSPCODE, T["person"].c.pid == someone.pid)
        .values(**values)
    )


def _card(conn: Connection, index: int, instype: str) -> None:
    someone = PEOPLE[index]
    card = T["card"]
    conn.execute(delete(card).where(card.c.hospcode == HOSPCODE, card.c.pid == someone.pid))
    conn.execute(
        insert(card).values(
            id=stable_id("card", HOSPCODE, someone.pid, instype),
            hospcode=HOSPCODE,
            pid=someone.pid,
            instype_new=instype,
            main=HOSPCODE,
            cid=someone.cid,
            d_update=dt.datetime(2025, 1, 2),
            batch_id=BATCH,
        )
    )


def _nhso(conn: Connection, cid: str, maininscl: str, checked_on: dt.date, hsub: str) -> None:
    record = stable_id("nhso_right", cid, maininscl, checked_on.isoformat(), hsub)
    conn.execute(delete(T["nhso_right"]).where(T["nhso_right"].c.id == record))
    conn.execute(
        insert(T["nhso_right"]).values(
            id=record,
            cid=cid,
            maininscl=maininscl,
            subinscl="",
            hmain_op="",
            hsub=hsub,
            hmain="",
            status="",
            checked_on=checked_on,
            imported_at=dt.datetime(2025, 1, 20, tzinfo=dt.UTC),
            expdate=None,
            startdate=None,
            deathdate=None,
            batch_id=BATCH,
        )
    )


def _catalog(conn: Connection, rate: Decimal) -> None:
    items = [
        dataclasses.replace(item, rate=rate) if item.item == "FP_PILL" else item
        for item in shipped_catalog().items
        if item.fiscal_year == 2568
    ]
    replace_catalog(conn, Catalog(tuple(items)), origin="test")


def _service(conn: Connection, index: int, day: dt.date) -> None:
    from tests.support.pp_rows import service_record

    someone = PEOPLE[index]
    values = {
        "HOSPCODE": HOSPCODE,
        "PID": someone.pid,
        "SEQ": f"9{day:%m%d}",
        "DATE_SERV": f"{day:%Y%m%d}",
        "D_UPDATE": f"{day:%Y%m%d}120000",
        "CID": someone.cid,
        "FPTYPE": "1",
    }
    record = service_record("FP", values, batch_id=BATCH)
    service = T["pp_service"]
    conn.execute(delete(service).where(service.c.id == record.row.id))
    conn.execute(insert(service).values(**record.row.model_dump()))


CHECKS = st.sampled_from(
    [dt.date(2024, 10, 1), dt.date(2025, 1, 10), dt.date(2025, 1, 14), dt.date(2025, 3, 30)]
)
"""Days of NHSO checks and PP services: before the others, around the as-of days, after."""
PEOPLE_AT = st.sampled_from([1, 2, 8, 9, 0, 3, 10, 13])
"""People whose figures a change can move (no NHSO record, a blank right, a bad CID, ...)."""
STEPS = st.one_of(
    st.tuples(st.just("import person"), PEOPLE_AT, st.sampled_from(["1", "3", "4"])),
    st.tuples(st.just("import card"), PEOPLE_AT, st.sampled_from(["0100", "1100", "9100"])),
    st.tuples(
        st.just("pull nhso"),
        st.sampled_from([1, 5, 2]),
        st.sampled_from(["UCS", "OFC", "STP", ""]),
        st.sampled_from([-1, -100, 30]),
        st.booleans(),
    ),
    st.tuples(st.just("push person"), PEOPLE_AT, st.sampled_from(["9", "1"])),
    st.tuples(st.just("followup"), PEOPLE_AT, st.sampled_from(["PHONED", "REGISTERED"])),
    st.tuples(st.just("catalog"), st.sampled_from([Decimal("40.00"), Decimal("55.00")])),
    st.tuples(st.just("partner"), st.booleans()),
    st.tuples(st.just("import service"), PEOPLE_AT, CHECKS),
)


def _apply(conn: Connection, step: tuple[object, ...], as_of: dt.date) -> None:
    """One change; an NHSO check is dated in days from the as-of date."""
    kind = step[0]
    if kind == "import person":
        _person(conn, int(step[1]), typearea=str(step[2]))  # type: ignore[call-overload]
    elif kind == "import card":
        _card(conn, int(step[1]), str(step[2]))  # type: ignore[call-overload]
    elif kind == "pull nhso":
        with applying_remote(conn):
            someone = PEOPLE[int(step[1])]  # type: ignore[call-overload]
            hsub = OTHER_UNIT if step[4] else HOSPCODE
            checked = as_of + dt.timedelta(days=int(step[3]))  # type: ignore[call-overload]
            _nhso(conn, someone.cid, str(step[2]), checked, hsub)
    elif kind == "push person":
        with writing_as(conn, HOSPCODE):
            _person(conn, int(step[1]), discharge=str(step[2]))  # type: ignore[call-overload]
    elif kind == "followup":
        someone = PEOPLE[int(step[1])]  # type: ignore[call-overload]
        append_followup(
            conn,
            hospcode=HOSPCODE,
            person_id=someone.person_id,
            action=str(step[2]),
            unit=HOSPCODE if step[2] == "REGISTERED" else "",
        )
    elif kind == "catalog":
        _catalog(conn, step[1])  # type: ignore[arg-type]
    elif kind == "partner":
        save_partner_units(conn, HOSPCODE, [OTHER_UNIT] if step[1] else [])
    elif kind == "import service":
        _service(conn, int(step[1]), step[2])  # type: ignore[call-overload, arg-type]


def _figures_agree(conn: Connection, as_of: dt.date) -> None:
    fresh = kpi_report(conn, as_of)
    assert stored_kpi_report(conn, as_of).to_json() == fresh.to_json()
    league = {row.hospcode: row for row in unit_league(conn, as_of).units}
    for unit in fresh.units:
        row = league[unit.hospcode]
        assert (row.population, row.coverage_pct) == (unit.population, unit.coverage_pct)
        expected = None if unit.pp.claim_rate_pct is None else float(unit.pp.claim_rate_pct)
        assert row.claim_rate_pct == expected
    rows = work_rows(conn, as_of)
    shown = followup_summary(conn, as_of)
    states = [row.state for row in rows]
    assert (shown.not_started, shown.in_progress, shown.resolved) == (
        states.count("none"),
        states.count("open"),
        states.count("resolved"),
    )
    assert sum(row.gaps for row in league.values()) == len(rows)
    year = fiscal_year(as_of)
    months = [m.month for m in money_by_month(conn, year, as_of)]
    claims = period_claims(conn, Period(year, None, as_of)).claims
    assert money_by_month(conn, year, as_of) == months_money(claims, months)


@settings(
    max_examples=12,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(as_of=st.sampled_from(DAYS), steps=st.lists(STEPS, min_size=1, max_size=4))
def test_stored_judgements_equal_a_fresh_evaluation_after_any_changes(
    province: Engine, as_of: dt.date, steps: list[tuple[object, ...]]
) -> None:
    with write_tx(province) as conn:  # the store is shared by the examples, of any day
        refresh_judgements(conn, as_of, everything=True)
    for step in steps:
        with write_tx(province) as conn:
            _apply(conn, step, as_of)
        with write_tx(province) as conn:
            refresh_judgements(conn, as_of, judged_only=True)
        with read_tx(province) as conn:
            assert fresh_units(conn, as_of, 2568) == set(unit_hospcodes(conn))
            _figures_agree(conn, as_of)


def test_a_change_marks_only_the_units_it_concerns(province: Engine) -> None:
    with write_tx(province) as conn:
        refresh_judgements(conn, AS_OF)
        _card(conn, 0, "1100")
    with read_tx(province) as conn:
        assert fresh_units(conn, AS_OF, 2568) == {OTHER_UNIT}
    with write_tx(province) as conn:
        assert refresh_judgements(conn, AS_OF) == (HOSPCODE,)
        with applying_remote(conn):
            _nhso(conn, SHARED.cid, "OFC", dt.date(2025, 1, 12), HOSPCODE)
    with read_tx(province) as conn:
        assert fresh_units(conn, AS_OF, 2568) == set()
        _figures_agree(conn, AS_OF)


def test_a_catalog_change_makes_every_unit_stale_and_recompute_stores_the_new_money(
    province: Engine,
) -> None:
    with write_tx(province) as conn:
        refresh_judgements(conn, AS_OF)
        before = stored_kpi_report(conn, AS_OF).units[0].pp.eligible_baht
        _catalog(conn, Decimal("55.00"))
    with read_tx(province) as conn:
        assert fresh_units(conn, AS_OF, 2568) == set()
    with write_tx(province) as conn:
        assert refresh_judgements(conn, AS_OF, everything=True) == (HOSPCODE, OTHER_UNIT)
    with read_tx(province) as conn:
        stored = stored_kpi_report(conn, AS_OF)
        assert stored.units[0].pp.eligible_baht != before
        assert stored.to_json() == kpi_report(conn, AS_OF).to_json()


def test_another_day_is_judged_afresh_and_the_stored_day_is_kept(province: Engine) -> None:
    later = AS_OF + dt.timedelta(days=120)
    with write_tx(province) as conn:
        refresh_judgements(conn, AS_OF)
    with read_tx(province) as conn:
        assert stored_kpi_report(conn, later).to_json() == kpi_report(conn, later).to_json()
        assert fresh_units(conn, AS_OF, 2568) == {HOSPCODE, OTHER_UNIT}


def test_a_reader_of_an_earlier_day_judges_afresh_and_leaves_the_stored_present(
    province: Engine,
) -> None:
    """The server keeps today's judgements; an officer looking back (`--as-of`) must not move
    them back to the day looked at, or the two would undo each other's work forever."""
    earlier = AS_OF - dt.timedelta(days=40)
    with write_tx(province) as conn:
        refresh_judgements(conn, AS_OF, everything=True)
        assert refresh_judgements(conn, earlier) == ()
    with read_tx(province) as conn:
        assert fresh_units(conn, AS_OF, 2568) == {HOSPCODE, OTHER_UNIT}
        assert stored_kpi_report(conn, earlier).to_json() == kpi_report(conn, earlier).to_json()
    with write_tx(province) as conn:
        assert refresh_judgements(conn, earlier, everything=True) == (HOSPCODE, OTHER_UNIT)


def test_a_closed_month_keeps_its_figures_when_later_data_changes_the_present(
    province: Engine,
) -> None:
    """December closed when the units were judged in January; an NHSO check made in
    November but imported later changes the present and the months not closed, never
    December as it was closed."""
    december = dt.date(2024, 12, 31)
    with write_tx(province) as conn:
        refresh_judgements(conn, AS_OF)
    with read_tx(province) as conn:
        closed = {p.day: p for p in coverage_trend(conn, AS_OF).points}[december]
        month_rows = conn.execute(select(func.count()).select_from(T["judged_month"])).scalar()
    assert month_rows == 2 * 11
    with write_tx(province) as conn, applying_remote(conn):
        for someone in PEOPLE[11:19]:
            _nhso(conn, someone.cid, "", dt.date(2024, 11, 20), HOSPCODE)
    with write_tx(province) as conn:
        refresh_judgements(conn, AS_OF)
    with read_tx(province) as conn:
        kept = {p.day: p for p in coverage_trend(conn, AS_OF).points}[december]
        now = stored_kpi_report(conn, AS_OF).units[0]
        report = kpi_report(conn, AS_OF).units[0]
        reopened = {p.day: p for p in coverage_trend(conn, dt.date(2026, 6, 15)).points}
    assert (kept.covered, kept.thai_population) == (closed.covered, closed.thai_population)
    assert now.covered == report.covered
    assert now.covered < closed.covered
    assert reopened[dt.date(2025, 12, 31)].covered < closed.covered


def test_the_league_shows_the_change_against_last_month(province: Engine) -> None:
    with write_tx(province) as conn:
        refresh_judgements(conn, AS_OF)
    with read_tx(province) as conn:
        league = {row.hospcode: row for row in unit_league(conn, AS_OF).units}
        december = {p.day: p for p in coverage_trend(conn, AS_OF, HOSPCODE).points}
    row = league[HOSPCODE]
    before = december[dt.date(2024, 12, 31)].coverage_pct
    assert row.coverage_pct is not None and before is not None
    assert row.coverage_change_pct == round(row.coverage_pct - before, 2)
    assert row.coverage_change_pct < 0
