"""The parts claimable PP money splits into, and the one that is what is left over.

Kept apart from the claim rules so that the dashboard's figures can carry it without loading
them (the first frame waits for nothing it does not show).
"""

from __future__ import annotations

from decimal import Decimal


class ShortPaid:
    """For a breakdown of claimable money into paid, pending, denied and unclaimed baht: what
    partially paid claims fell short of their rate, so that the five parts add up to what is
    claimable. Mixed into each frozen dataclass that holds the five amounts."""

    eligible_baht: Decimal
    paid_baht: Decimal
    pending_baht: Decimal
    denied_baht: Decimal
    unclaimed_baht: Decimal

    @property
    def underpaid_baht(self) -> Decimal:
        parts = self.paid_baht + self.pending_baht + self.denied_baht + self.unclaimed_baht
        return max(self.eligible_baht - parts, Decimal("0"))
