"""The simulator's own fingerprint: files built by another version of it are built again (here,
not in `centre`, so that asking costs no import of the simulator)."""

from __future__ import annotations

import hashlib
from importlib import resources


def simulator_fingerprint() -> str:
    """A digest of the simulator's code, rates and word lists."""
    package = resources.files("sync.simulate")
    digest = hashlib.sha256()
    for entry in sorted(package.iterdir(), key=lambda e: e.name):
        if entry.is_file() and entry.name.endswith((".py", ".toml", ".csv")):
            digest.update(entry.name.encode() + b"\0" + entry.read_bytes())
    return digest.hexdigest()
