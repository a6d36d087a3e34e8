"""Catalogue messages kept in the store: a key column and a JSON object of parameters.

The store keeps the key and parameters of a message, not its words, so that each reader sees it
in their own language; the English rendering is usually stored beside them for logs and for
tools that read the table directly. A row written before its message had a key has a blank key
and is shown as the text it holds.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from store.i18n import Message, catalog


def params_json(message: Message) -> str:
    """The parameters as a compact JSON object ("" when there are none)."""
    if not message.params:
        return ""
    return json.dumps(dict(message.params), ensure_ascii=False, sort_keys=True, default=str)


def stored_message(key: str, params: str) -> Message | None:
    """The message of a stored key and parameters; None for a blank or unknown key or
    parameters that are not a JSON object (the stored text is shown instead)."""
    if not key or key not in catalog("en"):
        return None
    try:
        values = json.loads(params) if params else {}
    except json.JSONDecodeError:
        return None
    if not isinstance(values, Mapping):
        return None
    return Message(key, {str(k): v for k, v in values.items()})


def stored_text(key: str, params: str, text: str, lang: str) -> str:
    """What to show for a stored message: its rendering in `lang`, else the stored `text`."""
    found = stored_message(key, params)
    if found is None:
        return text
    try:
        return found.render(lang)
    except (KeyError, IndexError, ValueError):
        return text
