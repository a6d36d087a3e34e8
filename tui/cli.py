"""`sitthi`: the command line. Subcommands live in `tui.commands`; heavy imports stay in them."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

COMMAND_MODULES = (
    "tui.commands.importing",
    "tui.commands.report",
    "tui.commands.export",
    "tui.commands.demo",
    "tui.commands.facility",
    "tui.commands.sync",
    "tui.commands.server",
    "tui.commands.config",
    "tui.commands.daemon",
)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sitthi",
        description="Rights gaps and PP claim status for Thai sub-district health centres.",
    )
    add_global_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def add_global_options(parser: argparse.ArgumentParser) -> None:
    """Options every command accepts, before or after the command name."""
    parser.add_argument(
        "--db",
        default=argparse.SUPPRESS,
        help="store: SQLite file or database URL (default: $SITTHI_DB, else the user store)",
    )
    parser.add_argument(
        "--lang", choices=("th", "en"), default=argparse.SUPPRESS, help="language of the output"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.db = getattr(args, "db", None)
    args.lang = getattr(args, "lang", None)
    if args.command is None:
        from tui.commands.app import run_app

        return run_app(args)
    from store.engine import StoreError

    try:
        code: int = args.func(args)
    except StoreError as exc:
        print(f"sitthi: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`sitthi report gaps | head`): stop quietly, as other tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED
    return code


if __name__ == "__main__":
    sys.exit(main())
