"""Which NHSO download kind a table is, such that no file is ever loaded as the wrong kind.

A REP or statement holds a CID and a right column too, so "has the mandatory columns" does not
make a rights list (domain 7.2). Each kind of `store/reference/nhso_files.csv` declares, as
data:

- `mandatory_fields`: fields its header must name (through its alias table);
- `exclusive_fields`: fields only its files have: a header naming one of them (through this
  kind's aliases) is no file of any *other* kind;
- `forbidden_fields`: fields of its own alias table that its files never have (a rights list
  has no money, REP number, error code or claim status: the rights aliases name those columns
  `not_rights`);
- `name_pattern`: a regular expression on the file name, a hint that settles a tie only.

A table is a candidate of a kind when that kind's header names every mandatory field and no
column is forbidden to the kind or exclusive to another. Exactly one candidate is the answer;
of several, the one whose name pattern alone fits the file name. When none is, a file named as
a kind's files are may still be read by that kind's documented column positions
(`sync.ingest.positional`). Otherwise the file is refused, naming the columns seen (of the
sheet the closest kind judged) and what each kind considered lacked, in Thai and English.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath

from store.i18n import Message, message
from sync.ingest.positional import positional_header
from sync.ingest.refused import Refused
from sync.ingest.sheet import Sheet
from sync.ingest.spec import LoaderSpec
from sync.ingest.tabular import Aliases, Header, find_header, header_rank, load_aliases

EXCLUDED = "ingest_read.kind_excluded"
SEEN_COLUMNS = 20
"""Header texts a refusal lists at most."""
SEEN_TEXT_CHARS = 40
PERSONAL_DIGITS = re.compile(r"\d{5,}")
"""A header text with a run of five digits may be a data row's CID: never put in a message."""


@dataclass(frozen=True)
class TabularKind:
    """One row of nhso_files.csv with its loader."""

    kind: str
    label: str
    label_th: str
    aliases: str
    mandatory: tuple[str, ...]
    spec: Callable[[], LoaderSpec]
    exclusive: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()
    name_pattern: str = ""

    def alias_table(self) -> Aliases:
        return load_aliases(self.aliases)

    def name_fits(self, name: str) -> bool:
        pattern = self.name_pattern
        return bool(pattern) and re.search(pattern, PurePath(name).name, re.I) is not None


@dataclass(frozen=True)
class MessageList:
    """Messages joined for a parameter of another message, each in the reader's language:
    a template writes `{reasons:th}` or `{reasons:en}`."""

    parts: tuple[Message, ...]
    separator: str = "; "

    def __format__(self, lang: str) -> str:
        return self.separator.join(part.render(lang or "en") for part in self.parts)

    def __str__(self) -> str:
        return format(self, "en")


@dataclass(frozen=True)
class Label:
    """A kind's name in both languages for a message parameter: `{label:th}` or `{label:en}`."""

    en: str
    th: str

    def __format__(self, lang: str) -> str:
        return self.th if lang == "th" else self.en

    def __str__(self) -> str:
        return self.en


@dataclass(frozen=True)
class Considered:
    kind: TabularKind
    header: Header | None
    reason: Message | None
    """Why the kind does not fit; None for a candidate."""
    excluded: bool = False
    """It does not fit because of columns it never has (not for lack of columns)."""


def consider(sheets: Sequence[Sheet], kinds: Sequence[TabularKind]) -> list[Considered]:
    """Each kind's view of the table, in the kinds' order."""
    aliases = {k.kind: k.alias_table() for k in kinds}
    headers = {k.kind: find_header(sheets, aliases[k.kind], k.mandatory) for k in kinds}
    out = []
    for kind in kinds:
        header = headers[kind.kind]
        reason = _reason(kind, header, kinds, aliases)
        excluded = reason is not None and reason.key == EXCLUDED
        out.append(Considered(kind, header, reason, excluded))
    return out


def _reason(
    kind: TabularKind,
    header: Header | None,
    kinds: Sequence[TabularKind],
    aliases: Mapping[str, Aliases],
) -> Message | None:
    labels = {"label": Label(kind.label, kind.label_th)}
    if header is None:
        return message("ingest_read.kind_no_header", **labels)
    missing = header.missing(kind.mandatory)
    if missing:
        return message(
            "ingest_read.kind_missing", fields=", ".join(missing), aliases=kind.aliases, **labels
        )
    forbidden = [f for f in kind.forbidden if f in header.columns]
    foreign = [
        text
        for other in kinds
        if other.kind != kind.kind
        for text in header.labels
        if aliases[other.kind].field_of(text) in other.exclusive
    ]
    if forbidden or foreign:
        texts = [header.label_of(f) for f in forbidden] + foreign
        return message(EXCLUDED, columns=", ".join(dict.fromkeys(texts)), **labels)
    return None


def choose_kind(
    sheets: Sequence[Sheet], kinds: Sequence[TabularKind], name: str
) -> tuple[TabularKind, Header]:
    """The one kind the table is (module text); refused when none or several fit."""
    considered = consider(sheets, kinds)
    fits = [c for c in considered if c.reason is None]
    if len(fits) > 1:
        named = [c for c in fits if c.kind.name_fits(name)]
        if len(named) == 1:
            fits = named
    if len(fits) == 1:
        chosen = fits[0]
        assert chosen.header is not None
        return chosen.kind, chosen.header
    if not fits:
        by_position = _by_position(sheets, considered, name)
        if by_position is not None:
            return by_position
    columns = seen_columns(considered)
    if fits:
        raise Refused(
            message(
                "ingest_read.ambiguous",
                columns=columns,
                kinds=MessageList(tuple(_label(c.kind) for c in fits), ", "),
            ),
            kind=fits[0].kind.kind,
        )
    reasons = tuple(c.reason for c in considered if c.reason is not None)
    raise Refused(
        message("ingest_read.no_kind", columns=columns, reasons=MessageList(reasons)),
        kind=_closest(considered),
    )


def _by_position(
    sheets: Sequence[Sheet], considered: Sequence[Considered], name: str
) -> tuple[TabularKind, Header] | None:
    """The first kind, of a file named as its files are, whose documented layout reads the table
    by column positions (`sync.ingest.positional`)."""
    for kind in (c.kind for c in considered if c.kind.name_fits(name)):
        header = positional_header(sheets, kind.kind, kind.alias_table())
        if header is not None and not header.missing(kind.mandatory):
            return kind, header
    return None


def _label(kind: TabularKind) -> Message:
    return message("ingest_read.kind_label", label=Label(kind.label, kind.label_th))


def _closest(considered: Sequence[Considered]) -> str:
    """The refusal's kind in the log (see `_closest_considered`); "unknown" when none."""
    closest = _closest_considered(considered)
    return closest.kind.kind if closest is not None else "unknown"


def _closest_considered(considered: Sequence[Considered]) -> Considered | None:
    """Of the kinds that lack columns (not those the table's columns rule out), the one whose
    header names most of its mandatory fields, then most fields (the first on a tie): the rank
    `find_header` gives a kind's headers."""
    found = [(c, c.header) for c in considered if c.header is not None and not c.excluded]
    if not found:
        return None
    return max(found, key=lambda pair: header_rank(pair[1], pair[0].kind.mandatory))[0]


def seen_columns(considered: Sequence[Considered]) -> str:
    """The header texts, safe for a message, of the header the refusal's kind judged (its
    sheet and row; else the fullest header any kind found): texts that may be personal data (a
    long run of digits) are left out; "-" when no kind found one."""
    header = _judged_header(considered)
    if header is None:
        return "-"
    texts = [t[:SEEN_TEXT_CHARS] for t in header.own_labels if t and not PERSONAL_DIGITS.search(t)]
    shown = ", ".join(texts[:SEEN_COLUMNS])
    return shown + (f", … (+{len(texts) - SEEN_COLUMNS})" if len(texts) > SEEN_COLUMNS else "")


def _judged_header(considered: Sequence[Considered]) -> Header | None:
    closest = _closest_considered(considered)
    if closest is not None:
        return closest.header
    headers = [c.header for c in considered if c.header is not None]
    return max(headers, key=lambda h: len(h.columns), default=None)
