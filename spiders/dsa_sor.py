"""``dsa_sor``: EU DSA Transparency Database daily dumps of statements of reasons.

    scrapy crawl dsa_sor -a date_from=2024-03-14 -a date_to=2024-03-15 \\
        -a platforms="TikTok,Google Shopping" -a territorial_scope=DE,NL -a version=light

Arguments: ``date_from`` (default: the day before yesterday, UTC, when no ``urls`` either: the
Commission's guidance, yesterday's dump may not be ready; :func:`modwatch.transparency.dsa.default_day`),
``date_to`` (default ``date_from``),
``version`` (``full`` default, or ``light``), ``slug`` (``global`` default, or a platform slug
for the per-platform dumps ``sor-<slug>-<date>-<version>.zip``, far smaller),
``platforms`` (comma-separated ``platform_name`` values to keep), ``territorial_scope``
(comma-separated ISO codes; keeps statements whose scope contains any; needs ``full``),
``urls`` (comma-separated dump URLs instead of the date range, e.g. a mirror; their hosts become
the allowed domains), ``archive`` (``1`` to also write
each dump into a WARC file; default ``0``: the dumps are multi-GiB files that upstream
keeps for five years, and the ``datasets`` row records their URL, sha256 and size).

**Memory stays flat: a dump goes to a file, never into an item.** Scrapy's HTTP handler keeps
a response body in memory (its ``bytes_received`` signal only sees chunks that are buffered
anyway), so a dump is downloaded by Scrapy only when the server announces a
``Content-Length`` of at most ``MODWATCH_DSA_SPOOL_ABOVE`` bytes (default 32 MiB: per-platform
days, replayed archives). For a larger or unannounced size, the ``headers_received`` handler
stops Scrapy's download after the headers (``StopDownload(fail=False)``; the connection is
closed, no body read) and the callback streams the URL again with ``httpx`` in 1 MiB chunks
into a file, hashing it on the way. Either way the :class:`~items.SorDumpItem`
carries the file's ``path``, ``sha256`` and ``byte_size``; the pipeline
(``pipelines/notices.py``) streams it into the database and deletes it. Files go to
``MODWATCH_SPOOL_DIR`` (default: ``spool/`` beside ``MODWATCH_DB``, on disk, not a RAM-backed
``/tmp``). ``benchmarks/dsa_ingest.py --download`` measures the peak memory of the spider.

With ``archive=1`` a dump Scrapy downloaded is in the crawl run's WARC (WARC middleware); a
streamed one is written from its file, in chunks, to its own
``<MODWATCH_WARC_DIR>/dsa_sor-<crawl run>-<UTC stamp>-<dump name>.warc.gz`` (its
``WARC-Record-ID`` is the dataset's ``warc_record_id``; ``modwatch warc-get`` finds it there).

**Download route (since June 2026).** A day is asked for at its stable URL
``<MODWATCH_DSA_DOWNLOAD_BASE>sor-<slug>-<day>-<version>.zip`` (default base
:data:`modwatch.transparency.dsa.DOWNLOAD_BASE`), which answers 302 to a presigned URL valid 60
minutes on whatever storage host holds the file (``X-Amz-*`` query parameters). The stable URL is
fetched by Scrapy without following the redirect; the presigned URL is then fetched with
``httpx`` (never by Scrapy), streamed to a file. So the presigned URL never reaches Scrapy's
logs, HTTP cache or WARC writer, and is never logged here: the dataset's URL, rejects and log
lines name the stable URL; the WARC record of a dump (``archive=1``) names the storage URL
without its ``X-Amz-*`` parameters, and the 302 responses are archived with their ``Location``
redacted the same way (``MODWATCH_WARC_REDACT_PARAMS``). Every DSA request is ``dont_cache``.
A stable URL that answers 200 itself (a mirror, a replayed archive) is read as before.

**Checksum.** Before each dump, its ``.zip.sha1`` is fetched through the same route; the
dump's SHA-1, computed while it is written to disk, must equal it, else its dataset is
``failed`` (``modwatch.load.dsa.load_dump``): nothing stored, earlier days untouched, the crawl run counts
a failed dataset (``modwatch/datasets_refused``) and ``modwatch crawl`` reports it refused. A
checksum that cannot be downloaded is a reject and the dump is not fetched; with ``urls``
(a mirror may publish no checksum) a missing ``.sha1`` (404) is a warning and the dump is
loaded unverified.

One request per day, one at a time; a missing day (404: not yet published, or before the
first dump of 2023-09-25) or a failed stream is a ``rejects`` row and the other days go on.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
import scrapy
from scrapy import signals
from scrapy.exceptions import StopDownload

import db
from db.timestamps import file_stamp, iso_utc, parse_iso
from modwatch.archive.warc import REDACT_HEADERS, REDACT_PARAMS, WarcFile, redact_url
from modwatch.redact import redact_headers
from items import RejectItem, SorDumpItem
from provenance import failure_reason, reject_for
from modwatch.transparency import dsa
from spiders.arguments import comma_list
from spiders.downloads import Spooled, spool_bytes, stream_to_file

MIB = 1024**2
#: default of ``MODWATCH_DSA_SPOOL_ABOVE``: larger dumps are streamed to disk outside Scrapy
SPOOL_ABOVE = 32 * MIB
#: redirects of the stable download route, handed to the callback (not followed by Scrapy)
REDIRECTS = (301, 302, 303, 307, 308)
#: the largest checksum file read (a SHA-1 line is ~90 bytes)
MAX_CHECKSUM_BYTES = 4096
#: a query parameter of a presigned URL, as it may appear in an error message
_PRESIGNED_PARAM = re.compile(r"(?i)[?&]x-amz-[^\s'\"<>]*")


def scrub(text: str) -> str:
    """``text`` without any ``X-Amz-*`` query parameters (and what follows them in the URL)."""
    return _PRESIGNED_PARAM.sub("", text)


class DsaSorSpider(scrapy.Spider):
    name = "dsa_sor"
    allowed_domains = [urlsplit(dsa.DOWNLOAD_BASE).hostname]
    custom_settings = {
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        "DOWNLOAD_TIMEOUT": 3 * 3600,
        "HTTPCACHE_ENABLED": False,
        # a download route to bulk files in a storage bucket: no robots.txt to honour
        "ROBOTSTXT_OBEY": False,
    }

    def __init__(
        self,
        *args,
        date_from=None,
        date_to=None,
        version="full",
        slug="global",
        platforms=None,
        territorial_scope=None,
        urls=None,
        archive="0",
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.urls, self.days, self.version = None, None, version
        if urls:
            self.urls = comma_list(urls)
            self.allowed_domains = sorted({urlsplit(u).hostname for u in self.urls})  # a mirror, a local copy
        elif date_from:
            self.days = dsa.days(date_from, date_to)
        elif date_to:
            raise ValueError("dsa_sor: date_to needs date_from (-a date_from=YYYY-MM-DD)")
        else:  # a scheduled crawl (modwatch crawl): the latest dump surely published
            day = dsa.default_day(datetime.now(timezone.utc).date())
            self.logger.info(
                "dsa_sor: no date_from nor urls given: fetching the dump of %s "
                "(the day before yesterday, UTC; yesterday's may not be ready)",
                day,
            )
            self.days = [day]
        if version not in ("full", "light"):
            raise ValueError(f"dsa_sor: version must be 'full' or 'light', got {version!r}")
        #: the stable route publishes a checksum for every dump; a mirror (``urls``) may not
        self.checksum_required = not urls
        self.slug = slug
        self.archive = str(archive).lower() in ("1", "true", "yes")
        self.platforms = _split(platforms)
        self.territorial_scope = [code.upper() for code in _split(territorial_scope) or []] or None
        if self.territorial_scope and version == "light":
            raise ValueError("territorial_scope filtering needs the full dumps (light has no territorial_scope)")

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        if spider.days is not None:
            base = settings.get("MODWATCH_DSA_DOWNLOAD_BASE") or dsa.DOWNLOAD_BASE
            spider.urls = [dsa.dump_url(day, spider.version, spider.slug, base) for day in spider.days]
            spider.allowed_domains = [urlsplit(base).hostname]
        spider.spool_above = settings.getint("MODWATCH_DSA_SPOOL_ABOVE", SPOOL_ABOVE)
        spider.streaming = asyncio.Lock()
        spider.spool_dir = Path(
            settings.get("MODWATCH_SPOOL_DIR") or Path(settings.get("MODWATCH_DB") or db.DEFAULT_PATH).parent / "spool"
        )
        # httpx logs every request with its URL (INFO): a presigned URL carries its signature
        for name in ("httpx", "httpcore"):
            logging.getLogger(name).setLevel(logging.WARNING)
        crawler.signals.connect(spider.headers_received, signal=signals.headers_received)
        return spider

    async def start(self):
        for url in self.urls:
            yield self.route_request(dsa.checksum_url(url), self.parse_checksum, dsa_dump_url=url)

    def route_request(self, url: str, callback, **meta) -> scrapy.Request:
        """A GET of the download route: its redirect reaches ``callback`` (not followed by Scrapy,
        see the module docstring), never cached."""
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.download_failed,
            meta={"dont_redirect": True, "handle_httpstatus_list": list(REDIRECTS), "dont_cache": True, **meta},
        )

    def dump_request(self, url: str, expected_sha1: str | None) -> scrapy.Request:
        return self.route_request(
            url, self.parse_dump, dont_archive=not self.archive, dsa_dump=True, expected_sha1=expected_sha1
        )

    def headers_received(self, headers, body_length, request, spider):
        """Stop Scrapy's download of a dump larger than ``spool_above`` (or of unknown size)."""
        if not request.meta.get("dsa_dump") or (isinstance(body_length, int) and body_length <= self.spool_above):
            return
        request.meta["dsa_stream"] = True
        request.meta["dont_archive"] = True  # a streamed dump is archived from its file (archive_file)
        raise StopDownload(fail=False)

    def httpx_client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            headers={"User-Agent": self.settings.get("USER_AGENT")},
            timeout=httpx.Timeout(300.0, connect=60.0),
            follow_redirects=True,
        )

    async def parse_checksum(self, response):
        """Read a dump's ``.zip.sha1`` (following the route's redirect), then ask for the dump."""
        dump = response.meta["dsa_dump_url"]
        body = response.body
        if response.status in REDIRECTS:
            try:
                async with self.httpx_client() as client, client.stream("GET", _location(response)) as answer:
                    if answer.status_code != 200:
                        raise httpx.HTTPStatusError(
                            f"HTTP {answer.status_code}", request=answer.request, response=answer
                        )
                    body = b""
                    async for chunk in answer.aiter_bytes():
                        body += chunk
                        if len(body) > MAX_CHECKSUM_BYTES:
                            break
            except (httpx.HTTPError, OSError) as error:
                reason = f"DSA dump checksum not downloaded: {type(error).__name__}: {scrub(str(error))}"
                self.logger.error("dsa_sor: %s: %s", response.url, reason)
                yield reject_for(response, reason, "")
                return
        try:
            expected = dsa.parse_sha1(body)
        except dsa.ChecksumError as error:
            self.logger.error("dsa_sor: %s: %s", response.url, error)
            yield reject_for(response, f"DSA dump checksum unreadable: {error}", body[:200])
            return
        yield self.dump_request(dump, expected)

    async def parse_dump(self, response):
        redirected = response.status in REDIRECTS
        if not redirected and not response.meta.get("dsa_stream"):
            spooled = spool_bytes(response.body, self.spool_dir, response.url.rsplit("/", 1)[-1])
            fetched_at, warc_record_id = (
                response.meta.get("fetched_at") or iso_utc(),
                response.meta.get("warc_record_id"),
            )
        else:
            async with self.streaming:  # one dump at a time, as Scrapy would (CONCURRENT_REQUESTS_PER_DOMAIN 1)
                outcome = await self.stream(response, _location(response) if redirected else response.url)
            if isinstance(outcome, RejectItem):
                yield outcome
                return
            spooled, fetched_at, warc_record_id = outcome
        yield SorDumpItem(
            url=response.url,
            path=str(spooled.path),
            sha256=spooled.sha256,
            byte_size=spooled.byte_size,
            sha1=spooled.sha1,
            expected_sha1=response.meta.get("expected_sha1"),
            fetched_at=fetched_at,
            warc_record_id=warc_record_id,
            slug=self.slug,
            platforms=self.platforms,
            territorial_scope=self.territorial_scope,
        )

    async def stream(self, response, url: str) -> tuple[Spooled, str, str | None] | RejectItem:
        """Stream a dump to a file with ``httpx``: the one Scrapy stopped after its headers
        (``url`` = ``response.url``), or the presigned ``url`` the route redirected to (never
        logged: log lines name ``response.url``). ``(file, fetched_at, WARC-Record-ID)``, or a
        reject when the download fails."""
        fetched_at = iso_utc()
        if url == response.url:
            self.logger.info(
                "dsa_sor: %s is larger than %d bytes: streaming it to %s",
                response.url,
                self.spool_above,
                self.spool_dir,
            )
        else:
            self.logger.info(
                "dsa_sor: %s redirects to %s: streaming it to %s", response.url, urlsplit(url).hostname, self.spool_dir
            )
        async with self.httpx_client() as client:
            try:
                spooled, streamed = await stream_to_file(client, url, self.spool_dir, response.url.rsplit("/", 1)[-1])
            except (httpx.HTTPError, OSError) as error:
                reason = f"DSA dump not downloaded: {type(error).__name__}: {scrub(str(error))}"
                self.logger.error("dsa_sor: %s not streamed: %s", response.url, reason)
                return reject_for(response, reason, "")
        warc_record_id = self.archive_file(spooled, streamed, fetched_at, response.url) if self.archive else None
        self.crawler.stats.inc_value("dsa_sor/streamed_bytes", spooled.byte_size)
        return spooled, fetched_at, warc_record_id

    def archive_file(self, spooled: Spooled, response: httpx.Response, fetched_at: str, name_url: str) -> str:
        """Write a streamed dump from its file to its own WARC file; return the ``WARC-Record-ID``.

        The record's URL is the one fetched without its secret query parameters
        (``MODWATCH_WARC_REDACT_PARAMS``); the file is named after ``name_url`` (the stable URL).
        """
        run_id = getattr(self, "crawl_run_id", None) or "norun"
        name = name_url.rsplit("/", 1)[-1].removesuffix(".zip")
        folder = Path(self.settings.get("MODWATCH_WARC_DIR", "data/warc"))
        path = folder / f"{self.name}-{run_id}-{file_stamp()}-{name}.warc.gz"
        redact = [*REDACT_HEADERS, *self.settings.getlist("MODWATCH_WARC_REDACT_HEADERS")]
        params = self.settings.getlist("MODWATCH_WARC_REDACT_PARAMS", list(REDACT_PARAMS))
        # the file holds the decoded body: no content coding, its own length
        drop = [*redact, "Content-Encoding", "Content-Length", "Transfer-Encoding"]
        with (
            WarcFile(path, info={"description": f"modwatch crawl run {run_id} of spider {self.name}"}) as warc,
            open(spooled.path, "rb") as body,
        ):
            record_id = warc.write_fetch(
                redact_url(str(response.url), params),
                body,
                redact_headers(response.headers.multi_items(), drop=drop, extra_params=params),
                status=response.status_code,
                fetched_at=parse_iso(fetched_at),
                request_headers=redact_headers(
                    response.request.headers.multi_items(), drop=redact, extra_params=params
                ),
            )
        self.logger.info("dsa_sor: %s archived in %s", name_url, os.fspath(path))
        return record_id

    def download_failed(self, failure):
        request = failure.request
        reason = failure_reason(failure)
        status = getattr(getattr(failure.value, "response", None), "status", None)
        if "dsa_dump_url" in request.meta and status == 404 and not self.checksum_required:
            self.logger.warning(
                "dsa_sor: %s: no checksum published (HTTP 404): loading %s unverified",
                request.url,
                request.meta["dsa_dump_url"],
            )
            yield self.dump_request(request.meta["dsa_dump_url"], None)
            return
        what = "DSA dump checksum" if "dsa_dump_url" in request.meta else "DSA dump"
        self.logger.error("dsa_sor: %s failed: %s", request.url, reason)
        yield reject_for(failure, f"{what} not downloaded: {reason}")


def _location(response) -> str:
    """The absolute URL a redirect of the download route points to (a presigned URL: not to log)."""
    location = response.headers.get("Location")
    if not location:
        raise dsa.DumpError(f"{response.url}: HTTP {response.status} without a Location header")
    return urljoin(response.url, location.decode("latin-1"))


def _split(value) -> list[str] | None:
    if not value:
        return None
    return comma_list(value)
