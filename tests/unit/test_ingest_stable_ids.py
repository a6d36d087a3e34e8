"""Bulk stable ids are exactly the ids `stable_id` gives one at a time."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from store.ids import stable_id, stable_ids

_PART = st.one_of(st.none(), st.text(max_size=20), st.integers(), st.dates())


@given(table=st.text(min_size=1, max_size=12), keys=st.lists(st.lists(_PART, max_size=4)))
def test_bulk_ids_equal_single_ids(table: str, keys: list[list[object]]) -> None:
    assert stable_ids(table, keys) == [stable_id(table, *key) for key in keys]


def test_a_known_key_keeps_its_id() -> None:
    key = ("07543", "12", dt.date(2025, 1, 2))
    [bulk] = stable_ids("person", [key])
    assert bulk == stable_id("person", *key)
    assert bulk[14] == "5"
