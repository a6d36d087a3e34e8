"""Province-owned rows reach the units concerned, whenever the data that concerns them arrives."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import text

from store.engine import read_tx, write_tx
from tests.support.syncserver import (
    Province,
    RunningServer,
    add_catalog_item,
    add_followup,
    add_person,
    add_right,
    add_statement_line,
    centre_store,
    province_fixture,  # noqa: F401
    server_fixture,  # noqa: F401
    snapshot,
    sync_all,
    synthetic_cid,
)


def test_rights_go_to_units_with_the_person_and_to_the_named_primary_unit(
    server: RunningServer, province: Province, tmp_path: Path
) -> None:
    a, b = centre_store(tmp_path / "a.db"), centre_store(tmp_path / "b.db")
    with write_tx(a) as conn:
        add_person(conn, "10001", "1", synthetic_cid(1))
    sync_all(a, server.url, province.tokens["10001"])
    with write_tx(province.engine) as conn:
        lives_in_a = add_right(conn, synthetic_cid(1), hsub="10999")
        registered_in_b = add_right(conn, synthetic_cid(2), hsub="10002")
        main_unit_b = add_right(conn, synthetic_cid(3), hmain_op="10002")
        elsewhere = add_right(conn, synthetic_cid(4), hsub="10999")
    sync_all(a, server.url, province.tokens["10001"])
    sync_all(b, server.url, province.tokens["10002"])
    assert set(snapshot(a)["nhso_right"]) == {lives_in_a}
    assert set(snapshot(b)["nhso_right"]) == {registered_in_b, main_unit_b}
    assert elsewhere not in snapshot(a)["nhso_right"] | snapshot(b)["nhso_right"]
    a.dispose()
    b.dispose()


def test_records_loaded_before_a_unit_sends_its_person_follow_the_person(
    server: RunningServer, province: Province, tmp_path: Path
) -> None:
    with write_tx(province.engine) as conn:
        right = add_right(conn, synthetic_cid(5), hsub="10999")
    a = centre_store(tmp_path / "a.db")
    sync_all(a, server.url, province.tokens["10001"])
    assert snapshot(a)["nhso_right"] == {}
    with write_tx(a) as conn:
        add_person(conn, "10001", "5", synthetic_cid(5))
    sync_all(a, server.url, province.tokens["10001"])
    sync_all(a, server.url, province.tokens["10001"])
    assert snapshot(a)["nhso_right"] == {right: snapshot(province.engine)["nhso_right"][right]}
    a.dispose()


def test_a_changed_record_reaches_every_unit_that_holds_it(
    server: RunningServer, province: Province, tmp_path: Path
) -> None:
    """Unit A by its person's CID (the record names A as main unit), B as its sub-unit."""
    a, b = centre_store(tmp_path / "a.db"), centre_store(tmp_path / "b.db")
    cid = synthetic_cid(6)
    with write_tx(a) as conn:
        add_person(conn, "10001", "6", cid)
    with write_tx(b) as conn:
        add_person(conn, "10002", "6", cid)
    with write_tx(province.engine) as conn:
        right = add_right(conn, cid, hsub="10002", hmain="10001", maininscl="UCS")
    for _ in range(2):
        sync_all(a, server.url, province.tokens["10001"])
        sync_all(b, server.url, province.tokens["10002"])
    with write_tx(province.engine) as conn:
        add_right(conn, cid, hsub="10002", hmain="10001", maininscl="SSS")
    sync_all(a, server.url, province.tokens["10001"])
    sync_all(b, server.url, province.tokens["10002"])
    assert snapshot(a)["nhso_right"][right]["maininscl"] == "SSS"
    assert snapshot(b)["nhso_right"][right]["maininscl"] == "SSS"
    a.dispose()
    b.dispose()


def test_the_catalog_reaches_every_unit_even_one_that_joins_later_and_deletions_follow(
    server: RunningServer, province: Province, tmp_path: Path
) -> None:
    with write_tx(province.engine) as conn:
        anc = add_catalog_item(conn, "ANC")
        pnc = add_catalog_item(conn, "PNC", "150.00")
    a = centre_store(tmp_path / "a.db")
    sync_all(a, server.url, province.tokens["10001"])
    with write_tx(province.engine) as conn:
        conn.execute(text("DELETE FROM pp_catalog_item WHERE item = 'PNC'"))
    sync_all(a, server.url, province.tokens["10001"])
    late = centre_store(tmp_path / "b.db")
    sync_all(late, server.url, province.tokens["10002"])
    assert set(snapshot(a)["pp_catalog_item"]) == {anc}
    assert set(snapshot(late)["pp_catalog_item"]) == {anc}
    assert pnc not in snapshot(province.engine)["pp_catalog_item"]
    a.dispose()
    late.dispose()


def test_statement_lines_go_to_their_unit_only(
    server: RunningServer, province: Province, tmp_path: Path
) -> None:
    with write_tx(province.engine) as conn:
        for_a = add_statement_line(conn, "10001", synthetic_cid(1), 1)
        for_b = add_statement_line(conn, "10002", synthetic_cid(2), 2)
    a, b = centre_store(tmp_path / "a.db"), centre_store(tmp_path / "b.db")
    sync_all(a, server.url, province.tokens["10001"])
    sync_all(b, server.url, province.tokens["10002"])
    assert set(snapshot(a)["pp_statement_line"]) == {for_a}
    assert set(snapshot(b)["pp_statement_line"]) == {for_b}
    a.dispose()
    b.dispose()


def test_follow_ups_flow_both_ways_and_only_to_the_unit_concerned(
    server: RunningServer, province: Province, tmp_path: Path
) -> None:
    a, b, p = (centre_store(tmp_path / f"{n}.db") for n in ("a", "b", "p"))
    with write_tx(a) as conn:
        person = add_person(conn, "10001", "1", synthetic_cid(1))
        from_unit = add_followup(conn, "10001", person, "phoned the family")
    sync_all(a, server.url, province.tokens["10001"])
    sync_all(p, server.url, province.tokens["province"])
    with write_tx(p) as conn:
        from_province = add_followup(conn, "10001", person, "on the province's list")
    sync_all(p, server.url, province.tokens["province"])
    sync_all(a, server.url, province.tokens["10001"])
    sync_all(b, server.url, province.tokens["10002"])
    assert set(snapshot(a)["followup_log"]) == {from_unit, from_province}
    assert set(snapshot(p)["followup_log"]) == {from_unit, from_province}
    assert snapshot(b)["followup_log"] == {}
    assert snapshot(a)["followup_log"] == snapshot(province.engine)["followup_log"]
    for engine in (a, b, p):
        engine.dispose()


def test_a_province_client_writes_rights_that_reach_the_units(
    server: RunningServer, province: Province, tmp_path: Path
) -> None:
    p, a = centre_store(tmp_path / "p.db"), centre_store(tmp_path / "a.db")
    with write_tx(p) as conn:
        right = add_right(conn, synthetic_cid(9), hsub="10001")
    result = sync_all(p, server.url, province.tokens["province"])
    assert result.pushed == 1 and not result.rejected
    sync_all(a, server.url, province.tokens["10001"])
    assert set(snapshot(a)["nhso_right"]) == {right}
    again = sync_all(p, server.url, province.tokens["province"])
    assert again.pulled == 0, "the province's own rows are not sent back to it"
    p.dispose()
    a.dispose()


def test_the_follow_up_state_reads_the_same_at_the_centre_and_the_province(
    server: RunningServer, province: Province, tmp_path: Path
) -> None:
    import datetime as dt

    from store.engine import read_tx
    from store.followup import append_followup, current_states

    a, p = centre_store(tmp_path / "a.db"), centre_store(tmp_path / "p.db")
    with write_tx(a) as conn:
        person = add_person(conn, "10001", "1", synthetic_cid(1))
    sync_all(a, server.url, province.tokens["10001"])
    sync_all(p, server.url, province.tokens["province"])
    same_moment = dt.datetime(2025, 2, 1, 9, 0, tzinfo=dt.UTC)
    with write_tx(a) as conn:
        append_followup(conn, hospcode="10001", person_id=person, action="PHONED", now=same_moment)
    with write_tx(p) as conn:
        append_followup(
            conn, hospcode="10001", person_id=person, action="HOME_VISIT", now=same_moment
        )
    for engine, who in ((a, "10001"), (p, "province"), (a, "10001")):
        sync_all(engine, server.url, province.tokens[who])
    with read_tx(a) as conn:
        at_centre = current_states(conn, "10001")
    with read_tx(p) as conn:
        at_province = current_states(conn, "10001")
    assert set(snapshot(a)["followup_log"]) == set(snapshot(p)["followup_log"])
    assert len(snapshot(a)["followup_log"]) == 2
    assert at_centre == at_province and at_centre[person].action in ("PHONED", "HOME_VISIT")
    a.dispose()
    p.dispose()


def test_the_server_judges_a_pushing_unit_before_anyone_reads_it(
    server: RunningServer, province: Province, tmp_path: Path
) -> None:
    """The province's units screen reads stored judgements: the server stores them right after
    a unit's push, for a unit never judged before too, so the first officer to open the
    screen does not wait for the whole province to be judged."""
    a = centre_store(tmp_path / "a.db")
    with write_tx(a) as conn:
        add_person(conn, "10001", "1", synthetic_cid(1))
        add_person(conn, "10001", "2", synthetic_cid(2))
    sync_all(a, server.url, province.tokens["10001"])
    deadline = time.monotonic() + 20
    judged: dict[str, int] = {}
    while time.monotonic() < deadline and len(judged) < 2:
        time.sleep(0.2)
        with read_tx(province.engine) as conn:
            judged = {
                row.hospcode: row.population
                for row in conn.execute(text("SELECT hospcode, population FROM judged_unit"))
            }
    assert judged == {"10001": 2, "10002": 0}
    a.dispose()
