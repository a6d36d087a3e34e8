"""`e` on a list screen: what is on screen, filters included, saved as XLSX in the current
folder (the default name of `sitthi export`), audited like the command line's exports. The
work runs in a thread worker; the screen says where the file went, or why it could not."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from exporters.document import Document
    from tui.screens.base import StoreAccess

EXPORT_KEY = "e"


def export_on_screen(screen: StoreAccess, build: Callable[[Connection], Document]) -> None:
    """Build the document in one read transaction, then write and record it off the UI."""
    gateway = screen.sitthi.gateway
    folder = Path.cwd()

    def work() -> Path:
        from exporters.files import ExportError, default_name
        from exporters.run import save_document

        document = gateway.read(build)
        path = folder / default_name(document.kind, document.hospcode, document.as_of, "xlsx")
        try:
            return save_document(gateway.engine(), document, path).path
        except ExportError as exc:
            raise OSError(screen.t.message(exc.reason)) from exc

    shown: Any = screen

    def done(path: Path) -> None:
        shown.notify(screen.t("export.app_saved", path=path), timeout=10)

    screen.off_ui(work, done, group="export")
