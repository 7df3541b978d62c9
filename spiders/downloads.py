"""Downloads written to disk as they arrive, hashed on the way (the EU DSA dumps: several GiB a day).

:func:`stream_to_file` streams with ``httpx`` outside Scrapy's memory; :func:`spool_bytes` writes a body
Scrapy already holds. Both give a :class:`Spooled` file with its sha256 and sha1.
"""

import hashlib
import tempfile
from dataclasses import dataclass
from pathlib import Path

import httpx

from modwatch.transparency.archives import MAX_RATIO

#: bytes per streamed piece
CHUNK = 1024**2


class DecompressionBomb(httpx.DecodingError):
    """A streamed body whose ``Content-Encoding`` inflates beyond the ratio limit (a gzip bomb)."""


@dataclass(frozen=True)
class Spooled:
    """A download written to disk: ``path``, hex ``sha256``, ``byte_size`` and hex ``sha1`` of its bytes."""

    path: Path
    sha256: str
    byte_size: int
    sha1: str


def spool_bytes(body: bytes, folder: Path, name: str) -> Spooled:
    """Write ``body`` (a small dump Scrapy downloaded) to a new file in ``folder``."""
    with _new_file(folder, name) as fh:
        fh.write(body)
    return Spooled(Path(fh.name), hashlib.sha256(body).hexdigest(), len(body), hashlib.sha1(body).hexdigest())


async def stream_to_file(
    client: httpx.AsyncClient, url: str, folder: Path, name: str
) -> tuple[Spooled, httpx.Response]:
    """GET ``url`` into a new file of ``folder`` in :data:`CHUNK` pieces, hashing as it goes.

    Returns the file and the (closed) ``httpx`` response (status, headers). The body is the one
    the server meant (``Content-Encoding`` removed); inflating to more than
    :data:`~modwatch.transparency.archives.MAX_RATIO` times the bytes received raises
    :class:`DecompressionBomb` (an ``httpx.DecodingError``: a reject). A status other than 200 leaves no file and
    raises ``httpx.HTTPStatusError``; a network error raises ``httpx.HTTPError`` (file removed).
    """
    digest, sha1, size = hashlib.sha256(), hashlib.sha1(), 0
    fh = _new_file(folder, name)
    try:
        with fh:
            async with client.stream("GET", url) as response:
                if response.status_code != 200:
                    raise httpx.HTTPStatusError(
                        f"HTTP {response.status_code}", request=response.request, response=response
                    )
                async for chunk in response.aiter_bytes(CHUNK):
                    fh.write(chunk)
                    digest.update(chunk)
                    sha1.update(chunk)
                    size += len(chunk)
                    if size > CHUNK and size > MAX_RATIO * max(response.num_bytes_downloaded, 1):
                        raise DecompressionBomb(
                            f"Content-Encoding {response.headers.get('Content-Encoding')!r}: "
                            f"{response.num_bytes_downloaded} bytes received inflate past {size} bytes "
                            f"(ratio over {MAX_RATIO}): a decompression bomb",
                            request=response.request,
                        )
    except BaseException:
        Path(fh.name).unlink(missing_ok=True)
        raise
    return Spooled(Path(fh.name), digest.hexdigest(), size, sha1.hexdigest()), response


def _new_file(folder: Path, name: str):
    folder.mkdir(parents=True, exist_ok=True)
    return tempfile.NamedTemporaryFile("wb", dir=folder, prefix=f"{name}.", suffix=".part", delete=False)
