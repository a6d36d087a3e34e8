"""Reading NHSO downloads (rights lists, statements) as rows of named fields, no database.

A download comes as it is served (domain 7.1): a CSV (UTF-8, TIS-620 or UTF-16 text; delimiter
sniffed; read as a stream, so a dump of millions of rows is never held whole), an HTML table
under an `.xls` name (`sync.ingest.htmltable`), or a workbook, `.xls` (BIFF8), `.xlsx` or
`.ods` (`sync.ingest.workbook`, typed cells: dates stay dates and numbers numbers; held whole).
Its columns are found through an alias table, a `field,alias` CSV in `store/reference` that
users can extend: a header cell names a field when, stripped and case-folded, it equals one of
the field's aliases.

The header is the row among the first `HEADER_SEARCH_ROWS` naming the most of the kind's
mandatory fields, then the most distinct fields (the earliest on a tie), so title rows above it
are passed over and kept as the file's title rows (`sync.ingest.filecontext`). Every sheet of a
workbook is searched so, and the header taken is the one naming the most mandatory fields, then
the most fields, then the earliest sheet's: an STM's filled summary sheet, whose REP No., PP and
FS columns name statement fields too, comes before its detail sheet. A header of two or three
rows (a group label over sub-header cells, merged cells read as the label then empty cells) is
read as one when the rows together name more fields than any one of them: a column is named by
its labels joined top to bottom ("ชดเชย PP"), else by its lowest label, else by a higher one.
Below the header, rows that are no data are skipped: rows with nothing in the columns read,
repeated header rows, total rows ("รวม", "Total": the labels are
`store/reference/table_total_labels.csv`) and, for kinds that need a CID, rows whose CID cell
holds something with fewer than five digits (sub-header, column-number and note rows). A row
with an empty or wrong CID but other values is data: the converters report it.
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import operator
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from store.i18n import message
from store.reference import table
from sync.ingest.convert import Columns
from sync.ingest.filecontext import FileContext, file_context, title_texts
from sync.ingest.htmltable import html_sheet, looks_like_html
from sync.ingest.limits import Limits
from sync.ingest.refused import Refused
from sync.ingest.safezip import looks_like_zip, open_zip
from sync.ingest.sheet import RawRow, Sheet
from sync.ingest.source import Source, bytes_source
from sync.ingest.textfile import TextStream
from sync.ingest.workbook import ODS, XLS, XLSX, workbook_sheets

HEADER_SEARCH_ROWS = 30
"""Rows searched for the header (title and note rows may come first)."""
HEADER_MIN_FIELDS = 2
"""Distinct fields a row must name to be taken for the header."""
HEADER_MAX_ROWS = 3
"""Rows a multi-row header may span (a group label over one or two sub-header rows)."""
DELIMITERS = (",", ";", "\t", "|")
XLSX_MARKER = "[Content_Types].xml"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
TOTAL_LABELS = "table_total_labels.csv"
CID_FIELD = "cid"
CID_MIN_DIGITS = 5
"""Digits a CID cell needs for its row to be data in a kind that needs a CID."""

FieldRow = dict[str, object]

_SPACES = re.compile(r"\s+")


def normalise_header(cell: object) -> str:
    """A header cell as aliases are compared: stripped, case-folded, inner spaces single."""
    if cell is None:
        return ""
    return _SPACES.sub(" ", str(cell).replace("\ufeff", "")).strip().casefold()


@dataclass(frozen=True)
class Aliases:
    """Which field each known header text names."""

    source: str
    by_alias: Mapping[str, str]

    def field_of(self, cell: object) -> str | None:
        return self.by_alias.get(normalise_header(cell))

    @property
    def fields(self) -> frozenset[str]:
        return frozenset(self.by_alias.values())


def load_aliases(name: str) -> Aliases:
    """The alias table `name` (a `field,alias` CSV in store/reference, user rows included)."""
    by_alias: dict[str, str] = {}
    for row in table(name):
        alias = normalise_header(row["alias"])
        if alias:
            by_alias.setdefault(alias, row["field"].strip())
    return Aliases(name, by_alias)


@dataclass(frozen=True)
class Header:
    sheet: Sheet
    row: int
    """The header's last row (data follows it)."""
    columns: Mapping[str, int]
    """Field → column index (the first column naming the field)."""
    aliases: Aliases
    first_row: int = 0
    """The header's first row (its title rows are above it); `row` when 0."""
    title_rows: tuple[tuple[str, ...], ...] = ()
    """The non-empty cells, as text, of each row above the header."""
    texts: tuple[tuple[str, ...], ...] = ()
    """Per column, its header texts: the labels joined top to bottom, then each row's own."""
    by_position: bool = False
    """The columns were taken by position from a documented layout (`sync.ingest.positional`),
    not by the names in the header row."""

    @property
    def labels(self) -> tuple[str, ...]:
        """Every header text of every column (what recognition compares with aliases)."""
        return tuple(dict.fromkeys(t for column in self.texts for t in column))

    @property
    def own_labels(self) -> tuple[str, ...]:
        """Each column's header as one text ("" for a column without one)."""
        return tuple(column[0] if column else "" for column in self.texts)

    def label_of(self, field: str) -> str:
        """The header text of the column naming `field`."""
        column = self.texts[self.columns[field]] if field in self.columns else ()
        return column[0] if column else field

    def missing(self, mandatory: Collection[str]) -> list[str]:
        return [f for f in mandatory if f not in self.columns]

    def context(self, name: str) -> FileContext:
        """The file's context: facts of its title rows and of its name (`name`)."""
        return file_context(name, self.title_rows)


def is_xlsx(data: bytes, limits: Limits) -> bool:
    """A zip holding an Office Open XML package (after the zip safety checks)."""
    if not looks_like_zip(data):
        return False
    names = {info.filename for info in open_zip(data, limits).members()}
    return XLSX_MARKER in names


def is_ods(data: bytes, limits: Limits) -> bool:
    """An OpenDocument spreadsheet: a zip whose `mimetype` member names the type."""
    if not looks_like_zip(data):
        return False
    if data[30:120].startswith(b"mimetype" + ODS_MIMETYPE):
        return True
    archive = open_zip(data, limits)
    mimetype = next((i for i in archive.members() if i.filename == "mimetype"), None)
    return mimetype is not None and archive.read(mimetype).strip() == ODS_MIMETYPE


def open_tabular(data: bytes | Source, name: str, limits: Limits) -> list[Sheet]:
    """The sheets of a CSV, HTML-table, .xls, .xlsx or .ods file; anything else is refused.

    The format is taken from the bytes, never from the name: NHSO's `.xls` may be an HTML page
    and a re-saved file may keep any name. `name` labels the sheets (`rights.xlsx [Sheet1]`).
    A CSV is read as a stream each time its rows are asked for; the other formats whole.
    """
    source = bytes_source(data) if isinstance(data, bytes) else data
    head = source.head
    if head.startswith(OLE2_MAGIC):
        return workbook_sheets(source.read(), name, XLS, limits)
    if looks_like_zip(head):
        whole = source.read()
        if is_ods(whole, limits):
            return workbook_sheets(whole, name, ODS, limits)
        if not is_xlsx(whole, limits):
            raise Refused(message("ingest_read.unknown_zip"))
        return workbook_sheets(whole, name, XLSX, limits)
    if looks_like_html(head):
        return [html_sheet(source.read(), name)]
    return [_csv_sheet(source, name)]


def _csv_sheet(source: Source, name: str) -> Sheet:
    stream = TextStream(source.head, whole=source.whole)
    delimiter = sniff_delimiter(stream.sample)

    def rows() -> Iterator[tuple[int, RawRow]]:
        with source.open() as raw:
            lines = itertools.chain.from_iterable(
                io.StringIO(block, newline="") for block in stream.blocks(raw)
            )
            reader = csv.reader(lines, delimiter=delimiter)
            try:
                for cells in reader:
                    yield reader.line_num, [c.strip() for c in cells]
            except csv.Error as exc:
                raise Refused(f"not a readable CSV file (line {reader.line_num}: {exc})") from exc

    return Sheet(name, "csv", stream.encoding, rows, stream=stream)


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first rows into the most rows of one, widest shape."""
    sample = [line for line in text[:65_536].splitlines()[: HEADER_SEARCH_ROWS + 20] if line]
    best, best_score = DELIMITERS[0], (0, 0)
    for delimiter in DELIMITERS:
        try:
            widths = [len(cells) for cells in csv.reader(sample, delimiter=delimiter)]
        except csv.Error:
            continue
        wide = [w for w in widths if w > 1]
        if not wide:
            continue
        common = max(set(wide), key=lambda w: (wide.count(w), w))
        score = (wide.count(common), common)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def find_header(
    sheets: Sequence[Sheet], aliases: Aliases, required: Collection[str] = ()
) -> Header | None:
    """The best header of all the sheets (see the module text for how it is chosen)."""
    best: tuple[tuple[int, int, int], Header] | None = None
    for index, sheet in enumerate(sheets):
        found = _sheet_header(sheet, aliases, required)
        if found is None:
            continue
        rank = (*header_rank(found, required), -index)
        if best is None or rank > best[0]:
            best = (rank, found)
    return best[1] if best is not None else None


def header_rank(header: Header, required: Collection[str]) -> tuple[int, int]:
    """How well a header fits a kind: the kind's `required` fields it names, then all it names."""
    return _named(header.columns, required), len(header.columns)


def _named(columns: Mapping[str, int], required: Collection[str]) -> int:
    return sum(1 for field in required if field in columns)


def _sheet_header(sheet: Sheet, aliases: Aliases, required: Collection[str]) -> Header | None:
    top: list[tuple[int, RawRow]] = []
    for number, cells in sheet.rows():
        if number > HEADER_SEARCH_ROWS + HEADER_MAX_ROWS - 1:
            break
        top.append((number, cells))
    best: (
        tuple[tuple[int, int, int, int], int, int, dict[str, int], tuple[tuple[str, ...], ...]]
        | None
    ) = None
    """(rank, first row index, rows spanned, columns, texts); the rank prefers most required
    fields named, then most fields, then fewer rows, then the earliest row."""
    for start in range(len(top)):
        if top[start][0] > HEADER_SEARCH_ROWS:
            break
        if not any(_filled(c) for c in top[start][1]):
            continue
        for span in range(1, HEADER_MAX_ROWS + 1):
            block = [cells for _n, cells in top[start : start + span]]
            if len(block) < span:
                break
            columns, texts = _block_columns(block, aliases)
            rank = (_named(columns, required), len(columns), -span, -start)
            if best is None or rank > best[0]:
                best = (rank, start, span, columns, texts)
    if best is None or len(best[3]) < HEADER_MIN_FIELDS:
        return None
    _rank, start, span, columns, texts = best
    titles = title_texts(cells for _n, cells in top[:start])
    return Header(
        sheet,
        top[start + span - 1][0],
        columns,
        aliases,
        first_row=top[start][0],
        title_rows=tuple(t for t in titles if t),
        texts=texts,
    )


def _block_columns(
    block: Sequence[RawRow], aliases: Aliases
) -> tuple[dict[str, int], tuple[tuple[str, ...], ...]]:
    """Field → column of a header block of one or more rows (module text), and each column's
    header texts."""
    width = max(len(cells) for cells in block)
    filled: list[list[str]] = []
    for depth, cells in enumerate(block):
        row_texts = [_header_text(cells[i]) if i < len(cells) else "" for i in range(width)]
        if depth < len(block) - 1:
            # A group label (a merged cell reads as its label then empty cells) is carried
            # right over the columns its sub-headers name.
            carried = ""
            for i, text in enumerate(row_texts):
                carried = text or carried
                row_texts[i] = text or carried
        filled.append(row_texts)
    columns: dict[str, int] = {}
    texts: list[tuple[str, ...]] = []
    for index in range(width):
        own = [_header_text(cells[index]) if index < len(cells) else "" for cells in block]
        joined = " ".join(dict.fromkeys(rows[index] for rows in filled if rows[index]))
        candidates = [joined, *reversed(own)] if len(block) > 1 else own
        texts.append(tuple(dict.fromkeys(t for t in candidates if t)))
        for text in candidates:
            found = aliases.field_of(text) if text else None
            if found is not None and found not in columns:
                columns[found] = index
                break
    return columns, tuple(texts)


def _header_text(cell: object) -> str:
    return "" if cell is None else str(cell).strip()


def read_values(
    header: Header, *, needs_cid: bool = False
) -> Iterator[tuple[int, tuple[object, ...]]]:
    """(row number, the cells of `header.columns`' fields in their order) for each data row
    below the header (see the module text).

    Empty cells are ``""``; workbook numbers and dates keep their type for the converters.
    With `needs_cid`, a row whose CID cell holds something that is no attempt at a CID is no
    data row.
    """
    indices = tuple(header.columns.values())
    width = max(indices, default=-1) + 1
    pick = _picker(indices)
    fields = tuple(header.columns)
    cid_at = fields.index(CID_FIELD) if needs_cid and CID_FIELD in header.columns else None
    for number, cells in header.sheet.rows():
        if number <= header.row:
            continue
        if len(cells) >= width:
            values = pick(cells)
        else:
            values = tuple(cells[i] if i < len(cells) else "" for i in indices)
        if None in values:
            values = tuple(_blank(v) for v in values)
        # A truthy cell is filled; only a row of falsy cells (0 is filled) needs a closer look.
        if not any(values) and not any(_filled(v) for v in values):
            continue
        if cid_at is not None and _filled(values[cid_at]):
            if not _tries_a_cid(values[cid_at]):
                continue
            # A row with a CID is data: no total or header row holds one.
            yield number, values
            continue
        if _is_total(cells) or _repeats_header(values, header):
            continue
        yield number, values


def _picker(indices: tuple[int, ...]) -> Callable[[RawRow], tuple[object, ...]]:
    """The cells at `indices` of a row wide enough for all of them, as a tuple."""
    if len(indices) == 1:
        only = indices[0]
        return lambda cells: (cells[only],)
    if not indices:
        return lambda _cells: ()
    return operator.itemgetter(*indices)


def read_rows(header: Header, *, needs_cid: bool = False) -> Iterator[tuple[int, FieldRow]]:
    """(row number, {field: cell}) for each data row below the header (see `read_values`)."""
    fields = tuple(header.columns)
    for number, values in read_values(header, needs_cid=needs_cid):
        yield number, dict(zip(fields, values, strict=True))


def read_columns(header: Header, *, needs_cid: bool = False) -> Columns:
    """The rows below the header column by column (see `read_values`)."""
    lines: list[int] = []
    rows: list[tuple[object, ...]] = []
    for number, values in read_values(header, needs_cid=needs_cid):
        lines.append(number)
        rows.append(values)
    return columns_of(lines, rows, tuple(header.columns), header.sheet)


def columns_of(
    lines: list[int], rows: Sequence[tuple[object, ...]], fields: Sequence[str], sheet: Sheet
) -> Columns:
    """Rows of cells (in `fields`' order) as columns, with what the sheet knows of its lines."""
    values = {
        name: list(column) for name, column in zip(fields, zip(*rows, strict=True), strict=True)
    }
    if not rows:
        values = {name: [] for name in fields}
    notes = sheet.stream.line_notes if sheet.stream is not None else {}
    return Columns(lines, values, sheet.all_text, notes)


def read_tabular(
    data: bytes, name: str, aliases: Aliases, mandatory: Collection[str], limits: Limits
) -> tuple[Header, Iterator[tuple[int, FieldRow]]]:
    """The header and rows of a download read through `aliases`; refused when a mandatory
    field has no column."""
    sheets = open_tabular(data, name, limits)
    header = find_header(sheets, aliases, mandatory)
    if header is None:
        raise Refused(f"no header row naming the columns ({aliases.source})")
    missing = header.missing(mandatory)
    if missing:
        raise Refused(
            f"missing mandatory columns {', '.join(missing)} "
            f"(header names are read through {aliases.source})"
        )
    return header, read_rows(header, needs_cid=CID_FIELD in mandatory)


def _filled(cell: object) -> bool:
    return cell is not None and cell != ""


def _blank(cell: object) -> object:
    return "" if cell is None else cell


def _tries_a_cid(cell: object) -> bool:
    """The cell could be meant as a CID (a wrong one is data, for the converters to report);
    sub-header cells such as "(เลข 13 หลัก)" or a column number are not."""
    if type(cell) is str and cell.isdigit():
        return len(cell) >= CID_MIN_DIGITS
    text = str(cell) if isinstance(cell, int | float) and not isinstance(cell, bool) else cell
    return isinstance(text, str) and sum(ch.isdigit() for ch in text) >= CID_MIN_DIGITS


@functools.cache
def _total_labels() -> frozenset[str]:
    return frozenset(normalise_header(r["label"]) for r in table(TOTAL_LABELS) if r["label"])


def _is_total(cells: RawRow) -> bool:
    """A row labelled as a total in one of its cells ("รวม", "รวม 25 ราย", "Total:")."""
    labels = _total_labels()
    for cell in cells:
        if not isinstance(cell, str) or not cell:
            continue
        text = cell.casefold().replace(":", " ").split()
        if text and (" ".join(text) in labels or text[0] in labels):
            return True
    return False


def _repeats_header(values: Iterable[object], header: Header) -> bool:
    """A header row printed again (multi-page reports) or a sub-header naming fields: at least
    half the header's fields (a status cell may read like one column's name, not like half)."""
    named = {header.aliases.field_of(c) for c in values if isinstance(c, str) and c}
    named.discard(None)
    return len(named) >= max(HEADER_MIN_FIELDS, len(header.columns) // 2)
