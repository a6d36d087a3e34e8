"""Reading a large NHSO-style sheet: python-calamine alone against `pandas.read_excel(engine=
"calamine")`, to decide whether pandas earns a place in the package's spreadsheet reading.

    .venv/bin/python benchmarks/bench_read_excel.py [--rows 100000] [--runs 3] [--no-docs]

Writes one XLSX workbook shaped like an NHSO statement download (two title rows, a header, then
`--rows` lines: a 13-digit CID stored as a number, Thai text, dates as Excel dates, amounts) and
reads it in fresh subprocesses, `--runs` times each, in turns:
- `calamine`: `CalamineWorkbook.from_path(...).get_sheet_by_index(0).to_python()`, the cells as
  Python values, which is what Sitthi's tabular reader walks;
- `pandas`: `pandas.read_excel(path, engine="calamine", header=None)`, the same cells as a
  DataFrame (the title rows make a fixed header row useless, as in the real files).
Each worker times the read alone and, separately, importing its library; it reports its peak
resident memory. Prints one JSON document and writes the figures into the spreadsheet section of
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchlib import machine, peak_rss_mib, write_section

SECTION_START = "<!-- bench_read_excel:start -->"
SECTION_END = "<!-- bench_read_excel:end -->"
KINDS = ("calamine", "pandas")
HEADER = [
    "ลำดับ",
    "เลขประจำตัวประชาชน",
    "ชื่อ-สกุล",
    "วันที่รับบริการ",
    "รหัสรายการ",
    "ชื่อรายการ",
    "จำนวนเงินที่ขอเบิก",
    "จำนวนเงินชดเชย",
    "รหัสข้อผิดพลาด",
    "เลขที่ statement",
    "HCODE",
    "หมายเหตุ",
]


def write_sheet(path: Path, rows: int) -> None:
    """An NHSO-like statement sheet; synthetic CIDs of the non-existent registration office 99."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("STM")
    dates = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, ["รายงานการจ่ายชดเชยค่าบริการ PP fee schedule"])
    sheet.write_row(1, 0, ["หน่วยบริการ 09901 งวด 2568/05"])
    sheet.write_row(2, 0, HEADER)
    first = dt.date(2024, 10, 1)
    for n in range(rows):
        line = 3 + n
        cid = int(f"1990{n % 100_000_000:08d}") * 10 + n % 10
        sheet.write_number(line, 0, n + 1)
        sheet.write_number(line, 1, cid)
        sheet.write_string(line, 2, f"ทดสอบ{n} สมมุติ")
        sheet.write_datetime(
            line, 3, dt.datetime.combine(first, dt.time()) + dt.timedelta(days=n % 230), dates
        )
        sheet.write_string(line, 4, ("ANC", "FP_PILL", "CX_SCREEN", "EPI_SVC")[n % 4])
        sheet.write_string(line, 5, "บริการฝากครรภ์")
        sheet.write_number(line, 6, 360.0)
        sheet.write_number(line, 7, 360.0 if n % 7 else 0.0)
        sheet.write_string(line, 8, "" if n % 7 else "420")
        sheet.write_string(line, 9, f"STM2568{n % 12:02d}-{n:06d}")
        sheet.write_string(line, 10, "09901")
        sheet.write_string(line, 11, "")
    book.close()


def worker(kind: str, path: Path) -> dict[str, Any]:
    """One read in this (fresh) process: the library's import time, then the read alone."""
    started = time.perf_counter()
    if kind == "pandas":
        import pandas as pd

        imported = time.perf_counter()
        frame = pd.read_excel(path, engine="calamine", header=None)
        cells = int(frame.shape[0] * frame.shape[1])
    else:
        from python_calamine import CalamineWorkbook

        imported = time.perf_counter()
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
        cells = sum(len(row) for row in rows)
    done = time.perf_counter()
    return {
        "import_s": imported - started,
        "seconds": done - imported,
        "cells": cells,
        "peak_rss_mib": peak_rss_mib(),
    }


def run_worker(kind: str, path: Path) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", kind, str(path)]
    done = subprocess.run(command, capture_output=True, text=True, env=dict(os.environ))
    if done.returncode != 0:
        raise SystemExit(f"{kind} worker failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "best_s": round(min(r["seconds"] for r in runs), 3),
        "runs_s": [round(r["seconds"], 3) for r in runs],
        "import_s": round(min(r["import_s"] for r in runs), 3),
        "cells": runs[0]["cells"],
        "peak_rss_mib": round(max(r["peak_rss_mib"] or 0 for r in runs)),
    }


def docs_section(report: dict[str, Any]) -> str:
    box = report["machine"]
    calamine, pandas = report["calamine"], report["pandas"]
    ratio = pandas["best_s"] / calamine["best_s"]
    lines = [
        SECTION_START,
        "## Reading a large spreadsheet: calamine alone and through pandas",
        "",
        f"Measured {report['date']} by `benchmarks/bench_read_excel.py` on {box['nproc']} CPUs, "
        f"Python {box['python']}, {box['platform']} ({box['processor']}); load average "
        f"{box['load_average']} when it started.",
        "",
        f"One XLSX sheet shaped like an NHSO statement: {report['rows']:,} lines of 12 columns "
        f"under two title rows ({report['bytes'] / 1e6:.1f} MB). Best of {report['runs']} runs, "
        "each in a fresh process; the read is timed apart from importing the library.",
        "",
        "| | read (best) | all runs (s) | importing the library | peak RSS |",
        "|---|---:|---|---:|---:|",
        f"| python-calamine: `get_sheet_by_index(0).to_python()` | {calamine['best_s']:.2f} s | "
        f"{', '.join(f'{s:.2f}' for s in calamine['runs_s'])} | {calamine['import_s']:.2f} s | "
        f"{calamine['peak_rss_mib']} MiB |",
        f'| pandas: `read_excel(engine="calamine", header=None)` | {pandas["best_s"]:.2f} s | '
        f"{', '.join(f'{s:.2f}' for s in pandas['runs_s'])} | {pandas['import_s']:.2f} s | "
        f"{pandas['peak_rss_mib']} MiB |",
        "",
        f"Through pandas the read takes {ratio:.2f}× calamine alone, plus importing pandas and "
        "numpy. pandas reads the same cells with the same Rust reader and then builds columns: "
        "a CID stored as a number becomes a float64, a column mixing text and numbers becomes "
        "objects, so a reader that must keep CIDs, codes and dates exact walks the cells anyway. "
        "pandas therefore stays out of Sitthi's spreadsheet reading and out of its run-time "
        "dependencies; it is a test extra for the benchmark floors (see `pyproject.toml`).",
        SECTION_END,
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-docs", action="store_true")
    parser.add_argument("--worker", choices=KINDS, help=argparse.SUPPRESS)
    parser.add_argument("path", nargs="?", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.path)))
        return
    report: dict[str, Any] = {"date": dt.date.today().isoformat(), "machine": machine()}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "stm.xlsx"
        write_sheet(path, args.rows)
        report.update(rows=args.rows, runs=args.runs, bytes=path.stat().st_size)
        runs: dict[str, list[dict[str, Any]]] = {kind: [] for kind in KINDS}
        for _ in range(args.runs):
            for kind in KINDS:
                runs[kind].append(run_worker(kind, path))
    for kind in KINDS:
        report[kind] = summarise(runs[kind])
    report["ratio_pandas_to_calamine"] = round(
        report["pandas"]["best_s"] / report["calamine"]["best_s"], 2
    )
    print(json.dumps(report, indent=2))
    if not args.no_docs:
        write_section(docs_section(report), SECTION_START, SECTION_END)


if __name__ == "__main__":
    main()
