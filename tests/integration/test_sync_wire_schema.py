"""Real sync messages against the served `/openapi.json`: the description is the wire format.

A centre and the provincial team sync through a real server (`tests.support.syncserver`) that
records every exchange as it crossed the wire; each request the server accepted and each answer it
sent, refusals included, is then validated against the schema the server itself serves.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator

from store.engine import write_tx
from sync.protocol import (
    API_PREFIX,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    Hello,
    PullPage,
    PullRequest,
    PushRequest,
    PushResult,
    Rejection,
    TableRows,
    Welcome,
    pack,
)
from sync.server.admin import add_user
from sync.server.compaction import compact_log
from sync.server.sequencer import sequence_pending
from tests.support.syncserver import (
    Exchange,
    RunningServer,
    add_catalog_item,
    add_followup,
    add_person,
    add_right,
    add_statement_line,
    centre_store,
    make_province,
    sync_all,
    synthetic_cid,
)

UNIT = "10001"
Recorded = tuple[dict[str, Any], list[Exchange]]


def _body(raw: bytes, headers: dict[str, str]) -> Any:
    if headers.get("content-encoding") == "gzip":
        raw = gzip.decompress(raw)
    return json.loads(raw)


def _validator(document: dict[str, Any], schema: dict[str, Any]) -> Draft202012Validator:
    """A validator for `schema` whose `#/components/...` references resolve in `document`."""
    return Draft202012Validator({**document, **schema})


def _json_schema(spec: dict[str, Any]) -> dict[str, Any] | None:
    content = spec.get("content", {}).get("application/json")
    return None if content is None else dict(content["schema"])


def _post(url: str, path: str, body: bytes, token: str, version: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}", PROTOCOL_HEADER: version}
    headers["Content-Encoding"] = "gzip"
    return httpx.post(f"{url}{API_PREFIX}/{path}", content=body, headers=headers, timeout=10)


@pytest.fixture(scope="module")
def exchanges(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Recorded]:
    """The served schema, and every exchange of a first and a routine sync, plus refusals."""
    tmp_path = tmp_path_factory.mktemp("wire")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SITTHI_HOME", str(tmp_path / "home"))
        yield _record(tmp_path)


def _record(tmp_path: Path) -> Recorded:
    province = make_province(f"sqlite:///{tmp_path / 'province.db'}")
    centre = centre_store(tmp_path / "centre.db")
    reader = centre_store(tmp_path / "reader.db")
    cid = synthetic_cid(1)
    with write_tx(centre) as conn:
        person = add_person(conn, UNIT, "1", cid)
        add_person(conn, UNIT, "2", synthetic_cid(2), name="Somsri")
        add_followup(conn, UNIT, person, "visited at home")
    with write_tx(province.engine) as conn:
        add_right(conn, cid, hsub=UNIT)
        add_statement_line(conn, UNIT, cid, 1)
        add_catalog_item(conn, "ANC")
    server = RunningServer(province.engine, record=True)
    server.start()
    try:
        first = sync_all(centre, server.url, province.tokens[UNIT])
        assert first.pushed and first.pulled
        sync_all(centre, server.url, province.tokens[UNIT])
        sync_all(reader, server.url, province.tokens["province"])
        sync_all(reader, server.url, province.tokens["province"])
        sequence_pending(province.engine)
        compact_log(province.engine)
        late = centre_store(tmp_path / "late.db")
        assert sync_all(late, server.url, add_user(province.engine, "late reader")).pulled
        late.dispose()
        hello = pack({"node_id": "n", "client_version": "0.1"})
        assert _post(server.url, "hello", hello, "sitthi_wrong", "1").status_code == 401
        assert _post(server.url, "hello", hello, province.tokens[UNIT], "0").status_code == 426
        torn = pack({"node_id": "n", "batch_id": "b", "upto": 0, "tables": {}})
        assert _post(server.url, "push", torn, province.tokens[UNIT], "1").status_code == 400
        assert httpx.get(f"{server.url}/healthz", timeout=10).status_code == 200
        document = httpx.get(f"{server.url}/openapi.json", timeout=10).json()
    finally:
        server.stop()
        for engine in (centre, reader, province.engine):
            engine.dispose()
    assert server.recorder is not None
    return document, server.recorder.exchanges


def test_every_real_message_fits_the_served_schema(
    exchanges: Recorded,
) -> None:
    document, recorded = exchanges
    checked: list[tuple[str, int]] = []
    for exchange in recorded:
        operation = document["paths"][exchange.path][exchange.method.lower()]
        request = operation.get("requestBody")
        if request is not None and exchange.status == 200:
            schema = _json_schema(request)
            assert schema is not None
            sent = _body(exchange.request_body, exchange.request_headers)
            _validator(document, schema).validate(sent)
        answer = operation["responses"][str(exchange.status)]
        schema = _json_schema(answer)
        if schema is not None:
            got = _body(exchange.response_body, exchange.response_headers)
            _validator(document, schema).validate(got)
        checked.append((exchange.path, exchange.status))
    for name in ("hello", "push", "pull"):
        assert (f"{API_PREFIX}/{name}", 200) in checked, name
    assert {400, 401, 426} <= {status for _, status in checked}
    assert ("/healthz", 200) in checked


def test_a_snapshot_of_the_tables_travels_in_the_same_messages(exchanges: Recorded) -> None:
    """A reader that joined after compaction read a snapshot; its pages were checked above."""
    _document, recorded = exchanges
    pages = [
        _body(e.response_body, e.response_headers)
        for e in recorded
        if e.path == f"{API_PREFIX}/pull" and e.status == 200
    ]
    assert any(page.get("snapshot") for page in pages)


def test_the_schema_refuses_what_the_server_refuses(
    exchanges: Recorded,
) -> None:
    """The served schema is no looser than the models: a real push broken three ways fails it."""
    document, recorded = exchanges
    push = next(e for e in recorded if e.path == f"{API_PREFIX}/push" and e.status == 200)
    sent = _body(push.request_body, push.request_headers)
    schema = _json_schema(document["paths"][push.path]["post"]["requestBody"])
    assert schema is not None
    validator = _validator(document, schema)
    table = next(iter(sent["tables"]))
    broken = [
        {**sent, "upto": 0},
        {**sent, "node_id": 7},
        {**sent, "tables": {table: {"columns": sent["tables"][table]["columns"]}}},
    ]
    for message in broken:
        assert not validator.is_valid(message)


def test_the_bodies_are_protocol_1s_key_for_key() -> None:
    """The models send what protocol 1 always sent, so servers and clients of before still read
    them: the same keys in the same order, `unit` only when a unit is asked for."""
    rows = TableRows(["id", "cid"], [["a", "1990100000011"]], ["b"])
    bodies = {
        "hello": Hello("node", "0.1.0").to_json(),
        "welcome": Welcome("facility", UNIT, "unit", "0.1.0", writable=["person"]).to_json(),
        "push": PushRequest("node", "batch", 3, {"person": rows}).to_json(),
        "result": PushResult(3, 1, [Rejection("person", "b", "why")]).to_json(),
        "pull": PullRequest("node", 0, 2000).to_json(),
        "pull_unit": PullRequest("node", 5, 10, UNIT).to_json(),
        "page": PullPage(9, {"nhso_right": rows}, False).to_json(),
    }
    assert {name: list(body) for name, body in bodies.items()} == {
        "hello": ["node_id", "client_version"],
        "welcome": ["role", "hospcode", "name", "server_version", "protocol", "writable", "acked"],
        "push": ["node_id", "batch_id", "upto", "tables"],
        "result": ["acked", "applied", "rejected", "duplicate"],
        "pull": ["node_id", "cursor", "limit"],
        "pull_unit": ["node_id", "cursor", "limit", "unit"],
        "page": ["cursor", "tables", "more"],
    }
    assert bodies["page"]["tables"] == {
        "nhso_right": {"columns": ["id", "cid"], "rows": [["a", "1990100000011"]], "deleted": ["b"]}
    }
    assert bodies["welcome"]["protocol"] == PROTOCOL_VERSION
    assert bodies["result"]["rejected"] == [{"table": "person", "id": "b", "reason": "why"}]
