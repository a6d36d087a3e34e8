"""Two centres and the province syncing through a hostile network end exactly where a clean run
would: every store holds the rows it should, each once, with the cursors where they belong.

The network is `tests.support.faultproxy`: requests and responses cut at random bytes, 502s
before and after the server applied a request, delays, and earlier requests replayed to the
server. What
each store should hold is worked out from what the test wrote (an oracle independent of the
server's routing code), then compared row by row after the faults stop and everyone has synced.
"""

from __future__ import annotations

import random
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text

from store.engine import read_tx, write_tx
from sync.client import ServerUnavailable, cursor_key, sync_once
from sync.protocol import REGISTRY, Owner
from tests.support.faultproxy import FaultProxy, Faults
from tests.support.syncserver import (
    add_catalog_item,
    add_followup,
    add_person,
    add_right,
    add_statement_line,
    centre_store,
    make_province,
    outbox_size,
    running_server,
    snapshot,
    synthetic_cid,
)

UNITS = ("10001", "10002")
ROUNDS = 6
SETTLE_PASSES = 4
CLIENT_TIMEOUT_S = 10.0


@dataclass
class Written:
    """What the test wrote, to derive what every store should hold."""

    cids: dict[str, set[str]] = field(default_factory=lambda: {u: set() for u in UNITS})
    persons: dict[str, list[str]] = field(default_factory=lambda: {u: [] for u in UNITS})
    right_units: dict[str, set[str]] = field(default_factory=dict)


class Scenario:
    def __init__(self, workdir: Path, server_url: str, seed: int) -> None:
        self.rng = random.Random(seed)
        self.province = make_province(server_url)
        self.stores = {who: centre_store(workdir / f"{who}.db") for who in (*UNITS, "province")}
        self.written = Written()
        self.next_pid = 0
        self.next_line = 0
        self.failures = 0

    def close(self) -> None:
        for engine in self.stores.values():
            engine.dispose()
        self.province.engine.dispose()

    def _cid(self, unit: str | None = None) -> str:
        """A CID of the province, or of a unit's own people (each unit answers for its own)."""
        if unit is None:
            return synthetic_cid(self.rng.randrange(1, 60))
        first = 1 + 30 * UNITS.index(unit)
        return synthetic_cid(self.rng.randrange(first, first + 29))

    def unit_writes(self, unit: str) -> None:
        with write_tx(self.stores[unit]) as conn:
            for _ in range(self.rng.randrange(1, 4)):
                self.next_pid += 1
                cid = self._cid(unit)
                person = add_person(conn, unit, str(self.next_pid), cid)
                self.written.cids[unit].add(cid)
                self.written.persons[unit].append(person)
            for person_pid in self.rng.sample(range(1, self.next_pid + 1), min(2, self.next_pid)):
                rows = conn.execute(
                    text("SELECT cid FROM person WHERE hospcode = :h AND pid = :p"),
                    {"h": unit, "p": str(person_pid)},
                ).all()
                if rows:
                    add_person(
                        conn, unit, str(person_pid), rows[0][0], name=f"v{self.rng.random()}"
                    )
            for person in self.rng.sample(self.written.persons[unit], 1):
                add_followup(conn, unit, person, "visited", hlc_ms=self.rng.randrange(10**12))

    def _right(self, conn: Any) -> None:
        cid = self._cid()
        units = self.written.right_units.setdefault(cid, set())
        hsub = sorted(units)[0] if units else self.rng.choice([*UNITS, "10999", ""])
        add_right(conn, cid, hsub=hsub, maininscl=self.rng.choice(["UCS", "SSS", "OFC", ""]))
        units.add(hsub)

    def province_writes(self) -> None:
        with write_tx(self.stores["province"]) as conn:
            self._right(conn)
            add_catalog_item(
                conn, self.rng.choice(["ANC", "PNC", "FP"]), f"{self.rng.randrange(10, 400)}.00"
            )
            if self.rng.random() < 0.3:
                conn.execute(text("DELETE FROM pp_catalog_item WHERE item = 'FP'"))
            known = conn.execute(text("SELECT id, hospcode FROM person")).all()
            for person, unit in self.rng.sample(known, min(2, len(known))):
                add_followup(conn, unit, person, "on the list", hlc_ms=self.rng.randrange(10**12))
        with write_tx(self.province.engine) as conn:
            self._right(conn)
            self.next_line += 1
            add_statement_line(conn, self.rng.choice(UNITS), self._cid(), self.next_line)

    def sync(self, who: str, url: str) -> None:
        token = self.province.tokens[who]
        try:
            sync_once(self.stores[who], url, token, timeout=CLIENT_TIMEOUT_S)
        except ServerUnavailable:
            self.failures += 1

    def settle(self, url: str) -> None:
        for _ in range(SETTLE_PASSES):
            moved = 0
            for who in (*UNITS, "province"):
                result = sync_once(
                    self.stores[who], url, self.province.tokens[who], timeout=CLIENT_TIMEOUT_S
                )
                moved += result.pushed + result.pulled
            if moved == 0:
                return
        pytest.fail("the stores did not settle after the faults stopped")


def expected_for_unit(
    server: dict[str, dict[str, Any]], unit: str, written: Written
) -> dict[str, Any]:
    rights = {
        i: row
        for i, row in server["nhso_right"].items()
        if unit in (row["hsub"], row["hmain_op"]) or row["cid"] in written.cids[unit]
    }
    facility = {e.name for e in REGISTRY if e.owner is Owner.FACILITY}
    expected: dict[str, Any] = {
        name: {i: r for i, r in rows.items() if r["hospcode"] == unit}
        for name, rows in server.items()
        if name in facility
    }
    expected["nhso_right"] = rights
    expected["pp_catalog_item"] = server["pp_catalog_item"]
    expected["pp_statement_line"] = {
        i: r for i, r in server["pp_statement_line"].items() if r["hospcode"] == unit
    }
    expected["followup_log"] = {
        i: r for i, r in server["followup_log"].items() if r["hospcode"] == unit
    }
    for entry in REGISTRY:
        column = next((route.column for route in entry.routes if route.column), None)
        if entry.name not in expected and entry.owner is Owner.PROVINCE and column:
            expected[entry.name] = {
                i: r for i, r in server[entry.name].items() if r[column] == unit
            }
    return expected


def last_seq(engine: Engine, who: str, origin: str) -> int:
    with read_tx(engine) as conn:
        if who == "province":
            query = "SELECT max(seq) FROM sync_change WHERE origin <> :o"
            value = conn.execute(text(query), {"o": origin}).scalar()
        else:
            query = "SELECT max(seq) FROM sync_route WHERE hospcode IN (:u, '*')"
            value = conn.execute(text(query), {"u": who}).scalar()
    return int(value or 0)


def check(scenario: Scenario, url: str) -> None:
    server = snapshot(scenario.province.engine)
    stores = {who: snapshot(engine) for who, engine in scenario.stores.items()}
    for unit in UNITS:
        own = stores[unit]
        for name in ("person", "followup_log"):
            mine = {i: r for i, r in own[name].items() if r["hospcode"] == unit}
            assert {i: server[name][i] for i in mine} == mine, f"{unit} {name} not all sent"
        assert set(server["person"]) == set(stores[UNITS[0]]["person"]) | set(
            stores[UNITS[1]]["person"]
        )
        assert own == expected_for_unit(server, unit, scenario.written), unit
    assert stores["province"] == server
    assert server["pp_catalog_item"] == stores["province"]["pp_catalog_item"]
    events = sum(len(s["followup_log"]) for s in stores.values() if s is not stores["province"])
    assert len(server["followup_log"]) <= events + len(stores["province"]["followup_log"])
    for who, engine in scenario.stores.items():
        assert outbox_size(engine) == 0, f"{who} still has rows to send"
        with read_tx(engine) as conn:
            stored = conn.execute(
                text("SELECT value FROM sync_state WHERE key = :k"), {"k": cursor_key(url)}
            ).scalar()
        origin = "province:insurance team" if who == "province" else who
        assert int(stored or 0) == last_seq(scenario.province.engine, who, origin), who


def run_scenario(workdir: Path, server_url: str, seed: int, faults: Faults) -> Scenario:
    scenario = Scenario(workdir, server_url, seed)
    try:
        with running_server(scenario.province.engine) as server:
            with FaultProxy(server.port, faults, seed=seed) as proxy:
                for _ in range(ROUNDS):
                    for unit in UNITS:
                        scenario.unit_writes(unit)
                    scenario.province_writes()
                    for who in scenario.rng.sample([*UNITS, "province"], 3):
                        scenario.sync(who, proxy.url)
                injected = sum(proxy.traffic.faults.values())
            scenario.settle(server.url)
            check(scenario, server.url)
            if faults != Faults():
                assert injected > 0, "the run should have met some faults"
    finally:
        scenario.close()
    return scenario


@pytest.mark.slow
@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(seed=st.integers(min_value=0, max_value=2**20))
def test_a_hostile_network_changes_nothing_in_the_end(seed: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        run_scenario(Path(folder), f"sqlite:///{folder}/server.db", seed, Faults.hostile(0.2))


@pytest.mark.slow
def test_the_same_on_each_server_store(store_url: str, tmp_path: Path) -> None:
    run_scenario(tmp_path, store_url, 2024, Faults.hostile(0.2))


def test_a_clean_network_reaches_the_same_end(tmp_path: Path) -> None:
    run_scenario(tmp_path, f"sqlite:///{tmp_path}/server.db", 7, Faults())
