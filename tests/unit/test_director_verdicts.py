"""The director's summary says in words whether each indicator meets its target: a figure
that should stay low (claims flagged "C", at most 5 %) fails by going over its limit, never by
being "below target"."""

from __future__ import annotations

import pytest

from exporters.director import Indicator


def claims_c(value: float) -> Indicator:
    return Indicator("claims_c", value, 5.0, "pct", higher_is_better=False)


def coverage(value: float) -> Indicator:
    return Indicator("coverage", value, 99.0, "pct")


@pytest.mark.parametrize(
    ("indicator", "th", "en"),
    [
        (claims_c(17.81), "ไม่ผ่าน เกินเกณฑ์", "not met: over the limit"),
        (claims_c(5.0), "ผ่านเป้าหมาย", "met"),
        (claims_c(2.5), "ผ่านเป้าหมาย", "met"),
        (coverage(95.64), "ต่ำกว่าเป้าหมาย", "below target"),
        (coverage(99.0), "ผ่านเป้าหมาย", "met"),
        (coverage(99.24), "ผ่านเป้าหมาย", "met"),
    ],
)
def test_the_verdict_says_which_way_the_figure_missed(
    indicator: Indicator, th: str, en: str
) -> None:
    assert (indicator.verdict("th"), indicator.verdict("en")) == (th, en)


def test_no_figure_or_no_target_gives_no_verdict() -> None:
    assert Indicator("claims_c", None, 5.0, "pct", higher_is_better=False).verdict("en") == ""
    assert Indicator("transferred", 1730.5, None, "baht").verdict("th") == ""
