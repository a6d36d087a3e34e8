"""Log lines safe to show in a terminal, for the daemon's log and the server's.

File names come from whoever wrote the file and request paths from whoever sent the request:
one holding ESC ] 0; ... BEL would retitle or drive the terminal of whoever follows the log, one
holding a line break would add a made-up line. Each line is written with its control characters
as escapes (`store.controls`); a traceback keeps its own line breaks.
"""

from __future__ import annotations

import copy
import logging
from typing import Any

from store.controls import terminal_safe, terminal_safe_lines


class TerminalSafeFormatter(logging.Formatter):
    """A formatter whose every line is terminal-safe; cooperative, so it also makes another
    formatter class safe when listed before it (`SafeAccessFormatter`)."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        return terminal_safe(super().formatMessage(record))

    def formatException(self, ei: Any) -> str:
        return terminal_safe_lines(super().formatException(ei))

    def formatStack(self, stack_info: str) -> str:
        return terminal_safe_lines(super().formatStack(stack_info))


def _uvicorn_formatters() -> tuple[type[logging.Formatter], type[logging.Formatter]]:
    from uvicorn.logging import AccessFormatter, DefaultFormatter

    class SafeDefaultFormatter(TerminalSafeFormatter, DefaultFormatter):
        """uvicorn's own lines (start-up, errors), terminal-safe."""

    class SafeAccessFormatter(TerminalSafeFormatter, AccessFormatter):
        """uvicorn's access lines: the request path is the client's text."""

    return SafeDefaultFormatter, SafeAccessFormatter


def uvicorn_log_config() -> dict[str, Any]:
    """uvicorn's logging set-up with terminal-safe formatters and no colours (a colour is an
    escape sequence, which the formatter would show as text)."""
    from uvicorn.config import LOGGING_CONFIG

    default, access = _uvicorn_formatters()
    config = copy.deepcopy(LOGGING_CONFIG)
    for name, formatter in (("default", default), ("access", access)):
        config["formatters"][name]["()"] = formatter
        config["formatters"][name]["use_colors"] = False
    return config
