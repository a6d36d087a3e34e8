"""`sitthi server run|add-facility|add-user`: the provincial sync server and its accounts.

The server's store is `--db` (a PostgreSQL URL in production), else `SITTHI_SERVER_DB`, else a
SQLite file in the user data folder. A new token is printed once and kept only as a digest:
hand it to the unit (`sitthi config set token ...`) over a safe channel.
"""

from __future__ import annotations

import argparse
import json

from tui.cli import EXIT_OK, Subparsers, add_command, say


def register(subparsers: Subparsers) -> None:
    parser = add_command(subparsers, "server", "cli.help.server.cmd", "cli.help.server.description")
    actions = parser.add_subparsers(
        dest="server_action", metavar=say("cli.action_metavar"), required=True
    )

    run = add_command(actions, "run", "cli.help.server.run")
    run.add_argument("--host", default="127.0.0.1", help=say("cli.help.server.host"))
    run.add_argument("--port", type=int, default=8750, help=say("cli.help.server.port"))
    run.set_defaults(func=run_server)

    facility = add_command(actions, "add-facility", "cli.help.server.add_facility")
    facility.add_argument("hospcode", metavar="HOSPCODE")
    facility.add_argument("--name", default="", help=say("cli.help.server.name"))
    facility.add_argument("--json", action="store_true", help=say("cli.help.server.json_facility"))
    facility.set_defaults(func=add_facility)

    user = add_command(actions, "add-user", "cli.help.server.add_user")
    user.add_argument("name", metavar="NAME")
    user.add_argument(
        "--role", choices=("province",), required=True, help=say("cli.help.server.role")
    )
    user.add_argument("--json", action="store_true", help=say("cli.help.server.json_user"))
    user.set_defaults(func=add_user)


def run_server(args: argparse.Namespace) -> int:
    from sync.server.run import open_server_store, serve

    engine = open_server_store(args.db)
    try:
        serve(engine, args.host, args.port)
    finally:
        engine.dispose()
    return EXIT_OK


def _print_token(args: argparse.Namespace, key: str, value: str, token: str) -> None:
    if args.json:
        print(json.dumps({key: value, "token": token}))
        return
    print(say("cli.help.server.token_for", value=value))
    print(token)


def add_facility(args: argparse.Namespace) -> int:
    from sync.server.admin import add_facility as register_facility
    from sync.server.run import open_server_store

    engine = open_server_store(args.db)
    try:
        token = register_facility(engine, args.hospcode, args.name)
    finally:
        engine.dispose()
    _print_token(args, "hospcode", args.hospcode, token)
    return EXIT_OK


def add_user(args: argparse.Namespace) -> int:
    from sync.protocol import Role
    from sync.server.admin import add_user as register_user
    from sync.server.run import open_server_store

    engine = open_server_store(args.db)
    try:
        token = register_user(engine, args.name, Role(args.role))
    finally:
        engine.dispose()
    _print_token(args, "name", args.name, token)
    return EXIT_OK
