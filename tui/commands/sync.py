"""`sitthi sync`: one push/pull round with the provincial server now.

Prints what was sent and received; `--json` prints `{"pushed": n, "pulled": n, "pending": n,
"server": "...", "rejected": n}` (version 1 of this output; keys are only ever added). Exits 1
with a message when the server cannot be reached or refuses (token, version, rights); the next
run resumes where this one stopped.
"""

from __future__ import annotations

import argparse
import json
import sys

from tui.cli import EXIT_FAILED, EXIT_OK, add_global_options

TEXTS = {
    "th": {
        "summary": "ซิงก์กับ {server}: ส่ง {pushed} แถว รับ {pulled} แถว ค้างส่ง {pending} แถว",
        "rejected": "เซิร์ฟเวอร์ไม่รับ {count} แถว (ดูรายละเอียดในบันทึก)",
        "no_server": "ยังไม่ได้ตั้งค่าเซิร์ฟเวอร์: sitthi config set server URL",
    },
    "en": {
        "summary": "Synced with {server}: sent {pushed} rows, received {pulled}, {pending} pending",
        "rejected": "the server refused {count} rows (see the log for reasons)",
        "no_server": "no server configured: sitthi config set server URL",
    },
}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "sync", help="one push/pull with the server now", description=__doc__
    )
    add_global_options(parser)
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--server", metavar="URL", help="server URL (default: the setting)")
    parser.add_argument("--ca-bundle", metavar="PATH", help="CA certificates to verify the server")
    parser.add_argument(
        "--timeout", type=float, default=60.0, metavar="S", help="network timeout in seconds"
    )
    parser.set_defaults(func=run_sync)


def run_sync(args: argparse.Namespace) -> int:
    from store.engine import open_store
    from sync.client import SyncError, sync_once
    from sync.config import ConfigError, settings

    text = TEXTS[args.lang or "th"]
    try:
        config = settings()
    except ConfigError as exc:
        print(f"sitthi: {exc}", file=sys.stderr)
        return EXIT_FAILED
    server = (args.server or config.server).rstrip("/")
    if not server:
        print(f"sitthi: {text['no_server']}", file=sys.stderr)
        return EXIT_FAILED
    engine = open_store(args.db)
    try:
        result = sync_once(
            engine,
            server,
            config.token,
            ca_bundle=args.ca_bundle or config.ca_bundle or None,
            timeout=args.timeout,
        )
    except SyncError as exc:
        print(f"sitthi: {exc}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        engine.dispose()
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        print(text["summary"].format(**result.to_json()))
        if result.rejected:
            print(text["rejected"].format(count=len(result.rejected)))
        if result.reidentified:
            from store.i18n import render

            print(render("sync_client.reidentified", args.lang or "th"))
    return EXIT_OK
