"""PP fee-schedule claims: the catalog, which services qualify, and what NHSO paid for them.

The rules are pure functions over small frozen dataclasses (`eligibility`, `claims`); `queries`
feeds them from the store, `catalog_store` keeps the catalog per fiscal year in the store.
"""
