"""The words of `sitthi report`'s tables, from the message catalogue (section `cli.report`)."""

from __future__ import annotations

from store.i18n import Section

TEXTS = Section("cli.report")
