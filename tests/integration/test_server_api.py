"""The server's own contract: health, schema, tokens, versions and who may read or write what.

Every test runs against a real uvicorn server on 127.0.0.1, once with a SQLite server store and
once with PostgreSQL.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from store.engine import read_tx, write_tx
from sync.client import SyncClient, SyncRefused, sync_once
from sync.protocol import (
    API_PREFIX,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    PushRequest,
    TableRows,
    pack,
    unpack,
)
from tests.support.syncserver import (
    Province,
    RunningServer,
    add_person,
    add_right,
    centre_store,
    province_fixture,  # noqa: F401
    server_fixture,  # noqa: F401
    snapshot,
    sync_all,
    synthetic_cid,
)


def post(
    server: RunningServer, path: str, message: Mapping[str, object], token: str, version: int
) -> httpx.Response:
    return httpx.post(
        f"{server.url}{API_PREFIX}/{path}",
        content=pack(dict(message)),
        headers={
            "Authorization": f"Bearer {token}",
            PROTOCOL_HEADER: str(version),
            "Content-Encoding": "gzip",
            "Accept-Encoding": "gzip",
        },
        timeout=10,
    )


def test_health_and_the_openapi_schema_describe_every_route(server: RunningServer) -> None:
    health = httpx.get(f"{server.url}/healthz", timeout=5)
    assert health.status_code == 200 and health.json()["status"] == "ok"
    schema = httpx.get(f"{server.url}/openapi.json", timeout=5).json()
    assert schema["openapi"].startswith("3.")
    from sync.server.app import create_app

    app = create_app(server.engine)
    served = {route.path for route in app.routes}  # type: ignore[attr-defined]
    assert set(schema["paths"]) == served
    for name, item in schema["paths"].items():
        for operation in item.values():
            for ref in _refs(operation):
                assert ref.split("/")[-1] in schema["components"]["schemas"], (name, ref)


def _refs(value: object) -> list[str]:
    if isinstance(value, dict):
        found = [value["$ref"]] if "$ref" in value else []
        return found + [r for v in value.values() for r in _refs(v)]
    if isinstance(value, list):
        return [r for v in value for r in _refs(v)]
    return []


def test_a_wrong_token_gets_401(server: RunningServer) -> None:
    hello = {"node_id": "n", "client_version": "0"}
    answer = post(server, "hello", hello, "sitthi_not-a-real-token", PROTOCOL_VERSION)
    assert answer.status_code == 401
    assert answer.json() == {"error": "unauthorized", "message": "unknown or revoked token"}


def test_an_old_client_is_refused_with_a_clear_message(
    server: RunningServer, province: Province
) -> None:
    hello = {"node_id": "n", "client_version": "0.0.1"}
    answer = post(server, "hello", hello, province.tokens["10001"], 0)
    assert answer.status_code == 426
    assert "install the Sitthi version the province uses" in answer.json()["message"]


def test_tokens_are_kept_only_as_digests(province: Province) -> None:
    token = province.tokens["10001"]
    with read_tx(province.engine) as conn:
        stored = [r[0] for r in conn.execute(text("SELECT token_hash FROM sync_credential"))]
    assert token not in stored
    assert hashlib.sha256(token.encode()).hexdigest() in stored


def test_a_unit_may_not_write_another_units_rows(
    server: RunningServer, province: Province, tmp_path: Path
) -> None:
    centre = centre_store(tmp_path / "a.db")
    with write_tx(centre) as conn:
        own = add_person(conn, "10001", "1", synthetic_cid(1))
        foreign = add_person(conn, "10002", "1", synthetic_cid(2))
        right = add_right(conn, synthetic_cid(1))
    result = sync_all(centre, server.url, province.tokens["10001"])
    assert {(r.table, r.id) for r in result.rejected} == {("person", foreign)}
    assert result.rejected[0].reason == "the row belongs to another unit"
    held = snapshot(province.engine)
    assert set(held["person"]) == {own}
    assert right not in held["nhso_right"], "a unit's own NHSO look-ups stay local"
    assert result.pending == 0
    centre.dispose()


def test_a_unit_may_not_take_over_an_id_held_by_another_unit(
    server: RunningServer, province: Province
) -> None:
    with write_tx(province.engine) as conn:
        taken = add_person(conn, "10002", "1", synthetic_cid(2))
    rows = snapshot(province.engine)["person"][taken]
    columns = list(rows)
    forged = {**rows, "hospcode": "10001", "name": "forged"}
    values = [_wire(forged[c]) for c in columns]
    push = PushRequest("node", "batch", 1, {"person": TableRows(columns, [values])})
    answer = post(server, "push", push.to_json(), province.tokens["10001"], PROTOCOL_VERSION)
    body = unpack(answer.content, compressed=False)
    assert answer.status_code == 200
    assert body["rejected"] == [
        {
            "table": "person",
            "id": taken,
            "reason": "the row's id is not the one its key gives for this unit",
        }
    ]
    assert snapshot(province.engine)["person"][taken]["name"] == rows["name"]


def _wire(value: object) -> object:
    from sync.wire_rows import encode_value

    return encode_value(value)


def test_a_unit_may_not_write_province_rows(server: RunningServer, province: Province) -> None:
    push = PushRequest(
        "node",
        "batch",
        1,
        {"nhso_right": TableRows(["id"], [["x"]]), "no_such_table": TableRows(["id"], [["y"]])},
    )
    answer = post(server, "push", push.to_json(), province.tokens["10001"], PROTOCOL_VERSION)
    reasons = {
        r["table"]: r["reason"] for r in unpack(answer.content, compressed=False)["rejected"]
    }
    assert reasons == {
        "nhso_right": "nhso_right rows are written by the province",
        "no_such_table": "no_such_table is not a synced table",
    }


def test_a_unit_may_not_read_another_units_feed_but_the_province_may(
    server: RunningServer, province: Province
) -> None:
    other = {"node_id": "n", "cursor": 0, "limit": 10, "unit": "10002"}
    refused = post(server, "pull", other, province.tokens["10001"], PROTOCOL_VERSION)
    assert refused.status_code == 403
    assert refused.json()["message"] == "a unit's token reads only that unit's rows"
    allowed = post(server, "pull", other, province.tokens["province"], PROTOCOL_VERSION)
    assert allowed.status_code == 200


def test_a_unit_never_receives_another_units_rows_and_the_province_reads_all(
    server: RunningServer, province: Province, tmp_path: Path
) -> None:
    a, b, p = (centre_store(tmp_path / f"{n}.db") for n in ("a", "b", "p"))
    with write_tx(a) as conn:
        person_a = add_person(conn, "10001", "1", synthetic_cid(1))
    with write_tx(b) as conn:
        person_b = add_person(conn, "10002", "1", synthetic_cid(2))
    for engine, who in ((a, "10001"), (b, "10002"), (a, "10001"), (p, "province")):
        sync_all(engine, server.url, province.tokens[who])
    assert set(snapshot(a)["person"]) == {person_a}
    assert set(snapshot(b)["person"]) == {person_b}
    assert snapshot(p)["person"] == snapshot(province.engine)["person"]
    assert set(snapshot(p)["person"]) == {person_a, person_b}
    for engine in (a, b, p):
        engine.dispose()


def test_a_replayed_push_is_applied_once(
    server: RunningServer, province: Province, tmp_path: Path
) -> None:
    centre = centre_store(tmp_path / "a.db")
    with write_tx(centre) as conn:
        person = add_person(conn, "10001", "1", synthetic_cid(1), name="first")
    with SyncClient(centre, server.url, province.tokens["10001"]) as client:
        welcome = client.hello()
        first = client._next_batch(set(welcome.writable))
        assert first is not None
        client.push_all(welcome)
    with write_tx(centre) as conn:
        add_person(conn, "10001", "1", synthetic_cid(1), name="second")
    sync_all(centre, server.url, province.tokens["10001"])
    replay = post(server, "push", first.to_json(), province.tokens["10001"], PROTOCOL_VERSION)
    answer = unpack(replay.content, compressed=False)
    assert answer["duplicate"] is True and answer["applied"] == 0
    assert snapshot(province.engine)["person"][person]["name"] == "second"
    centre.dispose()


def test_sync_stops_with_a_message_when_the_token_is_refused(
    server: RunningServer, tmp_path: Path
) -> None:
    centre = centre_store(tmp_path / "a.db")
    with pytest.raises(SyncRefused, match="refused the token"):
        sync_once(centre, server.url, "sitthi_wrong")
    centre.dispose()


def test_import_provenance_stays_local_and_synced_rows_name_their_sync(
    server: RunningServer, province: Province, tmp_path: Path
) -> None:
    centre = centre_store(tmp_path / "a.db")
    with write_tx(centre) as conn:
        person = add_person(conn, "10001", "1", synthetic_cid(1))
    with write_tx(province.engine) as conn:
        right = add_right(conn, synthetic_cid(1))
    with SyncClient(centre, server.url, province.tokens["10001"]) as client:
        welcome = client.hello()
        batch = client._next_batch(set(welcome.writable))
        assert batch is not None and "batch_id" not in batch.tables["person"].columns
    sync_all(centre, server.url, province.tokens["10001"])
    with read_tx(province.engine) as conn:
        at_server = conn.execute(text("SELECT batch_id FROM person WHERE id = :i"), {"i": person})
        assert at_server.scalar() != "batch-1"
    with read_tx(centre) as conn:
        pulled = conn.execute(text("SELECT batch_id FROM nhso_right WHERE id = :i"), {"i": right})
        assert str(pulled.scalar()).startswith("pull-")
    centre.dispose()
