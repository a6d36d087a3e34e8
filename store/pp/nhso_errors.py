"""NHSO e-Claim / FDH error codes with their meaning and suggested fix (nhso_error_codes.csv).

Descriptions and fix guides may span several lines, so the file is read with the csv module
itself. A CSV of the same name in the reference override folder adds or replaces codes.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from dataclasses import dataclass
from importlib import resources

from store.i18n import message
from store.pp.labels import label
from store.reference import ReferenceTableError, override_path

ERROR_CODES = "nhso_error_codes.csv"
COLUMNS = ("code", "type", "description_th", "guide_th", "description_en", "guide_en")


@dataclass(frozen=True)
class ErrorCode:
    """An NHSO error code; `known` is False for a code the table does not list."""

    code: str
    type: str
    description_th: str
    guide_th: str
    description_en: str
    guide_en: str
    known: bool = True

    def description(self, lang: str = "th") -> str:
        """The meaning in `lang`; English falls back to Thai where no translation exists."""
        if lang == "en":
            return self.description_en or self.description_th
        return self.description_th

    def guide(self, lang: str = "th") -> str:
        """The suggested fix in `lang`, with the same fallback."""
        if lang == "en":
            return self.guide_en or self.guide_th
        return self.guide_th


def _read(text: str, source: str) -> dict[str, ErrorCode]:
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    missing = set(COLUMNS) - set(reader.fieldnames or ())
    if missing:
        raise ReferenceTableError(
            message("reference.missing_columns", source=source, columns=", ".join(sorted(missing)))
        )
    codes = {}
    for row in reader:
        code, kind, description_th, guide_th, description_en, guide_en = (
            (row.get(c) or "").strip() for c in COLUMNS
        )
        if code:
            key = normalise(code)
            codes[key] = ErrorCode(key, kind, description_th, guide_th, description_en, guide_en)
    return codes


@functools.cache
def error_codes() -> dict[str, ErrorCode]:
    """Every known code, shipped then the user's additions."""
    text = resources.files("store.reference").joinpath(ERROR_CODES).read_text(encoding="utf-8")
    codes = _read(text, ERROR_CODES)
    extra = override_path(ERROR_CODES)
    if extra.is_file():
        codes.update(_read(extra.read_text(encoding="utf-8-sig"), str(extra)))
    return codes


def normalise(code: str) -> str:
    """Error codes as statements write them: `633`, ` v101 ` and `633.0` name known codes."""
    text = code.strip().upper()
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    return text


def error_code(code: str) -> ErrorCode:
    """The code's meaning and fix; an unlisted code still shows, as an unknown code."""
    key = normalise(code)
    found = error_codes().get(key)
    if found is not None:
        return found
    unknown = label("error", "UNKNOWN")
    return ErrorCode(key, "", unknown.text_th, "", unknown.text_en, "", known=False)


_CODE_TOKEN = re.compile(r"[A-Za-z]{0,2}\d{2,4}")


def code_in_text(text: str) -> str:
    """The first known NHSO error code written inside a remark (`ไม่ชดเชย: 633 เกินจำนวน...`),
    or "" when it names none."""
    known = error_codes()
    for token in _CODE_TOKEN.findall(text):
        key = normalise(token)
        if key in known:
            return key
    return ""


def clear_cache() -> None:
    error_codes.cache_clear()
