"""The top line: the screens with their keys (the current one marked), the unit shown when one
was chosen, and the as-of date."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import Static

from store.controls import terminal_safe

if TYPE_CHECKING:
    from tui.app import SitthiApp


class NavBar(Static):
    """`1 ภาพรวม  2 รายชื่อ ...   ณ 15 ม.ค. 2568`; each entry is also clickable."""

    def __init__(self, current: str) -> None:
        super().__init__(id="navbar", markup=False)
        self.current = current

    def on_mount(self) -> None:
        self.update(self.build())
        self.watch(self.app, "as_of", self.on_resize, init=False)
        self.watch(self.app, "hospcode", self.on_resize, init=False)

    def on_resize(self) -> None:
        self.update(self.build())

    def build(self) -> Content:
        app: SitthiApp = self.app  # type: ignore[assignment]
        parts: list[Content | str] = []
        for entry in app.nav_entries():
            style = "reverse bold" if entry.mode == self.current else "bold"
            parts.append(
                Content.from_markup(
                    f"[{style} @click=app.go('{entry.mode}')]$label[/]",
                    label=f" {entry.key} {app.t(entry.label)} ",
                )
            )
        left = Content.assemble(*parts)
        as_of = app.t("nav.as_of", date=app.t.date(app.as_of))
        if app.hospcode is None:
            choices = [Content(as_of)]
        else:
            label = terminal_safe(unit_label(app.hospcode, app.unit_name, app))
            unit = Content.styled(label, "bold $accent")
            code = Content.styled(unit_label(app.hospcode, "", app), "bold $accent")
            choices = [Content.assemble(unit, "  ", as_of), unit, code]
        for right in choices:
            gap = self.size.width - left.cell_length - right.cell_length
            if gap >= 1:
                return Content.assemble(left, " " * gap, right)
        return left


def unit_label(hospcode: str, name: str, app: SitthiApp) -> str:
    """`หน่วย 01234 รพ.สต.บ้านทดสอบ`: which unit the screens show."""
    return app.t("nav.unit", unit=f"{hospcode} {name}".strip())
