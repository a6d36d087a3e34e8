"""`sitthi server run|add-facility|add-user|tokens|audit|compact`: the provincial sync server and
its accounts.

The server's store is the one every command uses: `--db` (a PostgreSQL URL in production), else
`SITTHI_DB`, else the user store. A new token is printed once and kept only as a digest: hand it
to the unit (`sitthi config set token ...`) over a safe channel. `tokens list` shows every token's
record (never the token), `tokens revoke ID` stops one, `tokens rotate ID` replaces one (the
unit's stores keep their place and need only the new token). `audit` shows, per unit and day,
the NHSO records that followed a CID to the unit, flagging units held at their daily limit
and units that asked for records of people another unit answers for (withheld).
`compact` removes the change-log entries every active provincial reader has read, as the running
server does every ten minutes (`sync.server.compaction`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from typing import TYPE_CHECKING

from tui.cli import EXIT_OK, Subparsers, add_command, fail, say

if TYPE_CHECKING:
    from sqlalchemy import Engine

DEFAULT_AUDIT_DAYS = 30


def register(subparsers: Subparsers) -> None:
    from sync.server.settings import (
        ACTIVE_READER_DAYS,
        DEFAULT_FIRST_SYNC_PEOPLE,
        DEFAULT_MAX_CLOCK_SKEW_S,
        DEFAULT_NEW_PEOPLE_PER_DAY,
        NEW_PEOPLE_SHARE,
    )

    parser = add_command(subparsers, "server", "cli.help.server.cmd", "cli.help.server.description")
    actions = parser.add_subparsers(
        dest="server_action", metavar=say("cli.action_metavar"), required=True
    )

    run = add_command(actions, "run", "cli.help.server.run")
    run.add_argument("--host", default="127.0.0.1", help=say("cli.help.server.host"))
    run.add_argument("--port", type=int, default=8750, help=say("cli.help.server.port"))
    run.add_argument(
        "--max-clock-skew",
        type=float,
        default=DEFAULT_MAX_CLOCK_SKEW_S,
        metavar="S",
        help=say("server.help.max_clock_skew", default=DEFAULT_MAX_CLOCK_SKEW_S),
    )
    run.add_argument(
        "--new-people-per-day",
        type=int,
        default=DEFAULT_NEW_PEOPLE_PER_DAY,
        metavar="N",
        help=say(
            "server.help.new_people_per_day",
            default=DEFAULT_NEW_PEOPLE_PER_DAY,
            per=round(1 / NEW_PEOPLE_SHARE),
        ),
    )
    run.add_argument(
        "--first-sync-people",
        type=int,
        default=DEFAULT_FIRST_SYNC_PEOPLE,
        metavar="N",
        help=say("server.help.first_sync_people", default=DEFAULT_FIRST_SYNC_PEOPLE),
    )
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

    tokens = add_command(actions, "tokens", "server.help.tokens")
    token_actions = tokens.add_subparsers(
        dest="tokens_action", metavar=say("cli.action_metavar"), required=True
    )
    listing = add_command(token_actions, "list", "server.help.tokens_list")
    listing.add_argument("--json", action="store_true", help=say("server.help.json"))
    listing.set_defaults(func=list_tokens)
    for name, func, summary in (
        ("revoke", revoke_token, "server.help.tokens_revoke"),
        ("rotate", rotate_token, "server.help.tokens_rotate"),
    ):
        action = add_command(token_actions, name, summary)
        action.add_argument("id", metavar="ID", help=say("server.help.token_id"))
        action.add_argument("--json", action="store_true", help=say("server.help.json"))
        action.set_defaults(func=func)

    audit = add_command(actions, "audit", "server.help.audit")
    audit.add_argument("--hospcode", metavar="H", help=say("server.help.audit_hospcode"))
    audit.add_argument(
        "--days",
        type=int,
        default=DEFAULT_AUDIT_DAYS,
        metavar="N",
        help=say("server.help.audit_days", default=DEFAULT_AUDIT_DAYS),
    )
    audit.add_argument("--json", action="store_true", help=say("server.help.json"))
    audit.set_defaults(func=show_audit)

    compact = add_command(actions, "compact", "server.compact.help")
    compact.add_argument(
        "--active-days",
        type=int,
        default=ACTIVE_READER_DAYS,
        metavar="N",
        help=say("server.compact.help_days", default=ACTIVE_READER_DAYS),
    )
    compact.add_argument("--json", action="store_true", help=say("server.help.json"))
    compact.set_defaults(func=compact_log)


def _say(_args: argparse.Namespace, key: str, **params: object) -> str:
    return say(key, **params)


def _open(args: argparse.Namespace) -> Engine:
    from sync.server.run import open_server_store

    return open_server_store(args.db, lang=args.lang)


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
            delivery=DeliverySettings(
                new_people_per_day=args.new_people_per_day,
                first_sync_people=args.first_sync_people,
            ),
        )
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

    engine = _open(args)
    try:
        token = register_facility(engine, args.hospcode, args.name)
    finally:
        engine.dispose()
    _print_token(args, "hospcode", args.hospcode, token)
    return EXIT_OK


def add_user(args: argparse.Namespace) -> int:
    from sync.protocol import Role
    from sync.server.admin import add_user as register_user

    engine = _open(args)
    try:
        token = register_user(engine, args.name, Role(args.role))
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
        return fail(exc.render(args.lang))
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
        return fail(exc.render(args.lang))
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
        if day.held:
            line += " " + _say(args, "server.audit.flagged", held=day.held)
        if day.withheld:
            line += " " + _say(args, "server.audit.withheld", withheld=day.withheld)
        print(line)
    return EXIT_OK


def compact_log(args: argparse.Namespace) -> int:
    from sync.server import compaction

    engine = _open(args)
    try:
        done = compaction.compact_log(engine, active_days=max(0, args.active_days))
    finally:
        engine.dispose()
    if args.json:
        print(json.dumps(done.to_json()))
        return EXIT_OK
    print(_say(args, "server.compact.done", **done.to_json()))
    return EXIT_OK
