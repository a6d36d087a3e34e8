"""Typed views of the reference tables: right groups, settings, gap texts, area codes."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from store.reference import table

RIGHT_GROUPS = "right_groups.csv"


@dataclass(frozen=True)
class GapCode:
    code: str
    rank: int
    explanation_th: str
    explanation_en: str
    action_th: str
    action_en: str


@functools.cache
def gap_codes() -> tuple[GapCode, ...]:
    """The gap codes in report order."""
    rows = table("gap_codes.csv", key=("code",))
    codes = [
        GapCode(
            r["code"],
            int(r["rank"]),
            r["explanation_th"],
            r["explanation_en"],
            r["action_th"],
            r["action_en"],
        )
        for r in rows
    ]
    return tuple(sorted(codes, key=lambda g: g.rank))


@functools.cache
def gap_code(code: str) -> GapCode:
    for gap in gap_codes():
        if gap.code == code:
            return gap
    raise KeyError(code)


@functools.cache
def _instype_ranges() -> tuple[tuple[str, str, str], ...]:
    return tuple(
        (r["code_from"], r["code_to"], r["right_group"])
        for r in table(RIGHT_GROUPS)
        if r["source"] == "instype"
    )


@functools.cache
def _maininscl_groups() -> dict[str, str]:
    return {
        r["code_from"].upper(): r["right_group"]
        for r in table(RIGHT_GROUPS)
        if r["source"] == "maininscl"
    }


def instype_group(instype: str | None) -> str | None:
    """The right group of a CARD INSTYPE code (`0100` → `UC`), or None when it has none."""
    code = (instype or "").strip()
    for low, high, group in _instype_ranges():
        if len(code) == len(low) and low <= code <= high:
            return group
    return None


def maininscl_group(maininscl: str | None) -> str | None:
    """The right group of an NHSO maininscl code (`WEL` → `UC`, blank → `NONE`)."""
    return _maininscl_groups().get((maininscl or "").strip().upper())


@functools.cache
def setting(key: str) -> str:
    """A configurable value from settings.csv (targets, thresholds)."""
    for row in table("settings.csv", key=("key",)):
        if row["key"] == key:
            return row["value"]
    raise KeyError(key)


def setting_float(key: str) -> float:
    return float(setting(key))


def setting_int(key: str) -> int:
    return int(setting(key))


@functools.cache
def thai_nation_codes() -> frozenset[str]:
    return frozenset(setting("thai_nation_codes").split())


@functools.cache
def responsible_typeareas() -> frozenset[str]:
    return frozenset(
        r["code"] for r in table("typearea.csv", key=("code",)) if r["responsible"] == "1"
    )


@functools.cache
def label(table_name: str, code: str, lang: str = "th") -> str:
    """The display text of a code in a `code,display_th[,display_en]` table; the code if unknown."""
    column = f"display_{lang}"
    for row in table(table_name, key=("code",)):
        if row["code"] == code:
            return row.get(column) or row.get("display_th") or code
    return code


def clear_cache() -> None:
    """Forget every derived view (after reference overrides change), the PP tables' too."""
    from store import pp, reference

    reference.clear_cache()
    pp.clear_cache()
    for fn in (
        gap_codes,
        gap_code,
        _instype_ranges,
        _maininscl_groups,
        setting,
        thai_nation_codes,
        responsible_typeareas,
        label,
    ):
        fn.cache_clear()
