"""`sitthi recompute` and `sitthi report kpi` over the stored judgements: the stored report and
`--fresh` print the same JSON; a catalog change is in the figures after the next read."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from store.engine import open_store, read_tx, write_tx
from store.models import SQLModel
from store.pp.catalog import Catalog, shipped_catalog
from store.pp.catalog_store import replace_catalog
from tests.support.cli import run
from tests.support.tui_store import HOSPCODE, build_store

AS_OF = "2025-01-15"
UNITS = SQLModel.metadata.tables["judged_unit"]


def _kpi(capsys: pytest.CaptureFixture[str], url: str, *extra: str) -> str:
    code, out, err = run(capsys, "report", "kpi", "--json", "--as-of", AS_OF, "--db", url, *extra)
    assert (code, err) == (0, "")
    return out


def _stored(url: str) -> int:
    engine = open_store(url)
    with read_tx(engine) as conn:
        count = int(conn.execute(select(func.count()).select_from(UNITS)).scalar() or 0)
    engine.dispose()
    return count


def test_the_stored_report_is_the_fresh_report_byte_for_byte(
    store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    build_store(store_url).dispose()
    fresh = _kpi(capsys, store_url, "--fresh")
    assert _stored(store_url) == 0
    stored = _kpi(capsys, store_url)
    assert _stored(store_url) == 1
    assert stored == fresh
    assert _kpi(capsys, store_url) == fresh


def test_recompute_after_a_catalog_change_stores_the_new_money(
    store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = build_store(store_url)
    code, out, _ = run(capsys, "recompute", "--as-of", "15/01/2568", "--db", store_url)
    assert code == 0
    assert "1" in out and "15 ม.ค. 2568" in out and "2025" not in out
    _, english, _ = run(
        capsys, "recompute", "--as-of", "15/01/2568", "--db", store_url, "--lang", "en"
    )
    assert "as of 15 Jan 2025" in english
    before = json.loads(_kpi(capsys, store_url))["units"][0]["pp"]["eligible_baht"]
    items = [
        dataclasses.replace(item, rate=item.rate + Decimal("10.00"))
        for item in shipped_catalog().items
        if item.fiscal_year == 2568
    ]
    with write_tx(engine) as conn:
        replace_catalog(conn, Catalog(tuple(items)), origin="test")
    engine.dispose()
    code, _, _ = run(capsys, "recompute", "--hospcode", HOSPCODE, "--db", store_url)
    assert code == 0
    after = json.loads(_kpi(capsys, store_url))
    assert after["units"][0]["pp"]["eligible_baht"] > before
    assert json.dumps(after) == json.dumps(json.loads(_kpi(capsys, store_url, "--fresh")))


def test_recompute_refuses_an_unknown_unit(
    store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    build_store(store_url).dispose()
    code, _, err = run(capsys, "recompute", "--hospcode", "99999", "--db", store_url)
    assert code == 1
    assert "99999" in err


def test_a_buddhist_era_date_with_slashes_is_the_day_it_names(
    store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    build_store(store_url).dispose()
    argv = ("report", "kpi", "--json", "--as-of", "30/06/2569", "--db", store_url)
    code, out, err = run(capsys, *argv)
    assert (code, err) == (0, "")
    assert json.loads(out)["as_of"] == "2026-06-30"
