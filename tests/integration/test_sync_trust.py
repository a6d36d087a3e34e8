"""A unit with a valid token cannot forge, squat or replay its way past the server.

Each test pushes what a misbehaving unit would through the real server on loopback (SQLite and
PostgreSQL server stores) and checks both the refusal and that nothing else changed.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, text

from store.engine import read_tx, write_tx
from store.followup import current_states
from store.ids import stable_id
from sync.protocol import (
    API_PREFIX,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    REGISTRY,
    PushRequest,
    Role,
    TableRows,
    pack,
    unpack,
)
from sync.wire_rows import read_rows, table_for
from tests.support.syncserver import (
    Province,
    RunningServer,
    add_person,
    centre_store,
    province_fixture,  # noqa: F401
    put,
    server_fixture,  # noqa: F401
    snapshot,
    sync_all,
    synthetic_cid,
)


def post_raw(
    server: RunningServer, path: str, body: bytes, token: str, **headers: str | bytes
) -> httpx.Response:
    sent: dict[str, str | bytes] = {
        "Authorization": f"Bearer {token}",
        PROTOCOL_HEADER: str(PROTOCOL_VERSION),
        "Content-Encoding": "gzip",
        **headers,
    }
    raw = [(k.encode(), v if isinstance(v, bytes) else v.encode()) for k, v in sent.items()]
    return httpx.post(f"{server.url}{API_PREFIX}/{path}", content=body, headers=raw, timeout=30)


def push(server: RunningServer, token: str, tables: dict[str, TableRows], upto: int = 1) -> Any:
    request = PushRequest(str(uuid.uuid4()), str(uuid.uuid4()), upto, tables)
    answer = post_raw(server, "push", pack(request.to_json()), token)
    assert answer.status_code == 200, answer.text
    return unpack(answer.content, compressed=False)


def rows_of(engine: Engine, table: str, ids: list[str]) -> TableRows:
    """Rows as a client would send them."""
    with read_tx(engine) as conn:
        return read_rows(conn, table_for(conn, table), ids)


def followup_rows(**values: Any) -> TableRows:
    row = {
        "id": str(uuid.uuid4()),
        "hospcode": "10001",
        "person_id": "",
        "action": "REGISTERED",
        "unit": "10001",
        "note": "",
        "hlc": "",
        "node_id": "node-a",
        "created_at": "2025-01-15T09:30:00+00:00",
        **values,
    }
    return TableRows(list(row), [list(row.values())])


def now_hlc(node: str, ahead_s: float = 0.0) -> str:
    wall = int((time.time() + ahead_s) * 1000)
    return f"{wall:013d}-000000-{node}"


def test_a_unit_cannot_forge_follow_ups_on_another_units_people(
    server: RunningServer, province: Province, tmp_path: Path
) -> None:
    b = centre_store(tmp_path / "b.db")
    with write_tx(b) as conn:
        person_b = add_person(conn, "10002", "1", synthetic_cid(2))
    sync_all(b, server.url, province.tokens["10002"])
    before = snapshot(province.engine)
    token_a = province.tokens["10001"]
    attempts = {
        "as its own unit": followup_rows(person_id=person_b, hlc=now_hlc("node-a")),
        "naming the other unit": followup_rows(
            person_id=person_b, hospcode="10002", hlc=now_hlc("node-a")
        ),
        "stamped far ahead": followup_rows(
            person_id=person_b, hospcode="10002", hlc="9999999999999-000000-node-a"
        ),
    }
    for what, rows in attempts.items():
        answer = push(server, token_a, {"followup_log": rows})
        assert len(answer["rejected"]) == 1, what
    assert snapshot(province.engine) == before
    with read_tx(province.engine) as conn:
        assert current_states(conn) == {}
    b.dispose()


def test_clock_stamps_are_well_formed_name_the_store_and_are_not_far_ahead(
    server: RunningServer, province: Province, tmp_path: Path
) -> None:
    a = centre_store(tmp_path / "a.db")
    with write_tx(a) as conn:
        person = add_person(conn, "10001", "1", synthetic_cid(1))
    sync_all(a, server.url, province.tokens["10001"])
    before = snapshot(province.engine)
    reasons = {}
    for stamp in (
        "not-an-hlc",
        "9999999999999-000000-node-a",
        now_hlc("node-a", ahead_s=3600),
        now_hlc("someone-else"),
        "１７３６０００００００００-000000-node-a",
    ):
        answer = push(
            server,
            province.tokens["10001"],
            {"followup_log": followup_rows(person_id=person, hlc=stamp)},
        )
        assert len(answer["rejected"]) == 1, stamp
        reasons[stamp] = answer["rejected"][0]["reason"]
    assert "ahead of the server's clock" in reasons["9999999999999-000000-node-a"]
    assert snapshot(province.engine) == before
    fine = push(
        server,
        province.tokens["10001"],
        {"followup_log": followup_rows(person_id=person, hlc=now_hlc("node-a", ahead_s=60))},
    )
    assert fine["rejected"] == [] and fine["applied"] == 1
    with read_tx(province.engine) as conn:
        assert set(current_states(conn)) == {person}
    a.dispose()


def test_a_province_token_writes_follow_ups_about_any_units_people(
    server: RunningServer, province: Province, tmp_path: Path
) -> None:
    a = centre_store(tmp_path / "a.db")
    with write_tx(a) as conn:
        person = add_person(conn, "10001", "1", synthetic_cid(1))
    sync_all(a, server.url, province.tokens["10001"])
    answer = push(
        server,
        province.tokens["province"],
        {"followup_log": followup_rows(person_id=person, node_id="n-p", hlc=now_hlc("n-p"))},
    )
    assert answer["rejected"] == []
    a.dispose()


def test_a_unit_cannot_squat_the_id_another_units_row_will_have(
    server: RunningServer, province: Province, tmp_path: Path
) -> None:
    a, c = centre_store(tmp_path / "a.db"), centre_store(tmp_path / "c.db")
    with write_tx(a) as conn:
        own = add_person(conn, "10001", "7", synthetic_cid(7))
    sync_all(a, server.url, province.tokens["10001"])
    before = snapshot(province.engine)
    squatted = stable_id("person", "10002", "1")
    forged = rows_of(a, "person", [own])
    forged.rows[0][forged.columns.index("id")] = squatted
    answer = push(server, province.tokens["10001"], {"person": forged})
    assert [(r["id"], r["reason"]) for r in answer["rejected"]] == [
        (squatted, "the row's id is not the one its key gives for this unit")
    ]
    assert snapshot(province.engine) == before
    with write_tx(c) as conn:
        real = add_person(conn, "10002", "1", synthetic_cid(9))
    result = sync_all(c, server.url, province.tokens["10002"])
    assert result.rejected == [] and real == squatted
    assert snapshot(province.engine)["person"][real]["hospcode"] == "10002"
    a.dispose()
    c.dispose()


def test_an_old_batch_under_a_new_store_id_does_not_roll_a_row_back(
    server: RunningServer, province: Province, tmp_path: Path
) -> None:
    a = centre_store(tmp_path / "a.db")
    with write_tx(a) as conn:
        person = add_person(
            conn, "10001", "1", synthetic_cid(1), name="old", d_update=dt.datetime(2025, 1, 1)
        )
    old = rows_of(a, "person", [person])
    sync_all(a, server.url, province.tokens["10001"])
    with write_tx(a) as conn:
        add_person(
            conn, "10001", "1", synthetic_cid(1), name="new", d_update=dt.datetime(2025, 2, 1)
        )
    sync_all(a, server.url, province.tokens["10001"])
    before = snapshot(province.engine)
    answer = push(server, province.tokens["10001"], {"person": old})
    assert [r["reason"] for r in answer["rejected"]] == [
        "older than the copy the server holds (by its update time)"
    ]
    assert snapshot(province.engine) == before
    assert before["person"][person]["name"] == "new"
    a.dispose()


def test_a_made_up_push_position_is_refused_and_later_pushes_still_apply(
    server: RunningServer, province: Province, tmp_path: Path
) -> None:
    a = centre_store(tmp_path / "a.db")
    with write_tx(a) as conn:
        person = add_person(conn, "10001", "1", synthetic_cid(1))
    node = str(uuid.uuid4())
    for upto in (2**62, 2**64):
        request = PushRequest(node, str(uuid.uuid4()), upto, {"person": rows_of(a, "person", [])})
        answer = post_raw(server, "push", pack(request.to_json()), province.tokens["10001"])
        assert 400 <= answer.status_code < 500, upto
        assert "Traceback" not in answer.text and answer.json()["message"]
    request = PushRequest(node, str(uuid.uuid4()), 5, {"person": rows_of(a, "person", [person])})
    answer = post_raw(server, "push", pack(request.to_json()), province.tokens["10001"])
    assert unpack(answer.content, compressed=False)["applied"] == 1
    assert set(snapshot(province.engine)["person"]) == {person}
    a.dispose()


STORE_ID_WITH_NUL = {
    "node_id": "a\u0000b",
    "batch_id": "b",
    "upto": 1,
    "tables": {},
    "cursor": 0,
    "limit": 5,
}


def _gz(body: str) -> bytes:
    return gzip.compress(body.encode(), mtime=0)


@pytest.mark.parametrize(
    ("what", "body", "headers"),
    [
        pytest.param("deep JSON", _gz("[" * 100_000 + "]" * 100_000), {}, id="deep JSON"),
        pytest.param("deep object", _gz('{"a":' * 50 + "1" + "}" * 50), {}, id="deep object"),
        pytest.param(
            "a 5,000-digit number",
            _gz('{"node_id": "n", "upto": ' + "9" * 5000 + "}"),
            {},
            id="a 5,000-digit number",
        ),
        pytest.param(
            "an endless number", _gz('{"node_id": "n", "upto": 1e999}'), {}, id="an endless number"
        ),
        pytest.param("NaN", _gz('{"node_id": "n", "upto": NaN}'), {}, id="NaN"),
        pytest.param(
            "a count of 2^64",
            _gz(json.dumps({"node_id": "n", "cursor": 2**64, "limit": 5})),
            {},
            id="a count of 2^64",
        ),
        pytest.param(
            "a NUL in the store id",
            _gz(json.dumps(STORE_ID_WITH_NUL)),
            {},
            id="a NUL in the store id",
        ),
        pytest.param(
            "a NUL in the unit",
            _gz(json.dumps({"node_id": "n", "cursor": 0, "limit": 5, "unit": "1\u0000"})),
            {},
            id="a NUL in the unit",
        ),
        pytest.param("not gzip", b"\x1f\x8b\x08\x00garbage", {}, id="not gzip"),
        pytest.param(
            "a bad protocol header",
            _gz("{}"),
            {PROTOCOL_HEADER: "²".encode("latin-1")},
            id="a bad protocol header",
        ),
        pytest.param(
            "a huge protocol header",
            _gz("{}"),
            {PROTOCOL_HEADER: "9" * 400},
            id="a huge protocol header",
        ),
    ],
)
def test_every_client_error_is_a_4xx_with_a_message(
    server: RunningServer,
    province: Province,
    what: str,
    body: bytes,
    headers: dict[str, str | bytes],
) -> None:
    for path in ("push", "pull"):
        answer = post_raw(server, path, body, province.tokens["10001"], **headers)
        assert 400 <= answer.status_code < 500, (what, path, answer.status_code)
        assert answer.json()["message"], what
        assert "Traceback" not in answer.text


def test_a_row_the_database_refuses_is_refused_alone(
    server: RunningServer, province: Province, tmp_path: Path
) -> None:
    a = centre_store(tmp_path / "a.db")
    with write_tx(a) as conn:
        ids = [add_person(conn, "10001", str(n), synthetic_cid(n)) for n in range(1, 4)]
    rows = rows_of(a, "person", ids)
    name_at = rows.columns.index("name")
    bad = rows.rows[1][rows.columns.index("id")]
    rows.rows[1][name_at] = "So\x00mchai"
    answer = push(server, province.tokens["10001"], {"person": rows})
    held = snapshot(province.engine)["person"]
    assert set(ids) - {bad} <= set(held)
    if province.engine.dialect.name == "postgresql":
        assert [r["id"] for r in answer["rejected"]] == [bad]
        assert "refused the row" in answer["rejected"][0]["reason"]
        assert bad not in held
    with write_tx(a) as conn:
        later = add_person(conn, "10001", "9", synthetic_cid(9))
    result = sync_all(a, server.url, province.tokens["10001"])
    assert later in snapshot(province.engine)["person"] and result.pending == 0
    a.dispose()


def _batch_of(rows: int) -> bytes:
    row = [str(uuid.uuid4()), *(["x" * 600] * 5)]
    table = {"columns": ["id", "a", "b", "c", "d", "e"], "rows": [row] * rows, "deleted": []}
    return pack({"node_id": "n", "batch_id": "b", "upto": 1, "tables": {"nope": table}})


HEALTH_WAIT_S = 2.5
"""The longest /healthz may wait while a push is read: a body parsed on the event loop stalled
it 4-8 s; a loaded 2-core machine answers in about 1 s when the body is read in a thread."""


@pytest.mark.parametrize(
    ("what", "body", "status"),
    [
        pytest.param(
            "a full batch of long rows", _batch_of(2_000), 200, id="a full batch of long rows"
        ),
        pytest.param(
            "a small body inflating to 64 MB",
            _gz('{"node_id": "' + " " * 64_000_000 + '"}'),
            400,
            id="a small body inflating to 64 MB",
        ),
    ],
)
def test_health_answers_while_a_push_is_read(
    server: RunningServer, province: Province, what: str, body: bytes, status: int
) -> None:
    done = threading.Event()
    statuses: list[int] = []

    def send() -> None:
        statuses.append(post_raw(server, "push", body, province.tokens["10001"]).status_code)
        done.set()

    sender = threading.Thread(target=send)
    sender.start()
    slowest = 0.0
    while not done.is_set():
        started = time.monotonic()
        assert httpx.get(f"{server.url}/healthz", timeout=30).status_code == 200
        slowest = max(slowest, time.monotonic() - started)
    sender.join()
    assert statuses == [status], what
    assert slowest < HEALTH_WAIT_S, f"/healthz waited {slowest:.2f} s behind {what}"


def test_a_follow_up_stamp_stored_before_the_checks_does_not_break_the_work_list(
    province: Province, tmp_path: Path
) -> None:
    from tests.support.syncserver import put

    with write_tx(province.engine) as conn:
        person = add_person(conn, "10001", "1", synthetic_cid(1))
        for stamp, action in (("not-an-hlc", "REGISTERED"), (now_hlc("node-a"), "PHONED")):
            row = followup_rows(person_id=person, hlc=stamp, action=action)
            values = dict(zip(row.columns, row.rows[0], strict=True))
            values["created_at"] = dt.datetime(2025, 1, 15, 9, 30, tzinfo=dt.UTC)
            put(conn, "followup_log", values)
    with read_tx(province.engine) as conn:
        states = current_states(conn)
    assert states[person].action == "PHONED"


def test_a_pulled_copy_older_than_the_centres_own_does_not_replace_it(
    server: RunningServer, province: Province, tmp_path: Path
) -> None:
    from tests.support.syncserver import add_right

    cid = synthetic_cid(3)
    a = centre_store(tmp_path / "a.db")
    with write_tx(a) as conn:
        add_person(conn, "10001", "3", cid)
        right = add_right(conn, cid, maininscl="SSS")
        conn.execute(
            text("UPDATE nhso_right SET imported_at = :at WHERE id = :id"),
            {"at": dt.datetime(2025, 3, 1, tzinfo=dt.UTC), "id": right},
        )
    with write_tx(province.engine) as conn:
        add_right(conn, cid, maininscl="UCS")
    for _ in range(2):
        sync_all(a, server.url, province.tokens["10001"])
    assert snapshot(a)["nhso_right"][right]["maininscl"] == "SSS"
    a.dispose()


def without_version(rows: TableRows, version: str, *, drop: bool) -> TableRows:
    """The rows with their version column left out (`drop`) or sent empty."""
    at = rows.columns.index(version)
    if drop:
        columns = [c for c in rows.columns if c != version]
        return TableRows(columns, [[v for i, v in enumerate(r) if i != at] for r in rows.rows])
    return TableRows(list(rows.columns), [[*r[:at], None, *r[at + 1 :]] for r in rows.rows])


@pytest.mark.parametrize("drop", [True, False], ids=["left out", "empty"])
def test_a_row_pushed_without_its_update_time_is_refused(
    server: RunningServer, province: Province, tmp_path: Path, drop: bool
) -> None:
    a = centre_store(tmp_path / "a.db")
    with write_tx(a) as conn:
        person = add_person(conn, "10001", "1", synthetic_cid(1), name="kept")
    sync_all(a, server.url, province.tokens["10001"])
    with write_tx(a) as conn:
        add_person(conn, "10001", "1", synthetic_cid(1), name="rolled back")
    bare = without_version(rows_of(a, "person", [person]), "d_update", drop=drop)
    before = snapshot(province.engine)
    answer = push(server, province.tokens["10001"], {"person": bare})
    assert [r["id"] for r in answer["rejected"]] == [person]
    assert snapshot(province.engine) == before
    a.dispose()


@pytest.mark.parametrize("empty", [None, ""], ids=["none", "blank"])
def test_the_version_check_refuses_a_row_without_its_update_time(
    province: Province, tmp_path: Path, empty: str | None
) -> None:
    """Whatever reached it: the version check itself lets no row through unversioned."""
    from sync.server.auth import Identity
    from sync.server.settings import TrustSettings
    from sync.server.trust import check_rows
    from sync.wire_rows import decode_rows

    a = centre_store(tmp_path / "a.db")
    with write_tx(a) as conn:
        person = add_person(conn, "10001", "1", synthetic_cid(1))
    with write_tx(province.engine) as conn:
        add_person(conn, "10001", "1", synthetic_cid(1), name="held")
        table = table_for(conn, "person")
        rows, bad = decode_rows(conn, table, rows_of(a, "person", [person]), "test")
        assert bad == []
        rows = [{**row, "d_update": empty} for row in rows]
        unit = Identity("c", Role.FACILITY, "10001", "unit 10001")
        entry = next(e for e in REGISTRY if e.name == "person")
        kept, refused = check_rows(conn, unit, entry, rows, TrustSettings())
    assert kept == []
    assert [(r.id, r.reason) for r in refused] == [
        (person, "the row has no d_update, the update time that decides between copies")
    ]
    a.dispose()


OWN_CLOCK = {
    "nhso_rep_line": ("imported_at", "main_fund"),
    "nhso_stm_line": ("imported_at", "rep_no"),
    "nhso_transfer": ("imported_at", "detail"),
    "pp_catalog_item": ("loaded_at", "name_en"),
}
"""Province-owned tables: the column saying when the copy was loaded, and one to compare."""


def test_every_province_owned_table_has_a_version_column() -> None:
    from sync.ingest.keys import version_columns
    from sync.protocol import Owner

    province_owned = {e.name for e in REGISTRY if e.owner is Owner.PROVINCE}
    assert province_owned <= set(version_columns())
    assert {t: version_columns()[t] for t in OWN_CLOCK} == {t: v for t, (v, _) in OWN_CLOCK.items()}


@pytest.mark.parametrize("table", sorted(OWN_CLOCK))
def test_a_pulled_statement_or_catalog_row_older_than_the_centres_does_not_replace_it(
    server: RunningServer, province: Province, tmp_path: Path, table: str
) -> None:
    version, column = OWN_CLOCK[table]
    row_id = str(uuid.uuid4())
    a = centre_store(tmp_path / "a.db")
    newer = {"id": row_id, "hospcode": "10001", column: "newer", version: dt.datetime(2025, 3, 1)}
    if table == "pp_catalog_item":
        newer.pop("hospcode")
    with write_tx(a) as conn:
        put(conn, table, newer)
    with write_tx(province.engine) as conn:
        put(conn, table, {**newer, column: "older", version: dt.datetime(2025, 1, 1)})
    for _ in range(2):
        sync_all(a, server.url, province.tokens["10001"])
    assert snapshot(a)[table][row_id][column] == "newer"
    a.dispose()
