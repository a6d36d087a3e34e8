"""Exports: the director's report of a province's store, and lists of 10,000 persons.

    .venv/bin/python benchmarks/bench_export.py [--runs 3] [--units 10] [--no-docs]

Builds the synthetic centre (and the large one, 10,000 persons) in a temporary folder, imports
them into fresh SQLite stores, and makes a province's store of `--units` units from copies of
the centre (each with its own unit code and valid CIDs of its own). Then measures, best of
`--runs`, timing the work only:

- `report`: `sitthi export report` on the province's store (every figure, all sheets and
  charts, the XLSX written); the floor is the KPI report of the same store, the least the
  report's headline costs;
- `list_10k`: a 10,000-person volunteers' list (every person of the large centre, the gaps
  list's columns) written as XLSX; the floor writes the same rows with the csv module;
- `gaps_large` and `pp_due_large`: `sitthi export gaps` and `pp-due` of the large centre end to
  end (store, rules, file).

Prints one JSON document and writes its figures into the exports section of
docs/benchmarks.md. Targets: the province's report under 10 s, the 10,000-person list under
3 s.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import machine, peak_rss_mib, write_section  # noqa: E402

SECTION_START = "<!-- bench_export:start -->"
SECTION_END = "<!-- bench_export:end -->"
BENCH_DAY = dt.date(2025, 5, 20)
TARGETS_S = {"report": 10.0, "list_10k": 3.0}
COPIED_TABLES = (
    "village",
    "house",
    "person",
    "card",
    "death",
    "pp_service",
    "nhso_right",
    "pp_statement_line",
)
UNIT_PREFIX = "99"


def import_centre(work: Path, name: str, persons: int) -> Path:
    """A synthetic centre of `persons` imported into a fresh store; the store's path."""
    from store.engine import open_store
    from sync.ingest.importer import import_paths
    from sync.simulate.centre import build_centre
    from sync.simulate.files import write_centre_files

    centre = build_centre(today=BENCH_DAY, persons=persons)
    paths = write_centre_files(centre, work / f"{name}-files")
    db_path = work / f"{name}.db"
    engine = open_store(db_path)
    moment = dt.datetime.combine(BENCH_DAY, dt.time(9), tzinfo=dt.UTC)
    for order, path in enumerate(paths):
        [result] = import_paths(engine, [path], now=moment + dt.timedelta(seconds=order))
        if result.refused:
            raise SystemExit(f"{path.name} was refused: {result.message}")
    engine.dispose()
    return db_path


def _copied_cid(cid: str, unit: int) -> str:
    """A valid CID of another registration office, one per copied unit."""
    from store.cid import check_digit, is_valid_cid

    if not is_valid_cid(cid):
        return cid
    body = cid[0] + f"{unit % 100:02d}" + cid[3:12]
    return body + str(check_digit(body))


def make_province(centre_db: Path, work: Path, units: int) -> Path:
    """A store holding `units` copies of the centre's rows, unit codes 99001, 99002, ..."""
    from sqlalchemy import insert, select

    from store.engine import open_store, read_tx, write_tx
    from store.ids import stable_id
    from store.models import SQLModel

    source = open_store(centre_db)
    tables = SQLModel.metadata.tables
    with read_tx(source) as conn:
        rows = {name: [dict(r._mapping) for r in conn.execute(select(tables[name]))]
                for name in (*COPIED_TABLES, "facility")}  # fmt: skip
    source.dispose()
    path = work / "province.db"
    target = open_store(path)
    with write_tx(target) as conn:
        for unit in range(1, units + 1):
            code = f"{UNIT_PREFIX}{unit:03d}"
            conn.execute(insert(tables["facility"]).values(hospcode=code, name=f"รพ.สต. {unit}"))
            for name in COPIED_TABLES:
                copied = []
                for row in rows[name]:
                    new = dict(row)
                    new["id"] = stable_id(name, "copy", unit, row["id"])
                    if "hospcode" in new:
                        new["hospcode"] = code
                    if new.get("cid"):
                        new["cid"] = _copied_cid(new["cid"], unit)
                    for column in ("hsub", "hmain_op"):
                        if new.get(column) == rows["facility"][0]["hospcode"]:
                            new[column] = code
                    copied.append(new)
                if copied:
                    conn.execute(insert(tables[name]), copied)
    target.dispose()
    return path


def best_of(runs: int, work: Callable[[], Any]) -> tuple[float, list[float], Any]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return min(times), times, result


def report_figures(province_db: Path, out: Path, runs: int) -> dict[str, Any]:
    from exporters.director import build_report
    from exporters.run import save_document
    from store.engine import open_store, read_tx, write_tx
    from store.judged.refresh import refresh_judgements
    from store.kpi import kpi_report

    engine = open_store(province_db)
    started = time.perf_counter()
    with write_tx(engine) as conn:  # as the provincial server keeps them after every push
        refresh_judgements(conn, BENCH_DAY, everything=True)
    judged_s = round(time.perf_counter() - started, 2)

    def report() -> int:
        with read_tx(engine) as conn:
            document = build_report(conn, BENCH_DAY)
        save_document(engine, document, out / "report.xlsx")
        return len(document.sections)

    def floor() -> int:
        with read_tx(engine) as conn:
            return len(kpi_report(conn, BENCH_DAY).units)

    best, times, sheets = best_of(runs, report)
    floor_best, _, units = best_of(runs, floor)
    engine.dispose()
    return _figures(
        "report", best, times, floor_best, sheets=sheets, units=units, judged_s=judged_s
    )


def list_figures(large_db: Path, out: Path, runs: int, persons: int) -> dict[str, Any]:
    """Every person of the large centre (at most `persons`) as a volunteers' list."""
    from exporters.document import Document
    from exporters.gaps_list import gaps_document
    from exporters.people import load_context
    from exporters.xlsx import write_xlsx
    from store.engine import open_store, read_tx
    from store.kpi import evaluate_units
    from store.queries.worklist import WorkRow

    engine = open_store(large_db)
    with read_tx(engine) as conn:
        context = load_context(conn, BENCH_DAY, None)
        rows = [
            WorkRow(f"{ev.person.hospcode}/{ev.person.pid}", ev, None)
            for unit in evaluate_units(conn, BENCH_DAY)
            for ev in unit.evaluations
        ][:persons]
    engine.dispose()
    document: Document = gaps_document(rows, context, hospcode=None)

    def write() -> int:
        write_xlsx(document, out / "list.xlsx")
        return document.rows

    def floor() -> int:
        with (out / "list.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            for section in document.sections:
                writer.writerows(section.rows)
        return document.rows

    best, times, listed = best_of(runs, write)
    floor_best, _, _ = best_of(runs, floor)
    return _figures("list_10k", best, times, floor_best, persons=listed,
                    sheets=len(document.sections))  # fmt: skip


def pipeline_figures(large_db: Path, out: Path, runs: int) -> dict[str, Any]:
    from exporters.gaps_list import build_gaps
    from exporters.pp_due_list import build_pp_due
    from exporters.run import save_document
    from store.engine import open_store, read_tx

    engine = open_store(large_db)
    found = {}
    for name, build in (("gaps_large", build_gaps), ("pp_due_large", build_pp_due)):

        def run(build: Callable[..., Any] = build, name: str = name) -> int:
            with read_tx(engine) as conn:
                document = build(conn, BENCH_DAY)
            save_document(engine, document, out / f"{name}.xlsx")
            return int(document.persons)

        best, times, persons = best_of(runs, run)
        found[name] = {"best_s": round(best, 3), "runs_s": [round(t, 3) for t in times],
                       "persons": persons}  # fmt: skip
    engine.dispose()
    return found


def _figures(kind: str, best: float, times: list[float], floor: float, **extra: Any) -> dict:
    return {
        **extra,
        "best_s": round(best, 3),
        "runs_s": [round(t, 3) for t in times],
        "floor_best_s": round(floor, 3),
        "ratio_to_floor": round(best / floor, 1) if floor else None,
        "target_s": TARGETS_S[kind],
        "target_met": best <= TARGETS_S[kind],
    }


def measure(
    *, runs: int, units: int, centre_persons: int | None, large_persons: int, list_persons: int
) -> dict[str, Any]:
    from sync.simulate.centre import default_size

    with tempfile.TemporaryDirectory(prefix="sitthi-bench-export-") as folder:
        work = Path(folder)
        persons = centre_persons or default_size()
        centre_db = import_centre(work, "centre", persons)
        province_db = make_province(centre_db, work, units)
        large_db = import_centre(work, "large", large_persons)
        out = work / "out"
        out.mkdir()
        report = report_figures(province_db, out, runs)
        listed = list_figures(large_db, out, runs, list_persons)
        pipelines = pipeline_figures(large_db, out, runs)
    return {
        "benchmark": "exports",
        "version": 1,
        "date": dt.date.today().isoformat(),
        "machine": machine(),
        "day": BENCH_DAY.isoformat(),
        "province": {"units": units, "persons_per_unit": persons},
        "large_persons": large_persons,
        "report": report,
        "list_10k": listed,
        **pipelines,
        "peak_rss_mib": round(peak_rss_mib() or 0) or None,
    }


def docs_section(result: dict[str, Any]) -> str:
    box = result["machine"]
    province = result["province"]

    def line(label: str, figures: dict[str, Any], rows: str) -> str:
        verdict = "met" if figures["target_met"] else "**missed**"
        return (
            f"| {label} | {rows} | {figures['best_s']:.2f} s | "
            f"{', '.join(f'{s:.2f}' for s in figures['runs_s'])} | "
            f"{figures['floor_best_s']:.2f} s | ×{figures['ratio_to_floor']} | "
            f"< {figures['target_s']:g} s: {verdict} |"
        )

    report, listed = result["report"], result["list_10k"]
    gaps, due = result["gaps_large"], result["pp_due_large"]
    return "\n".join(
        [
            SECTION_START,
            "## Exports",
            "",
            f"Measured {result['date']} by `benchmarks/bench_export.py` on {box['nproc']} CPUs, "
            f"Python {box['python']}, {box['platform']} ({box['processor']}); load average "
            f"{box['load_average']} when it started; best of {len(report['runs_s'])} runs, the "
            f"work only, as of {result['day']}. The province: {province['units']} units of "
            f"{province['persons_per_unit']:,} persons each (copies of the synthetic centre, "
            "each with its own unit code and CIDs) in one SQLite store, its units' judgements "
            f"stored first as the provincial server keeps them ({report['judged_s']:.1f} s, "
            "`refresh_judgements`), so closed months are read, not judged again.",
            "",
            "| | size | wall time (best) | all runs (s) | floor | ratio | target |",
            "|---|---:|---:|---|---:|---:|---|",
            line(
                "`sitthi export report` of the province (floor: its KPI report)",
                report,
                f"{province['units']} units, {report['sheets']} sheets",
            ),
            line(
                "a volunteers' list written as XLSX (floor: the same rows as CSV)",
                listed,
                f"{listed['persons']:,} persons, {listed['sheets']} sheets",
            ),
            "",
            f"End to end on the large centre ({result['large_persons']:,} persons): "
            f"`sitthi export gaps` {gaps['best_s']:.2f} s ({gaps['persons']:,} persons), "
            f"`sitthi export pp-due` {due['best_s']:.2f} s ({due['persons']:,} persons). "
            f"Peak resident memory {result['peak_rss_mib']} MiB.",
            SECTION_END,
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each measurement")
    parser.add_argument("--units", type=int, default=10, help="units of the province's store")
    parser.add_argument("--no-docs", action="store_true", help="do not update the docs")
    args = parser.parse_args()
    from sync.simulate.centre import default_size

    result = measure(
        runs=args.runs,
        units=args.units,
        centre_persons=None,
        large_persons=default_size(large=True),
        list_persons=10_000,
    )
    print(json.dumps(result, indent=2, ensure_ascii=False))
    if not args.no_docs:
        write_section(docs_section(result), SECTION_START, SECTION_END)


if __name__ == "__main__":
    main()
