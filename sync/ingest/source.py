"""An offered file's bytes, on disk or in memory, without holding a large file whole.

The readers look at the leading bytes (`head`) to tell the formats apart; a CSV is then read as
a stream, while zips, workbooks and HTML pages, which their readers parse whole, are read whole
(`read`) only by the reader that needs them.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

HEAD_BYTES = 1024 * 1024
"""Leading bytes kept at hand: enough for every format check, the encoding and the header."""


@dataclass(frozen=True)
class Source:
    head: bytes
    """The first `HEAD_BYTES` bytes (the whole file when it is smaller)."""
    size: int
    opener: Callable[[], BinaryIO]

    @property
    def whole(self) -> bool:
        """The head is the whole file."""
        return len(self.head) >= self.size

    def open(self) -> BinaryIO:
        """The bytes from the start, as a binary stream (close it after use)."""
        return self.opener()

    def read(self) -> bytes:
        """All the bytes."""
        if self.whole:
            return self.head
        with self.open() as stream:
            return stream.read()


def bytes_source(data: bytes) -> Source:
    return Source(data[:HEAD_BYTES], len(data), lambda: io.BytesIO(data))


def file_source(path: Path, head: bytes, size: int) -> Source:
    """The file at `path`, whose first bytes (`head`) and size were read already."""
    return Source(head, size, lambda: path.open("rb"))
