"""Distributed crawling on Redis with scrapy-redis: N workers, one coordinator, one writer.

Run with the settings overlay ``settings_redis`` (``SCRAPY_SETTINGS_MODULE=settings_redis``)
or the ``python -m modwatch distributed ...`` command. Parts:

- **workers** (:mod:`distributed.spiders`, :mod:`~distributed.spider`,
  :mod:`~distributed.scheduler`, :mod:`~distributed.worker`): the normal
  spiders with a mixin whose ``async def start()`` reads seeds from Redis; the scrapy-redis
  scheduler and duplicate filter share requests between workers; items are pushed to Redis
  (:mod:`~distributed.pipeline`). Workers never open the SQLite database.
- **writer** (:mod:`~distributed.writer`): the only process writing SQLite; pops the
  items and stores them through the normal item pipelines (``pipelines.store.SQLitePipeline``,
  tagging), recorded as one ``crawl_runs`` row with the workers' stats merged in.
- **coordinator** (:mod:`~distributed.coordinator`): seeds ``<spider>:start_urls`` and
  clears the shared state between full recrawls, once, not in each worker.

Redis keys, all per spider name (:func:`keys`).

Recrawls: the duplicate filter persists between crawls, so seeding again without ``clear``
fetches only article URLs not seen before (discovery pages are always fetched); ``clear``
first for a full recrawl.

Several machines: one Redis reachable by every machine (private network only: scrapy-redis
stores requests pickled, so whoever can write to Redis can run code in the workers; set
``requirepass`` and use ``redis://:PASSWORD@HOST:6379/0``); on each worker machine the same
checkout and sites file (and vocabulary, for relevance rules), ``MODWATCH_REDIS_URL``, and
``MODWATCH_WORKERS`` = the number of workers on *all* machines (politeness); WARC files stay on
the worker that fetched (named ``<spider>-<host>-<pid>-<stamp>.warc.gz``): collect them where
the archive is kept. One writer per database, on the machine that has it. Heartbeats use the
Redis server's clock, so the machines' clocks need not agree.

Failures: a worker that dies loses the requests it had taken from the queue and the discovery
state of the sites it had claimed (seed those sites again); a writer that dies loses nothing
(the next one stores what it had taken). Storage is idempotent, so re-running is safe.
"""

from __future__ import annotations


def keys(spider: str) -> dict[str, str]:
    """The Redis keys of the distributed crawl of ``spider``.

    ``start_urls`` (list of JSON seeds, scrapy-redis' ``REDIS_START_URLS_KEY``),
    ``requests`` (sorted set of pickled requests, scrapy-redis' ``SCHEDULER_QUEUE_KEY``),
    ``dupefilter`` (set of request fingerprints), ``items`` (list of JSON items,
    ``REDIS_ITEMS_KEY``), ``workers`` (sorted set: worker id -> last heartbeat, Unix seconds of
    the Redis server clock), ``worker_stats`` (list of JSON stats of finished workers),
    ``sites`` (hash: site key -> JSON description, written by the coordinator's seed),
    ``writing`` (list: items the writer has taken and not stored yet).
    """
    names = ("start_urls", "requests", "dupefilter", "items", "workers", "worker_stats", "sites")
    return {**{name: f"{spider}:{name}" for name in names}, "writing": f"{spider}:items:writing"}


#: a worker whose last heartbeat is older than this many seconds is taken for dead
WORKER_TIMEOUT = 30
