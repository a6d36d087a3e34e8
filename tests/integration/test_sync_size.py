"""A centre's routine sync is a few kilobytes: what crosses the wire when little has changed."""

from __future__ import annotations

from pathlib import Path

from store.engine import write_tx
from tests.support.faultproxy import FaultProxy, Faults
from tests.support.syncserver import (
    add_followup,
    add_person,
    centre_store,
    make_province,
    running_server,
    sync_all,
    synthetic_cid,
)

UNIT = "10001"
ROUTINE_BYTES = 8 * 1024
"""Both directions together, HTTP headers included."""


def test_a_routine_sync_moves_a_few_kilobytes(tmp_path: Path) -> None:
    province = make_province(f"sqlite:///{tmp_path / 'province.db'}")
    centre = centre_store(tmp_path / "centre.db")
    with write_tx(centre) as conn:
        people = [add_person(conn, UNIT, str(n), synthetic_cid(n)) for n in range(1, 201)]
    token = province.tokens[UNIT]
    try:
        with running_server(province.engine) as server, FaultProxy(server.port, Faults()) as proxy:
            assert sync_all(centre, proxy.url, token).pushed == 200
            first = proxy.traffic.bytes_up + proxy.traffic.bytes_down
            with write_tx(centre) as conn:
                add_followup(conn, UNIT, people[0], "visited at home")
            assert sync_all(centre, proxy.url, token).pushed == 1
            routine = proxy.traffic.bytes_up + proxy.traffic.bytes_down - first
    finally:
        centre.dispose()
        province.engine.dispose()
    print(f"first sync {first} bytes, routine {routine} bytes")
    assert routine < ROUTINE_BYTES, routine
    assert routine < first
