"""What the province may tune about the server (`sitthi server run` options), with defaults.

Kept apart from the modules that apply them, which need the database layer: the command line
shows these defaults without loading it.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MAX_CLOCK_SKEW_S = 300.0
"""How far ahead of the server's clock a follow-up's stamp may be (a few minutes of drift)."""
DEFAULT_NEW_PEOPLE_PER_DAY = 200
"""People new to a unit it may receive NHSO records for in a day, whatever its size: more than a
day's births, move-ins and corrections at a large centre, far fewer than a list of CIDs."""
NEW_PEOPLE_SHARE = 0.05
"""A larger unit may take this share of the people it already received records for, a day."""
DEFAULT_FIRST_SYNC_PEOPLE = 10_000
"""A unit that has received no records yet (its first sync) may take this many people: more
than a large sub-district centre holds in all."""
ACTIVE_READER_DAYS = 30
"""A provincial reader that pulled within this many days is active: the change log keeps what
it has not read yet (`sync.server.compaction`)."""


@dataclass(frozen=True)
class TrustSettings:
    """How pushed rows are checked (`sync.server.trust`)."""

    max_clock_skew_s: float = DEFAULT_MAX_CLOCK_SKEW_S


@dataclass(frozen=True)
class DeliverySettings:
    """Records that follow a CID to a unit (`sync.server.sequencer`)."""

    new_people_per_day: int = DEFAULT_NEW_PEOPLE_PER_DAY
    first_sync_people: int = DEFAULT_FIRST_SYNC_PEOPLE
    new_people_share: float = NEW_PEOPLE_SHARE

    def daily_limit(self, known_before: int) -> int:
        """People new to a unit it may receive records for today, given how many people it had
        received records for before today: relative to its population, never below the floor."""
        if known_before == 0:
            return max(self.new_people_per_day, self.first_sync_people)
        return max(self.new_people_per_day, int(known_before * self.new_people_share))
