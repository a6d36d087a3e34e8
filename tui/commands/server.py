"""`sitthi server run|add-facility|add-user`: the provincial sync server and its accounts.

The server's store is `--db` (a PostgreSQL URL in production), else `SITTHI_SERVER_DB`, else a
SQLite file in the user data folder. A new token is printed once and kept only as a digest:
hand it to the unit (`sitthi config set token ...`) over a safe channel.
"""

from __future__ import annotations

import argparse
import json
import sys

from tui.cli import EXIT_FAILED, EXIT_OK, add_global_options


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("server", help="the provincial sync server", description=__doc__)
    add_global_options(parser)
    actions = parser.add_subparsers(dest="server_action", metavar="ACTION", required=True)

    run = actions.add_parser("run", help="serve the sync API (foreground)")
    add_global_options(run)
    run.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    run.add_argument("--port", type=int, default=8750, help="port (default 8750)")
    run.set_defaults(func=run_server)

    facility = actions.add_parser("add-facility", help="register a unit and print its new token")
    add_global_options(facility)
    facility.add_argument("hospcode", metavar="HOSPCODE")
    facility.add_argument("--name", default="", help="the unit's name")
    facility.add_argument("--json", action="store_true", help='print {"hospcode", "token"}')
    facility.set_defaults(func=add_facility)

    user = actions.add_parser("add-user", help="register a provincial user and print a token")
    add_global_options(user)
    user.add_argument("name", metavar="NAME")
    user.add_argument("--role", choices=("province",), required=True, help="the user's role")
    user.add_argument("--json", action="store_true", help='print {"name", "token"}')
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
    print(f"token for {value} (shown once; store it safely):")
    print(token)


def add_facility(args: argparse.Namespace) -> int:
    from sync.server.admin import add_facility as register_facility
    from sync.server.auth import CredentialError
    from sync.server.run import open_server_store

    engine = open_server_store(args.db)
    try:
        token = register_facility(engine, args.hospcode, args.name)
    except CredentialError as exc:
        print(f"sitthi: {exc}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        engine.dispose()
    _print_token(args, "hospcode", args.hospcode, token)
    return EXIT_OK


def add_user(args: argparse.Namespace) -> int:
    from sync.protocol import Role
    from sync.server.admin import add_user as register_user
    from sync.server.auth import CredentialError
    from sync.server.run import open_server_store

    engine = open_server_store(args.db)
    try:
        token = register_user(engine, args.name, Role(args.role))
    except CredentialError as exc:
        print(f"sitthi: {exc}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        engine.dispose()
    _print_token(args, "name", args.name, token)
    return EXIT_OK
