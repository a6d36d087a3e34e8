"""Every sentence a person reads, in Thai and English: one catalogue for the whole project.

The words live in `th.toml` and `en.toml` beside this file, with the same keys (dotted paths
into the TOML tables: `dashboard.coverage`, `ingest.refused.encrypted`). Values are
`str.format` templates. The app's words (`tui.i18n`) and the messages of the lower layers
(import refusals and row issues, sync and daemon errors, the command line) come from here, so
a layer below the app says *which* message it means (a `Message`: a key and its parameters)
and the edge that shows it renders it in the reader's language.

Parameters never carry personal data (no CID, name or birth date): messages end up in logs,
status files and the province's store.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources

LANGUAGES = ("th", "en")
DEFAULT_LANGUAGE = "th"


def _flatten(tree: Mapping[str, object], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{path}."))
        else:
            flat[path] = str(value)
    return flat


@functools.cache
def catalog(lang: str) -> dict[str, str]:
    """Every message of a language, by dotted key."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    text = resources.files(__package__).joinpath(f"{lang}.toml").read_text(encoding="utf-8")
    return _flatten(tomllib.loads(text))


def render(key: str, lang: str, /, **params: object) -> str:
    """The message `key` in `lang` filled with `params`; the key itself when it is missing.

    A parameter may itself be a message (an OS error inside "cannot be read: {reason}") or a
    tuple of messages (one indented line each): they are rendered in the same language."""
    template = catalog(lang).get(key)
    if template is None:
        return key
    if not params:
        return template
    return template.format(**{k: _shown_param(v, lang) for k, v in params.items()})


@dataclass(frozen=True)
class Message:
    """A message by key with its parameters, rendered only where a person reads it."""

    key: str
    params: Mapping[str, object] = field(default_factory=dict)

    def render(self, lang: str) -> str:
        return render(self.key, lang, **self.params)

    def __str__(self) -> str:
        return self.render("en")


def _shown_param(value: object, lang: str) -> object:
    if isinstance(value, Message):
        return value.render(lang)
    if isinstance(value, tuple) and value and all(isinstance(v, Message) for v in value):
        return "\n".join(f"  {v.render(lang)}" for v in value)
    return value


def message(key: str, /, **params: object) -> Message:
    """`Message(key, params)` with the parameters as keywords."""
    return Message(key, params)


def shown(value: str | Message, lang: str) -> str:
    """A message in `lang`; plain text (not yet in the catalogue) as it is."""
    return value.render(lang) if isinstance(value, Message) else value


class Section:
    """The templates under one key prefix, by language: `Section("cli.sync")["th"]["summary"]`.

    For modules that format their own lines (`text["summary"].format(...)`): the words still
    come from the catalogue, looked up when the language is known.
    """

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix.rstrip(".") + "."

    def __getitem__(self, lang: str) -> dict[str, str]:
        start = len(self.prefix)
        return {k[start:]: v for k, v in catalog(lang).items() if k.startswith(self.prefix)}
