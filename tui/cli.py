"""`sitthi`: the command line. Subcommands live in `tui.commands`; heavy imports stay in them.

Every word the command line prints comes from the message catalogue (`store.i18n`), in the
language of `--lang`, else the one saved in the app's settings, else Thai. That includes
argparse's own words (usage, headings, error sentences): argparse looks each one up through
gettext at the moment it uses it, and `_argparse_words` answers those look-ups from the
catalogue.

Why argparse and not click: it is in the standard library (nothing more to install on a centre
PC), it already routes every sentence of its own through one gettext function so all of it can
be put into Thai, and the commands are plain modules with `register(subparsers)`. Click would
add a dependency and a rewrite of every command for nothing a user would notice.

The plumbing every command shares is here and only here: `--db`/`--lang` (`COMMON_OPTIONS`,
given to each parser as a parent), `add_command` (a parser whose help comes from the
catalogue), `opened_store` (open, use, dispose), `fail` (the `sitthi: ...` line and exit 1) and
the one handler of `SitthiError` in `main`.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, TypeAlias

from store.i18n import LANGUAGES, Message, message, render

if TYPE_CHECKING:
    from sqlalchemy import Engine

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
    "tui.commands.recompute",
)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

if TYPE_CHECKING:
    Subparsers: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]
else:
    Subparsers = argparse._SubParsersAction

_ARGPARSE_KEYS = {
    "usage: ": "usage",
    "positional arguments": "positionals",
    "options": "options",
    "show this help message and exit": "help",
    "argument %(argument_name)s: %(message)s": "argument",
    "the following arguments are required: %s": "required",
    "unrecognized arguments: %s": "unrecognized",
    "invalid choice: %(value)r (choose from %(choices)s)": "invalid_choice",
    "invalid %(type)s value: %(value)r": "invalid_value",
    "expected one argument": "expected_one",
    "expected at most one argument": "expected_at_most",
    "expected at least one argument": "expected_at_least",
    "not allowed with argument %s": "not_allowed",
    "one of the arguments %s is required": "one_of",
    "ambiguous option: %(option)s could match %(matches)s": "ambiguous",
    "ignored explicit argument %r": "ignored",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "unknown_parser",
    "%(prog)s: error: %(message)s\n": "error",
}
"""argparse's own sentences (its gettext message ids) and their keys under `cli.argparse`."""

_language = "th"


def language() -> str:
    """The language of this run of the command line."""
    return _language


def say(key: str, /, **params: object) -> str:
    """A catalogue message in this run's language."""
    return render(key, _language, **params)


def _argparse_words(text: str) -> str:
    key = _ARGPARSE_KEYS.get(text)
    return say(f"cli.argparse.{key}") if key else text


def _argparse_plural(singular: str, plural: str, count: int) -> str:
    if singular == "expected %s argument":
        return say("cli.argparse.expected_n")
    return singular if count == 1 else plural


def choose_language(argv: Sequence[str]) -> str:
    """`--lang` wherever it is on the line, else the app's saved choice, else Thai."""
    for index, arg in enumerate(argv):
        value = None
        if arg == "--lang" and index + 1 < len(argv):
            value = argv[index + 1]
        elif arg.startswith("--lang="):
            value = arg.split("=", 1)[1]
        if value in LANGUAGES:
            return value
    from tui.prefs import load_prefs

    return load_prefs().lang


def set_language(lang: str) -> None:
    """Speak `lang` from now on, argparse included (its words are looked up when used)."""
    global _language
    _language = lang
    setattr(argparse, "_", _argparse_words)  # noqa: B010 - argparse's gettext hook
    setattr(argparse, "ngettext", _argparse_plural)  # noqa: B010


def common_options() -> argparse.ArgumentParser:
    """`--db` and `--lang`, accepted before or after any command name (a parent parser)."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--db", default=argparse.SUPPRESS, metavar="DB", help=say("cli.db"))
    parser.add_argument(
        "--lang", choices=LANGUAGES, default=argparse.SUPPRESS, help=say("cli.lang")
    )
    return parser


def add_command(
    subparsers: Subparsers, name: str, summary: str, description: str | None = None
) -> argparse.ArgumentParser:
    """A command (or action) parser with `--db`/`--lang`; its words are catalogue keys."""
    return subparsers.add_parser(
        name,
        help=say(summary),
        description=say(description or summary),
        parents=[common_options()],
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sitthi",
        description=say("cli.description"),
        epilog=say("cli.epilog"),
        parents=[common_options()],
    )
    sub = parser.add_subparsers(dest="command", metavar=say("cli.command_metavar"))
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def fail(problem: str | Message) -> int:
    """Print `sitthi: <problem>` on stderr in this run's language; the exit status 1."""
    text = problem.render(_language) if isinstance(problem, Message) else problem
    print(say("cli.failed", message=text), file=sys.stderr)
    return EXIT_FAILED


@contextlib.contextmanager
def opened_store(db: str | None, *, demo: bool = False) -> Iterator[Engine]:
    """The store of `--db` (else `SITTHI_DB`, else the user's, or the demo's), disposed after."""
    from store.engine import open_store, resolve_url

    engine = open_store(resolve_url(db, demo=demo) if demo else db)
    try:
        yield engine
    finally:
        engine.dispose()


def _store_problem(exc: Exception) -> Message | None:
    """What to tell when the store failed under a command: busy past the lock wait, or another
    database failure (by type only: its text can quote values). SQLAlchemy is looked at only
    when the command loaded it, so commands that never open a store stay light."""
    database_errors = sys.modules.get("sqlalchemy.exc")
    if database_errors is None or not isinstance(exc, database_errors.OperationalError):
        return None
    from store.engine import is_lock_timeout, lock_wait_ms

    if is_lock_timeout(exc):
        return message("cli_store.busy", seconds=f"{lock_wait_ms() / 1000:g}")
    return message("cli_store.failed", kind=type(getattr(exc, "orig", None) or exc).__name__)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    set_language(choose_language(arguments))
    parser = build_parser()
    args = parser.parse_args(arguments)
    args.db = getattr(args, "db", None)
    args.lang = getattr(args, "lang", None) or _language
    if args.command is None:
        from tui.commands.app import run_app

        return run_app(args)
    from store.errors import SitthiError

    run: Callable[[argparse.Namespace], int] = args.func
    try:
        return run(args)
    except SitthiError as exc:
        return fail(exc.render(_language))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`sitthi report gaps | head`): stop quietly, as other tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED
    except Exception as exc:
        problem = _store_problem(exc)
        if problem is None:
            raise
        return fail(problem)


if __name__ == "__main__":
    sys.exit(main())
