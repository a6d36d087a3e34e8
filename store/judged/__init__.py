"""Judgements kept, not recomputed: each person's gaps, each PP service's claim status, each
unit's KPI line and its closed months, stored for one as-of day and refreshed when their
inputs change.

Why: a province's league table judged 1.5 million persons on every call (minutes); stored
judgements make it a read of one row per unit, and a change costs one unit's refresh.

How a store stays right (`marks.py`, `refresh.py`, `read.py`):
- Triggers on every input table the judgements read mark the units a change concerns in
  `judged_stale`, in the writer's transaction (for the outbox's reason: no writer can forget;
  NHSO records mark the units of the persons with the record's CID; a PP catalog change marks
  every unit). Follow-ups mark nothing: follow-up counts are derived when read, from the stored
  gap judgements and the follow-up log, which is one indexed read of one unit.
- A unit's stored judgements hold for an as-of day, a fiscal year and a rules key (the rules'
  code version and the reference tables in force); the expiry, the 90-day staleness of a check
  and ages depend on the day, so reading another day judges afresh.
- `refresh_judgements` judges the units that do not hold with the same functions a fresh
  report uses (`store.kpi.judged_units`) and stores the results and the months that closed, in
  the caller's write transaction. Writers call it right after their change (`import_paths`, a
  centre's sync round, the server after a push, all with `judged_only`: units someone reads);
  `sitthi recompute` and the readers that may write (`sitthi report kpi`, the app) call it for
  every unit before they read.
- Readers (`read.py`) take stored figures where they hold and judge the rest on the spot
  without storing, so a reader's figures always equal a fresh evaluation.
"""
