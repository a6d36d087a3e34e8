#!/usr/bin/env python3
"""Set-up in one command on a machine with only Python 3.11+.

    python3 dev.py demo    build the demo store in a local virtual environment and open the app
    python3 dev.py test    install the test tools and run every check and the whole test suite

The virtual environment lives in `.venv/` beside this file and is refreshed when pyproject.toml
or constraints.txt changes; every package is installed at the version constraints.txt pins.
Extra arguments after `test` go to pytest.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
CONSTRAINTS = "constraints.txt"
"""The tested version of every package; installs take exactly these (see its header)."""


def _run(*cmd: str | Path) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], cwd=ROOT, check=True)


def ensure_venv(extras: str) -> None:
    """Create `.venv` and install the project (with extras) unless already current."""
    if not (BIN / "python").exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    pins = (ROOT / "pyproject.toml").read_bytes() + (ROOT / CONSTRAINTS).read_bytes()
    digest = hashlib.sha256(pins).hexdigest()[:16]
    stamp = VENV / f".installed-{extras or 'base'}-{digest}"
    if stamp.exists():
        return
    _run(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    target = f".[{extras}]" if extras else "."
    _run(BIN / "python", "-m", "pip", "install", "--quiet", "-c", CONSTRAINTS, "-e", target)
    stamp.touch()


def demo(args: list[str]) -> None:
    ensure_venv("")
    _run(BIN / "sitthi", "demo", *args)


def test(args: list[str]) -> None:
    ensure_venv("test")
    _run(BIN / "ruff", "check", ".")
    _run(BIN / "mypy")
    _run(BIN / "lint-imports")
    _run(BIN / "python", "-m", "pytest", "-n", "auto", *args)


def main() -> None:
    commands = {"demo": demo, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    try:
        commands[sys.argv[1]](sys.argv[2:])
    except subprocess.CalledProcessError as exc:
        sys.exit(exc.returncode)


if __name__ == "__main__":
    main()
