"""`sitthi report` output, JSON and tables, byte for byte against files kept in the repository.

The store is fixed: the demo centre of a fixed seed and day, the app tests' small centre (every
claim status) and the hand-counted gaps units (one of them empty). Any change in a figure, a key,
a number's form or a column's width shows up as a difference from `tests/golden/reports/`.
After a deliberate change of the output, rewrite the files with
`SITTHI_WRITE_GOLDEN=1 pytest tests/integration/test_report_golden.py` and review the diff.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from store.engine import open_store, write_tx
from tests.support.gaps_data import StoreRows, hand_counted_unit
from tests.support.tui_store import build_store
from tui.cli import main

GOLDEN = Path(__file__).parents[1] / "golden" / "reports"
AS_OF = "2025-05-20"

CASES: dict[str, list[str]] = {
    "kpi.json": ["kpi", "--json"],
    "kpi-en.txt": ["kpi", "--lang", "en"],
    "kpi-th.txt": ["kpi", "--lang", "th"],
    "kpi-01234-fy2567.json": ["kpi", "--json", "--hospcode", "01234", "--fiscal-year", "2567"],
    "kpi-09901-en.txt": ["kpi", "--hospcode", "09901", "--lang", "en"],
    "gaps.json": ["gaps", "--json", "--lang", "en"],
    "gaps-th.json": ["gaps", "--json", "--hospcode", "09901"],
    "gaps-show-cid.json": ["gaps", "--json", "--show-cid", "--hospcode", "09901"],
    "gaps-en.txt": ["gaps", "--lang", "en"],
    "gaps-th.txt": ["gaps", "--lang", "th", "--hospcode", "10001"],
    "claims.json": ["claims", "--json", "--lang", "en"],
    "claims-th.json": ["claims", "--json", "--hospcode", "01234"],
    "claims-denied.json": ["claims", "--json", "--status", "DENIED"],
    "claims-en.txt": ["claims", "--lang", "en"],
    "claims-th.txt": ["claims", "--lang", "th"],
    "claims-paid-en.txt": ["claims", "--lang", "en", "--status", "PAID", "--hospcode", "09901"],
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The fixed store; built once for the module in a home of its own."""
    root = tmp_path_factory.mktemp("golden")
    url = f"sqlite:///{root / 'store.db'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SITTHI_HOME", str(root / "home"))
        build_store(url).dispose()
        engine = open_store(url)
        with write_tx(engine) as conn:
            hand_counted_unit(StoreRows(conn))
        engine.dispose()
        argv = ["demo", "--no-app", "--today", AS_OF, "--persons", "300", "--seed", "7"]
        assert main([*argv, "--db", url, "--dir", str(root / "files")]) == 0
    yield url


@pytest.mark.parametrize("name", sorted(CASES))
def test_report_output_is_the_golden_file(
    name: str, store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    code = main(["report", *CASES[name], "--as-of", AS_OF, "--db", store])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    golden = GOLDEN / name
    if os.environ.get("SITTHI_WRITE_GOLDEN"):
        golden.write_text(out, encoding="utf-8")
    assert out == golden.read_text(encoding="utf-8")
