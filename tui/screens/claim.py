"""One PP service: what was given, what NHSO answered, and why it is not paid with the fix."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from store.cid import mask_cid
from store.controls import terminal_safe
from tui.screens.base import SitthiScreen
from tui.widgets.footer import SitthiFooter
from tui.widgets.navbar import NavBar

if TYPE_CHECKING:
    from store.pp.claims import ServiceClaim, StatementLine
    from tui.i18n import Translator


class ClaimScreen(SitthiScreen):
    NAV = "claims"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", "key.back")]

    def __init__(self, claim: ServiceClaim, person_name: str) -> None:
        super().__init__()
        self.claim = claim
        self.person_name = person_name

    def compose(self) -> ComposeResult:
        t = self.t
        yield NavBar(self.NAV)
        with VerticalScroll(id="claim-body"):
            yield Static(self.header(), id="claim-header", markup=False)
            with Vertical(classes="panel") as panel:
                panel.border_title = t("claim.service_title")
                yield Static(service_content(self.claim, t), id="claim-service", markup=False)
            with Vertical(classes="panel") as panel:
                panel.border_title = t("claim.answer_title")
                yield Static(answer_content(self.claim, t), id="claim-answer", markup=False)
            with Vertical(classes="panel") as panel:
                panel.border_title = t("claim.todo_title")
                yield Static(todo_content(self.claim, t), id="claim-todo", markup=False)
        yield SitthiFooter()

    def header(self) -> Content:
        service = self.claim.evaluation.service
        person = self.claim.evaluation.person
        cid = mask_cid(person.cid) if person is not None else ""
        return Content.assemble(
            (terminal_safe(self.person_name or service.pid), "bold"),
            "  ",
            terminal_safe(cid),
            "  ",
            (self.t("claim.pid", pid=service.pid), "$text-muted"),
        )

    def action_back(self) -> None:
        self.app.pop_screen()


def _line(t: Translator, key: str, value: str) -> Content:
    """A labelled line; the value may hold stored text, shown terminal-safe."""
    return Content.assemble((t(key) + " ", "$text-muted"), terminal_safe(value) or "–")


def service_content(claim: ServiceClaim, t: Translator) -> Content:
    evaluation = claim.evaluation
    item = evaluation.item
    service = evaluation.service
    name = item.name_en if t.lang == "en" else item.name_th
    return Content("\n").join(
        [
            Content.assemble((item.item, "bold"), "  ", name),
            _line(t, "claim.date", t.date(service.date)),
            _line(t, "claim.rate", f"{item.rate:,.2f}"),
            _line(t, "claim.source", f"{service.source} SEQ {service.seq}"),
            _line(t, "claim.fiscal_year", str(evaluation.fiscal_year)),
        ]
    )


def answer_content(claim: ServiceClaim, t: Translator) -> Content:
    status_style = {"PAID": "bold $success", "PARTIAL": "bold $warning"}.get(
        claim.status.value, "bold $error" if claim.status.value == "DENIED" else "bold"
    )
    lines = [Content.styled(claim.status.text(t.lang), status_style)]
    if claim.line is not None:
        lines.extend(statement_lines(claim.line, t))
    elif claim.evaluation.eligible:
        lines.append(Content(t("claim.no_statement")))
    if claim.history:
        lines.append(Content(t("claim.history", n=len(claim.history))))
        for earlier in claim.history:
            lines.append(
                Content.styled(
                    "  "
                    + t(
                        "claim.history_line",
                        date=t.date(earlier.imported_at.date()),
                        paid="–" if earlier.paid is None else f"{earlier.paid:,.2f}",
                        code=earlier.error_code or "–",
                    ),
                    "$text-muted",
                )
            )
    return Content("\n").join(lines)


def statement_lines(line: StatementLine, t: Translator) -> list[Content]:
    return [
        _line(t, "claim.statement", line.statement_id),
        _line(t, "claim.paid", "–" if line.paid is None else f"{line.paid:,.2f}"),
        _line(t, "claim.error_code", line.error_code),
        _line(t, "claim.imported", t.date(line.imported_at.date())),
    ]


def todo_content(claim: ServiceClaim, t: Translator) -> Content:
    """Why the service is not (fully) paid and what to do, from the reason or the error code."""
    reason = claim.evaluation.reason
    if reason is not None:
        return Content("\n").join(
            [
                Content.styled(t("claim.not_eligible"), "bold $warning"),
                Content(reason.text(t.lang)),
            ]
        )
    error = claim.error
    if error is not None:
        known = [
            Content.assemble(
                (f"{error.code} ", "bold $error"), error.description(t.lang) or t("claim.unknown")
            ),
        ]
        guide = error.guide(t.lang)
        if guide:
            known.append(Content.assemble(("→ ", "$accent"), guide))
        return Content("\n").join(known)
    return Content(t(f"claim.todo_{claim.status.value}"))
