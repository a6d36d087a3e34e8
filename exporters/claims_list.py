"""The claims officer's work list: the PP services to key or fix in NHSO's systems, one sheet
per claim status, the most money at stake first, with each denial's meaning and fix."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal

from sqlalchemy import Connection

from exporters.document import Cell, Column, Document, Kind, Section
from exporters.people import ListContext, load_context
from store.pp.claims import ZERO, ClaimStatus, ServiceClaim
from store.pp.report import claim_reason
from store.thaidate import format_be

KIND = "claims"
DEFAULT_STATUSES = (
    ClaimStatus.UNCLAIMED,
    ClaimStatus.DENIED,
    ClaimStatus.PARTIAL,
    ClaimStatus.PENDING,
)
"""The statuses with work to do (or money to wait for), in the order of their sheets."""


def at_stake(claim: ServiceClaim) -> Decimal:
    """Money the service can still bring: its rate less what was paid."""
    return max(claim.evaluation.item.rate - claim.paid, ZERO)


def columns(context: ListContext) -> tuple[Column, ...]:
    t = context.t
    return (
        Column(t("export.col.name"), 22),
        Column(t("export.col.cid"), 18),
        Column(t("export.col.service_date"), 12),
        Column(t("export.col.item"), 26),
        Column(t("export.col.rate"), 9, Kind.BAHT),
        Column(t("export.col.paid"), 9, Kind.BAHT),
        Column(t("export.col.at_stake"), 9, Kind.BAHT),
        Column(t("export.col.statement"), 16),
        Column(t("export.col.error_code"), 8),
        Column(t("export.col.meaning"), 34),
        Column(t("export.col.fix"), 34),
    )


def _cells(
    claim: ServiceClaim, names: Mapping[tuple[str, str], str], context: ListContext
) -> tuple[Cell, ...]:
    evaluation = claim.evaluation
    service = evaluation.service
    error = claim.error
    person = evaluation.person
    return (
        names.get((service.hospcode, service.pid), service.pid),
        context.cid(person.cid if person else ""),
        format_be(service.date),
        evaluation.item.name(context.lang),
        evaluation.item.rate,
        claim.paid,
        at_stake(claim),
        claim.line.statement_id if claim.line is not None else "",
        error.code if error is not None else "",
        claim_reason(claim, context.lang) or "",
        error.guide(context.lang) if error is not None else "",
    )


def _order(claim: ServiceClaim) -> tuple[Decimal, dt.date, str, str]:
    service = claim.evaluation.service
    return (-at_stake(claim), service.date, service.hospcode, service.pid)


def claims_document(
    claims: Sequence[ServiceClaim],
    names: Mapping[tuple[str, str], str],
    context: ListContext,
    *,
    hospcode: str | None,
    fiscal_year: int,
    statuses: Sequence[ClaimStatus] = DEFAULT_STATUSES,
) -> Document:
    """The claims (e.g. the claims screen's services as filtered) by status."""
    cols = columns(context)
    sections = []
    for status in statuses:
        chosen = sorted((c for c in claims if c.status is status), key=_order)
        if not chosen:
            continue
        body = tuple(_cells(c, names, context) for c in chosen)
        totals: tuple[Cell, ...] = (
            context.t("export.total_services", count=len(chosen)),
            None,
            None,
            None,
            sum((c.evaluation.item.rate for c in chosen), ZERO),
            sum((c.paid for c in chosen), ZERO),
            sum((at_stake(c) for c in chosen), ZERO),
            None,
            None,
            None,
            None,
        )
        label = status.text(context.lang)
        heading = context.t("export.claims_heading", status=label, year=fiscal_year)
        sections.append(Section(label, heading, cols, body, totals=totals))
    listed = [c for c in claims if c.status in statuses]
    persons = {(c.evaluation.service.hospcode, c.evaluation.service.pid) for c in listed}
    return Document(
        kind=KIND,
        hospcode=hospcode,
        unit=context.unit_label(hospcode),
        as_of=context.as_of,
        sections=tuple(sections),
        persons=len(persons),
        person_level=True,
        show_cid=context.show_cid,
        lang=context.lang,
        group_label=context.t("export.group.status"),
    )


def build_claims(
    conn: Connection,
    as_of: dt.date,
    fiscal_year: int,
    hospcode: str | None = None,
    *,
    statuses: Sequence[ClaimStatus] = DEFAULT_STATUSES,
    month: int | None = None,
    show_cid: bool = False,
    lang: str = "th",
) -> Document:
    """The fiscal year's (or month's) services up to the as-of date in the given statuses."""
    from store.queries.claims import claims_view

    view = claims_view(conn, fiscal_year, month, as_of, hospcode)
    context = load_context(conn, as_of, hospcode, lang=lang, show_cid=show_cid)
    return claims_document(
        view.claims,
        view.names,
        context,
        hospcode=hospcode,
        fiscal_year=fiscal_year,
        statuses=statuses,
    )
