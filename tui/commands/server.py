"""`sitthi server run|add-facility|add-user|tokens|audit`: the provincial sync server and its
accounts.

The server's store is the one every command uses: `--db` (a PostgreSQL URL in production), else
`SITTHI_DB`, else the user store. A new token is printed once and kept only as a digest: hand it
to the unit (`sitthi config set token ...`) over a safe channel. `tokens list` shows every token's
record (never the token), `tokens revoke ID` stops one, `tokens rotate ID` replaces one (the
unit's stores keep their place and need only the new token). `audit` shows, per unit and day,
the NHSO records that followed a CID to the unit, flagging units held at their daily limit.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import TYPE_CHECKING

from tui.cli import EXIT_FAILED, EXIT_OK, add_global_options

if TYPE_CHECKING:
    from sqlalchemy import Engine

DEFAULT_AUDIT_DAYS = 30


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from sync.server.settings import DEFAULT_MAX_CLOCK_SKEW_S, DEFAULT_NEW_PEOPLE_PER_DAY

    parser = subparsers.add_parser("server", help="the provincial sync server", description=__doc__)
    add_global_options(parser)
    actions = parser.add_subparsers(dest="server_action", metavar="ACTION", required=True)

    run = actions.add_parser("run", help="serve the sync API (foreground)")
    add_global_options(run)
    run.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    run.add_argument("--port", type=int, default=8750, help="port (default 8750)")
    run.add_argument(
        "--max-clock-skew",
        type=float,
        default=DEFAULT_MAX_CLOCK_SKEW_S,
        metavar="S",
        help="how far ahead of the server's clock a follow-up may be stamped (seconds)",
    )
    run.add_argument(
        "--new-people-per-day",
        type=int,
        default=DEFAULT_NEW_PEOPLE_PER_DAY,
        metavar="N",
        help="people new to a unit it may receive NHSO records for in one day",
    )
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

    tokens = actions.add_parser("tokens", help="list, revoke or rotate tokens")
    add_global_options(tokens)
    token_actions = tokens.add_subparsers(dest="tokens_action", metavar="ACTION", required=True)
    listing = token_actions.add_parser("list", help="every token's record (never the token)")
    add_global_options(listing)
    listing.add_argument("--json", action="store_true", help="print a JSON list")
    listing.set_defaults(func=list_tokens)
    for name, func, text in (
        ("revoke", revoke_token, "stop a token from working"),
        ("rotate", rotate_token, "replace a token with a new one, printed once"),
    ):
        action = token_actions.add_parser(name, help=text)
        add_global_options(action)
        action.add_argument("id", metavar="ID", help="the token's id (its first 8 characters do)")
        action.add_argument("--json", action="store_true", help="print the result as JSON")
        action.set_defaults(func=func)

    audit = actions.add_parser("audit", help="NHSO records sent to units by CID, per day")
    add_global_options(audit)
    audit.add_argument("--hospcode", metavar="H", help="one unit only")
    audit.add_argument(
        "--days", type=int, default=DEFAULT_AUDIT_DAYS, metavar="N", help="the last N days"
    )
    audit.add_argument("--json", action="store_true", help="print a JSON list")
    audit.set_defaults(func=show_audit)


def _say(args: argparse.Namespace, key: str, **params: object) -> str:
    from store.i18n import DEFAULT_LANGUAGE, render

    return render(key, args.lang or DEFAULT_LANGUAGE, **params)


def _open(args: argparse.Namespace) -> Engine:
    from sync.server.run import open_server_store

    return open_server_store(args.db, lang=args.lang or "th")


def run_server(args: argparse.Namespace) -> int:
    from sync.server.run import serve
    from sync.server.settings import DeliverySettings, TrustSettings

    engine = _open(args)
    try:
        serve(
            engine,
            args.host,
            args.port,
            trust=TrustSettings(max_clock_skew_s=args.max_clock_skew),
            delivery=DeliverySettings(new_people_per_day=args.new_people_per_day),
        )
    finally:
        engine.dispose()
    return EXIT_OK


def _print_token(args: argparse.Namespace, key: str, value: str, token: str) -> None:
    if args.json:
        print(json.dumps({key: value, "token": token}))
        return
    print(_say(args, "server.tokens.shown_once", holder=value))
    print(token)


def add_facility(args: argparse.Namespace) -> int:
    from sync.server.admin import add_facility as register_facility
    from sync.server.auth import CredentialError

    engine = _open(args)
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

    engine = _open(args)
    try:
        token = register_user(engine, args.name, Role(args.role))
    except CredentialError as exc:
        print(f"sitthi: {exc}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        engine.dispose()
    _print_token(args, "name", args.name, token)
    return EXIT_OK


def _when(moment: dt.datetime | None) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds") if moment else ""


def list_tokens(args: argparse.Namespace) -> int:
    from store.engine import read_tx
    from sync.server.auth import credentials

    engine = _open(args)
    try:
        with read_tx(engine) as conn:
            found = credentials(conn)
    finally:
        engine.dispose()
    rows = [
        {
            "id": c.id,
            "role": c.role.value,
            "holder": c.holder,
            "created_at": _when(c.created_at),
            "revoked_at": _when(c.revoked_at) or None,
            "last_seen_at": _when(c.last_seen_at) or None,
        }
        for c in found
    ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
        return EXIT_OK
    if not rows:
        print(_say(args, "server.tokens.none"))
    for row in rows:
        state = _say(args, "server.tokens.revoked" if row["revoked_at"] else "server.tokens.active")
        print(
            _say(
                args,
                "server.tokens.row",
                id=str(row["id"])[:8],
                role=row["role"],
                holder=row["holder"],
                created=row["created_at"],
                seen=row["last_seen_at"] or "-",
                state=state,
            )
        )
    return EXIT_OK


def revoke_token(args: argparse.Namespace) -> int:
    from store.engine import write_tx
    from sync.server.auth import CredentialError, find_credential, revoke

    engine = _open(args)
    try:
        with write_tx(engine) as conn:
            found = find_credential(conn, args.id)
            revoke(conn, found.id)
    except CredentialError as exc:
        print(f"sitthi: {exc}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        engine.dispose()
    if args.json:
        print(json.dumps({"id": found.id, "revoked": True}))
    else:
        print(_say(args, "server.tokens.revoked_now", id=found.id[:8], holder=found.holder))
    return EXIT_OK


def rotate_token(args: argparse.Namespace) -> int:
    from store.engine import write_tx
    from sync.server.auth import CredentialError, find_credential, rotate

    engine = _open(args)
    try:
        with write_tx(engine) as conn:
            found = find_credential(conn, args.id)
            token = rotate(conn, found.id)
    except CredentialError as exc:
        print(f"sitthi: {exc}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        engine.dispose()
    _print_token(args, "id", found.id, token)
    return EXIT_OK


def show_audit(args: argparse.Namespace) -> int:
    from store.engine import read_tx
    from sync.server.audit import delivery_days

    since = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=max(0, args.days - 1))
    engine = _open(args)
    try:
        with read_tx(engine) as conn:
            days = delivery_days(conn, hospcode=args.hospcode, since=since)
    finally:
        engine.dispose()
    if args.json:
        print(json.dumps([d.to_json() for d in days], ensure_ascii=False))
        return EXIT_OK
    if not days:
        print(_say(args, "server.audit.none", days=args.days))
    for day in days:
        line = _say(
            args,
            "server.audit.row",
            day=day.day.isoformat(),
            hospcode=day.hospcode,
            records=day.records,
            people=day.people,
        )
        if day.flagged:
            line += " " + _say(args, "server.audit.flagged", held=day.held)
        print(line)
    return EXIT_OK
