"""What every benchmark script shares: the machine it ran on, peak memory, its docs section."""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path
from typing import Any

DOCS = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
DOCS_HEADER = "# Benchmarks\n\nFigures measured by the scripts in `benchmarks/`; rerun to update.\n"


def machine() -> dict[str, Any]:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {
        "nproc": os.cpu_count(),
        "load_average": round(load, 2) if load is not None else None,
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "processor": platform.machine(),
    }


def peak_rss_mib() -> float | None:
    """Peak resident memory of this process in MiB. On Linux from /proc (`VmHWM`), which starts
    afresh with the program, whereas `ru_maxrss` keeps the peak of the parent it was forked
    from."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    try:
        import resource
    except ImportError:
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / (1024 if sys.platform == "darwin" else 1)


def write_section(section: str, start: str, end: str) -> None:
    """Put `section` (which begins with `start` and ends with `end`) in docs/benchmarks.md,
    replacing the earlier one between those markers and leaving the other sections alone."""
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else DOCS_HEADER
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + section + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    DOCS.parent.mkdir(parents=True, exist_ok=True)
    DOCS.write_text(text, encoding="utf-8")
