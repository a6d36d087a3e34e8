"""The command line as a shell user meets it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tui.cli import main


def test_help_lists_every_command(capsys: object) -> None:
    try:
        main(["--help"])
    except SystemExit as exc:
        assert exc.code == 0
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    for command in ("import", "report", "demo", "facility"):
        assert command in out


def test_an_unknown_command_is_a_usage_error() -> None:
    try:
        main(["frobnicate"])
    except SystemExit as exc:
        assert exc.code == 2
    else:
        raise AssertionError("no usage error")


def test_output_cut_short_by_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """`sitthi report gaps | head -1` must not print a traceback."""
    db = tmp_path / "demo.db"
    subprocess.run(
        [sys.executable, "-m", "tui.cli", "demo", "--no-app", "--persons", "2000", "--db", str(db)],
        check=True,
        capture_output=True,
    )
    report = subprocess.Popen(
        [sys.executable, "-m", "tui.cli", "report", "gaps", "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert report.stdout is not None
    report.stdout.close()
    _, err = report.communicate(timeout=60)
    assert b"Traceback" not in err
    assert b"BrokenPipe" not in err
