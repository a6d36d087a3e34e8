"""`sitthi` with no command: the terminal app (until it lands, the KPI report of the store)."""

from __future__ import annotations

import argparse


def run_app(args: argparse.Namespace) -> int:
    from tui.commands.report import print_kpi

    return print_kpi(args)
