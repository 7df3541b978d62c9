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
``urls`` (comma-separated dump URLs instead of the date range; their hosts become the allowed
domains), ``archive`` (``1`` to also write
each dump into a WARC file; default ``0``: the dumps are multi-GiB files that upstream
keeps for five years, and the ``datasets`` row records their URL, sha256 and size).

**Memory stays flat: a dump goes to a file, never into an item.** Scrapy's HTTP handler keeps
a response body in memory (its ``bytes_received`` signal only sees chunks that are buffered
anyway), so a dump is downloaded by Scrapy only when the server announces a
``Content-Length`` of at most ``MODWATCH_DSA_SPOOL_ABOVE`` bytes (default 32 MiB: per-platform
days, replayed archives). For a larger or unannounced size, the ``headers_received`` handler
stops Scrapy's download after the headers (``StopDownload(fail=False)``; the connection is
closed, no body read) and the callback streams the URL again with ``httpx`` in 1 MiB chunks
into a file, hashing it on the way. Either way the :class:`~modwatch.items.SorDumpItem`
carries the file's ``path``, ``sha256`` and ``byte_size``; the pipeline
(``pipelines/notices.py``) streams it into the database and deletes it. Files go to
``MODWATCH_SPOOL_DIR`` (default: ``spool/`` beside ``MODWATCH_DB``, on disk, not a RAM-backed
``/tmp``). ``benchmarks/dsa_ingest.py --download`` measures the peak memory of the spider.

With ``archive=1`` a dump Scrapy downloaded is in the crawl run's WARC (WARC middleware); a
streamed one is written from its file, in chunks, to its own
``<MODWATCH_WARC_DIR>/dsa_sor-<crawl run>-<UTC stamp>-<dump name>.warc.gz`` (its
``WARC-Record-ID`` is the dataset's ``warc_record_id``; ``modwatch warc-get`` finds it there).

One request per day, one at a time; a missing day (404: not yet published, or before the
first dump of 2023-09-25) or a failed stream is a ``rejects`` row and the other days go on.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import scrapy
from scrapy import signals
from scrapy.exceptions import StopDownload

import db
from db.timestamps import file_stamp, iso_utc, parse_iso
from modwatch.archive.warc import REDACT_HEADERS, REDACT_PARAMS, WarcFile, header_list, redact_url
from modwatch.items import RejectItem, SorDumpItem
from modwatch.provenance import failure_reason, reject_for
from modwatch.transparency import dsa

MIB = 1024**2
#: default of ``MODWATCH_DSA_SPOOL_ABOVE``: larger dumps are streamed to disk outside Scrapy
SPOOL_ABOVE = 32 * MIB
CHUNK = MIB


@dataclass(frozen=True)
class Spooled:
    """A download written to disk: ``path``, hex ``sha256`` and ``byte_size`` of its bytes."""

    path: Path
    sha256: str
    byte_size: int


def spool_bytes(body: bytes, folder: Path, name: str) -> Spooled:
    """Write ``body`` (a small dump Scrapy downloaded) to a new file in ``folder``."""
    with _new_file(folder, name) as fh:
        fh.write(body)
    return Spooled(Path(fh.name), hashlib.sha256(body).hexdigest(), len(body))


async def stream_to_file(client: httpx.AsyncClient, url: str, folder: Path, name: str) -> tuple[Spooled, httpx.Response]:
    """GET ``url`` into a new file of ``folder`` in :data:`CHUNK` pieces, hashing as it goes.

    Returns the file and the (closed) ``httpx`` response (status, headers). The body is the one
    the server meant (``Content-Encoding`` removed). A status other than 200 leaves no file and
    raises ``httpx.HTTPStatusError``; a network error raises ``httpx.HTTPError`` (file removed).
    """
    digest, size = hashlib.sha256(), 0
    fh = _new_file(folder, name)
    try:
        with fh:
            async with client.stream("GET", url) as response:
                if response.status_code != 200:
                    raise httpx.HTTPStatusError(f"HTTP {response.status_code}", request=response.request,
                                                response=response)
                async for chunk in response.aiter_bytes(CHUNK):
                    fh.write(chunk)
                    digest.update(chunk)
                    size += len(chunk)
    except BaseException:
        Path(fh.name).unlink(missing_ok=True)
        raise
    return Spooled(Path(fh.name), digest.hexdigest(), size), response


def _new_file(folder: Path, name: str):
    folder.mkdir(parents=True, exist_ok=True)
    return tempfile.NamedTemporaryFile("wb", dir=folder, prefix=f"{name}.", suffix=".part", delete=False)


class DsaSorSpider(scrapy.Spider):
    name = "dsa_sor"
    allowed_domains = ["dsa-sor-data-dumps.s3.eu-central-1.amazonaws.com"]
    custom_settings = {
        "MODWATCH_STORE_FUNCTIONS": {"modwatch.items.SorDumpItem": "pipelines.notices:store_sor_dump"},
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        "DOWNLOAD_TIMEOUT": 3 * 3600,
        "HTTPCACHE_ENABLED": False,
        # an S3 bucket of bulk files: no robots.txt to honour
        "ROBOTSTXT_OBEY": False,
    }

    def __init__(self, *args, date_from=None, date_to=None, version="full", slug="global", platforms=None,
                 territorial_scope=None, urls=None, archive="0", **kwargs):
        super().__init__(*args, **kwargs)
        if urls:
            self.urls = [u.strip() for u in urls.split(",") if u.strip()]
            self.allowed_domains = sorted({urlsplit(u).hostname for u in self.urls})  # a mirror, a local copy
        elif date_from:
            self.urls = [dsa.dump_url(day, version, slug) for day in dsa.days(date_from, date_to)]
        elif date_to:
            raise ValueError("dsa_sor: date_to needs date_from (-a date_from=YYYY-MM-DD)")
        else:  # a scheduled crawl (modwatch crawl): the latest dump surely published
            day = dsa.default_day(datetime.now(timezone.utc).date())
            self.logger.info("dsa_sor: no date_from nor urls given: fetching the dump of %s "
                             "(the day before yesterday, UTC; yesterday's may not be ready)", day)
            self.urls = [dsa.dump_url(day, version, slug)]
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
        spider.spool_above = settings.getint("MODWATCH_DSA_SPOOL_ABOVE", SPOOL_ABOVE)
        spider.streaming = asyncio.Lock()
        spider.spool_dir = Path(settings.get("MODWATCH_SPOOL_DIR")
                                or Path(settings.get("MODWATCH_DB") or db.DEFAULT_PATH).parent / "spool")
        crawler.signals.connect(spider.headers_received, signal=signals.headers_received)
        return spider

    async def start(self):
        for url in self.urls:
            yield scrapy.Request(url, callback=self.parse_dump, errback=self.download_failed,
                                 meta={"dont_archive": not self.archive, "dsa_dump": True})

    def headers_received(self, headers, body_length, request, spider):
        """Stop Scrapy's download of a dump larger than ``spool_above`` (or of unknown size)."""
        if not request.meta.get("dsa_dump") or (isinstance(body_length, int) and body_length <= self.spool_above):
            return
        request.meta["dsa_stream"] = True
        request.meta["dont_archive"] = True  # a streamed dump is archived from its file (archive_file)
        raise StopDownload(fail=False)

    async def parse_dump(self, response):
        if not response.meta.get("dsa_stream"):
            spooled = spool_bytes(response.body, self.spool_dir, response.url.rsplit("/", 1)[-1])
            fetched_at, warc_record_id = response.meta.get("fetched_at") or iso_utc(), response.meta.get("warc_record_id")
        else:
            async with self.streaming:  # one dump at a time, as Scrapy would (CONCURRENT_REQUESTS_PER_DOMAIN 1)
                outcome = await self.stream(response)
            if isinstance(outcome, RejectItem):
                yield outcome
                return
            spooled, fetched_at, warc_record_id = outcome
        yield SorDumpItem(
            url=response.url, path=str(spooled.path), sha256=spooled.sha256, byte_size=spooled.byte_size,
            fetched_at=fetched_at, warc_record_id=warc_record_id, slug=self.slug,
            platforms=self.platforms, territorial_scope=self.territorial_scope,
        )

    async def stream(self, response) -> tuple[Spooled, str, str | None] | RejectItem:
        """Stream the dump Scrapy stopped after its headers: ``(file, fetched_at, WARC-Record-ID)``,
        or a reject when the download fails."""
        fetched_at = iso_utc()
        self.logger.info("dsa_sor: %s is larger than %d bytes: streaming it to %s", response.url,
                         self.spool_above, self.spool_dir)
        timeout = httpx.Timeout(300.0, connect=60.0)
        async with httpx.AsyncClient(headers={"User-Agent": self.settings.get("USER_AGENT")}, timeout=timeout,
                                     follow_redirects=True) as client:
            try:
                spooled, streamed = await stream_to_file(client, response.url, self.spool_dir,
                                                         response.url.rsplit("/", 1)[-1])
            except (httpx.HTTPError, OSError) as error:
                self.logger.error("dsa_sor: %s not streamed: %s", response.url, error)
                return reject_for(response, f"DSA dump not downloaded: {type(error).__name__}: {error}", "")
        warc_record_id = self.archive_file(spooled, streamed, fetched_at) if self.archive else None
        self.crawler.stats.inc_value("dsa_sor/streamed_bytes", spooled.byte_size)
        return spooled, fetched_at, warc_record_id

    def archive_file(self, spooled: Spooled, response: httpx.Response, fetched_at: str) -> str:
        """Write a streamed dump from its file to its own WARC file; return the ``WARC-Record-ID``."""
        run_id = getattr(self, "crawl_run_id", None) or "norun"
        name = str(response.url).rsplit("/", 1)[-1].removesuffix(".zip")
        folder = Path(self.settings.get("MODWATCH_WARC_DIR", "data/warc"))
        path = folder / f"{self.name}-{run_id}-{file_stamp()}-{name}.warc.gz"
        redact = [*REDACT_HEADERS, *self.settings.getlist("MODWATCH_WARC_REDACT_HEADERS")]
        # the file holds the decoded body: no content coding, its own length
        drop = [*redact, "Content-Encoding", "Content-Length", "Transfer-Encoding"]
        with WarcFile(path, info={"description": f"modwatch crawl run {run_id} of spider {self.name}"}) as warc, \
                open(spooled.path, "rb") as body:
            record_id = warc.write_fetch(
                redact_url(str(response.url), self.settings.getlist("MODWATCH_WARC_REDACT_PARAMS", list(REDACT_PARAMS))),
                body, header_list(response.headers.multi_items(), drop=drop), status=response.status_code,
                fetched_at=parse_iso(fetched_at), request_headers=header_list(response.request.headers.multi_items(),
                                                                              drop=redact),
            )
        self.logger.info("dsa_sor: %s archived in %s", response.url, os.fspath(path))
        return record_id

    def download_failed(self, failure):
        reason = failure_reason(failure)
        self.logger.error("dsa_sor: %s failed: %s", failure.request.url, reason)
        yield reject_for(failure, f"DSA dump not downloaded: {reason}")


def _split(value) -> list[str] | None:
    if not value:
        return None
    return [part.strip() for part in value.split(",") if part.strip()]
