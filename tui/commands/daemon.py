"""`sitthi daemon`: watch folders, import new exports, sync with the server, in the foreground.

Meant for a service manager (a systemd user unit, or Task Scheduler / NSSM on Windows): it runs
until SIGTERM or Ctrl-C, finishing the step in progress. Folders come from `--watch` (repeat
it) or the `watch` setting; the server and token from `sitthi config` or the environment. The
log is written to the user log folder and the status (shown by the app) to the data folder.
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from store.i18n import message
from tui.cli import Subparsers, add_command, fail, say


def register(subparsers: Subparsers) -> None:
    parser = add_command(subparsers, "daemon", "cli.help.daemon.cmd", "cli.help.daemon.description")
    parser.add_argument(
        "--watch",
        action="append",
        type=Path,
        default=[],
        metavar="DIR",
        help=say("cli.help.daemon.watch"),
    )
    parser.add_argument("--poll", action="store_true", help=say("cli.help.daemon.poll"))
    parser.add_argument("--interval", type=float, metavar="S", help=say("cli.help.daemon.interval"))
    parser.add_argument("--ca-bundle", metavar="PATH", help=say("cli.help.daemon.ca_bundle"))
    parser.set_defaults(func=run_daemon)


def run_daemon(args: argparse.Namespace) -> int:
    from store.engine import open_store
    from sync.config import settings
    from sync.daemon import Daemon, DaemonOptions, configure_logging

    config = settings()
    folders = args.watch or list(config.watch)
    interval = args.interval or config.interval
    if interval <= 0:
        return fail(message("cli.help.daemon.bad_interval"))
    if not folders and not config.server:
        return fail(message("cli.help.daemon.nothing_to_do"))
    log_file = configure_logging()
    engine = open_store(args.db)
    daemon = Daemon(
        engine,
        DaemonOptions(
            folders=folders,
            poll=args.poll,
            interval_s=interval,
            server=config.server,
            token=config.token,
            ca_bundle=args.ca_bundle or config.ca_bundle or None,
        ),
    )

    def stop(_signum: int, _frame: object) -> None:
        daemon.request_stop()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    print(say("cli.help.daemon.logging", file=log_file), file=sys.stderr)
    try:
        return daemon.run()
    finally:
        engine.dispose()
