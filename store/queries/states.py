"""The follow-up states a work-list row can be in; light, for the app's filter menus."""

from __future__ import annotations

STATE_NONE = "none"
"""Nobody has recorded anything yet."""
STATE_OPEN = "open"
"""Someone is on it (the latest action's outcome is `open` in followup_actions.csv)."""
STATE_RESOLVED = "resolved"
"""Nothing more to do (outcome `resolved`)."""
STATES = (STATE_NONE, STATE_OPEN, STATE_RESOLVED)
