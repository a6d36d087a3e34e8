"""The exports benchmark at a reduced size: it runs, measures what it says, renders its docs."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_export.py"


def test_the_export_benchmark_runs_at_a_small_size() -> None:
    sys.path.insert(0, str(BENCH.parent))
    spec = importlib.util.spec_from_file_location("bench_export", BENCH)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    result = bench.measure(runs=1, units=2, centre_persons=120, large_persons=200, list_persons=150)
    assert result["province"] == {"units": 2, "persons_per_unit": 120}
    assert result["report"]["units"] == 2 and result["report"]["sheets"] == 5
    assert result["list_10k"]["persons"] == 150
    assert result["gaps_large"]["persons"] > 0 and result["pp_due_large"]["persons"] > 0
    section = bench.docs_section(result)
    assert section.startswith(bench.SECTION_START) and section.endswith(bench.SECTION_END)
    assert "2 units" in section
