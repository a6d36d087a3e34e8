"""The follow-up log: HLC stamps order entries on every machine, the current state is derived
from the log (latest state-setting action, ties by node id), and rows are only ever appended."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select

from store.engine import read_tx, write_tx
from store.followup import (
    FollowupEntry,
    FollowupError,
    Hlc,
    append_followup,
    current_states,
    derive_state,
    followup_actions,
    followup_history,
    next_hlc,
    store_node_id,
)
from store.models import SQLModel
from tests.support.tui_store import HOSPCODE, PEOPLE, build_store

NODE_A = "aaaaaaaa-0000-4000-8000-000000000000"
NODE_B = "bbbbbbbb-0000-4000-8000-000000000000"
T0 = dt.datetime(2025, 1, 15, 9, 0, tzinfo=dt.UTC)


def entry(action: str, wall_ms: int, counter: int = 0, node: str = NODE_A) -> FollowupEntry:
    return FollowupEntry(
        id=f"{action}-{wall_ms}-{counter}-{node}",
        hospcode=HOSPCODE,
        person_id="p1",
        action=action,
        unit="",
        note="",
        hlc=str(Hlc(wall_ms, counter, node)),
        node_id=node,
        created_at=T0,
    )


# Stamps


def test_a_new_stamp_follows_the_wall_clock_when_it_is_ahead() -> None:
    assert next_hlc(Hlc(1000, 5, NODE_B), 2000, NODE_A) == Hlc(2000, 0, NODE_A)


def test_a_clock_that_went_back_still_gives_a_later_stamp() -> None:
    latest = Hlc(5000, 2, NODE_B)
    stamp = next_hlc(latest, 1000, NODE_A)
    assert stamp == Hlc(5000, 3, NODE_A)
    assert stamp > latest


def test_the_first_stamp_of_an_empty_log_is_the_wall_clock() -> None:
    assert next_hlc(None, 1234, NODE_A) == Hlc(1234, 0, NODE_A)


@given(
    st.tuples(
        st.integers(0, 9_999_999_999_999),
        st.integers(0, 999_999),
        st.sampled_from([NODE_A, NODE_B]),
    ),
    st.tuples(
        st.integers(0, 9_999_999_999_999),
        st.integers(0, 999_999),
        st.sampled_from([NODE_A, NODE_B]),
    ),
)
def test_stamps_sort_as_text_exactly_as_they_compare(
    a: tuple[int, int, str], b: tuple[int, int, str]
) -> None:
    first, second = Hlc(*a), Hlc(*b)
    assert (str(first) < str(second)) == (first < second)
    assert Hlc.parse(str(first)) == first


def test_a_malformed_stamp_is_refused() -> None:
    with pytest.raises(ValueError, match="not an HLC"):
        Hlc.parse("12-3-node")


# Derived state


def test_the_latest_action_by_stamp_decides_the_state_not_the_list_order() -> None:
    later = entry("REGISTERED", 2000)
    earlier = entry("PHONED", 1000)
    assert derive_state([later, earlier]) == later


def test_equal_wall_time_is_ordered_by_counter() -> None:
    state = derive_state([entry("HOME_VISIT", 1000, 1), entry("PHONED", 1000, 0)])
    assert state is not None and state.action == "HOME_VISIT"


def test_a_tie_between_two_machines_goes_to_the_higher_node_id() -> None:
    from_a = entry("PHONED", 1000, 0, NODE_A)
    from_b = entry("MOVED_AWAY", 1000, 0, NODE_B)
    assert derive_state([from_a, from_b]) == from_b
    assert derive_state([from_b, from_a]) == from_b


def test_a_note_is_history_and_does_not_change_the_state() -> None:
    state = derive_state([entry("REGISTERED", 1000), entry("NOTE", 2000)])
    assert state is not None and state.action == "REGISTERED"


def test_no_state_before_any_state_setting_action() -> None:
    assert derive_state([]) is None
    assert derive_state([entry("NOTE", 1000)]) is None


def test_the_action_table_offers_what_staff_do_in_both_languages() -> None:
    codes = [a.code for a in followup_actions()]
    assert codes == [
        "PHONED",
        "HOME_VISIT",
        "ASKED_TO_REGISTER",
        "REGISTERED",
        "MOVED_AWAY",
        "DIED",
        "CANNOT_REACH",
        "NOTE",
    ]
    assert all(a.label_th and a.label_en for a in followup_actions())
    assert [a.code for a in followup_actions() if a.needs_unit] == ["REGISTERED"]


# In the store (SQLite and PostgreSQL)


@pytest.fixture
def centre(store_url: str) -> Iterator[Engine]:
    engine = build_store(store_url)
    yield engine
    engine.dispose()


def person_id(index: int) -> str:
    return PEOPLE[index].person_id


def test_a_followup_is_appended_with_a_client_id_node_and_stamp(centre: Engine) -> None:
    with write_tx(centre) as conn:
        saved = append_followup(
            conn,
            hospcode=HOSPCODE,
            person_id=person_id(2),
            action="REGISTERED",
            unit="01234",
            note="ลงทะเบียนที่ รพ.สต.",
            now=T0,
        )
    with read_tx(centre) as conn:
        history = followup_history(conn, person_id(2))
        node = store_node_id(conn)
    assert history == [saved]
    assert saved.node_id == node
    assert saved.hlc.endswith(node)
    assert len(saved.id) == 36
    assert saved.created_at == T0


def test_entries_made_with_a_clock_set_back_still_come_later(centre: Engine) -> None:
    with write_tx(centre) as conn:
        first = append_followup(
            conn, hospcode=HOSPCODE, person_id=person_id(2), action="PHONED", now=T0
        )
    with write_tx(centre) as conn:
        second = append_followup(
            conn,
            hospcode=HOSPCODE,
            person_id=person_id(2),
            action="CANNOT_REACH",
            now=T0 - dt.timedelta(hours=3),
        )
    assert second.hlc > first.hlc
    with read_tx(centre) as conn:
        assert [e.action for e in followup_history(conn, person_id(2))] == [
            "PHONED",
            "CANNOT_REACH",
        ]
        assert current_states(conn)[person_id(2)].action == "CANNOT_REACH"


def test_current_states_cover_only_people_with_a_state_setting_action(centre: Engine) -> None:
    with write_tx(centre) as conn:
        append_followup(conn, hospcode=HOSPCODE, person_id=person_id(2), action="PHONED", now=T0)
        append_followup(
            conn, hospcode=HOSPCODE, person_id=person_id(3), action="NOTE", note="x", now=T0
        )
    with read_tx(centre) as conn:
        states = current_states(conn, HOSPCODE)
        assert set(states) == {person_id(2)}
        assert current_states(conn, HOSPCODE, person_ids=[person_id(3)]) == {}


@pytest.mark.parametrize(
    ("action", "unit", "note", "code"),
    [
        ("SMS", "", "", "unknown_action"),
        ("REGISTERED", "", "", "unit_required"),
        ("REGISTERED", "01/234", "", "bad_unit"),
        ("NOTE", "", "  ", "note_required"),
        ("PHONED", "", "x" * 1001, "note_too_long"),
    ],
)
def test_a_followup_that_cannot_be_right_is_refused_and_nothing_is_written(
    centre: Engine, action: str, unit: str, note: str, code: str
) -> None:
    with pytest.raises(FollowupError) as refused, write_tx(centre) as conn:
        append_followup(
            conn, hospcode=HOSPCODE, person_id=person_id(2), action=action, unit=unit, note=note
        )
    assert refused.value.code == code
    assert _log_rows(centre) == 0


def test_a_followup_for_someone_not_in_the_unit_is_refused(centre: Engine) -> None:
    with pytest.raises(FollowupError) as refused, write_tx(centre) as conn:
        append_followup(conn, hospcode="99999", person_id=person_id(2), action="PHONED")
    assert refused.value.code == "unknown_person"
    assert _log_rows(centre) == 0


def test_the_node_id_is_made_once_per_store(centre: Engine) -> None:
    with write_tx(centre) as conn:
        first = store_node_id(conn)
    with write_tx(centre) as conn:
        assert store_node_id(conn) == first


def _log_rows(engine: Engine) -> int:
    log = SQLModel.metadata.tables["followup_log"]
    with read_tx(engine) as conn:
        return int(conn.execute(select(func.count()).select_from(log)).scalar_one())
