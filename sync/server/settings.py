"""What the province may tune about the server (`sitthi server run` options), with defaults.

Kept apart from the modules that apply them, which need the database layer: the command line
shows these defaults without loading it.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MAX_CLOCK_SKEW_S = 300.0
"""How far ahead of the server's clock a follow-up's stamp may be (a few minutes of drift)."""
DEFAULT_NEW_PEOPLE_PER_DAY = 10_000
"""More people in a day than a large sub-district centre holds in all: a unit's first sync
stays within it, a unit collecting records for CIDs it made up does not."""


@dataclass(frozen=True)
class TrustSettings:
    """How pushed rows are checked (`sync.server.trust`)."""

    max_clock_skew_s: float = DEFAULT_MAX_CLOCK_SKEW_S


@dataclass(frozen=True)
class DeliverySettings:
    """Records that follow a CID to a unit (`sync.server.sequencer`)."""

    new_people_per_day: int = DEFAULT_NEW_PEOPLE_PER_DAY
