"""Server side: reading a request body into a message, within limits a hostile body cannot pass.

This runs in a worker thread (inflating and parsing a few megabytes takes long enough to stall
every other request if it ran on the event loop). Besides the size limits of the compressed and
the inflated body, a message may nest at most `MAX_DEPTH` levels (a sync message needs five),
its numbers are at most `MAX_NUMBER_CHARS` characters, whole numbers within the range every JSON
reader keeps exactly (±2^53), and other numbers finite, so nothing in a body can make the
parser recurse without end, spend seconds converting a number, or overflow a database column.
"""

from __future__ import annotations

import json
import zlib
from typing import Any

from sync.protocol import ProtocolError

MAX_MESSAGE_BYTES = 8 * 1024 * 1024
"""Largest inflated body the server reads. A push batch of 2,000 rows is well under 2 MB; the
bound matters because parsing holds the interpreter lock however it is threaded (8 MB parse in
about a tenth of a second), so it bounds how long one request can hold up all others."""
MAX_DEPTH = 8
MAX_NUMBER_CHARS = 40
MAX_SAFE_INTEGER = 2**53 - 1


def read_message(
    body: bytes, *, compressed: bool, limit: int = MAX_MESSAGE_BYTES
) -> dict[str, Any]:
    """The JSON object of a request body; ProtocolError (its text for the client) otherwise."""
    raw = _inflate(body, limit) if compressed else body
    if len(raw) > limit:
        raise ProtocolError(f"message larger than {limit} bytes")
    try:
        value = json.loads(
            raw,
            parse_int=_whole_number,
            parse_float=_number,
            parse_constant=_no_constant,
        )
    except RecursionError as exc:
        raise ProtocolError(f"message nested deeper than {MAX_DEPTH} levels") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProtocolError(f"message is not JSON: {exc.__class__.__name__}") from exc
    if not isinstance(value, dict):
        raise ProtocolError("message is not a JSON object")
    if _depth_over(value, MAX_DEPTH):
        raise ProtocolError(f"message nested deeper than {MAX_DEPTH} levels")
    return value


def _inflate(body: bytes, limit: int) -> bytes:
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        raw = inflater.decompress(body, limit + 1)
    except zlib.error as exc:
        raise ProtocolError("message is not gzip data") from exc
    if len(raw) > limit or inflater.unconsumed_tail:
        raise ProtocolError(f"message inflates beyond {limit} bytes")
    if not inflater.eof:
        raise ProtocolError("message is truncated")
    return raw


def _whole_number(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise ProtocolError(f"a number longer than {MAX_NUMBER_CHARS} characters")
    value = int(text)
    if abs(value) > MAX_SAFE_INTEGER:
        raise ProtocolError("a whole number beyond ±2^53")
    return value


def _number(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise ProtocolError(f"a number longer than {MAX_NUMBER_CHARS} characters")
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ProtocolError("a number too large to read")
    return value


def _no_constant(text: str) -> Any:
    raise ProtocolError(f"{text} is not a JSON number")


def _depth_over(value: Any, limit: int) -> bool:
    """Whether containers nest deeper than `limit` (iterative: no recursion to exhaust)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values() if isinstance(v, dict | list))
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item if isinstance(v, dict | list))
    return False
