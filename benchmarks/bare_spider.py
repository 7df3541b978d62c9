"""The crawl benchmark's reference: a bare Scrapy spider that only fetches the pages.

Run by ``benchmarks/distributed_crawl.py`` with ``scrapy runspider`` from a folder outside the
project (so no modwatch setting, middleware or pipeline is loaded) and the same ``-s`` settings
as the modwatch crawl. Like the ``news`` spider on that local site it asks each site for its feed
(a 404) and its XML sitemap, then fetches every page the sitemap lists; its page callback does
nothing (no parsing, no item, no storage, no WARC).

    scrapy runspider bare_spider.py -a sites=http://127.0.0.1:PORT/site0/,http://127.0.0.1:PORT/site1/
"""

from __future__ import annotations

import scrapy
from scrapy.utils.sitemap import Sitemap


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, sites: str = "", **kwargs):
        super().__init__(**kwargs)
        self.sites = [url for url in sites.split(",") if url]

    async def start(self):
        for base in self.sites:
            yield scrapy.Request(base + "feed/", callback=self.ignore, errback=self.ignore, dont_filter=True)
            yield scrapy.Request(base + "sitemap.xml", callback=self.parse_sitemap, dont_filter=True)

    def parse_sitemap(self, response):
        for entry in Sitemap(response.body):
            yield scrapy.Request(entry["loc"], callback=self.ignore)

    def ignore(self, response_or_failure):
        return None
