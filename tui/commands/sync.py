"""`sitthi sync`: one push/pull round with the provincial server now.

Prints what was sent and received; `--json` prints `{"pushed": n, "pulled": n, "pending": n,
"server": "...", "rejected": n}` (version 1 of this output; keys are only ever added). Exits 1
with a message when the server cannot be reached or refuses (token, version, rights); the next
run resumes where this one stopped.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from store.i18n import Section, message
from tui.cli import EXIT_OK, Subparsers, add_command, fail, opened_store, say

if TYPE_CHECKING:
    from sync.protocol import Rejection

TEXTS = Section("cli.sync")


def register(subparsers: Subparsers) -> None:
    parser = add_command(subparsers, "sync", "cli.help.sync.cmd", "cli.help.sync.description")
    parser.add_argument("--json", action="store_true", help=say("cli.help.sync.json"))
    parser.add_argument("--server", metavar="URL", help=say("cli.help.sync.server"))
    parser.add_argument("--ca-bundle", metavar="PATH", help=say("cli.help.sync.ca_bundle"))
    parser.add_argument(
        "--timeout", type=float, default=60.0, metavar="S", help=say("cli.help.sync.timeout")
    )
    parser.set_defaults(func=run_sync)


def run_sync(args: argparse.Namespace) -> int:
    from sync.client import sync_once
    from sync.config import settings

    text = TEXTS[args.lang]
    config = settings()
    server = (args.server or config.server).rstrip("/")
    if not server:
        return fail(message("cli.sync.no_server"))
    with opened_store(args.db) as engine:
        result = sync_once(
            engine,
            server,
            config.token,
            ca_bundle=args.ca_bundle or config.ca_bundle or None,
            timeout=args.timeout,
        )
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        print(text["summary"].format(**result.to_json()))
        if result.rejected:
            print(text["rejected"].format(count=len(result.rejected)))
            print_rejections(result.rejected, args.lang or "th")
        if result.reidentified:
            from store.i18n import render

            print(render("sync_client.reidentified", args.lang or "th"))
    return EXIT_OK


def print_rejections(rejections: list[Rejection], lang: str) -> None:
    """Each refused row on standard error, its reason in the reader's language (a reason the
    catalogue does not hold is said to be in the server's log, not shown in English)."""
    import sys

    from store.i18n import render
    from sync.client import rejection_reason

    unknown = message("cli.sync.unknown_reason")
    for rejection in rejections:
        reason = rejection_reason(rejection) or unknown
        line = render(
            "cli.sync.rejected_row", lang, table=rejection.table, id=rejection.id, reason=reason
        )
        print(line, file=sys.stderr)
