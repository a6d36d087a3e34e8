"""The centre's sync settings: a small JSON file only its owner can read, overridable by env.

`sitthi config set server URL`, `... token T`, `... ca_bundle PATH`, `... watch DIR[:DIR...]`,
`... interval SECONDS`. The token is a secret: the file is created with mode 0600 inside a
0700 folder, and `SITTHI_SERVER` / `SITTHI_TOKEN` take precedence over the file (for services
that keep secrets elsewhere).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from store import paths
from store.errors import SitthiError
from store.i18n import message

FILE_NAME = "sync.json"
ENVIRONMENT = {"server": "SITTHI_SERVER", "token": "SITTHI_TOKEN"}
DEFAULT_INTERVAL_S = 300.0
KEYS = ("server", "token", "ca_bundle", "watch", "interval")
"""The settings; what each means is in the catalogue (`cli.help.config.key_<name>`)."""
SECRET_KEYS = frozenset({"token"})


class ConfigError(SitthiError, ValueError):
    """A setting that cannot be stored or used; the message says why."""


@dataclass(frozen=True)
class SyncSettings:
    server: str = ""
    token: str = ""
    ca_bundle: str = ""
    watch: tuple[Path, ...] = field(default_factory=tuple)
    interval: float = DEFAULT_INTERVAL_S


def config_path() -> Path:
    return paths.config_dir() / FILE_NAME


def load_file() -> dict[str, str]:
    path = config_path()
    try:
        values = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise ConfigError(message("sync.config.unreadable", path=str(path))) from exc
    if not isinstance(values, dict):
        raise ConfigError(message("sync.config.not_settings", path=str(path)))
    return {str(k): str(v) for k, v in values.items()}


def _save(values: dict[str, str]) -> None:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(path.name + ".new")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(values, handle, indent=2, sort_keys=True)
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)


def normalise(key: str, value: str) -> str:
    """The value to store for `key`, or ConfigError explaining why it cannot be."""
    if key not in KEYS:
        raise ConfigError(message("sync.config.unknown", key=key, known=", ".join(KEYS)))
    value = value.strip()
    if key == "server":
        if not value.startswith(("https://", "http://")):
            raise ConfigError(message("sync.config.server_url"))
        return value.rstrip("/")
    if key == "interval":
        try:
            seconds = float(value)
        except ValueError as exc:
            raise ConfigError(message("sync.config.interval_number")) from exc
        if not 5 <= seconds <= 86_400:
            raise ConfigError(message("sync.config.interval_range"))
        return str(seconds)
    if key == "ca_bundle" and value and not Path(value).expanduser().is_file():
        raise ConfigError(message("sync.config.no_ca_bundle", path=value))
    return value


def set_value(key: str, value: str) -> None:
    values = load_file()
    values[key] = normalise(key, value)
    _save(values)


def unset(key: str) -> bool:
    values = load_file()
    if key not in values:
        return False
    del values[key]
    _save(values)
    return True


def current() -> dict[str, str]:
    """The effective values: the file, then the environment on top."""
    values = load_file()
    for key, variable in ENVIRONMENT.items():
        if os.environ.get(variable):
            values[key] = os.environ[variable]
    return values


def settings() -> SyncSettings:
    values = current()
    watch = tuple(
        Path(part).expanduser() for part in values.get("watch", "").split(os.pathsep) if part
    )
    return SyncSettings(
        server=values.get("server", "").rstrip("/"),
        token=values.get("token", ""),
        ca_bundle=values.get("ca_bundle", ""),
        watch=watch,
        interval=float(values.get("interval", DEFAULT_INTERVAL_S)),
    )
