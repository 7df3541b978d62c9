"""Incremental, resumable crawls: components registered in ``settings.py``.

Conditional requests come from Scrapy's HTTP cache with the RFC 2616 policy (``settings.py``):
a page the server says is unchanged (``304 Not Modified``) is answered from the cache. What
this module adds:

:class:`UnchangedArticleMiddleware` (downloader middleware)
    An *article page* response whose body is byte-identical (sha256) to the one the stored
    article was parsed from (``articles.body_sha256`` of the row whose ``fetched_url`` or
    canonical ``url`` is the response URL) is not parsed again: the article's
    ``last_seen_at`` moves to the fetch time, the stat ``modwatch/unchanged`` counts it, and
    the request's callback is replaced by one that yields nothing. Listing pages, feeds,
    sitemaps and API pages are always parsed (they are how new articles are found). A request
    is an article page when ``request.meta["modwatch_article"]`` is true or its callback's
    name is in ``MODWATCH_ARTICLE_CALLBACKS`` (default ``["parse_article_page"]``, the news
    spiders' article callback). ``meta["modwatch_force_parse"]`` disables the check for one
    request; ``MODWATCH_INCREMENTAL = False`` for the whole crawl. Order 560: after
    ``HttpCompressionMiddleware`` (590) has decoded the body, so the hash is that of the body
    the callback sees (and stores).

:class:`OncePerRunMiddleware` (spider middleware)
    Nothing is fetched twice in one run. Scrapy's duplicate filter skips requests whose
    fingerprint (URL without ``#fragment``, method, body) was seen, but requests created with
    ``dont_filter=True`` (start URLs, discovery pages) are never recorded in it, so a link
    back to such a page, e.g. ``start-page#comments``, is fetched again. This middleware
    records the fingerprint of every request the spider yields (start requests included)
    and drops a later filterable request with the same fingerprint (stat
    ``modwatch/duplicate_dropped``). ``dont_filter`` requests themselves are never dropped:
    the spider asked for them explicitly (retries, pagination polls).

:class:`JobDirGuard` (extension)
    Resuming with ``JOBDIR`` relies on the scheduler's state written at a clean stop (first
    Ctrl-C / SIGINT / SIGTERM: ``requests.queue/active.json``). After a hard kill (SIGKILL,
    power loss) that state is missing or stale while ``requests.seen`` may already list
    requests that were queued but never fetched: resuming would lose them. The guard writes
    ``JOBDIR/modwatch.running`` when the crawl starts and removes it when the spider closes
    (any close reason: the scheduler has saved its queue by then). At start, a marker left
    behind means the last run was killed: the guard deletes the job state
    (``requests.seen``, ``requests.queue``, ``spider.state``) and logs a warning, so the job
    starts over, cheaply, because the HTTP cache and :class:`UnchangedArticleMiddleware`
    skip what was already fetched and stored (stat ``modwatch/jobdir_discarded``).
"""

from __future__ import annotations

import hashlib
import logging
import shutil
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware

import db
from db.history import touch_article, unchanged_article
from db.timestamps import iso_utc

logger = logging.getLogger(__name__)

DEFAULT_ARTICLE_CALLBACKS = ["parse_article_page"]


def skip_parsing(response, **kwargs):
    """Callback of an unchanged article page: nothing to parse, nothing to yield."""
    return []


def _callback_name(callback) -> str | None:
    return getattr(callback, "__name__", None) if callback is not None else None


class UnchangedArticleMiddleware:
    """Skip parsing article pages whose body is unchanged since stored (module docstring)."""

    def __init__(self, crawler):
        settings = crawler.settings
        if not settings.getbool("MODWATCH_INCREMENTAL", True):
            raise NotConfigured("MODWATCH_INCREMENTAL is off")
        self.crawler = crawler
        self.callbacks = set(settings.getlist("MODWATCH_ARTICLE_CALLBACKS", DEFAULT_ARTICLE_CALLBACKS))
        self.db = None
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def is_article_request(self, request) -> bool:
        if request.meta.get("modwatch_force_parse"):
            return False
        return bool(request.meta.get("modwatch_article")) or _callback_name(request.callback) in self.callbacks

    def process_response(self, request, response, spider=None):
        if response.status != 200 or not self.is_article_request(request):
            return response
        if self.db is None:
            self.db = db.for_crawler(self.crawler)  # the crawl's shared connection
        digest = hashlib.sha256(response.body).hexdigest()
        article_id = unchanged_article(self.db, response.url, digest)
        if article_id is None:
            return response
        touch_article(self.db, article_id, request.meta.get("fetched_at") or iso_utc())
        self.crawler.stats.inc_value("modwatch/unchanged")
        logger.debug("unchanged article page, not parsed: %s (article %s)", response.url, article_id)
        request.meta["modwatch_unchanged"] = article_id
        request.callback = skip_parsing
        request.errback = None
        return response

    def spider_closed(self, spider):
        if self.db is not None:
            db.release(self.crawler)
            self.db = None


class OncePerRunMiddleware(BaseSpiderMiddleware):
    """Drop a request whose page was already requested in this run (module docstring)."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self.seen: set[bytes] = set()

    def get_processed_request(self, request, response):
        fingerprint = self.crawler.request_fingerprinter.fingerprint(request)
        if fingerprint in self.seen and not request.dont_filter:
            self.crawler.stats.inc_value("modwatch/duplicate_dropped")
            logger.debug("already requested in this run, dropped: %s", request.url)
            return None
        self.seen.add(fingerprint)
        return request


class JobDirGuard:
    """Discard ``JOBDIR`` state that a hard kill left unusable (module docstring)."""

    STATE = ("requests.seen", "requests.queue", "spider.state")
    MARKER = "modwatch.running"

    def __init__(self, crawler, jobdir: str):
        self.crawler = crawler
        self.jobdir = Path(jobdir)
        self.discarded = self.check()
        self.jobdir.mkdir(parents=True, exist_ok=True)
        (self.jobdir / self.MARKER).write_text(iso_utc() + "\n", encoding="utf-8")
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        jobdir = crawler.settings.get("JOBDIR")
        if not jobdir:
            raise NotConfigured("no JOBDIR")
        return cls(crawler, jobdir)

    def check(self) -> bool:
        """Delete the job state if the last run left its marker (was killed); True if so."""
        if not (self.jobdir / self.MARKER).exists():
            return False
        logger.warning("JOBDIR %s: the last run was killed before closing; starting this job over", self.jobdir)
        for name in self.STATE:
            path = self.jobdir / name
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()
        return True

    def spider_opened(self, spider):
        if self.discarded:
            self.crawler.stats.set_value("modwatch/jobdir_discarded", 1)

    def spider_closed(self, spider, reason):
        (self.jobdir / self.MARKER).unlink(missing_ok=True)
