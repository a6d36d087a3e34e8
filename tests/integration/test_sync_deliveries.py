"""NHSO records follow a CID to a unit only for the people it answers for, audited, within a
daily limit of people new to the unit: a unit cannot fish records by making up persons."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, text

from store.engine import write_tx
from store.ids import stable_id
from sync.server.settings import DeliverySettings
from tests.support.syncserver import (
    Province,
    RunningServer,
    add_person,
    add_rights_in_bulk,
    centre_store,
    province_fixture,  # noqa: F401
    put,
    server_fixture,  # noqa: F401
    snapshot,
    sync_all,
    synthetic_cid,
)
from tui.cli import main

LIMIT = 5
HOSPITAL = "10669"
"""A district hospital: a unit NHSO names that does not sync with the server."""


@pytest.fixture(name="limited")
def limited_server(province: Province) -> Iterator[RunningServer]:
    server = RunningServer(
        province.engine,
        delivery=DeliverySettings(new_people_per_day=LIMIT, first_sync_people=LIMIT),
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()


def a_day_passes(province: Province) -> None:
    """Move every recorded delivery one day back, as if the deliveries were made yesterday."""
    with write_tx(province.engine) as conn:
        days = [row[0] for row in conn.execute(text("SELECT DISTINCT day FROM sync_delivery"))]
        for day in days:
            old = day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day))
            conn.execute(
                text("UPDATE sync_delivery SET day = :new WHERE day = :old"),
                {"new": old - dt.timedelta(days=1), "old": old},
            )


def moves_out(conn: Connection, person: str) -> None:
    """The unit records that its person has moved away (TYPEAREA 4), a later version."""
    conn.execute(
        text("UPDATE person SET typearea = '4', d_update = :at WHERE id = :id"),
        {"at": dt.datetime(2025, 2, 1), "id": person},
    )


def audit(province: Province, capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    url = province.engine.url.render_as_string(hide_password=False)
    assert main(["server", "audit", "--json", "--db", url]) == 0
    found: list[dict[str, object]] = json.loads(capsys.readouterr().out)
    return found


def test_a_made_up_person_outside_the_units_population_gets_no_records(
    limited: RunningServer, province: Province, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    patient = synthetic_cid(42)
    b, a = centre_store(tmp_path / "b.db"), centre_store(tmp_path / "a.db")
    with write_tx(b) as conn:
        add_person(conn, "10002", "1", patient)
    with write_tx(province.engine) as conn:
        add_rights_in_bulk(conn, [patient], hsub="10002")
    sync_all(b, limited.url, province.tokens["10002"])
    with write_tx(a) as conn:
        made_up = add_person(conn, "10001", "900", patient)
        put(conn, "person", {"id": made_up, "typearea": "4"})
    sync_all(a, limited.url, province.tokens["10001"])
    sync_all(a, limited.url, province.tokens["10001"])
    assert snapshot(a)["nhso_right"] == {}
    assert len(snapshot(b)["nhso_right"]) == 1
    assert audit(province, capsys) == []
    a.dispose()
    b.dispose()


def test_records_for_many_people_new_to_a_unit_are_limited_per_day_and_flagged(
    limited: RunningServer, province: Province, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cids = [synthetic_cid(100 + n) for n in range(12)]
    with write_tx(province.engine) as conn:
        add_rights_in_bulk(conn, cids, hsub="10999")
    a = centre_store(tmp_path / "a.db")
    with write_tx(a) as conn:
        for n, cid in enumerate(cids):
            add_person(conn, "10001", str(n), cid)
    for _ in range(2):
        sync_all(a, limited.url, province.tokens["10001"])
    assert len(snapshot(a)["nhso_right"]) == LIMIT
    days = audit(province, capsys)
    assert [(d["hospcode"], d["records"], d["people"], d["held"], d["flagged"]) for d in days] == [
        ("10001", LIMIT, LIMIT, len(cids) - LIMIT, True)
    ]
    url = province.engine.url.render_as_string(hide_password=False)
    assert main(["--lang", "en", "server", "audit", "--db", url]) == 0
    shown = capsys.readouterr().out
    assert "unit 10001: 5 records for 5 people" in shown and "FLAGGED: 7 records held" in shown
    with write_tx(a) as conn:
        add_person(conn, "10001", "0", cids[0], name="edited")
    sync_all(a, limited.url, province.tokens["10001"])
    assert len(snapshot(a)["nhso_right"]) == LIMIT, "the limit holds for the rest of the day"
    a_day_passes(province)
    for _ in range(2):
        sync_all(a, limited.url, province.tokens["10001"])
    assert len(snapshot(a)["nhso_right"]) == 2 * LIMIT, "a new day lets the next ones go"
    a.dispose()


def test_a_made_up_responsible_person_with_another_units_cid_gets_no_records_and_is_flagged(
    server: RunningServer, province: Province, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Unit A types in B's patient's CID as its own responsible person: withheld and flagged.
    A person of A's area whom NHSO registered at B (and B does not answer for) is A's
    OUTSIDE_UNIT gap: A gets that record."""
    held_by_b, registered_at_b = synthetic_cid(51), synthetic_cid(52)
    b, a = centre_store(tmp_path / "b.db"), centre_store(tmp_path / "a.db")
    with write_tx(b) as conn:
        add_person(conn, "10002", "1", held_by_b)
    with write_tx(province.engine) as conn:
        add_rights_in_bulk(conn, [held_by_b], hsub="", hmain=HOSPITAL)
        add_rights_in_bulk(conn, [registered_at_b], hsub="10002")
    outside = stable_id("nhso_right", registered_at_b, "2025-01-10")
    sync_all(b, server.url, province.tokens["10002"])
    with write_tx(a) as conn:
        add_person(conn, "10001", "900", held_by_b)
        add_person(conn, "10001", "901", registered_at_b)
    for _ in range(2):
        sync_all(a, server.url, province.tokens["10001"])
    assert set(snapshot(a)["nhso_right"]) == {outside}
    assert len(snapshot(b)["nhso_right"]) == 2, "one by its CID, one naming the unit"
    days = audit(province, capsys)
    assert [(d["hospcode"], d["records"], d["withheld"], d["flagged"]) for d in days] == [
        ("10001", 1, 1, True),
        ("10002", 1, 0, False),
    ]
    url = province.engine.url.render_as_string(hide_password=False)
    assert main(["--lang", "en", "server", "audit", "--hospcode", "10001", "--db", url]) == 0
    assert "FLAGGED: 1 records withheld" in capsys.readouterr().out
    a.dispose()
    b.dispose()


def test_a_person_who_moved_in_receives_their_records(
    server: RunningServer, province: Province, tmp_path: Path
) -> None:
    moved_out_of_b, named_for_a = synthetic_cid(61), synthetic_cid(62)
    b, a = centre_store(tmp_path / "b.db"), centre_store(tmp_path / "a.db")
    with write_tx(b) as conn:
        moves_out(conn, add_person(conn, "10002", "1", moved_out_of_b))
        add_person(conn, "10002", "2", named_for_a)
    with write_tx(province.engine) as conn:
        add_rights_in_bulk(conn, [moved_out_of_b], hsub="", hmain=HOSPITAL)
        add_rights_in_bulk(conn, [named_for_a], hsub="", hmain="10001")
    sync_all(b, server.url, province.tokens["10002"])
    with write_tx(a) as conn:
        add_person(conn, "10001", "7", moved_out_of_b)
        add_person(conn, "10001", "8", named_for_a)
    sync_all(a, server.url, province.tokens["10001"])
    cids = {row["cid"] for row in snapshot(a)["nhso_right"].values()}
    assert cids == {moved_out_of_b, named_for_a}
    a.dispose()
    b.dispose()


def test_a_withheld_record_goes_out_once_the_other_unit_marks_the_person_moved_out(
    server: RunningServer, province: Province, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cid = synthetic_cid(71)
    b, a = centre_store(tmp_path / "b.db"), centre_store(tmp_path / "a.db")
    with write_tx(b) as conn:
        in_b = add_person(conn, "10002", "1", cid)
    with write_tx(province.engine) as conn:
        add_rights_in_bulk(conn, [cid], hsub="", hmain=HOSPITAL)
    sync_all(b, server.url, province.tokens["10002"])
    with write_tx(a) as conn:
        add_person(conn, "10001", "1", cid)
    sync_all(a, server.url, province.tokens["10001"])
    assert snapshot(a)["nhso_right"] == {}
    with write_tx(b) as conn:
        moves_out(conn, in_b)
    sync_all(b, server.url, province.tokens["10002"])
    sync_all(a, server.url, province.tokens["10001"])
    assert [row["cid"] for row in snapshot(a)["nhso_right"].values()] == [cid]
    days = audit(province, capsys)
    assert [
        (d["hospcode"], d["records"], d["withheld"]) for d in days if d["hospcode"] == "10001"
    ] == [("10001", 1, 0)]
    a.dispose()
    b.dispose()
