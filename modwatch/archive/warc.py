"""Write WARC files: one per crawl run (downloader middleware) or from records (tests, demo).

Format: WARC/1.0 (ISO 28500), gzip-compressed per record, written with warcio. Each fetch
is a ``request`` record and a ``response`` record (HTTP status line, headers, payload) linked
by ``WARC-Concurrent-To``. The response's ``WARC-Record-ID`` is the provenance stored with
items (``warc_record_id``), ``WARC-Date`` is their ``fetched_at``.

**Payload as on the wire.** :class:`middlewares.warc.WarcWriterMiddleware` sits at order 890, so it sees the
body before ``HttpCompressionMiddleware`` (590) decompresses it: the payload is stored *raw*
(still gzip/br-compressed) with its ``Content-Encoding`` header kept, which is what WARC
readers expect (warcio's ``content_stream()`` decodes it). 890 is just below
``HttpCacheMiddleware`` (900), which also keeps raw bodies: when a re-crawl revalidates a page
(``304 Not Modified``) or serves it from the cache, the WARC gets the page the spider parses
(status, headers and body, marked ``WARC-Modwatch-Cached: true``), not an empty 304, so each
crawl run's WARC holds the evidence for every item of that run. Request headers are final
at that point (cookies, proxy credentials and conditional headers are all set above 890). The one header dropped is ``Transfer-Encoding``: the HTTP
client has already removed the chunked framing, so keeping the header would make readers
de-chunk a body that is not chunked.

**No secrets.** The policy is :mod:`modwatch.redact`: recorded request and response headers
lose the credential headers (``Authorization``, cookies, ``X-Authentication-Token``... plus
``MODWATCH_WARC_REDACT_HEADERS``), a ``Location`` header's URL is redacted, and recorded URLs
(target URI and request line) lose their credential query parameters (``token``,
``authentication_token``, ``X-Amz-*``, ``signature``, ``key``... plus
``MODWATCH_WARC_REDACT_PARAMS``). Replay removes the same parameters before looking a URL up. A redirect whose
``Location`` lost a secret is recorded without its body (the "Redirecting to <url>" page
repeats it), see :func:`redact_redirect`. A credential of the exchange echoed in a body (the
token sent, a cookie's value: :func:`modwatch.redact.exchange_secrets`) is replaced by
``REDACTED`` in the payload; a gzip, deflate, br or zstd payload holding one is recorded decoded, without its
``Content-Encoding`` (:func:`modwatch.redact.redact_payload`).
"""

import http
import io
import logging
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import BinaryIO
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from db.timestamps import iso_utc
from modwatch import redact

logger = logging.getLogger(__name__)

#: Header names never written to a WARC (case-insensitive); the full list is modwatch.redact.SECRET_HEADERS
REDACT_HEADERS = ("Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "X-Authentication-Token")
#: Query parameters removed from every URL written to a WARC, besides modwatch.redact's policy
#: (which already covers these)
REDACT_PARAMS = ("token", "api_key", "apikey", "access_token")
#: Response headers whose value is a URL, redacted like the recorded URLs.
URL_HEADERS = ("Location", "Content-Location")
#: Hop-by-hop header that no longer describes the stored payload.
DROP_HEADERS = ("Transfer-Encoding",)

SOFTWARE = "modwatch/0.1 (warcio)"

HeaderList = list[tuple[str, str]]


def redact_url(url: str, params: Iterable[str] = REDACT_PARAMS) -> str:
    """``url`` without its credential query parameters (:func:`modwatch.redact.redact_url`) nor
    those named in ``params`` (order of the rest kept)."""
    return redact.redact_url(url, extra=params)


def redact_header_urls(headers: HeaderList, params: Iterable[str] = REDACT_PARAMS) -> HeaderList:
    """``headers`` with the URL of each :data:`URL_HEADERS` header redacted by :func:`redact_url`."""
    params = list(params)
    names = {name.lower() for name in URL_HEADERS}
    return [(name, redact_url(value, params) if name.lower() in names else value) for name, value in headers]


def redact_redirect(
    status: int, headers: HeaderList, body: bytes, params: Iterable[str] = REDACT_PARAMS
) -> tuple[HeaderList, bytes]:
    """``(headers, body)`` of a response as recorded: URL headers redacted (:func:`redact_header_urls`);
    a redirect (3xx) whose ``Location`` lost secret parameters also loses its body (the "Redirecting
    to <url>" page web frameworks send repeats them), with its ``Content-Length`` and ``Content-Encoding``."""
    redacted = redact_header_urls(headers, params)
    if 300 <= status < 400 and redacted != headers:
        dropped = {"content-length", "content-encoding"}
        return [(name, value) for name, value in redacted if name.lower() not in dropped], b""
    return redacted, body


def header_list(headers, drop: Iterable[str] = ()) -> HeaderList:
    """``(name, value)`` str pairs from a Scrapy ``Headers``, a mapping or a pair list.

    Multi-valued headers give one pair per value; bytes are decoded as UTF-8, else Latin-1
    (warcio writes non-ASCII header values %-encoded as UTF-8). Names in ``drop``
    (case-insensitive) are left out.
    """
    dropped = {name.lower() for name in drop}
    if isinstance(headers, Mapping) or hasattr(headers, "items"):
        items = headers.items()
    else:
        items = headers or ()
    pairs = []
    for name, values in items:
        name = _text(name)
        if name.lower() in dropped:
            continue
        if not isinstance(values, (list, tuple)):
            values = [values]
        for value in values:
            pairs.append((name, _text(value)))
    return pairs


def _text(value) -> str:
    if not isinstance(value, bytes):
        return str(value)
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("latin-1")


def _has(headers: HeaderList, name: str) -> bool:
    return any(n.lower() == name.lower() for n, _ in headers)


def _status_line(status: int) -> str:
    try:
        return f"{status} {http.HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


class WarcFile:
    """An open ``.warc.gz`` file that records fetches; use as a context manager or ``close()``.

    ``path``'s folder is created. A ``warcinfo`` record (software, format, ``info``) opens it.
    """

    def __init__(self, path: str | Path, info: Mapping[str, str] | None = None):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(self.path, "wb")
        self._writer = WARCWriter(self._file, gzip=True, warc_version="WARC/1.0")
        fields = {"software": SOFTWARE, "format": "WARC File Format 1.0", **(info or {})}
        self._writer.write_record(self._writer.create_warcinfo_record(self.path.name, fields))
        self.records = 0

    @property
    def filename(self) -> str:
        return self.path.name

    def write_fetch(
        self,
        url: str,
        body: bytes | BinaryIO,
        headers=(),
        *,
        status: int = 200,
        fetched_at: datetime | None = None,
        method: str = "GET",
        request_headers=None,
        request_body: bytes = b"",
        extra_warc_headers: Mapping[str, str] | None = None,
    ) -> str:
        """Write one response record (and a request record if ``request_headers`` is not None).

        ``body``: the payload bytes, or a seekable binary file read from its current position to
        its end in chunks (a multi-GiB download spooled to disk, memory stays flat).
        ``url`` and the headers are written as given: redact before calling.
        ``Content-Length`` is added to the response headers if missing. Returns the
        response's ``WARC-Record-ID`` (``"<urn:uuid:...>"``). ``fetched_at`` (default now)
        becomes ``WARC-Date``.
        """
        warc_date = iso_utc(fetched_at or datetime.now(timezone.utc))
        headers = header_list(headers)
        if isinstance(body, (bytes, bytearray)):
            payload, length = io.BytesIO(body), len(body)
        else:
            payload, length = body, os.fstat(body.fileno()).st_size - body.tell()
        if not _has(headers, "Content-Length"):
            headers.append(("Content-Length", str(length)))
        response = self._writer.create_warc_record(
            url,
            "response",
            payload=payload,
            length=length,
            warc_headers_dict={"WARC-Date": warc_date, **(extra_warc_headers or {})},
            http_headers=StatusAndHeaders(_status_line(status), headers, protocol="HTTP/1.1"),
        )
        record_id = response.rec_headers.get_header("WARC-Record-ID")
        if request_headers is not None:
            parts = urlsplit(url)
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            request_headers = header_list(request_headers)
            if not _has(request_headers, "Host"):
                request_headers.insert(0, ("Host", parts.netloc))
            request = self._writer.create_warc_record(
                url,
                "request",
                payload=io.BytesIO(request_body),
                length=len(request_body),
                warc_headers_dict={"WARC-Date": warc_date, "WARC-Concurrent-To": record_id},
                http_headers=StatusAndHeaders(
                    f"{method} {target} HTTP/1.1", request_headers, protocol="HTTP/1.1", is_http_request=True
                ),
            )
            self._writer.write_record(request)
        self._writer.write_record(response)
        self._file.flush()
        self.records += 1
        return record_id

    def close(self) -> None:
        if not self._file.closed:
            self._file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def write_warc(path: str | Path, records: Iterable[Sequence], *, info: Mapping[str, str] | None = None) -> list[str]:
    """Write the response records ``records`` to the WARC file ``path`` (``.warc.gz``).

    Each record is ``(url, body: bytes, headers)`` or ``(url, body, headers, status)``;
    ``headers`` is a mapping or a list of ``(name, value)`` pairs (e.g.
    ``{"Content-Type": "text/html; charset=utf-8", "X-WP-TotalPages": "2"}``), ``status``
    defaults to 200. Records are written in order; when a URL repeats, replay uses the last.
    URLs lose the :data:`REDACT_PARAMS` query parameters. Returns the ``WARC-Record-ID`` of
    each record, in order.
    """
    ids = []
    with WarcFile(path, info=info) as warc:
        for record in records:
            url, body, headers, *rest = record
            ids.append(warc.write_fetch(redact_url(url), body, headers, status=int(rest[0]) if rest else 200))
    return ids
