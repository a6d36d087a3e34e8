"""Workbooks written the same, byte for byte, whenever the same content is written."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any


def workbook_bytes(book: Any, moment: dt.datetime) -> bytes:
    """An openpyxl workbook as XLSX bytes, dated `moment` inside and in every zip entry
    (openpyxl dates them with the clock)."""
    from openpyxl.writer.excel import ExcelWriter

    book.properties.created = book.properties.modified = moment
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).write_data()
    return _restamp_zip(buffer.getvalue(), moment)


def _restamp_zip(data: bytes, moment: dt.datetime) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=moment.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(entry))
    return out.getvalue()
