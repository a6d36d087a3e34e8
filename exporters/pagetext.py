"""The printed page's header and footer: unit, heading, village and volunteer; the as-of date in
the Buddhist era and "page x of y", in the export's language."""

from __future__ import annotations

from exporters.document import Document, Section
from exporters.style import font
from store.i18n import render
from store.thaidate import format_be

HEADER_LIMIT = 255
"""Excel refuses longer header or footer texts."""
PART_LIMIT = 70


def as_of_text(document: Document) -> str:
    """ "ข้อมูล ณ วันที่ 30 พ.ย. 2569" (BE in both languages: the staff's calendar)."""
    return render("export.as_of", document.lang, date=format_be(document.as_of))


def _part(text: str) -> str:
    shortened = text if len(text) <= PART_LIMIT else text[: PART_LIMIT - 1] + "…"
    return shortened.replace("&", "&&")


def _font() -> str:
    name, size = font()
    # The space ends the size code: digits right after it would be read as part of the size.
    return f'&"{name},Regular"&{max(size - 1, 6)} '


def header_text(document: Document, section: Section) -> str:
    """Left: the unit; centre: the section's heading; right: village and volunteer."""
    style = _font()
    text = (
        f"&L{style}{_part(document.unit)}"
        f"&C{style}{_part(section.heading)}"
        f"&R{style}{_part(section.place)}"
    )
    return text[:HEADER_LIMIT]


def footer_text(document: Document) -> str:
    """Left: the as-of date; right: page x of y."""
    style = _font()
    page = render("export.page", document.lang, page="&P", pages="&N")
    return f"&L{style}{_part(as_of_text(document))}&R{style}{page}"[:HEADER_LIMIT]
