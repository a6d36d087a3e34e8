"""The province benchmark at a tiny size on PostgreSQL: it builds the province through the
server, every measurement of its table reports a figure, the league shows every unit, and its
docs section renders (the full run is `benchmarks/bench_province.py --units 300 --persons 5000`)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import bench_province as bench

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

UNITS, PERSONS = 2, 30


def test_the_benchmark_measures_every_figure_at_a_tiny_size(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bench, "FOLLOW_UP_EVERY_S", 0.2)
    report = bench.measure(UNITS, PERSONS, postgres_url, keep=False, workers=2, only=set())
    assert report["build"]["rows"]["person"] == UNITS * PERSONS
    assert report["build"]["refused_files"] == 0
    figures = report["figures"]
    assert list(figures) == [m.name for m in bench.MEASUREMENTS]
    for name, figure in figures.items():
        assert figure["seconds"] is not None and figure["seconds"] > 0, name
        if not figure["floor"]:
            assert figure["peak_rss_mib"] > 0, name
    assert figures["floor_sql_kpi"]["detail"]["rows"] == UNITS
    assert figures["league"]["detail"]["rows"] == UNITS
    assert figures["kpi_stored"]["detail"]["units"] == UNITS
    assert figures["kpi_fresh"]["detail"]["units"] == UNITS
    assert figures["league_syncing"]["detail"]["follow_ups_pushed"] >= 1
    section = bench.docs_section(report)
    assert section.startswith(bench.SECTION_START) and section.endswith(bench.SECTION_END)
    assert f"A province of {UNITS} units × {PERSONS} persons" in section
    assert section.count("\n| ") == len(bench.MEASUREMENTS) + 1
