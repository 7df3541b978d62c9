"""``dsa_sor``: EU DSA Transparency Database daily dumps of statements of reasons.

    scrapy crawl dsa_sor -a date_from=2024-03-14 -a date_to=2024-03-15 \\
        -a platforms="TikTok,Google Shopping" -a territorial_scope=DE,NL -a version=light

Arguments: ``date_from`` (required unless ``urls``), ``date_to`` (default ``date_from``),
``version`` (``full`` default, or ``light``), ``slug`` (``global`` default, or a platform slug
for the per-platform dumps ``sor-<slug>-<date>-<version>.zip``, far smaller),
``platforms`` (comma-separated ``platform_name`` values to keep), ``territorial_scope``
(comma-separated ISO codes; keeps statements whose scope contains any; needs ``full``),
``urls`` (comma-separated dump URLs instead of the date range), ``archive`` (``1`` to also write
each dump into the crawl run's WARC; default ``0``: the dumps are multi-GiB files that upstream
keeps for five years, and the ``datasets`` row records their URL, sha256 and size).

Memory, honestly: Scrapy's HTTP handler keeps a response body in memory, so a dump is held
once in RAM while it is stored (a ``global`` day is ~2 GiB zipped, some days far more;
``DOWNLOAD_MAXSIZE`` is raised to 40 GiB and ``DOWNLOAD_WARNSIZE`` to 4 GiB here). Everything after the download is a stream
(``db/dsa.py``: zip member -> inner zip via a spooled temp file -> CSV reader -> batched
``executemany``), so ingest memory does not grow with the file (``benchmarks/dsa_ingest.py``).
For machines with less RAM than a day's dump, use a per-platform ``slug`` or the ``light``
version, or download the file with any HTTP client and load it with ``db.dsa.load_dump``
from disk, which streams end to end.

One request per day, one at a time; a missing day (404: not yet published, or before the
first dump of 2023-09-25) is a ``rejects`` row and the other days go on.
"""

from __future__ import annotations

from datetime import datetime, timezone

import scrapy

from modwatch.items import RejectItem
from modwatch.transparency import dsa

GIB = 1024**3


class DsaSorSpider(scrapy.Spider):
    name = "dsa_sor"
    allowed_domains = ["dsa-sor-data-dumps.s3.eu-central-1.amazonaws.com"]
    custom_settings = {
        "MODWATCH_STORE_FUNCTIONS": {"modwatch.transparency.dsa.SorDumpItem": "pipelines.notices:store_sor_dump"},
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        "DOWNLOAD_MAXSIZE": 40 * GIB,
        "DOWNLOAD_WARNSIZE": 4 * GIB,
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
        elif date_from:
            self.urls = [dsa.dump_url(day, version, slug) for day in dsa.days(date_from, date_to)]
        else:
            raise ValueError("dsa_sor needs -a date_from=YYYY-MM-DD (and optionally date_to) or -a urls=...")
        self.slug = slug
        self.archive = str(archive).lower() in ("1", "true", "yes")
        self.platforms = _split(platforms)
        self.territorial_scope = [code.upper() for code in _split(territorial_scope) or []] or None
        if self.territorial_scope and version == "light":
            raise ValueError("territorial_scope filtering needs the full dumps (light has no territorial_scope)")

    async def start(self):
        for url in self.urls:
            yield scrapy.Request(url, callback=self.parse_dump, errback=self.download_failed,
                                 meta={"dont_archive": not self.archive})

    def parse_dump(self, response):
        yield dsa.SorDumpItem(
            url=response.url, body=response.body, fetched_at=response.meta.get("fetched_at") or _now(),
            warc_record_id=response.meta.get("warc_record_id"), slug=self.slug,
            platforms=self.platforms, territorial_scope=self.territorial_scope,
        )

    def download_failed(self, failure):
        response = getattr(failure.value, "response", None)
        reason = f"HTTP {response.status}" if response is not None else repr(failure.value)
        self.logger.error("dsa_sor: %s failed: %s", failure.request.url, reason)
        yield RejectItem(url=failure.request.url, reason=f"DSA dump not downloaded: {reason}",
                         excerpt=response.body[:4096].decode("utf-8", errors="replace") if response is not None else "",
                         fetched_at=_now(), warc_record_id=None)


def _split(value) -> list[str] | None:
    if not value:
        return None
    return [part.strip() for part in value.split(",") if part.strip()]


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
