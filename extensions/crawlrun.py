"""``CrawlRunExtension``: record every spider run as a ``crawl_runs`` row.

At ``spider_opened`` it inserts the row (spider, ``started_at``, ``replay_source`` = the
``MODWATCH_REPLAY`` setting) and sets ``spider.crawl_run_id``, which the pipeline and the
WARC writer use. At ``spider_closed`` it fills ``finished_at``, ``finish_reason`` (Scrapy's
close reason), and from the Scrapy stats:

- ``items_scraped``: ``item_scraped_count``;
- ``errors``: the larger of ``log_count/ERROR`` and the sum of ``spider_exceptions/*``
  (a spider exception is also logged at ERROR, so the two are not added; the larger one
  still counts exceptions when the log level hides errors);
- ``rejects``: ``modwatch/rejects`` (rows stored by the pipeline);
- ``requests``: ``downloader/request_count`` plus ``replay/requests`` (a replayed request
  never reaches the downloader's stats middleware); ``responses``:
  ``downloader/response_count``;
- ``stats_json``: every stat; ``warc_filename``: ``warc/filename`` (set by the WARC writer).

Enabled in ``settings.EXTENSIONS``; writes to ``MODWATCH_DB`` through the crawl's shared
connection (:func:`db.for_crawler`).
"""

import logging

from scrapy import signals

import db
from db.crawl_runs import finish_crawl_run, start_crawl_run

logger = logging.getLogger(__name__)


def error_count(stats) -> int:
    """Errors of a run from its Scrapy stats (see the module docstring)."""
    exceptions = sum(v for k, v in stats.items() if k.startswith("spider_exceptions/") and isinstance(v, int))
    return max(stats.get("log_count/ERROR", 0), exceptions)


class CrawlRunExtension:
    """Scrapy extension writing the ``crawl_runs`` row of each spider run (module docstring)."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.replay_source = crawler.settings.get("MODWATCH_REPLAY") or None
        self.db = None
        self.crawl_run_id = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_opened(self, spider):
        self.db = db.for_crawler(self.crawler)
        self.crawl_run_id = start_crawl_run(self.db, spider.name, replay_source=self.replay_source)
        spider.crawl_run_id = self.crawl_run_id
        logger.info("Crawl run %s of spider %s", self.crawl_run_id, spider.name)

    def spider_closed(self, spider, reason):
        if self.db is None:
            return
        stats = self.crawler.stats.get_stats()
        finish_crawl_run(
            self.db,
            self.crawl_run_id,
            finish_reason=reason,
            items_scraped=stats.get("item_scraped_count", 0),
            errors=error_count(stats),
            rejects=stats.get("modwatch/rejects", 0),
            requests=stats.get("downloader/request_count", 0) + stats.get("replay/requests", 0),
            responses=stats.get("downloader/response_count", 0),
            stats=stats,
            warc_filename=stats.get("warc/filename"),
        )
        db.release(self.crawler)
        self.db = None
