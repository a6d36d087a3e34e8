"""`sitthi config set|get|unset|show`: the centre's sync settings (server, token, folders).

Stored in `sync.json` in the user config folder, readable by its owner only (mode 0600);
`SITTHI_SERVER` and `SITTHI_TOKEN` override the file. The token is never printed in full.
"""

from __future__ import annotations

import argparse
import json
import sys

from tui.cli import EXIT_FAILED, EXIT_OK, add_global_options


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from sync.config import KEYS

    parser = subparsers.add_parser("config", help="sync settings", description=__doc__)
    add_global_options(parser)
    actions = parser.add_subparsers(dest="config_action", metavar="ACTION", required=True)
    keys = ", ".join(f"{k} ({v})" for k, v in KEYS.items())

    setting = actions.add_parser("set", help="store a setting", description=f"Settings: {keys}")
    setting.add_argument("key", choices=sorted(KEYS), metavar="KEY")
    setting.add_argument("value", metavar="VALUE")
    setting.set_defaults(func=set_setting)

    getting = actions.add_parser("get", help="print one setting's effective value")
    getting.add_argument("key", choices=sorted(KEYS), metavar="KEY")
    getting.set_defaults(func=get_setting)

    removing = actions.add_parser("unset", help="remove a setting from the file")
    removing.add_argument("key", choices=sorted(KEYS), metavar="KEY")
    removing.set_defaults(func=unset_setting)

    showing = actions.add_parser("show", help="every effective setting (token masked)")
    showing.add_argument("--json", action="store_true", help="as a JSON object")
    showing.set_defaults(func=show_settings)


def mask(key: str, value: str) -> str:
    from sync.config import SECRET_KEYS

    if key in SECRET_KEYS and value:
        return value[:7] + "…" if len(value) > 12 else "…"
    return value


def set_setting(args: argparse.Namespace) -> int:
    from sync.config import ConfigError, config_path, set_value

    try:
        set_value(args.key, args.value)
    except ConfigError as exc:
        print(f"sitthi: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(f"{args.key} saved in {config_path()}")
    return EXIT_OK


def get_setting(args: argparse.Namespace) -> int:
    from sync.config import ConfigError, current

    try:
        value = current().get(args.key, "")
    except ConfigError as exc:
        print(f"sitthi: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(mask(args.key, value))
    return EXIT_OK


def unset_setting(args: argparse.Namespace) -> int:
    from sync.config import ConfigError, unset

    try:
        removed = unset(args.key)
    except ConfigError as exc:
        print(f"sitthi: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(f"{args.key} removed" if removed else f"{args.key} was not set")
    return EXIT_OK


def show_settings(args: argparse.Namespace) -> int:
    from sync.config import ConfigError, current

    try:
        values = {key: mask(key, value) for key, value in sorted(current().items())}
    except ConfigError as exc:
        print(f"sitthi: {exc}", file=sys.stderr)
        return EXIT_FAILED
    if args.json:
        print(json.dumps(values, ensure_ascii=False))
    else:
        for key, value in values.items():
            print(f"{key} = {value}")
    return EXIT_OK
