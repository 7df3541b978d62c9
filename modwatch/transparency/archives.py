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

Every zip member modwatch opens (report zips, workbooks, DSA dumps) is opened by
:func:`open_member`: limits checked, then a stream whose damaged data (a broken local header, an
unknown compression method, corrupt deflate data, a bad CRC, a cut stream: :data:`ZIP_ERRORS`)
raises one error naming the member — ``zipfile.BadZipFile`` or the caller's own class.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from typing import BinaryIO

MiB = 1024 * 1024
MAX_MEMBER_BYTES = 512 * MiB
MAX_RATIO = 200
MAX_MEMBERS = 10_000
#: what opening or reading a damaged zip (or zip member) raises, besides ``zipfile.BadZipFile``'s own cases
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError)


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
        raise ArchiveTooLarge(
            f"{info.filename}: compression ratio {info.file_size // max(info.compress_size, 1)} "
            f"(more than {MAX_RATIO}): a decompression bomb"
        )


class _Member(io.BufferedIOBase):
    """A zip member's stream whose damaged data (:data:`ZIP_ERRORS`) raises ``error`` naming the member."""

    def __init__(self, raw: BinaryIO, name: str, error: type[Exception]):
        super().__init__()
        self._raw, self._name, self._error = raw, name, error

    def readable(self) -> bool:
        return True

    def _guarded(self, read, size):
        try:
            return read(size)
        except ZIP_ERRORS as exc:
            raise self._error(f"{self._name}: unreadable compressed data ({exc})") from exc

    def read(self, size=-1):
        return self._guarded(self._raw.read, size)

    def read1(self, size=-1):
        return self._guarded(getattr(self._raw, "read1", self._raw.read), size)

    def close(self):
        self._raw.close()
        super().close()


def open_member(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    limit: int | None = MAX_MEMBER_BYTES,
    *,
    error: type[Exception] = zipfile.BadZipFile,
    where: str = "",
) -> BinaryIO:
    """The one way modwatch opens a zip member: :func:`check_member` (``limit`` None: streamed, only
    the ratio is checked), then ``archive.open(info)`` as a stream whose damaged data raises
    ``error`` naming the member. A damaged local header or an unknown compression method raises
    ``error`` at once; over the limits, :class:`ArchiveTooLarge` (converted to ``error`` when that
    is not a ``zipfile.BadZipFile``). ``where`` (e.g. the archive's name) prefixes the messages."""
    prefix = f"{where}: " if where else ""
    try:
        check_member(info, limit)
    except ArchiveTooLarge as exc:
        if issubclass(error, zipfile.BadZipFile):
            raise
        raise error(f"{prefix}{exc}") from exc
    try:
        raw = archive.open(info)
    except ZIP_ERRORS as exc:
        raise error(f"{prefix}{info.filename}: unreadable zip member ({exc})") from exc
    return _Member(raw, f"{prefix}{info.filename}", error)


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int = MAX_MEMBER_BYTES) -> bytes:
    """The bytes of member ``info`` (:func:`open_member`), refused (:class:`ArchiveTooLarge`) past ``limit``
    bytes or :data:`MAX_RATIO`, whatever its header declares (at most ``limit + 1`` bytes are inflated)."""
    with open_member(archive, info, limit) as member:
        data = member.read(limit + 1)
    if len(data) > limit or (len(data) > MiB and len(data) > MAX_RATIO * max(info.compress_size, 1)):
        raise ArchiveTooLarge(f"{info.filename}: inflates past its declared size, beyond the limits")
    return data
