"""The import direction of the architecture: tui → sync, exporters → store; Textual only in tui."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_contracts_hold() -> None:
    exe = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    result = subprocess.run([exe], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_daemon_and_server_side_do_not_load_textual() -> None:
    code = "import sys, store.engine, sync; assert 'textual' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_the_app_uses_no_private_textual_module() -> None:
    """Private modules (`textual.widgets._footer`) change without notice between releases."""
    private = re.compile(r"^\s*(from|import)\s+textual(\.\w+)*\._\w+", re.MULTILINE)
    offenders = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "tui").rglob("*.py"))
        if private.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
