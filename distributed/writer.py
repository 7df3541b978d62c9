"""The writer: the one process that stores a distributed crawl's items into SQLite.

:class:`ItemWriterSpider` is a Scrapy spider that downloads nothing: its ``async def start()``
pops the JSON items of ``<spider>:items`` (``LPOP`` in batches, ``BLPOP`` when empty; the
``redis.asyncio`` client, so the reactor never blocks) and yields them, so they go through the
normal item pipelines with the normal storage code (``MODWATCH_WRITER_PIPELINES`` of
``settings_redis``: ``pipelines.store.SQLitePipeline`` and the pipelines after it), and
``extensions.crawlrun.CrawlRunExtension`` records the whole distributed crawl as one
``crawl_runs`` row with ``spider`` = the crawled spider's name.

It stops (unless ``follow``) when the items list, the shared request queue and the seed list
are empty and no worker is alive (``<spider>:workers``, heartbeats newer than
``WORKER_TIMEOUT``), twice in a row ``poll`` seconds apart. Before stopping it adds the
finished workers' stats (``<spider>:worker_stats``) to its own (:func:`merge_worker_stats`),
so the crawl run's ``requests``, ``responses``, ``errors`` and ``stats_json`` cover the workers.

A value that cannot be turned back into an item (not JSON, unknown class or field) becomes a
``RejectItem`` with the reason and the raw value, stored like any reject.

Sources: the site descriptions the coordinator wrote to ``<spider>:sites`` become the
spider's ``sites``, which ``SQLitePipeline`` writes to the ``sources`` table at open.

Nothing is lost if the writer is killed: items are *moved* (atomically, in batches) from
``<spider>:items`` to ``<spider>:items:writing`` and removed from there once the pipelines are
done with them (``item_scraped``, ``item_dropped`` or ``item_error``); the next writer puts
what is left there back at the head of ``<spider>:items`` (stat ``distributed/items_recovered``).
An item can then be stored twice, which storage makes harmless (upsert by canonical URL). One
writer per spider at a time.
"""

from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace

import redis.asyncio
import scrapy
from scrapy import signals
from scrapy_redis import connection, defaults
from scrapy_redis.connection import SETTINGS_PARAMS_MAP

from distributed import WORKER_TIMEOUT, keys
from distributed.pipeline import decode_item
from items import RejectItem

EXCERPT_CHARS = 4096
#: move up to ARGV[1] values from the head of list KEYS[1] to the tail of KEYS[2], atomically
TAKE_ITEMS = """
local values = redis.call('LPOP', KEYS[1], ARGV[1])
if values then redis.call('RPUSH', KEYS[2], unpack(values)) end
return values
"""
#: worker stats that describe the worker's own items or process, kept apart under ``workers/``
_WORKER_ONLY = ("item_", "elapsed_time_seconds", "memusage/", "distributed/", "scheduler/")


def async_server(settings) -> redis.asyncio.Redis:
    """A ``redis.asyncio`` client with the connection settings scrapy-redis reads
    (``REDIS_URL`` or ``REDIS_HOST``/``REDIS_PORT``/``REDIS_DB``, ``REDIS_PARAMS``)."""
    params = {**defaults.REDIS_PARAMS, **settings.getdict("REDIS_PARAMS")}
    params.pop("redis_cls", None)
    for name, param in SETTINGS_PARAMS_MAP.items():
        if settings.get(name):
            params[param] = settings.get(name)
    url = params.pop("url", None)
    return redis.asyncio.Redis.from_url(url, **params) if url else redis.asyncio.Redis(**params)


def merge_worker_stats(stats, reports: list[dict]) -> None:
    """Add the numeric stats of finished workers' ``reports`` to the Scrapy ``stats`` collector.

    Counters (``downloader/*``, ``log_count/*``, ``spider_exceptions/*``, ``modwatch/*``...) are
    summed into the same keys; the workers' item, scheduler and process figures go under
    ``workers/<key>``. Also sets ``distributed/workers`` (ids) and ``warc/filename`` (the
    workers' WARC file names joined with ``:``, the separator ``MODWATCH_REPLAY`` takes).
    """
    warcs = []
    for report in reports:
        for key, value in (report.get("stats") or {}).items():
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                continue
            stats.inc_value(f"workers/{key}" if key.startswith(_WORKER_ONLY) else key, value)
        if (report.get("stats") or {}).get("warc/filename"):
            warcs.append(report["stats"]["warc/filename"])
    stats.set_value("distributed/workers", sorted(r.get("worker", "?") for r in reports))
    if warcs:
        stats.set_value("warc/filename", ":".join(warcs))


def unreadable_reject(data: bytes, error: Exception) -> RejectItem:
    """The ``RejectItem`` of a Redis value that is not a storable item."""
    return RejectItem(
        url=None,
        reason=f"distributed writer: item not readable: {type(error).__name__}: {error}",
        excerpt=data[:EXCERPT_CHARS].decode("utf-8", errors="replace"),
    )


class ItemWriterSpider(scrapy.Spider):
    """Store the items of the distributed crawl of spider ``name`` (see the module docstring).

    Arguments: ``name`` (the crawled spider's name: the Redis keys and ``crawl_runs.spider``),
    ``follow`` (keep waiting for items forever), ``poll`` (seconds between idle checks),
    ``batch`` (items per ``LPOP``).
    """

    name = "writer"

    def __init__(self, name: str, *, follow: bool = False, poll: float = 1.0, batch: int = 500, **kwargs):
        super().__init__(name=name, **kwargs)
        self.follow, self.poll, self.batch = bool(follow), float(poll), int(batch)
        self.keys = keys(name)
        self.sites = []
        self._taken: dict[int, bytes] = {}  # id(item) -> its value, until the pipelines are done

    @classmethod
    def update_settings(cls, settings):
        super().update_settings(settings)
        settings.set("ITEM_PIPELINES", settings.getdict("MODWATCH_WRITER_PIPELINES"), priority="spider")
        settings.set("EXTENSIONS", settings.getdict("MODWATCH_WRITER_EXTENSIONS"), priority="spider")
        settings.set("SCHEDULER", "scrapy.core.scheduler.Scheduler", priority="spider")
        settings.set("DUPEFILTER_CLASS", "scrapy.dupefilters.RFPDupeFilter", priority="spider")

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.server = async_server(crawler.settings)
        spider.sync_server = connection.from_settings(crawler.settings)
        described = spider.sync_server.hgetall(spider.keys["sites"])
        spider.sites = [SimpleNamespace(key=key.decode(), **json.loads(value)) for key, value in described.items()]
        return spider

    async def _finished(self) -> bool:
        """Nothing left to store and nobody left to make more."""
        now, _ = await self.server.time()
        async with self.server.pipeline(transaction=False) as pipe:
            pipe.llen(self.keys["items"])
            pipe.zcard(self.keys["requests"])
            pipe.llen(self.keys["start_urls"])
            pipe.zcount(self.keys["workers"], now - WORKER_TIMEOUT, "+inf")
            counts = await pipe.execute()
        return not any(counts)

    async def start(self):
        self.crawler.signals.connect(self._stored, signal=signals.item_scraped)
        self.crawler.signals.connect(self._stored, signal=signals.item_dropped)
        self.crawler.signals.connect(self._stored, signal=signals.item_error)
        await self._recover()
        take = self.server.register_script(TAKE_ITEMS)
        quiet = 0
        while True:
            values = await take(keys=[self.keys["items"], self.keys["writing"]], args=[self.batch])
            if not values:
                value = await self.server.blmove(self.keys["items"], self.keys["writing"], self.poll, "LEFT", "RIGHT")
                values = [value] if value is not None else []
            if values:
                quiet = 0
                for data in values:
                    item = self._item(data)
                    self._taken[id(item)] = data
                    yield item
                await asyncio.sleep(0)  # let the pipelines run
                continue
            if self.follow:
                continue
            quiet = quiet + 1 if await self._finished() else 0
            if quiet >= 2:
                break
        reports = [json.loads(v) for v in await self.server.lrange(self.keys["worker_stats"], 0, -1)]
        merge_worker_stats(self.crawler.stats, reports)
        await self.server.aclose()
        self.logger.info("items of %s stored; %d worker(s) reported", self.name, len(reports))

    async def _recover(self) -> None:
        """Put back the items a previous writer had taken but not stored (it was killed)."""
        recovered = 0
        while await self.server.lmove(self.keys["writing"], self.keys["items"], "RIGHT", "LEFT") is not None:
            recovered += 1
        if recovered:
            self.crawler.stats.set_value("distributed/items_recovered", recovered)
            self.logger.warning("%d item(s) taken by a writer that stopped before storing them: stored now", recovered)

    def _stored(self, item, **kwargs) -> None:
        """The pipelines are done with ``item`` (stored, dropped or failed): forget its copy."""
        data = self._taken.pop(id(item), None)
        if data is not None:
            self.sync_server.lrem(self.keys["writing"], 1, data)

    def _item(self, data: bytes):
        try:
            item = decode_item(data)
        except Exception as error:
            self.crawler.stats.inc_value("distributed/unreadable_items")
            self.logger.error("item not readable (%s): %r", error, data[:200])
            return unreadable_reject(data, error)
        self.crawler.stats.inc_value("distributed/items_popped")
        return item
