"""How many people new to a unit it may receive NHSO records for in a day."""

from __future__ import annotations

from sync.server.settings import DeliverySettings


def test_a_units_first_sync_may_bring_a_whole_centre() -> None:
    assert DeliverySettings().daily_limit(known_before=0) >= 10_000


def test_an_established_unit_may_take_a_share_of_its_people_never_below_the_floor() -> None:
    settings = DeliverySettings()
    assert settings.daily_limit(known_before=1_000) == settings.new_people_per_day
    assert settings.daily_limit(known_before=8_000) == 400
    assert settings.daily_limit(known_before=40_000) == 2_000


def test_the_daily_limit_of_a_typical_centre_is_far_below_a_list_of_fished_cids() -> None:
    assert DeliverySettings().daily_limit(known_before=5_000) < 2_000 / 5
