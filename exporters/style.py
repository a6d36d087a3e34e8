"""The exported sheets' font: a setting, since which Thai font prints depends on the PC."""

from __future__ import annotations

from store.codes import setting

DEFAULT_FONT = "Tahoma"
DEFAULT_SIZE = 10


def font() -> tuple[str, int]:
    """The font and size (settings `export_font`, `export_font_size`); Tahoma 10 when blank."""
    size = setting("export_font_size")
    return setting("export_font") or DEFAULT_FONT, int(size) if size else DEFAULT_SIZE
