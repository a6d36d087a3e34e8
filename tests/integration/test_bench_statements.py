"""The statements benchmark at a reduced size: its files are what it says they are, the import
loads every line of them, and its docs section renders (the full run is
`benchmarks/bench_statements.py`)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import bench_statements as bench


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITTHI_HOME", str(tmp_path / "home"))


def test_a_small_ktb_report_is_read_and_imported_line_by_line(tmp_path: Path) -> None:
    path = tmp_path / "REP_INDIVIDUAL_09901.xlsx"
    bench.write_ktb(path, 300)
    floor = bench.floor_worker(path)
    imported = bench.import_worker(path, tmp_path / "ktb.db")
    assert floor["rows"] == 300 + 5, "four title rows, a blank row and the header"
    assert (imported["kind"], imported["rows"]) == ("ktb_rep_individual", 300)


def test_a_small_rights_dump_is_read_and_imported_row_by_row(tmp_path: Path) -> None:
    path = tmp_path / "ucws_dump.csv"
    bench.write_rights(path, 500)
    assert bench.floor_worker(path)["rows"] == 501
    imported = bench.import_worker(path, tmp_path / "rights.db")
    assert (imported["kind"], imported["rows"]) == ("nhso_rights", 500)


def test_the_synthetic_cids_are_distinct_and_valid() -> None:
    from store.cid import is_valid_cid

    cids = bench.synthetic_cids(2000, 1)
    assert len(set(cids)) == 2000 and all(is_valid_cid(c) and c[1:3] == "99" for c in cids)


def test_the_docs_section_reports_both_files_against_the_target() -> None:
    def side(kind: str, rows: int) -> dict[str, object]:
        run = {"best_s": 1.0, "runs_s": [1.0], "best_cpu_s": 1.0, "peak_rss_mib": 50.0}
        return {
            "file": kind, "bytes": 10, "kind": kind, "ratio": 2.5, "target_met": True,
            "floor_read": {**run, "rows": rows},
            "sitthi_import": {**run, "best_s": 2.5, "best_cpu_s": 2.5, "peak_rss_mib": 80.0,
                              "rows": rows},
            "half_size": {"bytes": 5, "floor_peak_rss_mib": 40.0, "import_peak_rss_mib": 70.0,
                          "import_s": 1.2},
            "import_extra_rss_mib": 30.0, "half_size_import_extra_rss_mib": 30.0,
        }  # fmt: skip

    machine = {"nproc": 2, "python": "3", "platform": "x", "processor": "y", "load_average": 1}
    report = {
        "date": "2026-12-02", "machine": machine, "target_ratio": 3.0,
        "ktb_rep_individual": side("ktb", 100_000), "rights_dump": side("rights", 1_500_000),
    }  # fmt: skip
    text = bench.docs_section(report)
    assert text.startswith(bench.SECTION_START) and text.endswith(bench.SECTION_END)
    assert "| KTB REP INDIVIDUAL (.xlsx) | 100,000 rows" in text
    assert "2.50× (met; CPU 2.50×)" in text and "1,500,000 rows" in text
