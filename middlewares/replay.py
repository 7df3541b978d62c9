"""Answer requests from WARC files instead of the network (offline, deterministic crawls).

Enabled when the setting ``MODWATCH_REPLAY`` holds one or more WARC paths separated by
``:``. At spider open :class:`WarcReplayMiddleware` indexes every ``response`` record of
those files by URL (see :func:`replay_key`; when several records share a URL, the last
one read wins), keeping only the file and offset of each record. Each request is then
answered with the archived status, headers and body:

- the body is the archived payload with chunked transfer coding and any content coding
  warcio can decode (gzip, deflate, br with brotli) removed, and those headers dropped;
- ``response.meta`` gets the provenance of the archived record: ``warc_record_id``,
  ``warc_filename`` (file name), ``fetched_at`` (the record's ``WARC-Date``, i.e. when the
  page was originally fetched) and ``warc_replayed = True``;
- a missing or unreadable archive fails the crawl at start (:class:`ReplayArchiveError`
  raised when the middleware is built, before any request); a truncated archive (a record cut
  short, e.g. an interrupted copy) is replayed up to its last complete record and logged at
  ERROR (stat ``replay/truncated_files``);
- a URL not in the archive gets an empty ``text/plain`` 404 response (logged at DEBUG, stat
  ``replay/miss``), marked as the middleware's own answer, not an archived one:
  ``response.flags`` holds ``"replay-miss"`` and ``meta["replay_miss"] = True`` (``url_check``
  records it as ``not in archive``, never as a takedown). Stats: ``replay/requests``, ``replay/hit``, ``replay/miss``,
  ``replay/records`` (records indexed).

Order 50 in ``DOWNLOADER_MIDDLEWARES``: before robots.txt, the HTTP cache and everything
else that could touch the network. Replayed requests get ``meta["dont_cache"]`` so the HTTP
cache of live crawls never stores archived pages.

:class:`ReplayAddon` (a Scrapy add-on in the ``ADDONS`` setting) makes a replay run offline
and fast: robots.txt, throttling, download delays and the HTTP cache are turned off
(:data:`REPLAY_OVERRIDES`). It reads the final ``MODWATCH_REPLAY`` setting, so the replay may
be set either way: ``MODWATCH_REPLAY=file.warc.gz scrapy crawl NAME`` (environment, read by
``settings.py``) or ``scrapy crawl NAME -s MODWATCH_REPLAY=file.warc.gz``.
"""

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.http import Headers, TextResponse
from scrapy.responsetypes import responsetypes
from w3lib.url import canonicalize_url
from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BufferedReader
from warcio.exceptions import ArchiveLoadFailed

from db.timestamps import iso_utc
from modwatch.archive.warc import REDACT_PARAMS, redact_url
from modwatch.errors import ConfigurationError

logger = logging.getLogger(__name__)

_DROP_ALWAYS = {"transfer-encoding", "content-length"}


def replay_key(url: str, redact_params=REDACT_PARAMS) -> str:
    """The key a URL is archived and looked up under.

    Redacted query parameters removed (as the WARC writer does), then w3lib's
    ``canonicalize_url`` (sorted query, normalised percent-encoding), fragment dropped.
    """
    return canonicalize_url(redact_url(url, redact_params), keep_fragments=False)


class ReplayArchiveError(ConfigurationError):
    """A replay file is not a readable WARC file."""


@dataclass(frozen=True)
class ArchivedResponse:
    """An archived HTTP response, decoded for Scrapy (see the module docstring)."""

    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    record_id: str
    filename: str
    fetched_at: str | None


def _warc_date(value: str | None) -> str | None:
    """``WARC-Date`` (``2026-11-29T16:35:01Z`` or with fraction) as UTC ISO 8601, seconds."""
    if not value:
        return None
    match = re.match(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)", value)
    return f"{match.group(1)}Z" if match else value


class WarcIndex:
    """Response records of one or more WARC files, by :func:`replay_key`.

    Raises ``FileNotFoundError`` for a missing file and :class:`ReplayArchiveError` (naming
    the file) for one that is not a readable WARC. A record cut short (fewer bytes than its
    ``Content-Length``: a truncated file) is not indexed; ``truncated`` lists
    ``(path, description)`` of such files, each logged at ERROR. Memory: one key and offset per
    record, bodies are read on demand.
    """

    def __init__(self, paths, redact_params=REDACT_PARAMS):
        self.redact_params = list(redact_params)
        self._where: dict[str, tuple[Path, int]] = {}
        self.records = 0
        self.truncated: list[tuple[Path, str]] = []
        for path in map(Path, paths):
            with open(path, "rb") as stream:
                iterator = ArchiveIterator(stream)
                try:
                    for record in iterator:
                        missing = _bytes_missing(record)
                        if missing:
                            what = (
                                f"record {record.rec_headers.get_header('WARC-Record-ID')} "
                                f"({record.rec_headers.get_header('WARC-Target-URI')}) lacks {missing} bytes"
                            )
                            self.truncated.append((path, what))
                            logger.error(
                                "Truncated WARC file %s: %s; replaying the %d records before it",
                                path,
                                what,
                                self.records,
                            )
                            break
                        if record.rec_type != "response":
                            continue
                        url = record.rec_headers.get_header("WARC-Target-URI")
                        self._where[replay_key(url, self.redact_params)] = (path, iterator.get_record_offset())
                        self.records += 1
                    else:
                        unread = path.stat().st_size - iterator.offset
                        if unread > 0:  # cut inside a record's headers (or trailing garbage)
                            what = f"the last {unread} bytes hold no complete record"
                            self.truncated.append((path, what))
                            logger.error(
                                "Truncated WARC file %s: %s; replaying the %d records before them",
                                path,
                                what,
                                self.records,
                            )
                except ArchiveLoadFailed as error:
                    raise ReplayArchiveError(f"{path}: not a readable WARC file ({error})") from error

    def __len__(self) -> int:
        return len(self._where)

    def __contains__(self, url: str) -> bool:
        return replay_key(url, self.redact_params) in self._where

    def get(self, url: str) -> ArchivedResponse | None:
        """The archived response for ``url``, or None."""
        where = self._where.get(replay_key(url, self.redact_params))
        if where is None:
            return None
        path, offset = where
        with open(path, "rb") as stream:
            stream.seek(offset)
            record = next(iter(ArchiveIterator(stream)))
            http_headers = record.http_headers
            coding = (http_headers.get_header("Content-Encoding") or "").lower()
            decoded = coding in BufferedReader.get_supported_decompressors()
            drop = _DROP_ALWAYS | ({"content-encoding"} if decoded else set())
            return ArchivedResponse(
                url=record.rec_headers.get_header("WARC-Target-URI"),
                status=int(http_headers.get_statuscode()),
                headers=[(n, v) for n, v in http_headers.headers if n.lower() not in drop],
                body=record.content_stream().read(),
                record_id=record.rec_headers.get_header("WARC-Record-ID"),
                filename=path.name,
                fetched_at=_warc_date(record.rec_headers.get_header("WARC-Date")),
            )


def _bytes_missing(record) -> int:
    """Read the rest of ``record``'s content block; the bytes its ``Content-Length`` promised but
    the file did not hold (0 for a complete record)."""
    stream = record.raw_stream
    while stream.read(1 << 16):
        pass
    return max(getattr(stream, "limit", 0), 0)


#: Settings of a replay run (priority ``spider``: above a spider's ``custom_settings``, below
#: ``-s``). Politeness and caching are for the network; offline they only slow the run down.
REPLAY_OVERRIDES = {
    "HTTPCACHE_ENABLED": False,
    "ROBOTSTXT_OBEY": False,
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
}
#: Replay concurrency, at priority ``project``: replaces the live per-domain limit of
#: ``settings.py`` but not a spider's own (``lumen`` keeps one page at a time, in order).
REPLAY_CONCURRENT_REQUESTS_PER_DOMAIN = 8


class ReplayAddon:
    """Scrapy add-on: the settings of a replay run when ``MODWATCH_REPLAY`` is set.

    Enabled in ``settings.py`` (``ADDONS = {"middlewares.replay.ReplayAddon": 0}``). Scrapy
    calls :meth:`update_settings` after the spider's ``custom_settings`` are applied and
    ``-s`` options are in, so it sees the replay however it was set; no-op for live crawls.
    """

    def update_settings(self, settings) -> None:
        """Apply :data:`REPLAY_OVERRIDES` (and the replay concurrency) when replaying."""
        if not settings.get("MODWATCH_REPLAY"):
            return
        for name, value in REPLAY_OVERRIDES.items():
            settings.set(name, value, priority="spider")
        settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", REPLAY_CONCURRENT_REQUESTS_PER_DOMAIN, priority="project")


class WarcReplayMiddleware:
    """Downloader middleware answering every request from ``MODWATCH_REPLAY`` WARC files."""

    def __init__(self, crawler, paths: list[str]):
        self.crawler = crawler
        self.paths = paths
        self.redact_params = crawler.settings.getlist("MODWATCH_WARC_REDACT_PARAMS", list(REDACT_PARAMS))
        self.index: WarcIndex | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)

    @classmethod
    def from_crawler(cls, crawler):
        value = crawler.settings.get("MODWATCH_REPLAY") or ""
        paths = [p for p in value.split(":") if p]
        if not paths:
            raise NotConfigured("MODWATCH_REPLAY is not set")
        middleware = cls(crawler, paths)
        try:  # index now: a bad archive stops the crawl before its first request
            middleware._ensure_index()
        except (OSError, ReplayArchiveError) as error:
            logger.error("MODWATCH_REPLAY=%s cannot be replayed: %s", value, error)
            raise ReplayArchiveError(f"MODWATCH_REPLAY={value} cannot be replayed: {error}") from error
        return middleware

    def spider_opened(self, spider):
        self._ensure_index()

    def _ensure_index(self) -> WarcIndex:
        if self.index is None:
            self.index = WarcIndex(self.paths, self.redact_params)
            self.crawler.stats.set_value("replay/records", self.index.records)
            if self.index.truncated:
                self.crawler.stats.set_value("replay/truncated_files", len(self.index.truncated))
            logger.info("Replaying %d URLs from %s", len(self.index), ", ".join(self.paths))
        return self.index

    def process_request(self, request):
        stats = self.crawler.stats
        stats.inc_value("replay/requests")
        archived = self._ensure_index().get(request.url)
        if archived is None:
            stats.inc_value("replay/miss")
            logger.debug("Not in the replay archive, answering 404: %s", request.url)
            request.meta["replay_miss"] = True  # not an archived 404: no evidence of anything
            return TextResponse(
                url=request.url,
                status=404,
                body=b"",
                headers={"Content-Type": "text/plain; charset=utf-8"},
                request=request,
                flags=["replay-miss"],
            )
        stats.inc_value("replay/hit")
        request.meta.update(
            warc_record_id=archived.record_id,
            warc_filename=archived.filename,
            fetched_at=archived.fetched_at or iso_utc(),
            warc_replayed=True,
            dont_cache=True,  # never store replayed pages in Scrapy's HTTP cache of live crawls
        )
        headers = Headers()
        for name, value in archived.headers:
            headers.appendlist(name, value)
        response_class = responsetypes.from_args(headers=headers, url=request.url, body=archived.body)
        return response_class(
            url=request.url,
            status=archived.status,
            headers=headers,
            body=archived.body,
            request=request,
            flags=["replay"],
        )
