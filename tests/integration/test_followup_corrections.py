"""Follow-ups that can be corrected: checked unit codes, edits and retractions appended to the
log (the latest by clock decides), and a retraction made at a centre reaching the province."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from store.engine import read_tx, write_tx
from store.followup import (
    FollowupError,
    append_followup,
    correct_followup,
    current_states,
    followup_records,
    retract_followup,
)
from store.models import FollowupLog
from store.rights.inputs import save_partner_units
from tests.support.syncserver import (
    Province,
    RunningServer,
    add_person,
    centre_store,
    province_fixture,  # noqa: F401
    server_fixture,  # noqa: F401
    snapshot,
    sync_all,
    synthetic_cid,
)
from tests.support.tui_store import HOSPCODE, build_store

T0 = dt.datetime(2025, 1, 15, 9, 0, tzinfo=dt.UTC)


def later(minutes: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = build_store(f"sqlite:///{tmp_path / 'centre.db'}")
    yield engine
    engine.dispose()


def a_person(engine: Engine) -> str:
    from store.models import Person

    with read_tx(engine) as conn:
        table = Person.__table__  # type: ignore[attr-defined]
        return str(conn.execute(select(table.c.id).order_by(table.c.pid).limit(1)).scalar_one())


def log_rows(engine: Engine) -> int:
    with read_tx(engine) as conn:
        table = FollowupLog.__table__  # type: ignore[attr-defined]
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


@pytest.mark.parametrize("unit", ["1234", "123456", "ABCDE", "0990١", "09 01"])
def test_a_unit_code_is_five_digits(engine: Engine, unit: str) -> None:
    person = a_person(engine)
    with pytest.raises(FollowupError) as problem, write_tx(engine) as conn:
        append_followup(
            conn, hospcode=HOSPCODE, person_id=person, action="REGISTERED", unit=unit, now=T0
        )
    assert problem.value.code == "bad_unit"
    assert log_rows(engine) == 0


def test_a_unit_the_store_does_not_know_needs_confirming(engine: Engine) -> None:
    person = a_person(engine)
    with write_tx(engine) as conn:
        save_partner_units(conn, HOSPCODE, ["10669"])
    with pytest.raises(FollowupError) as problem, write_tx(engine) as conn:
        append_followup(
            conn, hospcode=HOSPCODE, person_id=person, action="REGISTERED", unit="99999", now=T0
        )
    assert problem.value.code == "unknown_unit"
    with write_tx(engine) as conn:
        known = append_followup(
            conn, hospcode=HOSPCODE, person_id=person, action="REGISTERED", unit="10669", now=T0
        )
        confirmed = append_followup(
            conn,
            hospcode=HOSPCODE,
            person_id=person,
            action="REGISTERED",
            unit="99999",
            now=later(1),
            unknown_unit_ok=True,
        )
    assert (known.unit, confirmed.unit) == ("10669", "99999")


def test_an_edit_is_a_new_entry_and_changes_what_the_entry_says(engine: Engine) -> None:
    person = a_person(engine)
    with write_tx(engine) as conn:
        first = append_followup(conn, hospcode=HOSPCODE, person_id=person, action="PHONED", now=T0)
        correct_followup(conn, first.id, action="HOME_VISIT", note="ไปบ้านจริง", now=later(5))
    assert log_rows(engine) == 2, "nothing is overwritten"
    with read_tx(engine) as conn:
        [record] = followup_records(conn, person)
        state = current_states(conn, HOSPCODE)[person]
    assert record.edited and not record.retracted
    assert (record.current.action, record.current.note) == ("HOME_VISIT", "ไปบ้านจริง")
    assert (record.original.action, state.action) == ("PHONED", "HOME_VISIT")


def test_a_retracted_entry_stays_in_the_history_but_no_longer_decides(engine: Engine) -> None:
    person = a_person(engine)
    with write_tx(engine) as conn:
        append_followup(conn, hospcode=HOSPCODE, person_id=person, action="PHONED", now=T0)
        wrong = append_followup(
            conn, hospcode=HOSPCODE, person_id=person, action="DIED", now=later(1)
        )
        retract_followup(conn, wrong.id, now=later(2))
    with read_tx(engine) as conn:
        records = followup_records(conn, person)
        state = current_states(conn, HOSPCODE)[person]
    assert [(r.original.action, r.retracted) for r in records] == [
        ("PHONED", False),
        ("DIED", True),
    ]
    assert state.action == "PHONED"


def test_the_latest_correction_by_clock_decides_whatever_order_they_arrive_in(
    engine: Engine,
) -> None:
    person = a_person(engine)
    with write_tx(engine) as conn:
        entry = append_followup(conn, hospcode=HOSPCODE, person_id=person, action="PHONED", now=T0)
        retract_followup(conn, entry.id, now=later(1))
        # a later edit (e.g. the retraction was the mistake) brings the entry back
        correct_followup(conn, entry.id, action="CANNOT_REACH", now=later(2))
    with read_tx(engine) as conn:
        [record] = followup_records(conn, person)
        assert current_states(conn, HOSPCODE)[person].action == "CANNOT_REACH"
    assert not record.retracted and record.current.action == "CANNOT_REACH"


def test_a_correction_of_a_correction_applies_to_the_original(engine: Engine) -> None:
    person = a_person(engine)
    with write_tx(engine) as conn:
        entry = append_followup(conn, hospcode=HOSPCODE, person_id=person, action="PHONED", now=T0)
        edit = correct_followup(conn, entry.id, action="HOME_VISIT", now=later(1))
        again = retract_followup(conn, edit.id, now=later(2))
    assert again.corrects == entry.id
    with read_tx(engine) as conn:
        [record] = followup_records(conn, person)
        assert person not in current_states(conn, HOSPCODE)
    assert record.retracted


def test_an_edit_is_checked_like_a_new_entry(engine: Engine) -> None:
    person = a_person(engine)
    with write_tx(engine) as conn:
        entry = append_followup(conn, hospcode=HOSPCODE, person_id=person, action="PHONED", now=T0)
    with pytest.raises(FollowupError) as problem, write_tx(engine) as conn:
        correct_followup(conn, entry.id, action="REGISTERED", unit="1234", now=later(1))
    assert problem.value.code == "bad_unit"
    with pytest.raises(FollowupError) as missing, write_tx(engine) as conn:
        retract_followup(conn, "no-such-entry")
    assert missing.value.code == "unknown_entry"


def test_a_retraction_at_the_centre_is_a_retraction_at_the_province(
    server: RunningServer, province: Province, tmp_path: Path
) -> None:
    centre, team = centre_store(tmp_path / "centre.db"), centre_store(tmp_path / "province.db")
    with write_tx(centre) as conn:
        person = add_person(conn, "10001", "1", synthetic_cid(1))
        append_followup(conn, hospcode="10001", person_id=person, action="PHONED", now=T0)
        wrong = append_followup(
            conn, hospcode="10001", person_id=person, action="MOVED_AWAY", now=later(1)
        )
    sync_all(centre, server.url, province.tokens["10001"])
    sync_all(team, server.url, province.tokens["province"])
    with read_tx(team) as conn:
        assert current_states(conn, "10001")[person].action == "MOVED_AWAY"
    with write_tx(centre) as conn:
        retract_followup(conn, wrong.id, now=later(10))
    pushed = sync_all(centre, server.url, province.tokens["10001"])
    assert pushed.pushed >= 1 and not pushed.rejected
    sync_all(team, server.url, province.tokens["province"])
    with read_tx(team) as conn:
        records = followup_records(conn, person)
        at_province = current_states(conn, "10001")[person]
    assert [(r.original.action, r.retracted) for r in records] == [
        ("PHONED", False),
        ("MOVED_AWAY", True),
    ]
    assert at_province.action == "PHONED"
    assert snapshot(centre, ("followup_log",)) == snapshot(team, ("followup_log",))
    centre.dispose()
    team.dispose()
