"""What an offered file is: the kinds Sitthi recognises, tried in order.

Each kind looks at the file without touching the store and either says "not mine" (None),
refuses it (a hostile zip, missing columns), or returns a `Prepared` load to run in the
import's transaction. The kinds: a 43-file export zip, a loose 43-file table (`person.txt`),
a province's PP catalog CSV (known by its header), and the tabular NHSO downloads listed in
`store/reference/nhso_files.csv` (rights lists, statements), each of which names its alias table,
mandatory, exclusive and forbidden fields and a file-name hint (`sync.ingest.recognition`), and
has a `LoaderSpec` in `TABULAR_SPECS`. A new kind is a row there, an alias table and a spec.
"""

from __future__ import annotations

import functools
import hashlib
import re
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import Connection

from store.i18n import message
from store.reference import table
from sync.ingest.catalog_file import KIND as CATALOG_KIND
from sync.ingest.catalog_file import has_catalog_header, load_catalog_file, read_catalog_offer
from sync.ingest.chunks import column_chunks
from sync.ingest.convert import ERROR, WARNING, Issue
from sync.ingest.eclaim_rep import KIND as ECLAIM_REP_KIND
from sync.ingest.eclaim_rep import eclaim_rep_spec
from sync.ingest.f43 import UnknownLayout, file_of_member, read_f43
from sync.ingest.f43_specs import f43_spec, f43_specs
from sync.ingest.htmltable import looks_like_html
from sync.ingest.ktb_rep import KIND as KTB_REP_KIND
from sync.ingest.ktb_rep import ktb_rep_spec
from sync.ingest.ledger import member_loaded_before, record_issues, record_part
from sync.ingest.limits import Limits
from sync.ingest.loading import load_columns
from sync.ingest.recognition import TabularKind, choose_kind
from sync.ingest.refused import Refused
from sync.ingest.results import PartResult
from sync.ingest.rights import KIND as RIGHTS_KIND
from sync.ingest.rights import rights_spec
from sync.ingest.safezip import SafeZip, looks_like_zip, open_zip
from sync.ingest.smt import KIND as SMT_KIND
from sync.ingest.smt import smt_spec
from sync.ingest.source import Source
from sync.ingest.spec import LoadContext, LoaderSpec
from sync.ingest.statements import KIND as STATEMENT_KIND
from sync.ingest.statements import statement_spec
from sync.ingest.stm import KIND as STM_KIND
from sync.ingest.stm import stm_spec
from sync.ingest.tabular import (
    OLE2_MAGIC,
    XLSX_MARKER,
    Header,
    is_ods,
    open_tabular,
)

NHSO_FILES = "nhso_files.csv"
ZIP = "zip"
F43_ZIP = "f43_zip"
F43_MEMBER = "f43_member"

TABULAR_SPECS: dict[str, Callable[[], LoaderSpec]] = {
    RIGHTS_KIND: rights_spec,
    STATEMENT_KIND: statement_spec,
    KTB_REP_KIND: ktb_rep_spec,
    ECLAIM_REP_KIND: eclaim_rep_spec,
    STM_KIND: stm_spec,
    SMT_KIND: smt_spec,
}
"""Loader of each tabular kind named in nhso_files.csv (rows without one are not offered)."""

_HOSPCODE_IN_NAME = re.compile(r"(?:^|_)(\d{5})_\d{8,14}(?:\D|$)")


@dataclass(frozen=True)
class Offered:
    """A file offered for import: its leading bytes at hand, the rest read when a kind needs it
    (a CSV download is streamed, never held whole)."""

    path: Path
    source: Source
    sha256: str
    limits: Limits

    @property
    def head(self) -> bytes:
        return self.source.head

    @functools.cached_property
    def data(self) -> bytes:
        """The whole file, for the kinds whose readers parse it whole (zips, 43-file tables)."""
        return self.source.read()

    def tabular_input(self) -> bytes | Source:
        """The whole file when a kind has read it already (so that it is not held twice), else
        the source."""
        read: bytes | None = self.__dict__.get("data")
        return read if read is not None else self.source


Load = Callable[[Connection, LoadContext, Counter[str]], list[PartResult]]
"""Loads a recognised file in the import's transaction, counting the rows of each hospcode."""


@dataclass(frozen=True)
class Prepared:
    """A recognised file, ready to load."""

    kind: str
    load: Load


def hospcode_hint(name: str) -> str | None:
    """The hospcode in an export's file name (`F43_12345_20250101120000.zip`), if any."""
    found = _HOSPCODE_IN_NAME.search(Path(name).stem)
    return found.group(1) if found else None


def _load_f43_member(
    conn: Connection,
    member: str,
    spec: LoaderSpec,
    data: bytes,
    context: LoadContext,
    hospcodes: Counter[str],
) -> PartResult:
    sha256 = hashlib.sha256(data).hexdigest()
    part = PartResult(member=member, table=spec.table.name)
    if member_loaded_before(conn, sha256, spec.table.name):
        part.skipped_duplicate = True
        record_part(conn, context.batch_id, part, sha256)
        return part
    try:
        reading = read_f43(data, spec.name)
    except Refused as refusal:
        reason = refusal.reason or refusal.message
        in_member = message("ingest.zip.in_member", member=member, reason=reason)
        raise Refused(in_member, kind=refusal.kind) from refusal
    if reading.unknown_layout is not None:
        return _refuse_member(conn, member, part, reading.unknown_layout, context, sha256)
    part.encoding, part.has_header = reading.encoding, reading.has_header
    missing = sorted(spec.required - reading.fields)
    if missing:
        missing_columns = message("ingest.zip.no_column", fields=", ".join(missing))
        raise Refused(
            message("ingest.zip.in_member", member=member, reason=missing_columns), kind=F43_ZIP
        )
    hospcodes.update(load_columns(conn, spec, reading.columns(spec.fields), part, context))
    record_part(conn, context.batch_id, part, sha256)
    return part


def _refuse_member(
    conn: Connection,
    member: str,
    part: PartResult,
    unknown: UnknownLayout,
    context: LoadContext,
    sha256: str,
) -> PartResult:
    """A member whose layout is unknown: none of its rows loads, the rest of the export does
    (when nothing else had rows, every row failed and the importer refuses the file)."""
    part.rows_read = unknown.rows
    issues = [Issue(member, 1, unknown.file, ERROR, unknown.reason or unknown.message)]
    record_issues(conn, context.batch_id, issues)
    part.count(issues)
    record_part(conn, context.batch_id, part, sha256)
    return part


def prepare_f43_zip(offered: Offered) -> Prepared | None:
    if not looks_like_zip(offered.head):
        return None
    try:
        archive = open_zip(offered.data, offered.limits)
    except Refused as refusal:
        raise Refused(refusal.message, kind=ZIP) from refusal
    infos = list(archive.members())
    if any(info.filename == XLSX_MARKER for info in infos) or is_ods(offered.data, offered.limits):
        return None  # a workbook: a tabular kind
    order = {spec.name: i for i, spec in enumerate(f43_specs())}
    chosen: list[tuple[zipfile.ZipInfo, LoaderSpec]] = []
    for info in infos:
        file = file_of_member(info.filename)
        spec = f43_spec(file) if file else None
        if spec is not None:
            chosen.append((info, spec))
    if not chosen:
        wanted = ", ".join(f"{s.name.lower()}.txt" for s in f43_specs())
        raise Refused(message("ingest.zip.no_tables", wanted=wanted), kind=F43_ZIP)
    chosen.sort(key=lambda pair: (order[pair[1].name], pair[0].filename))
    return Prepared(F43_ZIP, _zip_loader(archive, chosen))


def _zip_loader(archive: SafeZip, chosen: list[tuple[zipfile.ZipInfo, LoaderSpec]]) -> Load:
    def load(conn: Connection, context: LoadContext, hospcodes: Counter[str]) -> list[PartResult]:
        parts = []
        for info, spec in chosen:
            part = _load_f43_member(
                conn, info.filename, spec, archive.read(info), context, hospcodes
            )
            parts.append(part)
        return parts

    return load


def prepare_f43_member(offered: Offered) -> Prepared | None:
    if (
        looks_like_zip(offered.head)
        or offered.head.startswith(OLE2_MAGIC)
        or looks_like_html(offered.head)
    ):
        return None
    file = file_of_member(offered.path.name)
    spec = f43_spec(file) if file else None
    if spec is None:
        return None

    def load(conn: Connection, context: LoadContext, hospcodes: Counter[str]) -> list[PartResult]:
        return [_load_f43_member(conn, offered.path.name, spec, offered.data, context, hospcodes)]

    return Prepared(F43_MEMBER, load)


def prepare_catalog(offered: Offered) -> Prepared | None:
    """A province's PP catalog CSV (see `sync.ingest.catalog_file`)."""
    if not has_catalog_header(offered.head):
        return None
    catalog = read_catalog_offer(offered.data, offered.path.name)
    if catalog is None:
        return None

    def load(conn: Connection, context: LoadContext, _hospcodes: Counter[str]) -> list[PartResult]:
        return [load_catalog_file(conn, context, catalog, offered.path.name, offered.sha256)]

    return Prepared(CATALOG_KIND, load)


def tabular_kinds() -> list[TabularKind]:
    """The NHSO download kinds of nhso_files.csv that have a loader, in the file's order."""
    return [
        TabularKind(
            kind=r["kind"],
            label=r["label"],
            label_th=r.get("label_th") or r["label"],
            aliases=r["aliases"],
            mandatory=tuple(r["mandatory_fields"].split()),
            spec=TABULAR_SPECS[r["kind"]],
            exclusive=tuple(r.get("exclusive_fields", "").split()),
            forbidden=tuple(r.get("forbidden_fields", "").split()),
            name_pattern=r.get("name_pattern", ""),
        )
        for r in table(NHSO_FILES, key=("kind",))
        if r["kind"] in TABULAR_SPECS
    ]


def prepare_tabular(offered: Offered) -> Prepared:
    """The one NHSO download kind the table is (`sync.ingest.recognition`), else refused."""
    sheets = open_tabular(offered.tabular_input(), offered.path.name, offered.limits)
    kind, header = choose_kind(sheets, tabular_kinds(), offered.path.name)
    return _tabular_prepared(offered, kind, header)


def _tabular_prepared(offered: Offered, kind: TabularKind, header: Header) -> Prepared:
    def load(conn: Connection, context: LoadContext, hospcodes: Counter[str]) -> list[PartResult]:
        spec = kind.spec()
        context = replace(context, file=header.context(offered.path.name))
        part = PartResult(
            member=offered.path.name,
            table=spec.table.name,
            encoding=header.sheet.encoding,
            has_header=True,
        )
        if header.by_position:
            _warn_by_position(conn, context, part, header)
        for read in column_chunks(header, needs_cid="cid" in kind.mandatory):
            hospcodes.update(load_columns(conn, spec, read, part, context))
        if header.sheet.stream is not None:
            part.encoding = header.sheet.stream.encoding
        record_part(conn, context.batch_id, part, offered.sha256)
        return [part]

    return Prepared(kind.kind, load)


def _warn_by_position(
    conn: Connection, context: LoadContext, part: PartResult, header: Header
) -> None:
    """A warning on the header row: the columns were taken by position, not by their names."""
    text = message("ingest_read.columns_by_position", sheet=header.sheet.name, row=header.row + 1)
    issues = [Issue(part.member, header.row, "", WARNING, text)]
    record_issues(conn, context.batch_id, issues)
    part.count(issues)


FILE_KINDS: tuple[Callable[[Offered], Prepared | None], ...] = (
    prepare_f43_zip,
    prepare_f43_member,
    prepare_catalog,
    prepare_tabular,
)
"""Tried in order; the first that recognises a file loads it (the last refuses the rest)."""


def recognise(offered: Offered) -> Prepared:
    """The kind that loads the file; an empty file, or a `.zip` that is no zip, is refused
    first with a short message (the kinds would take it for text they cannot tell)."""
    if not offered.data or offered.data.isspace():
        raise Refused(message("ingest.offer.empty"))
    if offered.path.suffix.lower() == ".zip" and not looks_like_zip(offered.data):
        raise Refused(message("ingest.zip.not_a_zip"), kind=ZIP)
    for prepare in FILE_KINDS:
        prepared = prepare(offered)
        if prepared is not None:
            return prepared
    raise Refused("not a file Sitthi imports")
