"""Time to the first dashboard frame and peak memory, against a bare Textual app with a DataTable.

    .venv/bin/python benchmarks/bench_startup.py [--runs 5] [--large] [--no-docs]

Builds the demo centre (`sitthi demo --no-app`, a fixed day) in a temporary folder, then starts,
`--runs` times each and alternately, in a fresh process on a pseudo-terminal of 80×24:
(a) the floor: a bare Textual app showing a 100-row DataTable;
(b) `sitthi` on the demo store.
Each is timed from the spawn until its terminal output holds the text that marks the frame, as a
person at the terminal would see it: for (a) the table's rows; for (b) the dashboard's first
frame (its panels, numbers still loading) and then the dashboard with its numbers. Then `q` is
typed and the process's peak resident memory is read when it exits. Prints one JSON document and
writes its figures into the start-up section of docs/benchmarks.md.
Targets: the first dashboard frame within 1.5× the floor's time; peak memory at most 150 MB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import fcntl
import json
import os
import platform
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path
from typing import Any, ClassVar

from benchlib import write_section

ROOT = Path(__file__).resolve().parents[1]
SECTION_START = "<!-- bench_startup:start -->"
SECTION_END = "<!-- bench_startup:end -->"
TARGET_RATIO = 1.5
TARGET_MB = 150.0
BENCH_DAY = dt.date(2025, 5, 20)
COLUMNS, LINES = 80, 24
TIMEOUT_S = 60.0

BARE_ROWS = 100
BARE_MARKER = "row 0010"
FIRST_FRAME_MARKER = "กำลังโหลด"
"""The loading text of the dashboard's panels: on screen in its first frame."""
NUMBERS_MARKER = "เป้าหมาย ≥"
"""The coverage panel's target line: on screen once the numbers have arrived."""


def bare_app() -> None:
    """The floor: the least a Textual app showing a table does before its first frame."""
    from textual.app import App, ComposeResult
    from textual.binding import BindingType
    from textual.widgets import DataTable, Footer

    class Bare(App[None]):
        BINDINGS: ClassVar[list[BindingType]] = [("q", "quit", "Quit")]

        def compose(self) -> ComposeResult:
            yield DataTable()
            yield Footer()

        def on_mount(self) -> None:
            table: DataTable[str] = self.query_one(DataTable)
            table.add_columns("name", "village", "status")
            for n in range(BARE_ROWS):
                table.add_row(f"row {n:04d}", f"หมู่ {n % 9 + 1}", "ok")

    Bare().run()


def spawn(command: list[str], env: dict[str, str]) -> tuple[int, int]:
    """Start `command` on a new 80×24 pseudo-terminal; (pid, master fd)."""
    pid, master = pty.fork()
    if pid == 0:
        os.execvpe(command[0], command, env)
    fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
    return pid, master


def time_run(command: list[str], env: dict[str, str], markers: list[str]) -> dict[str, Any]:
    """Seconds from spawn to each marker on screen, and the process's peak RSS in MiB."""
    started = time.perf_counter()
    pid, master = spawn(command, env)
    seen: dict[str, float] = {}
    output = b""
    try:
        while len(seen) < len(markers):
            if time.perf_counter() - started > TIMEOUT_S:
                raise TimeoutError(f"{command[-1]}: no {markers[len(seen)]!r} after {TIMEOUT_S}s")
            ready, _, _ = select.select([master], [], [], 0.05)
            if not ready:
                continue
            try:
                output += os.read(master, 65536)
            except OSError:
                break
            text = output.decode("utf-8", "ignore")
            for marker in markers:
                if marker not in seen and marker in text:
                    seen[marker] = time.perf_counter() - started
        os.write(master, b"q")
        _, status, usage = _wait(pid)
    finally:
        os.close(master)
    if len(seen) < len(markers):
        raise RuntimeError(f"{command[-1]} exited (status {status}) before showing {markers}")
    return {
        "seconds": [round(seen[m], 4) for m in markers],
        "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),
    }


def _wait(pid: int) -> tuple[int, int, Any]:
    deadline = time.perf_counter() + 10
    while time.perf_counter() < deadline:
        found, status, usage = os.wait4(pid, os.WNOHANG)
        if found:
            return found, status, usage
        time.sleep(0.02)
    os.kill(pid, signal.SIGKILL)
    return os.wait4(pid, 0)


def build_demo(work: Path, large: bool) -> tuple[str, dict[str, str]]:
    env = {
        **os.environ,
        "SITTHI_HOME": str(work / "home"),
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
        "LANG": "C.UTF-8",
    }
    env.pop("SITTHI_DB", None)
    db = work / "demo.db"
    command = [
        str(Path(sys.executable).parent / "sitthi"),
        "demo",
        "--no-app",
        "--dir",
        str(work / "files"),
        "--db",
        str(db),
        "--today",
        BENCH_DAY.isoformat(),
    ]
    if large:
        command.append("--large")
    subprocess.run(command, env=env, check=True, capture_output=True)
    return str(db), env


def time_report(db: str, env: dict[str, str]) -> float:
    """Wall time of `sitthi report kpi --json` on the same store: the numbers' own cost."""
    command = [str(Path(sys.executable).parent / "sitthi"), "report", "kpi", "--json", "--db", db]
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    return round(time.perf_counter() - started, 4)


def summarise(runs: list[dict[str, Any]], index: int) -> dict[str, Any]:
    times = [r["seconds"][index] for r in runs]
    return {
        "median_s": round(statistics.median(times), 3),
        "best_s": round(min(times), 3),
        "runs_s": times,
        "peak_rss_mib": max(r["peak_rss_mib"] for r in runs),
    }


def persons_in(db: str) -> int:
    import sqlite3

    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM person").fetchone()[0])


def measure(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="sitthi-bench-startup-") as tmp:
        work = Path(tmp)
        db, env = build_demo(work, args.large)
        bare = [sys.executable, str(Path(__file__).resolve()), "--bare-app"]
        app = [str(Path(sys.executable).parent / "sitthi"), "--db", db, "--lang", "th"]
        floor_runs, app_runs, report_runs = [], [], []
        for _ in range(args.runs):
            floor_runs.append(time_run(bare, env, [BARE_MARKER]))
            app_runs.append(time_run(app, env, [FIRST_FRAME_MARKER, NUMBERS_MARKER]))
            report_runs.append(time_report(db, env))
        persons = persons_in(db)
    floor = summarise(floor_runs, 0)
    first = summarise(app_runs, 0)
    numbers = summarise(app_runs, 1)
    ratio = round(first["median_s"] / floor["median_s"], 2)
    return {
        "benchmark": "tui_startup",
        "measured": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "demo_persons": persons,
        "runs": args.runs,
        "floor_bare_datatable": floor,
        "first_dashboard_frame": first,
        "dashboard_with_numbers": numbers,
        "context_kpi_report_s": {
            "median_s": round(statistics.median(report_runs), 3),
            "runs_s": report_runs,
        },
        "ratio_first_frame": ratio,
        "target_ratio": TARGET_RATIO,
        "target_mb": TARGET_MB,
        "meets_time_target": ratio <= TARGET_RATIO,
        "meets_memory_target": first["peak_rss_mib"] * 1.048576 <= TARGET_MB,
    }


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average": round(os.getloadavg()[0], 2),
    }


def docs_section(report: dict[str, Any]) -> str:
    floor = report["floor_bare_datatable"]
    first = report["first_dashboard_frame"]
    numbers = report["dashboard_with_numbers"]
    kpi = report["context_kpi_report_s"]
    box = report["machine"]

    def row(label: str, figures: dict[str, Any], rss: bool = True) -> str:
        runs = ", ".join(f"{s:.2f}" for s in figures["runs_s"])
        memory = f"{figures['peak_rss_mib']:.0f} MiB" if rss else ""
        return f"| {label} | {figures['median_s']:.2f} s | {runs} | {memory} |"

    def verdict(ok: bool) -> str:
        return "met" if ok else "**missed**"

    return "\n".join(
        [
            SECTION_START,
            "## Terminal app start-up",
            "",
            f"Measured {report['measured'][:10]} by `benchmarks/bench_startup.py` on "
            f"{box['cpus']} CPUs, Python {box['python']}, {box['platform']}; load average "
            f"{box['load_average']} when it started.",
            "",
            f"The demo centre ({report['demo_persons']:,} persons) in a SQLite store. Each process "
            f"ran {report['runs']} times on an 80×24 pseudo-terminal, timed from its start until "
            "the text that marks the frame was on the terminal; peak resident memory of the whole "
            "run. The first dashboard frame has every panel drawn with its loading text; the "
            "numbers follow from thread workers while the app already answers keys; they cannot "
            "come sooner than the KPI report itself takes (last row, a whole process).",
            "",
            "| | median | all runs (s) | peak RSS |",
            "|---|---:|---|---:|",
            row(f"floor: bare Textual app with a {BARE_ROWS}-row DataTable", floor),
            row("`sitthi`: first dashboard frame", first),
            row("`sitthi`: dashboard with its numbers", numbers, rss=False),
            row("context: `sitthi report kpi --json` on the same store", kpi, rss=False),
            "",
            f"First frame {report['ratio_first_frame']}× the floor; target ≤ "
            f"{TARGET_RATIO}×: {verdict(report['meets_time_target'])}. Peak memory "
            f"{first['peak_rss_mib']:.0f} MiB; target ≤ {TARGET_MB:.0f} MB: "
            f"{verdict(report['meets_memory_target'])}.",
            SECTION_END,
        ]
    )


def update_docs(report: dict[str, Any]) -> None:
    """Replace this benchmark's section of docs/benchmarks.md (or add it)."""
    write_section(docs_section(report), SECTION_START, SECTION_END)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--large", action="store_true", help="the 10,000-person centre")
    parser.add_argument("--no-docs", action="store_true", help="do not update docs/benchmarks.md")
    parser.add_argument("--bare-app", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_app:
        bare_app()
        return
    report = measure(args)
    print(json.dumps(report, ensure_ascii=False, indent=1))
    if not args.no_docs:
        update_docs(report)


if __name__ == "__main__":
    main()
