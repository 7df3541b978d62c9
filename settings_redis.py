"""Settings overlay for distributed crawls on Redis (scrapy-redis): ``SCRAPY_SETTINGS_MODULE=settings_redis``.

Everything of ``settings.py``, plus (see :mod:`distributed`):

- the scrapy-redis scheduler and duplicate filter, shared by every worker through Redis
  (:class:`distributed.scheduler.Scheduler` keeps the news spiders' discovery
  requests in the worker that made them); the queue is **persistent**: a worker that stops
  does not clear it; the coordinator does, once, between full recrawls
  (``python -m modwatch distributed clear``);
- spiders (``distributed.spiders``): the project spiders reading seeds from
  ``<spider>:start_urls``;
- item pipelines: in the **workers**, those ordered before ``pipelines.store.SQLitePipeline``
  (pure filters such as the relevance rule), then :class:`~distributed.pipeline.RedisItemPipeline`
  pushing items to ``<spider>:items``; in the **writer**, ``SQLitePipeline`` and those after it
  (``MODWATCH_WRITER_PIPELINES``). Workers never open SQLite: the crawl-run extension and the
  database-reading ``UnchangedArticleMiddleware`` run only in the writer / not at all;
- politeness across workers: ``MODWATCH_WORKERS`` (env, default 1) = how many workers crawl
  the same sites. Each worker's per-domain rate is divided by it: ``DOWNLOAD_DELAY`` and
  ``AUTOTHROTTLE_START_DELAY`` multiplied, ``AUTOTHROTTLE_TARGET_CONCURRENCY`` divided, so
  N workers together keep the single-process rate of ``settings.py``. (``CONCURRENT_REQUESTS_PER_DOMAIN``
  stays a per-worker cap: AutoThrottle and the delay are what bound the rate.)

Environment: ``MODWATCH_REDIS_URL`` (default ``redis://127.0.0.1:6379/0``), ``MODWATCH_WORKERS``,
``MODWATCH_MAX_IDLE`` (seconds a worker waits with nothing to do before it stops; 0 = never,
default 0), ``MODWATCH_REDIS_POLL`` (seconds between an idle worker's looks at the queue, 1.0).
"""

import os

from settings import *  # noqa: F401,F403
from settings import (
    AUTOTHROTTLE_START_DELAY,
    AUTOTHROTTLE_TARGET_CONCURRENCY,
    DOWNLOAD_DELAY,
    DOWNLOADER_MIDDLEWARES,
    EXTENSIONS,
    ITEM_PIPELINES,
)

# --- Redis --------------------------------------------------------------------------------
REDIS_URL = os.environ.get("MODWATCH_REDIS_URL", "redis://127.0.0.1:6379/0")
SCHEDULER = "distributed.scheduler.Scheduler"
DUPEFILTER_CLASS = "scrapy_redis.dupefilter.RFPDupeFilter"
SCHEDULER_QUEUE_CLASS = "scrapy_redis.queue.PriorityQueue"
SCHEDULER_PERSIST = True  # never cleared by a worker; see the coordinator
SCHEDULER_FLUSH_ON_START = False
MAX_IDLE_TIME_BEFORE_CLOSE = int(os.environ.get("MODWATCH_MAX_IDLE", "0"))
MODWATCH_REDIS_POLL_INTERVAL = float(os.environ.get("MODWATCH_REDIS_POLL", "1.0"))
REDIS_ITEMS_KEY = "%(spider)s:items"

SPIDER_MODULES = ["distributed.spiders"]

# --- pipelines: workers filter and push; the writer stores -------------------------------
_STORE = "pipelines.store.SQLitePipeline"
_STORE_ORDER = ITEM_PIPELINES[_STORE]
MODWATCH_WRITER_PIPELINES = {name: order for name, order in ITEM_PIPELINES.items() if order >= _STORE_ORDER}
ITEM_PIPELINES = {
    **{name: order for name, order in ITEM_PIPELINES.items() if order < _STORE_ORDER},
    "distributed.pipeline.RedisItemPipeline": _STORE_ORDER,
}

# --- extensions: crawl runs are recorded by the writer ------------------------------------
MODWATCH_WRITER_EXTENSIONS = dict(EXTENSIONS)
EXTENSIONS = {
    **EXTENSIONS,
    "extensions.crawlrun.CrawlRunExtension": None,
    "distributed.worker.WorkerExtension": 100,
}

# --- downloader: per-worker WARC file names; no database reads in workers -----------------
_WARC = "middlewares.warc.WarcWriterMiddleware"
DOWNLOADER_MIDDLEWARES = {
    **DOWNLOADER_MIDDLEWARES,
    _WARC: None,
    "distributed.worker.WorkerWarcWriterMiddleware": DOWNLOADER_MIDDLEWARES.get(_WARC, 950),
    "middlewares.incremental.UnchangedArticleMiddleware": None,
}

# --- politeness shared by the workers ------------------------------------------------------
MODWATCH_WORKERS = max(1, int(os.environ.get("MODWATCH_WORKERS", "1")))
DOWNLOAD_DELAY = DOWNLOAD_DELAY * MODWATCH_WORKERS
AUTOTHROTTLE_START_DELAY = AUTOTHROTTLE_START_DELAY * MODWATCH_WORKERS
AUTOTHROTTLE_TARGET_CONCURRENCY = AUTOTHROTTLE_TARGET_CONCURRENCY / MODWATCH_WORKERS
