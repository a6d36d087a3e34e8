"""The rows the upstream systems hold about one synthetic person: CARD, NHSO and DEATH."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class CardRow:
    """A CARD row of the health-centre system."""

    instype: str
    startdate: dt.date | None
    expiredate: dt.date | None
    main: str
    sub: str
    d_update: dt.datetime


@dataclass(frozen=True)
class NhsoRow:
    """One line of an NHSO rights list (the CID is NHSO's, which the HIS may have mistyped)."""

    cid: str
    maininscl: str
    subinscl: str
    hmain_op: str
    hsub: str
    hmain: str
    startdate: dt.date | None
    expdate: dt.date | None
    deathdate: dt.date | None
    status: str
    checked_at: dt.datetime


@dataclass(frozen=True)
class DeathRow:
    """A DEATH row of the health-centre system."""

    ddeath: dt.date
    cause: str
    hospdeath: str
    d_update: dt.datetime
