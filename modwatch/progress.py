"""Progress bars for long runs (exports, crawls): tqdm on stderr, silent when not a terminal.

Scrapy's periodic log stats say how many items a crawl has seen; a long export or load needs a
bar with a total and an ETA. :func:`progress` wraps an iterable; ``MODWATCH_PROGRESS=1`` forces
the bar on (e.g. under ``make``), ``MODWATCH_PROGRESS=0`` off.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import TypeVar

from tqdm import tqdm

T = TypeVar("T")


def _disabled() -> bool | None:
    forced = os.environ.get("MODWATCH_PROGRESS")
    if forced == "1":
        return False
    if forced == "0":
        return True
    return None  # tqdm: disabled when stderr is not a terminal


def progress(iterable: Iterable[T], *, total: int | None = None, desc: str = "", unit: str = "rows") -> Iterator[T]:
    """Yield from ``iterable`` while drawing a progress bar of ``total`` ``unit`` labelled ``desc``."""
    with tqdm(iterable, total=total, desc=desc, unit=unit, unit_scale=True, disable=_disabled(),
              dynamic_ncols=True, leave=False) as bar:
        yield from bar


class CrawlProgress:
    """Scrapy extension: a progress bar of a crawl (responses received out of requests scheduled).

    The total grows as the spider discovers pages; the bar's postfix shows the items stored and
    the rejects so far. Drawn on stderr only when it is a terminal (or ``MODWATCH_PROGRESS=1``),
    so logs of scheduled crawls stay clean. Enabled in ``settings.py`` (``EXTENSIONS``).
    """

    def __init__(self, crawler):
        from scrapy import signals

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
        self.bar = tqdm(total=0, desc=spider.name, unit="pages", disable=_disabled(), dynamic_ncols=True,
                        leave=True)

    def request_scheduled(self, request, spider):
        self.bar.total += 1
        self.bar.refresh()

    def _counts(self) -> None:
        self.bar.set_postfix(items=self.stats.get_value("item_scraped_count", 0),
                             rejects=self.stats.get_value("modwatch/rejects", 0), refresh=False)

    def response_received(self, response, request, spider):
        self._counts()
        self.bar.update(1)

    def spider_closed(self, spider, reason):
        self._counts()
        self.bar.close()
