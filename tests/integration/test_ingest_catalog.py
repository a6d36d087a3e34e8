"""A province's PP catalog CSV offered to `sitthi import`: checked whole, stored per fiscal year."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from store.engine import open_store, read_tx
from store.models import PpCatalogItem
from store.pp.catalog import COLUMNS
from store.pp.catalog_store import load_catalog
from tests.support.cli import run
from tests.support.pp_builders import catalog_file

TABLE = PpCatalogItem.__table__  # type: ignore[attr-defined]


def stored_rows(url: str) -> list[tuple[int, str, str, str]]:
    engine = open_store(url)
    try:
        with read_tx(engine) as conn:
            query = select(TABLE.c.fiscal_year, TABLE.c.item, TABLE.c.rate, TABLE.c.origin)
            return [
                (r.fiscal_year, r.item, str(r.rate), r.origin)
                for r in conn.execute(query.order_by(TABLE.c.fiscal_year, TABLE.c.position))
            ]
    finally:
        engine.dispose()


def test_a_valid_catalog_replaces_the_fiscal_years_it_names(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = catalog_file(tmp_path / "pp_catalog_2568.csv", [{"item": "ANC", "rate": "400"}])
    code, out, err = run(capsys, "import", str(path), "--json", "--db", store_url)
    assert (code, err) == (0, "")
    [result] = json.loads(out)["files"]
    assert (result["status"], result["kind"]) == ("loaded", "pp_catalog")
    assert [(p["table"], p["rows_read"], p["rows_loaded"]) for p in result["parts"]] == [
        ("pp_catalog_item", 8, 8)
    ]
    rows = stored_rows(store_url)
    assert {year for year, *_ in rows} == {2567, 2568, 2569}
    assert (2568, "ANC", "400.00", "pp_catalog_2568.csv") in rows
    assert next(r for r in rows if r[:2] == (2567, "ANC"))[2:] == ("360.00", "shipped")
    smaller = catalog_file(tmp_path / "pp_catalog_2568_b.csv", [])
    smaller.write_text(
        "\n".join(line for line in smaller.read_text().splitlines() if ",FIT," not in line) + "\n"
    )
    code, _, _ = run(capsys, "import", str(smaller), "--db", store_url)
    assert code == 0
    after = stored_rows(store_url)
    assert sorted(item for year, item, *_ in after if year == 2568) == sorted(
        ["ANC", "PNC", "FP_PILL", "FP_INJ", "CX_SCREEN", "FPG", "EPI_SVC"]
    )
    assert [r for r in after if r[0] != 2568] == [r for r in rows if r[0] != 2568]
    engine = open_store(store_url)
    with read_tx(engine) as conn:
        catalog = load_catalog(conn)
    engine.dispose()
    anc = catalog.resolve(2568, "ANC")
    assert anc is not None and str(anc.rate) == "360.00"
    assert catalog.resolve(2568, "FIT") is None


def test_an_invalid_catalog_is_refused_whole_with_each_problem_by_line_and_column(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = catalog_file(tmp_path / "good.csv", [{"item": "ANC", "rate": "400"}])
    assert run(capsys, "import", str(good), "--db", store_url)[0] == 0
    before = stored_rows(store_url)
    bad = catalog_file(
        tmp_path / "pp_catalog_bad.csv",
        [{"item": "PNC", "rate": "a lot"}, {"item": "FIT", "sex": "3", "age_min": "80"}],
    )
    code, out, _ = run(capsys, "import", str(bad), "--db", store_url, "--lang", "en")
    assert code == 1
    assert "refused: pp_catalog_bad.csv: PP catalog refused, nothing was loaded:" in out
    assert "line 3, column rate: 'a lot' is not an amount in baht" in out
    assert "line 7, column sex: '3' is not one of blank, 1, 2" in out
    assert "line 7, column age_min: age_min 80 is greater than age_max 70" in out
    assert stored_rows(store_url) == before


def test_a_misspelt_catalog_header_is_named_rather_than_the_file_called_unknown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "catalog.csv"
    header = ",".join("rate_baht" if c == "rate" else c for c in COLUMNS)
    path.write_text(header + "\n2568,ANC,x,y,360,ANC,,,2,,,1,,5,,,\n", encoding="utf-8")
    code, out, _ = run(capsys, "import", str(path), "--db", str(tmp_path / "s.db"), "--lang", "en")
    assert code == 1
    assert "line 1, column rate_baht: unknown column" in out
    assert "missing columns: rate" in out


def test_the_same_catalog_imported_again_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "s.db")
    path = catalog_file(tmp_path / "c.csv", [])
    assert run(capsys, "import", str(path), "--db", db)[0] == 0
    before = stored_rows(f"sqlite:///{db}")
    code, out, _ = run(capsys, "import", str(path), "--db", db, "--lang", "en")
    assert code == 0 and "nothing new" in out
    assert stored_rows(f"sqlite:///{db}") == before
