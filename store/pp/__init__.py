"""PP fee-schedule claims: the catalog, which services qualify, and what NHSO paid for them.

The rules are pure functions over small frozen dataclasses (`eligibility`, `claims`); `queries`
feeds them from the store, `catalog_store` keeps the catalog per fiscal year in the store, and
`report` gives the claims report and each unit's PP money for `sitthi report`.
"""

from __future__ import annotations


def clear_cache() -> None:
    """Forget the PP tables read from store/reference (after reference overrides change)."""
    from store.pp import catalog, labels, nhso_errors, sources

    for module in (catalog, labels, nhso_errors, sources):
        module.clear_cache()
