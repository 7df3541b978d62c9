"""Bounded decompression of downloaded zip files (report zips, xlsx workbooks, DSA dumps).

A 9 MB zip can hold a 3 GiB member: reading it whole grew a loader past 6 GB. Every zip member
modwatch reads goes through :func:`check_member` (its declared size and compression ratio) and
:func:`read_member` (the bytes actually inflated, capped): over a limit it raises
:class:`ArchiveTooLarge` (a ``zipfile.BadZipFile``, so callers that already refuse a broken zip
refuse a bomb the same way, with the reason) before memory grows.

Limits: :data:`MAX_MEMBER_BYTES` inflated per member read into memory, :data:`MAX_RATIO`
inflated/compressed per member (real report files: 2-13; deflate's ceiling is ~1030), and
:data:`MAX_MEMBERS` members per zip. Corrupt compressed data is a ``zipfile.BadZipFile`` too
(not a bare ``zlib.error``).
"""

from __future__ import annotations

import zipfile
import zlib

MiB = 1024 * 1024
MAX_MEMBER_BYTES = 512 * MiB
MAX_RATIO = 200
MAX_MEMBERS = 10_000


class ArchiveTooLarge(zipfile.BadZipFile):
    """A zip member (or the zip) over the decompression limits; the message says which."""


def check_archive(archive: zipfile.ZipFile) -> None:
    """Raise :class:`ArchiveTooLarge` for a zip with more than :data:`MAX_MEMBERS` members."""
    if len(archive.infolist()) > MAX_MEMBERS:
        raise ArchiveTooLarge(f"zip with {len(archive.infolist())} members (more than {MAX_MEMBERS})")


def check_member(info: zipfile.ZipInfo, limit: int | None = MAX_MEMBER_BYTES) -> None:
    """Raise :class:`ArchiveTooLarge` if ``info`` declares more than ``limit`` bytes (None: no
    size limit) or a compression ratio above :data:`MAX_RATIO`."""
    if limit is not None and info.file_size > limit:
        raise ArchiveTooLarge(f"{info.filename}: {info.file_size} bytes uncompressed, more than {limit}")
    if info.file_size > MiB and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        raise ArchiveTooLarge(f"{info.filename}: compression ratio {info.file_size // max(info.compress_size, 1)} "
                              f"(more than {MAX_RATIO}): a decompression bomb")


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int = MAX_MEMBER_BYTES) -> bytes:
    """The bytes of member ``info``, refused (:class:`ArchiveTooLarge`) past ``limit`` bytes or
    :data:`MAX_RATIO`, whatever its header declares (at most ``limit + 1`` bytes are inflated)."""
    check_member(info, limit)
    try:
        with archive.open(info) as member:
            data = member.read(limit + 1)
    except (zlib.error, EOFError, NotImplementedError) as exc:  # corrupt or unsupported compressed data
        raise zipfile.BadZipFile(f"{info.filename}: unreadable compressed data ({exc})") from exc
    if len(data) > limit or (len(data) > MiB and len(data) > MAX_RATIO * max(info.compress_size, 1)):
        raise ArchiveTooLarge(f"{info.filename}: inflates past its declared size, beyond the limits")
    return data
