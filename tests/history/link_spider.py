"""A spider for the once-per-run test: from its start URL it follows every link that points to
the same page (``#content``, ``#``, the page's own URL...), as a careless discovery rule would.
"""

from urllib.parse import urlsplit

import scrapy


class SamePageLinksSpider(scrapy.Spider):
    name = "same_page_links"

    def __init__(self, start="", **kwargs):
        super().__init__(**kwargs)
        self.start_urls = [start]  # Scrapy's default start(): dont_filter=True requests

    def parse(self, response):
        here = urlsplit(response.url)
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href)
            if urlsplit(url)[:3] == here[:3]:
                yield scrapy.Request(url, callback=self.parse)
