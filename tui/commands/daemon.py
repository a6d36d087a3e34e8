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

from tui.cli import EXIT_FAILED, add_global_options


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "daemon", help="watch, import and sync in the foreground", description=__doc__
    )
    add_global_options(parser)
    parser.add_argument(
        "--watch", action="append", type=Path, default=[], metavar="DIR", help="a folder to watch"
    )
    parser.add_argument(
        "--poll", action="store_true", help="poll the folders (network shares miss file events)"
    )
    parser.add_argument("--interval", type=float, metavar="S", help="seconds between syncs")
    parser.add_argument("--ca-bundle", metavar="PATH", help="CA certificates to verify the server")
    parser.set_defaults(func=run_daemon)


def run_daemon(args: argparse.Namespace) -> int:
    from store.engine import open_store
    from sync.config import ConfigError, settings
    from sync.daemon import Daemon, DaemonOptions, configure_logging

    try:
        config = settings()
    except ConfigError as exc:
        print(f"sitthi: {exc}", file=sys.stderr)
        return EXIT_FAILED
    folders = args.watch or list(config.watch)
    interval = args.interval or config.interval
    if interval <= 0:
        print("sitthi: the interval must be a positive number of seconds", file=sys.stderr)
        return EXIT_FAILED
    if not folders and not config.server:
        print(
            "sitthi: nothing to do: give --watch DIR or `sitthi config set watch DIR`, "
            "and/or `sitthi config set server URL`",
            file=sys.stderr,
        )
        return EXIT_FAILED
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
    print(f"sitthi daemon: logging to {log_file}", file=sys.stderr)
    try:
        return daemon.run()
    finally:
        engine.dispose()
