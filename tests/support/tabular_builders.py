"""Spreadsheets in the shapes NHSO and the health-centre tools really serve (domain 7.1)."""

from __future__ import annotations

import datetime as dt
import html
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

import xlsxwriter
import xlwt

Cell = object


Merge = tuple[int, int, int, int]
"""(first row, last row, first col, last col), counted from 0; the first cell keeps the value."""


@dataclass(frozen=True)
class XlsSheet:
    """One worksheet of an old Excel workbook."""

    name: str
    rows: Sequence[Sequence[Cell]]
    merges: Sequence[Merge] = ()


def xls_bytes(
    rows: Sequence[Sequence[Cell]], *, sheet: str = "Detail", merges: Sequence[Merge] = ()
) -> bytes:
    """An old Excel (BIFF8) workbook of one sheet."""
    return xls_book_bytes([XlsSheet(sheet, rows, merges)])


def xls_book_bytes(sheets: Sequence[XlsSheet]) -> bytes:
    """An old Excel (BIFF8) workbook of these sheets, in this order."""
    book = xlwt.Workbook(encoding="utf-8")
    for sheet in sheets:
        _write_xls_sheet(book.add_sheet(sheet.name), sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write_xls_sheet(page: xlwt.Worksheet, sheet: XlsSheet) -> None:
    merged = {(r1, c1): (r2, c2) for r1, r2, c1, c2 in sheet.merges}
    for r, row in enumerate(sheet.rows):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if (r, c) in merged:
                r2, c2 = merged[(r, c)]
                page.write_merge(r, r2, c, c2, value)
            elif isinstance(value, dt.date):
                page.write(r, c, value, xlwt.easyxf(num_format_str="DD/MM/YYYY"))
            else:
                page.write(r, c, value)


def xlsx_bytes(rows: Sequence[Sequence[Cell]], *, sheet: str = "Sheet1") -> bytes:
    """An XLSX as Excel writes it: numbers as numbers, dates as date cells."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    page = book.add_worksheet(sheet)
    dates = book.add_format({"num_format": "dd/mm/yyyy"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, dt.date):
                page.write_datetime(r, c, value, dates)
            else:
                page.write(r, c, value)
    book.close()
    return buffer.getvalue()


def html_xls_bytes(
    rows: Sequence[Sequence[Cell]], *, title: str = "", header_rows: int = 1, bom: bool = True
) -> bytes:
    """An HTML page with one table, as PHP report tools send under an `.xls` name."""
    parts = ['<html><head><meta charset="utf-8"></head><body>']
    if title:
        parts.append(f"<h3>{html.escape(title)}</h3>")
    parts.append('<table border="1">')
    for r, row in enumerate(rows):
        tag = "th" if r < header_rows else "td"
        cells = "".join(f"<{tag}>{html.escape(str(v))}</{tag}>" for v in row)
        parts.append(f"<tr>{cells}</tr>\n")
    parts.append("</table></body></html>")
    text = "".join(parts).encode("utf-8")
    return (b"\xef\xbb\xbf" + text) if bom else text


_ODS_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
 manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/"
  manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"""


def ods_bytes(
    rows: Sequence[Sequence[Cell]], *, sheet: str = "Sheet1", stored_mimetype: bool = True
) -> bytes:
    """An OpenDocument spreadsheet (LibreOffice's own format) with text and number cells; its
    `mimetype` member stored first and uncompressed, as the standard asks, unless told not."""
    body = []
    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, int | float):
                cells.append(
                    f'<table:table-cell office:value-type="float" office:value="{value}">'
                    f"<text:p>{value}</text:p></table:table-cell>"
                )
            else:
                cells.append(
                    f'<table:table-cell office:value-type="string"><text:p>'
                    f"{html.escape(str(value))}</text:p></table:table-cell>"
                )
        body.append(f"<table:table-row>{''.join(cells)}</table:table-row>")
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="{sheet}">'
        f"{''.join(body)}</table:table></office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        mimetype = zipfile.ZipInfo("mimetype")
        if not stored_mimetype:
            mimetype.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(mimetype, "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", _ODS_MANIFEST, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
