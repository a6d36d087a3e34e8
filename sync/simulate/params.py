"""The simulation's parameters (`rates.toml`) and word lists (CSV files beside it).

Every rate of the synthetic centre lives in `rates.toml`; this module only reads it and offers
typed access, failing with the section and key named when a value is missing or of the wrong kind.
"""

from __future__ import annotations

import bisect
import csv
import functools
import random
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

RATES_FILE = "rates.toml"


class ParamsError(ValueError):
    """A parameter file that cannot be used.

    Not a `SitthiError`: `rates.toml` ships inside the package and nobody at a centre edits it,
    so a bad value is a programming error, named for the developer by section and key."""


@dataclass(frozen=True)
class Section:
    """One table of `rates.toml`, with typed getters."""

    name: str
    values: Mapping[str, Any]

    def _get(self, key: str) -> Any:
        try:
            return self.values[key]
        except KeyError:
            raise ParamsError(f"{RATES_FILE} [{self.name}]: missing {key!r}") from None

    def number(self, key: str) -> float:
        value = self._get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ParamsError(f"{RATES_FILE} [{self.name}] {key}: expected a number")
        return float(value)

    def integer(self, key: str) -> int:
        value = self._get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ParamsError(f"{RATES_FILE} [{self.name}] {key}: expected a whole number")
        return value

    def text(self, key: str) -> str:
        value = self._get(key)
        if not isinstance(value, str):
            raise ParamsError(f"{RATES_FILE} [{self.name}] {key}: expected text")
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        value = self._get(key)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ParamsError(f"{RATES_FILE} [{self.name}] {key}: expected a list of text")
        return tuple(value)

    def span(self, key: str) -> tuple[int, int]:
        """A `[fewest, most]` pair of whole numbers."""
        value = self._get(key)
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
            or value[0] > value[1]
        ):
            raise ParamsError(f"{RATES_FILE} [{self.name}] {key}: expected [fewest, most]")
        return value[0], value[1]

    def integers(self, key: str) -> tuple[int, ...]:
        value = self._get(key)
        if not isinstance(value, list) or not all(_is_int(v) for v in value):
            raise ParamsError(f"{RATES_FILE} [{self.name}] {key}: expected whole numbers")
        return tuple(value)

    def spans(self, key: str) -> tuple[tuple[int, int], ...]:
        """A list of `[fewest, most]` pairs."""
        value = self._get(key)
        if not isinstance(value, list):
            raise ParamsError(f"{RATES_FILE} [{self.name}] {key}: expected [[fewest, most], ...]")
        return tuple(Section(self.name, {key: v}).span(key) for v in value)

    def schedule(self, key: str) -> tuple[tuple[int, str], ...]:
        """A list of `[days, "code"]` pairs."""
        value = self._get(key)
        if not isinstance(value, list) or not all(
            isinstance(v, list) and len(v) == 2 and _is_int(v[0]) and isinstance(v[1], str)
            for v in value
        ):
            raise ParamsError(f"{RATES_FILE} [{self.name}] {key}: expected [[days, code], ...]")
        return tuple((v[0], v[1]) for v in value)

    def weights(self, key: str) -> Weights:
        return Weights.of(f"[{self.name}] {key}", self.section(key).values)

    def section(self, key: str) -> Section:
        value = self._get(key)
        if not isinstance(value, dict):
            raise ParamsError(f"{RATES_FILE} [{self.name}] {key}: expected a table")
        return Section(f"{self.name}.{key}", value)

    def by_age(self, key: str, age: int) -> float:
        """The number of an age-banded table (keys are the bands' lower bounds) at `age`."""
        value = self._band(key, age)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ParamsError(f"{RATES_FILE} [{self.name}] {key}: expected numbers")
        return float(value)

    def text_by_age(self, key: str, age: int) -> str:
        """The text of an age-banded table at `age`."""
        value = self._band(key, age)
        if not isinstance(value, str):
            raise ParamsError(f"{RATES_FILE} [{self.name}] {key}: expected text values")
        return value

    def _band(self, key: str, age: int) -> Any:
        table = self.section(key).values
        try:
            bounds = sorted((int(k), v) for k, v in table.items())
        except ValueError:
            raise ParamsError(f"{RATES_FILE} [{self.name}] {key}: keys must be ages") from None
        if not bounds:
            raise ParamsError(f"{RATES_FILE} [{self.name}] {key}: empty table")
        index = bisect.bisect_right([b for b, _ in bounds], age) - 1
        return bounds[max(index, 0)][1]


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class Weights:
    """Codes with relative weights, to draw from."""

    keys: tuple[str, ...]
    values: tuple[float, ...]

    @classmethod
    def of(cls, where: str, table: Mapping[str, Any]) -> Weights:
        if not table:
            raise ParamsError(f"{RATES_FILE} {where}: empty table")
        for key, value in table.items():
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise ParamsError(f"{RATES_FILE} {where} {key}: expected a weight of 0 or more")
        return cls(tuple(table), tuple(float(v) for v in table.values()))

    def draw(self, rng: random.Random) -> str:
        return rng.choices(self.keys, self.values)[0]

    def get(self, key: str, default: float = 0.0) -> float:
        return dict(zip(self.keys, self.values, strict=True)).get(key, default)


@dataclass(frozen=True)
class Params:
    """All of `rates.toml`."""

    tables: Mapping[str, Any]

    def __getattr__(self, name: str) -> Section:
        if name.startswith("_"):
            raise AttributeError(name)
        return Section(name, self._table(name))

    def _table(self, name: str) -> Mapping[str, Any]:
        value = self.tables.get(name)
        if not isinstance(value, dict):
            raise ParamsError(f"{RATES_FILE}: missing table [{name}]")
        return value


@functools.cache
def load_params() -> Params:
    """The shipped `rates.toml`."""
    raw = resources.files(__package__).joinpath(RATES_FILE).read_text(encoding="utf-8")
    try:
        return Params(tomllib.loads(raw))
    except tomllib.TOMLDecodeError as exc:
        raise ParamsError(f"{RATES_FILE}: {exc}") from exc


@functools.cache
def word_list(name: str) -> tuple[dict[str, str], ...]:
    """The rows of a CSV file shipped beside this module, every column as text."""
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    return tuple(dict(row) for row in csv.DictReader(text.splitlines()))


def sample_weighted(
    rng: random.Random, items: Sequence[Any], weights: Sequence[float], count: int
) -> list[Any]:
    """`count` distinct items, each chosen with probability growing with its weight.

    Efraimidis-Spirakis: the items with the largest `u ** (1 / w)` keys; zero weights never win.
    """
    keyed = [(rng.random() ** (1.0 / w), i) for i, w in enumerate(weights) if w > 0]
    keyed.sort(reverse=True)
    return [items[i] for _, i in keyed[:count]]


def default_size(large: bool = False) -> int:
    """PERSON rows of the default (or the large benchmark) centre (here, not in `centre`, so
    that asking costs no import of the simulator)."""
    return load_params().size.integer("large_persons" if large else "persons")
