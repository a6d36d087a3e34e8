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
    """The parameters as a compact JSON object ("" when there are none); a message among them
    is kept as its key and parameters (`{"key": ..., "params": {...}}`), not its words."""
    if not message.params:
        return ""
    return json.dumps(_plain(message.params), ensure_ascii=False, sort_keys=True, default=str)


def _plain(params: Mapping[str, object]) -> dict[str, object]:
    return {k: _plain_value(v) for k, v in params.items()}


def _plain_value(value: object) -> object:
    if isinstance(value, Message):
        return {"key": value.key, "params": _plain(value.params)}
    if isinstance(value, tuple) and value and all(isinstance(v, Message) for v in value):
        return [_plain_value(v) for v in value]
    return value


def _restored(value: object) -> object:
    """A stored parameter back as it was given: messages as messages."""
    if isinstance(value, dict) and set(value) == {"key", "params"}:
        key, params = value["key"], value["params"]
        if isinstance(key, str) and isinstance(params, dict):
            return Message(key, {str(k): _restored(v) for k, v in params.items()})
    if isinstance(value, list) and value:
        items = [_restored(v) for v in value]
        if all(isinstance(v, Message) for v in items):
            return tuple(items)
    return value


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
    return Message(key, {str(k): _restored(v) for k, v in values.items()})


def stored_text(key: str, params: str, text: str, lang: str) -> str:
    """What to show for a stored message: its rendering in `lang`, else the stored `text`."""
    found = stored_message(key, params)
    if found is None:
        return text
    try:
        return found.render(lang)
    except (KeyError, IndexError, ValueError):
        return text
