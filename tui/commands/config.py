"""`sitthi config set|get|unset|show`: the centre's sync settings (server, token, folders).

Stored in `sync.json` in the user config folder, readable by its owner only (mode 0600);
`SITTHI_SERVER` and `SITTHI_TOKEN` override the file. The token is never printed in full.
Errors (`sync.config.ConfigError`) are reported by the command line's one handler.
"""

from __future__ import annotations

import argparse
import json
import os

from tui.cli import EXIT_OK, Subparsers, add_command, say


def register(subparsers: Subparsers) -> None:
    from sync.config import KEYS

    parser = add_command(subparsers, "config", "cli.help.config.cmd", "cli.help.config.description")
    actions = parser.add_subparsers(
        dest="config_action", metavar=say("cli.action_metavar"), required=True
    )
    keys = ", ".join(f"{key} ({_key_help(key)})" for key in KEYS)
    key_name = say("cli.help.config.key")

    setting = add_command(actions, "set", "cli.help.config.set")
    setting.description = say("cli.help.config.set_description", keys=keys)
    setting.add_argument("key", choices=sorted(KEYS), metavar=key_name)
    setting.add_argument("value", metavar=say("cli.help.config.value"))
    setting.set_defaults(func=set_setting)

    getting = add_command(actions, "get", "cli.help.config.get")
    getting.add_argument("key", choices=sorted(KEYS), metavar=key_name)
    getting.set_defaults(func=get_setting)

    removing = add_command(actions, "unset", "cli.help.config.unset")
    removing.add_argument("key", choices=sorted(KEYS), metavar=key_name)
    removing.set_defaults(func=unset_setting)

    showing = add_command(actions, "show", "cli.help.config.show")
    showing.add_argument("--json", action="store_true", help=say("cli.help.config.json"))
    showing.set_defaults(func=show_settings)


def _key_help(key: str) -> str:
    return say(f"cli.help.config.key_{key}", sep=repr(os.pathsep))


def mask(key: str, value: str) -> str:
    from sync.config import SECRET_KEYS

    if key in SECRET_KEYS and value:
        return value[:7] + "…" if len(value) > 12 else "…"
    return value


def set_setting(args: argparse.Namespace) -> int:
    from sync.config import config_path, set_value

    set_value(args.key, args.value)
    print(say("cli.help.config.saved", key=args.key, path=config_path()))
    return EXIT_OK


def get_setting(args: argparse.Namespace) -> int:
    from sync.config import current

    print(mask(args.key, current().get(args.key, "")))
    return EXIT_OK


def unset_setting(args: argparse.Namespace) -> int:
    from sync.config import unset

    removed = unset(args.key)
    print(say("cli.help.config.removed" if removed else "cli.help.config.not_set", key=args.key))
    return EXIT_OK


def show_settings(args: argparse.Namespace) -> int:
    from sync.config import current

    values = {key: mask(key, value) for key, value in sorted(current().items())}
    if args.json:
        print(json.dumps(values, ensure_ascii=False))
    else:
        for key, value in values.items():
            print(f"{key} = {value}")
    return EXIT_OK
