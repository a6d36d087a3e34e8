"""HTML tables served under an `.xls` name, read as one grid of text cells.

Thai PHP tools (rights-check reports beside JHCIS) "export to Excel" by sending an HTML page,
often UTF-8 with a byte-order mark, named `report.xls`; Excel opens it, so staff keep it. Every
`<tr>` of every table is a row, in document order; a cell with `colspan="n"` is followed by
n - 1 empty cells, and one with `rowspan="n"` leaves its columns empty in the n - 1 rows below
(as a merged cell reads in a workbook), so sub-header cells stay under their group label.
Text outside the tables (a title in `<h3>` or `<p>`) becomes a one-cell row before them, so
facts in titles are kept.
The page is parsed with the standard library's HTML parser fed in pieces, so rows are handed on
as they complete; cell text has its whitespace collapsed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

from sync.ingest.sheet import RawRow, Sheet
from sync.ingest.textfile import decode_text

HTML_FORMAT = "html"
FEED_CHARS = 65_536
SNIFF_CHARS = 4096
MAX_SPAN = 1000
"""A larger colspan or rowspan is taken as 1: no real report spans that many."""

_SPACES = re.compile(r"\s+")
_LOOKS_HTML = re.compile(
    r"^\s*<(?:!doctype\s+html|html|head|body|meta|table|style|div|h\d)\b", re.I
)
_BREAKS = frozenset({"br", "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr"})


def looks_like_html(data: bytes) -> bool:
    """Starts (after a byte-order mark and blanks) with an HTML tag and holds a table."""
    head = data[:SNIFF_CHARS].removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace")
    return bool(_LOOKS_HTML.match(head)) and b"<table" in data[: 4 * FEED_CHARS].lower()


def html_sheet(data: bytes, name: str) -> Sheet:
    decoded = decode_text(data)
    text = decoded.text

    def rows() -> Iterator[tuple[int, RawRow]]:
        parser = _TableParser()
        number = 0
        for start in range(0, len(text), FEED_CHARS):
            parser.feed(text[start : start + FEED_CHARS])
            for row in parser.take():
                number += 1
                yield number, row
        parser.close()
        for row in parser.take():
            number += 1
            yield number, row

    return Sheet(name, HTML_FORMAT, decoded.encoding, rows)


class _TableParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._done: list[list[str]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._span = 1
        self._rowspan = 1
        self._pending: dict[int, int] = {}
        """Column → rows (this one included) a cell spanning down still covers."""
        self._tables = 0
        self._outside: list[str] = []
        self._skip = 0

    def take(self) -> list[list[str]]:
        done, self._done = self._done, []
        return done

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "table":
            self._flush_outside()
            self._tables += 1
            self._pending = {}
        elif tag == "tr" and self._tables:
            self._end_row()
            self._row = []
        elif tag in ("td", "th") and self._tables:
            if self._row is None:
                self._row = []
            self._end_cell()
            self._cell = []
            self._span = _span(attrs, "colspan")
            self._rowspan = _span(attrs, "rowspan")
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")
        elif tag in _BREAKS and not self._tables:
            self._flush_outside()

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(self._skip - 1, 0)
        elif tag in ("td", "th"):
            self._end_cell()
        elif tag == "tr":
            self._end_row()
        elif tag == "table" and self._tables:
            self._end_row()
            self._tables -= 1
        elif tag in _BREAKS and not self._tables:
            self._flush_outside()

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._cell is not None:
            self._cell.append(data)
        elif not self._tables:
            self._outside.append(data)

    def close(self) -> None:
        super().close()
        self._end_row()
        self._flush_outside()

    def _end_cell(self) -> None:
        if self._cell is None or self._row is None:
            return
        row = self._row
        while len(row) in self._pending:
            row.append("")
        first = len(row)
        row.append(_SPACES.sub(" ", "".join(self._cell)).strip())
        row.extend([""] * (self._span - 1))
        if self._rowspan > 1:
            for column in range(first, len(row)):
                self._pending[column] = self._rowspan
        self._cell = None

    def _end_row(self) -> None:
        self._end_cell()
        if self._row is not None:
            row = self._row
            for column in sorted(c for c in self._pending if c >= len(row)):
                row.extend([""] * (column + 1 - len(row)))
            self._done.append(row)
            self._row = None
            self._pending = {c: n - 1 for c, n in self._pending.items() if n > 1}

    def _flush_outside(self) -> None:
        text = _SPACES.sub(" ", "".join(self._outside)).strip()
        self._outside = []
        if text:
            self._done.append([text])


def _span(attrs: list[tuple[str, str | None]], name: str) -> int:
    for key, value in attrs:
        if key == name and value and value.strip().isdigit():
            span = int(value.strip())
            return span if 1 <= span <= MAX_SPAN else 1
    return 1
