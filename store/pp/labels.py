"""The Thai and English texts of PP reasons, claim statuses and unmatched lines (pp_labels.csv)."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from store.reference import table

LABELS = "pp_labels.csv"
LANGS = ("th", "en")


@dataclass(frozen=True)
class Label:
    kind: str
    code: str
    condition: str
    text_th: str
    text_en: str

    def text(self, lang: str = "th", params: dict[str, str] | None = None) -> str:
        """The text in `lang` ("th" or "en") with `{name}` placeholders filled from `params`."""
        template = self.text_en if lang == "en" else self.text_th
        return template.format_map(params or {})


@functools.cache
def _labels() -> dict[tuple[str, str], Label]:
    return {
        (r["kind"], r["code"]): Label(
            r["kind"], r["code"], r["condition"], r["text_th"], r["text_en"]
        )
        for r in table(LABELS, key=("kind", "code"))
    }


def label(kind: str, code: str) -> Label:
    """The label of a code; KeyError names the missing (kind, code)."""
    try:
        return _labels()[(kind, code)]
    except KeyError:
        raise KeyError(f"{LABELS} has no {kind} {code}") from None


def clear_cache() -> None:
    _labels.cache_clear()
