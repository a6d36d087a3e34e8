"""Reading one table of the MoPH 43-file export (`person.txt`, `card.txt`, ...), no database.

Fields are separated by `|`, lines end in CRLF or LF. A first line made of known field names
(HOSPCODE among them) is a header: columns are then mapped by name (any case) and unknown
columns ignored. Without a header, columns are mapped by position, and exporters write
different versions (domain 7.5), so the layout is chosen by the number of fields on a line
among the known layouts of the file (`layouts`): each version of `f43_layout.csv` (the fields
of that version and earlier, in order: PERSON of version 1 is the 31 fields without TELEPHONE
and MOBILE) and the exporters' own layouts of `f43_layout_variants.csv` (SERVICE ending
`ACTUALPAY|D_UPDATE|CID`, without HSUB). A line ending in a `|` of its own (some exporters end
every line so) counts one field less. A field count that fits no known layout is refused for
that member (`UnknownLayout`), never mapped by guess. Values are stripped of surrounding spaces.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from store.i18n import message
from store.reference import ReferenceTableError, table
from sync.ingest.convert import Columns, LineNote
from sync.ingest.refused import Refused
from sync.ingest.safezip import member_basename
from sync.ingest.textfile import decode_text

LAYOUT = "f43_layout.csv"
VARIANTS = "f43_layout_variants.csv"
COUNT_SAMPLE_LINES = 1000
"""Data lines whose field count decides a headerless member's layout (the most common wins)."""
SEPARATOR = "|"
MEMBER_SUFFIX = ".txt"
SPLIT_CHUNK = 10_000
"""Lines split at a time: the cells of unwanted fields are freed chunk by chunk."""

Row = dict[str, str]


def layout(file: str) -> tuple[str, ...]:
    """The known fields of a 43 file in export order (`PERSON` → HOSPCODE, CID, PID, ...)."""
    rows = [r for r in table(LAYOUT) if r["file"] == file]
    return tuple(r["field"] for r in sorted(rows, key=lambda r: int(r["position"])))


@dataclass(frozen=True)
class Layout:
    """One known order of a 43 file's fields without a header."""

    name: str
    """`version 2`, or the variant's name (`in-house (no HSUB)`)."""
    fields: tuple[str, ...]


def layouts(file: str) -> dict[int, Layout]:
    """The known headerless layouts of a 43 file by their field count."""
    rows = [r for r in table(LAYOUT) if r["file"] == file]
    found: dict[int, Layout] = {}
    for version in sorted({int(r["version"]) for r in rows}):
        fields = tuple(
            r["field"]
            for r in sorted(rows, key=lambda r: int(r["position"]))
            if int(r["version"]) <= version
        )
        _add(found, Layout(f"version {version}", fields), file)
    for row in table(VARIANTS):
        if row["file"] == file:
            fields = tuple(f.strip().upper() for f in row["fields"].split(SEPARATOR))
            _add(found, Layout(row["layout"], fields), file)
    return found


def _add(found: dict[int, Layout], layout: Layout, file: str) -> None:
    earlier = found.get(len(layout.fields))
    if earlier is None:
        found[len(layout.fields)] = layout
    elif earlier.fields != layout.fields:
        clash = message(
            "reference.layouts_clash",
            source=file,
            first=earlier.name,
            second=layout.name,
            count=len(layout.fields),
        )
        raise ReferenceTableError(clash)


class UnknownLayout(Refused):
    """A headerless member whose field count fits no known layout of its file."""

    def __init__(self, file: str, count: int, known: Collection[int], rows: int) -> None:
        counts = ", ".join(str(n) for n in sorted(known))
        super().__init__(
            message(
                "ingest.zip.unknown_layout",
                count=count,
                file=file,
                counts=counts,
                variants=VARIANTS,
            )
        )
        self.file = file
        self.count = count
        self.rows = rows
        """Its non-blank lines: every one is left out."""


def known_files() -> frozenset[str]:
    return frozenset(r["file"] for r in table(LAYOUT))


def file_of_member(member: str) -> str | None:
    """`export/PERSON.TXT` → `PERSON`; None for a member that is not a known 43 file."""
    base = member_basename(member)
    if base.lower().endswith(MEMBER_SUFFIX):
        base = base[: -len(MEMBER_SUFFIX)]
    name = base.upper()
    return name if name in known_files() else None


@dataclass(frozen=True)
class F43Reading:
    """One decoded member: how it was read, and its rows on demand."""

    file: str
    encoding: str
    has_header: bool
    columns_by_position: tuple[str | None, ...]
    """The known field at each column position (None for an unknown column)."""
    lines: tuple[str, ...]
    unknown_layout: UnknownLayout | None = None
    """Set when a headerless member's field count fits no known layout: the loader refuses
    the member (its columns are then the newest known order, for inspection only)."""
    line_notes: Mapping[int, LineNote] = field(default_factory=dict)
    """Lines in another encoding than the member's (see `sync.ingest.textfile`)."""

    @property
    def fields(self) -> frozenset[str]:
        """The known fields this member has a column for."""
        return frozenset(f for f in self.columns_by_position if f is not None)

    def rows(self, wanted: Collection[str] | None = None) -> Iterator[tuple[int, Row]]:
        """(line number, {field: value}) for each non-blank data line; absent fields are ``""``.

        With `wanted`, each dict holds exactly those fields, else every known field present.
        """
        names = tuple(wanted) if wanted is not None else tuple(sorted(self.fields))
        read = self.columns(names)
        blank = [""] * len(read.lines)
        cells = [(name, read.values.get(name, blank)) for name in names]
        for index, number in enumerate(read.lines):
            yield number, {name: str(values[index]) for name, values in cells}

    def columns(self, wanted: Collection[str]) -> Columns:
        """The non-blank data lines column by column, for the `wanted` fields.

        A wanted field the member has no column for is absent from the result; a line shorter
        than the others has ``""`` in the missing fields.
        """
        first = 2 if self.has_header else 1
        numbered = [
            (number, line)
            for number, line in enumerate(self.lines[first - 1 :], first)
            if line and not line.isspace()
        ]
        position = {f: i for i, f in reversed(list(enumerate(self.columns_by_position))) if f}
        picks = {name: position[name] for name in wanted if name in position}
        values: dict[str, list[object]] = {name: [] for name in picks}
        for start in range(0, len(numbered), SPLIT_CHUNK):
            lines = [line for _n, line in numbered[start : start + SPLIT_CHUNK]]
            for name, cells in _split_columns(lines, picks).items():
                values[name].extend(map(str.strip, cells))
        return Columns(
            [number for number, _line in numbered],
            values,
            all_text=True,
            line_notes=self.line_notes,
        )


def _split_columns(lines: list[str], picks: Mapping[str, int]) -> dict[str, Sequence[str]]:
    """The cells (not yet stripped) of the `picks` columns (field → position) of `lines`.

    Exports give every line the same number of fields: then the lines are split as one text
    and each column is a stride of it. Otherwise each line is split on its own, and a line
    shorter than the others has ``""`` in the missing fields.
    """
    counts = {line.count(SEPARATOR) for line in lines}
    if len(counts) == 1:
        fields = counts.pop() + 1
        cells = SEPARATOR.join(lines).split(SEPARATOR)
        blank = [""] * len(lines)
        return {
            name: cells[index::fields] if index < fields else blank for name, index in picks.items()
        }
    width = max(picks.values(), default=-1) + 1
    split = [line.split(SEPARATOR) for line in lines]
    transposed = list(itertools.islice(itertools.zip_longest(*split, fillvalue=""), width))
    return {
        name: transposed[index] if index < len(transposed) else ("",) * len(lines)
        for name, index in picks.items()
    }


def read_f43(data: bytes, file: str) -> F43Reading:
    """Decode a member of the 43 file `file` (`PERSON`) and work out its columns."""
    decoded = decode_text(data)
    lines = tuple(decoded.text.split("\n"))
    known = layout(file)
    header = _header_columns(lines[0] if lines else "", known)
    if header is not None:
        return F43Reading(
            file, decoded.encoding, True, header, lines, line_notes=decoded.line_notes
        )
    try:
        fields = _headerless_layout(file, lines)
    except UnknownLayout as unknown:
        return F43Reading(file, decoded.encoding, False, known, lines, unknown_layout=unknown)
    return F43Reading(file, decoded.encoding, False, fields, lines, line_notes=decoded.line_notes)


def _headerless_layout(file: str, lines: Sequence[str]) -> tuple[str, ...]:
    """The fields of the known layout whose count the member's lines have (module text)."""
    known = layouts(file)
    sample = [line.rstrip("\r") for line in lines[:COUNT_SAMPLE_LINES] if line.strip()]
    if not sample:
        return layout(file)
    counts = Counter(line.count(SEPARATOR) + 1 for line in sample)
    count = counts.most_common(1)[0][0]
    if count in known:
        return known[count].fields
    if count - 1 in known and all(line.endswith(SEPARATOR) for line in sample):
        return known[count - 1].fields
    raise UnknownLayout(file, count, known, sum(1 for line in lines if line.strip()))


def _header_columns(first_line: str, known: tuple[str, ...]) -> tuple[str | None, ...] | None:
    """The columns named by the first line when it is a header line, else None.

    A header names the file's first field (HOSPCODE in every 43 file, never a value: a hospcode
    is five digits) and is mostly made of known field names.
    """
    cells = [c.strip().upper() for c in first_line.rstrip("\r").split(SEPARATOR)]
    names = frozenset(known)
    named = tuple(c if c in names else None for c in cells)
    matches = sum(1 for c in named if c is not None)
    if not known or known[0] not in named or matches * 2 < sum(1 for c in cells if c):
        return None
    return named
