"""The wire format: messages, compression limits, and values that survive the round trip."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Boolean, Column, Date, DateTime, Integer, MetaData, Numeric, String, Table

from sync.protocol import (
    MIN_PROTOCOL_VERSION,
    PROTOCOL_VERSION,
    REGISTRY,
    Owner,
    ProtocolError,
    PullPage,
    PullRequest,
    PushRequest,
    PushResult,
    Rejection,
    Role,
    TableRows,
    pack,
    refusal_text,
    supported,
    unpack,
)
from sync.wire_rows import decode_value, encode_value

SAMPLE = Table(
    "sample",
    MetaData(),
    Column("id", String(36), primary_key=True),
    Column("code", String(16), nullable=False),
    Column("born", Date, nullable=True),
    Column("seen_at", DateTime(timezone=True), nullable=True),
    Column("updated", DateTime, nullable=True),
    Column("paid", Numeric(12, 2), nullable=True),
    Column("count", Integer, nullable=True),
    Column("thai", Boolean, nullable=True),
)


def test_messages_survive_packing() -> None:
    rows = TableRows(["id", "code"], [["a", "x"]], ["b"])
    push = PushRequest("node", "batch", 7, {"person": rows})
    assert PushRequest.from_json(unpack(pack(push.to_json()))) == push
    result = PushResult(7, 1, [Rejection("person", "b", "the row belongs to another unit")])
    assert PushResult.from_json(unpack(pack(result.to_json()))) == result
    page = PullPage(12, {"nhso_right": rows}, True)
    assert PullPage.from_json(unpack(pack(page.to_json()))) == page
    assert len(page) == 2


@pytest.mark.parametrize(
    "message",
    [
        {"node_id": "n", "batch_id": "b", "upto": 0, "tables": {}},
        {"node_id": "n", "batch_id": "b", "upto": True, "tables": {}},
        {"node_id": "n", "batch_id": "b", "upto": 3, "tables": []},
        {"node_id": "n", "batch_id": "b", "upto": 3, "tables": {"t": {"columns": ["x"]}}},
        {
            "node_id": "n",
            "batch_id": "b",
            "upto": 3,
            "tables": {"t": {"columns": ["id"], "rows": [["a", "extra"]], "deleted": []}},
        },
    ],
)
def test_a_malformed_push_is_refused_with_a_reason(message: dict[str, object]) -> None:
    with pytest.raises(ProtocolError):
        PushRequest.from_json(message)


def test_pull_pages_are_bounded() -> None:
    with pytest.raises(ProtocolError):
        PullRequest.from_json({"node_id": "n", "cursor": 0, "limit": 10**6})
    with pytest.raises(ProtocolError):
        PullRequest.from_json({"node_id": "n", "cursor": -1, "limit": 10})


def test_a_gzip_bomb_is_refused_before_it_inflates() -> None:
    bomb = gzip.compress(b"[" + b" " * 5_000_000 + b"]")
    with pytest.raises(ProtocolError, match="inflates beyond"):
        unpack(bomb, limit=1_000_000)


def test_truncated_or_garbled_bodies_are_refused() -> None:
    body = pack({"node_id": "n"})
    with pytest.raises(ProtocolError, match="truncated"):
        unpack(body[: len(body) // 2])
    with pytest.raises(ProtocolError, match="not gzip"):
        unpack(b"definitely not gzip")
    with pytest.raises(ProtocolError, match="not a JSON object"):
        unpack(json.dumps([1, 2]).encode(), compressed=False)


def test_versions_outside_the_served_range_are_refused_with_a_clear_message() -> None:
    assert supported(PROTOCOL_VERSION) and supported(MIN_PROTOCOL_VERSION)
    assert not supported(MIN_PROTOCOL_VERSION - 1)
    assert not supported(PROTOCOL_VERSION + 1)
    assert "install the Sitthi version the province uses" in refusal_text(0)


def test_the_registry_gives_every_table_one_owner_and_a_way_to_its_readers() -> None:
    for entry in REGISTRY:
        if entry.owner in (Owner.FACILITY, Owner.SHARED_LOG):
            assert entry.unit_column == "hospcode", entry.name
        if entry.owner in (Owner.PROVINCE, Owner.SHARED_LOG):
            assert entry.routes, f"{entry.name} would reach no unit"
        if entry.owner is Owner.FACILITY:
            assert entry.writable_by(Role.FACILITY) and not entry.writable_by(Role.PROVINCE)
        if entry.owner is Owner.PROVINCE:
            assert entry.writable_by(Role.PROVINCE) and not entry.writable_by(Role.FACILITY)
    nhso = next(e for e in REGISTRY if e.name == "nhso_right")
    assert {r.cid_column for r in nhso.routes} >= {"cid"}
    assert {r.column for r in nhso.routes} >= {"hsub", "hmain_op"}


naive_moments = st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 1, 1))
aware_moments = st.datetimes(
    min_value=dt.datetime(1900, 1, 2),
    max_value=dt.datetime(2200, 1, 1),
    timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=7))]),
)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    code=st.text(max_size=16),
    born=st.none() | st.dates(),
    seen_at=st.none() | aware_moments,
    updated=st.none() | naive_moments,
    paid=st.none() | st.decimals(min_value=-(10**9), max_value=10**9, places=2),
    count=st.none() | st.integers(-(2**62), 2**62),
    thai=st.none() | st.booleans(),
)
def test_values_read_back_as_the_same_values_on_both_backends(
    code: str,
    born: dt.date | None,
    seen_at: dt.datetime | None,
    updated: dt.datetime | None,
    paid: Decimal | None,
    count: int | None,
    thai: bool | None,
) -> None:
    values = {
        "id": "x",
        "code": code,
        "born": born,
        "seen_at": seen_at,
        "updated": updated,
        "paid": paid,
        "count": count,
        "thai": thai,
    }
    wire = json.loads(json.dumps({k: encode_value(v) for k, v in values.items()}))
    for dialect in ("postgresql", "sqlite"):
        back = {k: decode_value(SAMPLE.c[k], v, dialect) for k, v in wire.items()}
        assert back["code"] == code and back["born"] == born and back["paid"] == paid
        assert back["count"] == count and back["thai"] == thai and back["updated"] == updated
        if seen_at is None:
            assert back["seen_at"] is None
        elif dialect == "postgresql":
            assert back["seen_at"] == seen_at
        else:
            assert back["seen_at"] == seen_at.astimezone(dt.UTC).replace(tzinfo=None)


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("code", None, "is empty"),
        ("code", 12, "is not text"),
        ("code", "x" * 17, "longer than 16"),
        ("born", "15/01/2568", "Invalid isoformat"),
        ("paid", "NaN", "not a finite number"),
        ("paid", "lots", "not a decimal number"),
        ("count", "3", "not a whole number"),
        ("count", True, "not a whole number"),
        ("thai", "yes", "not true/false"),
    ],
)
def test_a_value_that_does_not_fit_its_column_is_refused(
    column: str, value: object, reason: str
) -> None:
    with pytest.raises(ValueError, match=reason):
        decode_value(SAMPLE.c[column], value, "sqlite")
