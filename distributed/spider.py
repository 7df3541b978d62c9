"""Spider mixins for distributed crawls: seeds from Redis through ``async def start()``.

scrapy-redis 0.9.1's ``RedisMixin`` reads ``<spider>:start_urls`` in ``start_requests()``,
which Scrapy >= 2.13 no longer calls when a spider has ``start()`` (``Spider.start()`` only
reads ``start_urls``). :class:`RedisStartMixin` keeps scrapy-redis' machinery (connection,
seed key, list/set/zset pops, JSON seeds) and adds:

- ``async def start()``: yields the requests of the first ``redis_batch_size`` seeds (1);
- claims the next seed whenever the scheduler runs dry (``scheduler_empty``), so a worker works
  on several sites at once while seeds are waiting;
- an idle handler that claims more seeds when the worker is idle and closes the worker after
  ``MAX_IDLE_TIME_BEFORE_CLOSE`` seconds of *continuous* idleness (0 = never: a service).
  scrapy-redis 0.9.1 measures idleness from the time its module was imported, so a worker
  busy for longer than the limit closed at its first idle moment;
- :meth:`keep_local`: requests that must run in the worker that made them (see
  :class:`distributed.scheduler.Scheduler`).

:func:`distributed` makes the distributed twin of an existing spider class (same ``name``,
same code) by putting the right mixin in front of it. :class:`WordPressSeedsMixin` is the one
for :class:`spiders.base.WordPressNewsSpider` subclasses (``news``, ``thevietnamese``).

Seeds (the values of ``<spider>:start_urls``, made by
:func:`distributed.coordinator.seed`) are JSON objects:

- ``{"url": "https://..."}`` (scrapy-redis' format; also ``meta``, ``method``), or a bare URL;
- ``{"site": "<key>"}`` for the news spiders: the site's whole discovery (start URLs, then its
  discovery methods in order), run by the worker that pops the seed.
"""

from __future__ import annotations

import json
import time

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy_redis.spiders import RedisMixin
from scrapy_redis.utils import bytes_to_str


#: seconds between two looks for a seed when the last look found none (see ``scheduler_empty``)
CLAIM_INTERVAL = 0.5


class SeedError(ValueError):
    """A seed popped from Redis is not a URL, a ``{"url": ...}`` or a ``{"site": ...}`` object."""


def decode_seed(data: bytes | str, encoding: str = "utf-8") -> dict:
    """A seed value as a dict: ``{"url": ...}`` or ``{"site": ...}`` (plus optional keys).

    A bare ``http(s)://`` string becomes ``{"url": string}``. Raises :class:`SeedError`.
    """
    text = bytes_to_str(data, encoding).strip()
    if text.startswith(("http://", "https://")):
        return {"url": text}
    try:
        seed = json.loads(text)
    except ValueError:
        raise SeedError(f"seed is neither a URL nor JSON: {text[:200]!r}") from None
    if not isinstance(seed, dict) or not (isinstance(seed.get("url"), str) or isinstance(seed.get("site"), str)):
        raise SeedError(f'seed needs a "url" or a "site" string: {text[:200]!r}')
    return seed


class RedisStartMixin(RedisMixin):
    """scrapy-redis' ``RedisMixin`` for Scrapy >= 2.13 (see the module docstring)."""

    #: seeds claimed at a time: one, so that the sites of a crawl spread over the workers
    redis_batch_size = 1

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.setup_redis(crawler)
        spider._idle_since = None
        spider._activity = None
        spider._next_claim = 0.0
        crawler.signals.connect(spider.scheduler_empty, signal=signals.scheduler_empty)
        return spider

    async def start(self):
        for request in self.next_requests():
            yield request

    def next_requests(self):
        """Requests of the next ``redis_batch_size`` seeds; a bad seed is logged and skipped."""
        for data in self.fetch_data(self.redis_key, self.redis_batch_size):
            try:
                seed = decode_seed(data, self.redis_encoding)
                requests = self.requests_from_seed(seed)
            except Exception as exc:  # a bad seed must not stop the worker
                self.logger.error("seed %r skipped: %s: %s", data[:200], type(exc).__name__, exc)
                self.crawler.stats.inc_value("distributed/bad_seeds")
                continue
            self.crawler.stats.inc_value("distributed/seeds")
            yield from requests

    def make_request_from_data(self, data):
        """scrapy-redis' hook, kept for code that calls it: the requests of one seed."""
        return self.requests_from_seed(decode_seed(data, self.redis_encoding))

    def requests_from_seed(self, seed: dict) -> list[scrapy.Request]:
        """Requests for a ``{"url": ...}`` seed (the spider's ``parse``, not filtered)."""
        if "url" not in seed:
            raise SeedError(f"{self.name} takes URL seeds, got {seed!r}")
        return [
            scrapy.Request(seed["url"], method=seed.get("method", "GET"), meta=seed.get("meta") or {}, dont_filter=True)
        ]

    def keep_local(self, request) -> bool:
        """True if ``request`` must stay in this worker (``meta["modwatch_local"]``)."""
        return bool(request.meta.get("modwatch_local"))

    def scheduler_empty(self):
        """The scheduler had no request to give while the downloader had room: claim the next
        seed now, not only when the worker is idle, so that one worker crawls several sites
        (domains) at once, as a single-process crawl does. At most every ``CLAIM_INTERVAL``
        seconds while no seed is waiting."""
        now = time.monotonic()
        if now < self._next_claim:
            return
        before = self.crawler.stats.get_value("distributed/seeds", 0)
        self.schedule_next_requests()
        if self.crawler.stats.get_value("distributed/seeds", 0) == before:
            self._next_claim = now + CLAIM_INTERVAL

    def spider_idle(self):
        """Claim seeds when idle; close after ``max_idle_time`` seconds of continuous idleness."""
        stats = self.crawler.stats
        activity = (
            stats.get_value("scheduler/dequeued/redis", 0),
            stats.get_value("scheduler/dequeued/local", 0),
            stats.get_value("distributed/seeds", 0),
        )
        now = time.monotonic()
        if activity != self._activity or self._idle_since is None:
            self._activity, self._idle_since = activity, now
        self.schedule_next_requests()
        if stats.get_value("distributed/seeds", 0) != activity[2]:
            self._idle_since = now
            raise DontCloseSpider
        if self.max_idle_time and now - self._idle_since >= self.max_idle_time:
            self.logger.info("idle for %.0f s with no seed nor shared request: closing", now - self._idle_since)
            return
        raise DontCloseSpider


class WordPressSeedsMixin(RedisStartMixin):
    """For :class:`spiders.base.WordPressNewsSpider` subclasses: site seeds, local discovery.

    A ``{"site": key}`` seed runs that site's ``initial_requests()`` (start URLs, then the first
    discovery step) in the worker that popped it. Discovery requests (those whose errback is
    ``discovery_failed``) stay in that worker: the fallback from one method to the next
    counts their answers in the spider's memory. Article pages, older feed pages and start
    URLs go to the shared queue and are fetched by whichever worker is free. A
    ``{"url": ...}`` seed is fetched as a start URL of the site whose ``base_url`` it starts
    with.
    """

    def requests_from_seed(self, seed: dict) -> list[scrapy.Request]:
        if "site" in seed:
            site = next((s for s in self.sites if s.key == seed["site"]), None)
            if site is None:
                raise SeedError(
                    f"site {seed['site']!r} is not one of {self.name}'s sites ({', '.join(s.key for s in self.sites)})"
                )
            return self.site_requests(site)
        site = next((s for s in self.sites if seed["url"].startswith(s.base_url)), None)
        if site is None:
            raise SeedError(f"URL {seed['url']!r} belongs to none of {self.name}'s sites")
        return [self._article_request(site, seed["url"], "start-url")]

    def site_requests(self, site) -> list[scrapy.Request]:
        """``initial_requests()`` for one site, keeping the discovery state of the others."""
        states = getattr(self, "_states", {})
        all_sites, self.sites = self.sites, [site]
        try:
            requests = list(self.initial_requests())
        finally:
            self.sites = all_sites
        self._states = {**states, **self._states}
        return requests

    def keep_local(self, request) -> bool:
        return super().keep_local(request) or getattr(request.errback, "__name__", None) == "discovery_failed"


def distributed(spider_cls: type[scrapy.Spider]) -> type[scrapy.Spider]:
    """The distributed twin of ``spider_cls``: same name and code, seeds from Redis."""
    from spiders.base import WordPressNewsSpider

    mixin = WordPressSeedsMixin if issubclass(spider_cls, WordPressNewsSpider) else RedisStartMixin
    return type(
        spider_cls.__name__,
        (mixin, spider_cls),
        {
            "__module__": "distributed.spiders",
            "__doc__": f"{spider_cls.__name__} with seeds and requests shared through Redis.\n\n{spider_cls.__doc__ or ''}",
        },
    )
