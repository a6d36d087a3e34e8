"""The ติด C rate and the money transferred as the dashboard and the claims screen word them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from store.pp.statement_figures import (
    PaidOnPaper,
    RepCheck,
    StatementFigures,
    Transfer,
    statement_figures,
)
from tui.i18n import Translator
from tui.widgets.statement_figures import statement_content, statement_texts

UNIT = "10001"
D = dt.date


def figures(errors: int, lines: int) -> StatementFigures:
    checks = [RepCheck(UNIT, D(2025, 1, 1 + n), has_error=n < errors) for n in range(lines)]
    paid = [PaidOnPaper(UNIT, D(2025, 1, 3), Decimal("1200.50"))]
    sent = [Transfer(UNIT, D(2025, 2, 15), "UC", Decimal("1000"), Decimal("1000"))]
    return statement_figures(checks, paid, sent)[UNIT]


def test_both_lines_in_english_and_thai() -> None:
    shown = figures(3, 20)
    en = statement_texts(shown, Translator("en"))
    assert en == [
        "C lines 15.00% of 20 REP lines (target at most 5%)",
        "Paid on statements 1,200.50 baht · transferred 1,000.00 baht · "
        "not transferred 200.50 baht",
    ]
    th = statement_texts(shown, Translator("th"))
    assert th[0] == "ติด C 15.00% ของ 20 รายการ REP (เป้าไม่เกิน 5%)"
    assert "ยังไม่โอน 200.50 บาท" in th[1]


def test_the_c_line_is_coloured_by_the_target_and_nothing_shows_without_figures() -> None:
    tr = Translator("en")
    [above, _money] = statement_content(figures(3, 20), tr)
    [within, _] = statement_content(figures(1, 20), tr)
    assert "error" in str(above.spans[0].style) and "success" in str(within.spans[0].style)
    assert statement_texts(None, tr) == [] and statement_content(None, tr) == []
    empty = statement_figures([], [], [], units=[UNIT])[UNIT]
    assert statement_texts(empty, tr) == []
    transfers_only = statement_figures(
        [], [], [Transfer(UNIT, D(2025, 2, 15), "UC", None, Decimal("5"))]
    )[UNIT]
    assert statement_texts(transfers_only, tr) == [
        "Paid on statements 0.00 baht · transferred 5.00 baht · not transferred 0.00 baht"
    ]
    paid_only = statement_figures([], [PaidOnPaper(UNIT, D(2025, 1, 3), Decimal("9"))], [])[UNIT]
    assert statement_texts(paid_only, tr) == [], "paid money alone is in the claims already"
