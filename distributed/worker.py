"""Worker side of a distributed crawl: registration, heartbeat, final stats, WARC file name.

:class:`WorkerExtension` (``EXTENSIONS`` of ``settings_redis``)
    At ``spider_opened`` adds the worker (id ``<host>:<pid>``, :func:`worker_id`) to the sorted
    set ``<spider>:workers`` with the Redis server's time, and refreshes it every 10 s; the
    writer waits for live workers before it finishes. At ``spider_closed`` pushes
    ``{"worker", "reason", "stats"}`` (JSON) to ``<spider>:worker_stats`` (the writer adds them to
    its crawl run) and leaves the set. A worker that dies stops refreshing and counts as gone
    after :data:`distributed.WORKER_TIMEOUT` seconds.
    Also sets the engine's polling interval to ``MODWATCH_REDIS_POLL_INTERVAL`` seconds
    (default 1.0; Scrapy's is 5.0): an idle worker looks at the shared queue that often, so it
    joins in soon after another worker's discovery has queued article pages.

:class:`WorkerWarcWriterMiddleware` (replaces ``WarcWriterMiddleware`` at the same order)
    Workers have no crawl run id (the writer owns the ``crawl_runs`` row), and two workers on
    one machine may open their WARC file in the same second: the file is named
    ``<spider>-<host>-<pid>-<UTC stamp>.warc.gz`` instead of ``<spider>-<run id>-<stamp>``.
"""

from __future__ import annotations

import logging
import os
import re
import socket

from scrapy import signals
from scrapy.utils.serialize import ScrapyJSONEncoder
from scrapy_redis import connection
from twisted.internet import task

from db.timestamps import file_stamp
from middlewares.warc import WarcWriterMiddleware
from modwatch.archive.warc import WarcFile
from distributed import keys

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 10


def worker_id() -> str:
    """``<host name>:<process id>``: unique among the workers of a crawl."""
    return f"{socket.gethostname()}:{os.getpid()}"


def redis_time(server) -> float:
    """The Redis server's clock (Unix seconds): one clock for workers on several machines."""
    seconds, microseconds = server.time()
    return seconds + microseconds / 1e6


class WorkerExtension:
    def __init__(self, crawler):
        self.crawler = crawler
        self.server = connection.from_settings(crawler.settings)
        self.poll = crawler.settings.getfloat("MODWATCH_REDIS_POLL_INTERVAL", 1.0)
        self.id = worker_id()
        self.heartbeat = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_opened(self, spider):
        self.keys = keys(spider.name)
        engine = self.crawler.engine
        if engine is not None and hasattr(engine, "_SLOT_HEARTBEAT_INTERVAL"):
            engine._SLOT_HEARTBEAT_INTERVAL = self.poll  # read when the engine starts its loop
        self.crawler.stats.set_value("distributed/worker", self.id)
        self.beat()
        self.heartbeat = task.LoopingCall(self.beat)
        self.heartbeat.start(HEARTBEAT_SECONDS, now=False)
        logger.info("worker %s registered in %s", self.id, self.keys["workers"])

    def beat(self):
        self.server.zadd(self.keys["workers"], {self.id: redis_time(self.server)})

    def spider_closed(self, spider, reason):
        if self.heartbeat is not None and self.heartbeat.running:
            self.heartbeat.stop()
        report = {"worker": self.id, "reason": reason, "stats": self.crawler.stats.get_stats()}
        with self.server.pipeline() as pipe:
            pipe.rpush(self.keys["worker_stats"], ScrapyJSONEncoder().encode(report))
            pipe.zrem(self.keys["workers"], self.id)
            pipe.execute()
        logger.info("worker %s left (%s)", self.id, reason)


class WorkerWarcWriterMiddleware(WarcWriterMiddleware):
    """``WarcWriterMiddleware`` with a per-worker file name (see the module docstring)."""

    def _open(self) -> WarcFile:
        spider = self.crawler.spider
        worker = re.sub(r"[^A-Za-z0-9.-]+", "-", worker_id())
        stamp = file_stamp()
        path = self.folder / f"{spider.name}-{worker}-{stamp}.warc.gz"
        warc = WarcFile(
            path, info={"description": f"modwatch distributed crawl of spider {spider.name}, worker {worker_id()}"}
        )
        self.crawler.stats.set_value("warc/filename", warc.filename)
        logger.info("Writing WARC %s", os.fspath(path))
        return warc
