"""`sitthi` with no command: open the terminal app on the store."""

from __future__ import annotations

import argparse


def run_app(args: argparse.Namespace) -> int:
    from tui.app import SitthiApp

    SitthiApp(
        args.db,
        lang=args.lang,
        as_of=getattr(args, "as_of", None),
        hospcode=getattr(args, "hospcode", None),
    ).run()
    return 0
