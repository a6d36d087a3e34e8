"""The real app in a real terminal: tests/support/tmux_drive.py walks it at 80×24 in tmux."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DRIVER = Path(__file__).parents[1] / "support" / "tmux_drive.py"


@pytest.mark.slow
def test_a_person_can_use_the_app_in_a_terminal_of_80_by_24() -> None:
    if shutil.which("tmux") is None:
        if os.environ.get("CI"):
            pytest.fail("tmux is required in CI (.ci/run installs it)")
        pytest.skip("tmux is not installed")
    result = subprocess.run(
        [sys.executable, str(DRIVER)], capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "all steps passed" in result.stdout
