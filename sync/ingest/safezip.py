"""Opening zips (43-file exports, XLSX workbooks) without trusting them.

A zip is refused as a whole when any member has an unsafe name (`..`, an absolute path, a drive
letter), is a symbolic link or encrypted, or when its declared sizes break the limits in
`sync.ingest.limits`. Members are then read with a bound, since headers can lie.
"""

from __future__ import annotations

import io
import lzma
import re
import stat
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from store.i18n import message
from sync.ingest.limits import MIB, Limits
from sync.ingest.refused import Refused

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_DRIVE = re.compile(r"^[A-Za-z]:")
_ENCRYPTED_FLAG = 0x1


def looks_like_zip(data: bytes) -> bool:
    return data.startswith(ZIP_MAGIC)


@dataclass(frozen=True)
class SafeZip:
    """A zip whose every member passed the checks; `read` is bounded by the limits."""

    archive: zipfile.ZipFile
    limits: Limits

    def members(self) -> Iterator[zipfile.ZipInfo]:
        """Regular-file members (folders left out), in the zip's order."""
        return (info for info in self.archive.infolist() if not info.is_dir())

    def read(self, info: zipfile.ZipInfo) -> bytes:
        bound = min(info.file_size, self.limits.max_member_bytes)
        try:
            with self.archive.open(info) as handle:
                data = handle.read(bound + 1)
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error, lzma.LZMAError) as exc:
            # A wrong CRC, a truncated member or compressed bytes that do not inflate.
            raise Refused(message("ingest.zip.damaged", member=repr(info.filename))) from exc
        except NotImplementedError as exc:
            raise Refused(message("ingest.zip.compression", member=repr(info.filename))) from exc
        if len(data) > bound:
            raise Refused(message("ingest.zip.larger", member=repr(info.filename)))
        return data


def open_zip(data: bytes, limits: Limits) -> SafeZip:
    """The zip in `data`, after every member passed the safety checks."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise Refused(message("ingest.zip.unreadable")) from exc
    infos = archive.infolist()
    if len(infos) > limits.max_members:
        raise Refused(message("ingest.zip.members", count=len(infos), limit=limits.max_members))
    total = 0
    for info in infos:
        check_member(info, limits)
        total += info.file_size
    if total > limits.max_total_bytes:
        raise Refused(
            message("ingest.zip.bomb", size=_size(total), limit=_size(limits.max_total_bytes))
        )
    return SafeZip(archive, limits)


def check_member(info: zipfile.ZipInfo, limits: Limits) -> None:
    member = info.filename
    if not is_safe_member_name(member):
        raise Refused(message("ingest.zip.unsafe_path", member=repr(member)))
    if _is_symlink(info):
        raise Refused(message("ingest.zip.link", member=repr(member)))
    if info.flag_bits & _ENCRYPTED_FLAG:
        raise Refused(message("ingest.zip.encrypted", member=repr(member)))
    if info.file_size > limits.max_member_bytes:
        raise Refused(
            message(
                "ingest.zip.member_size",
                member=repr(member),
                size=_size(info.file_size),
                limit=_size(limits.max_member_bytes),
            )
        )
    if info.file_size >= limits.ratio_floor_bytes:
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > limits.max_ratio:
            raise Refused(
                message(
                    "ingest.zip.ratio",
                    member=repr(member),
                    ratio=f"{ratio:.0f}",
                    limit=f"{limits.max_ratio:.0f}",
                )
            )


def is_safe_member_name(member: str) -> bool:
    """No absolute path, drive letter or `..` component, with either kind of slash."""
    if not member or "\x00" in member:
        return False
    normal = member.replace("\\", "/")
    if normal.startswith("/") or _DRIVE.match(normal):
        return False
    return ".." not in normal.split("/")


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)


def member_basename(member: str) -> str:
    """The file name of a member, whichever slash its folders use."""
    return member.replace("\\", "/").rsplit("/", 1)[-1]


def _size(n: int) -> str:
    return f"{n / MIB:.0f} MiB" if n >= MIB else f"{n} bytes"
