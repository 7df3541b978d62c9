"""``CrawlProgress``: the Scrapy extension drawing a crawl's progress bar (:mod:`modwatch.progress`'s rules:
stderr only when it is a terminal, ``MODWATCH_PROGRESS=1`` / ``0`` to force it on / off)."""

from __future__ import annotations

from scrapy import signals
from tqdm import tqdm

from modwatch.progress import disabled


class CrawlProgress:
    """Scrapy extension: a progress bar of a crawl (responses received out of requests scheduled).

    The total grows as the spider discovers pages; the bar's postfix shows the items stored and
    the rejects so far. Drawn on stderr only when it is a terminal (or ``MODWATCH_PROGRESS=1``),
    so logs of scheduled crawls stay clean. Enabled in ``settings.py`` (``EXTENSIONS``).
    """

    def __init__(self, crawler):
        self.stats = crawler.stats
        self.bar = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.request_scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(self.response_received, signal=signals.response_received)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_opened(self, spider):
        self.bar = tqdm(total=0, desc=spider.name, unit="pages", disable=disabled(), dynamic_ncols=True, leave=True)

    def request_scheduled(self, request, spider):
        self.bar.total += 1
        self.bar.refresh()

    def _counts(self) -> None:
        self.bar.set_postfix(
            items=self.stats.get_value("item_scraped_count", 0),
            rejects=self.stats.get_value("modwatch/rejects", 0),
            refresh=False,
        )

    def response_received(self, response, request, spider):
        self._counts()
        self.bar.update(1)

    def spider_closed(self, spider, reason):
        self._counts()
        self.bar.close()
