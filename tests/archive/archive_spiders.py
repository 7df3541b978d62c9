"""A tiny spider for the archive tests (the real news spiders live in ``spiders/``).

``-a urls=URL1,URL2`` (comma-separated) and optional ``-a token=...`` (sent as the
``X-Authentication-Token`` header, as the Lumen spider does). A 200 page gives an
ArticleItem (title from ``<title>``, body from the ``<p>`` texts, provenance from
``response.meta``); any other status gives a RejectItem.
"""

import hashlib

import scrapy

from items import ArticleItem, RejectItem


class PageSpider(scrapy.Spider):
    name = "pages"
    custom_settings = {"HTTPERROR_ALLOW_ALL": True}

    def __init__(self, urls="", token=None, **kwargs):
        super().__init__(**kwargs)
        self.urls = [u for u in urls.split(",") if u]
        self.token = token

    async def start(self):
        headers = {"X-Authentication-Token": self.token} if self.token else {}
        for url in self.urls:
            yield scrapy.Request(url, headers=headers, cookies={"session": "cookie-secret-42"})

    def parse(self, response):
        provenance = {
            "fetched_at": response.meta.get("fetched_at"),
            "warc_record_id": response.meta.get("warc_record_id"),
        }
        if response.status != 200:
            yield RejectItem(
                url=response.url, reason=f"HTTP {response.status}", excerpt=response.text[:200], **provenance
            )
            return
        yield ArticleItem(
            url=response.url,
            source="wikimediafoundation",
            title=response.css("title::text").get(),
            body="\n".join(t.strip() for t in response.css("p::text").getall() if t.strip()),
            authors=[],
            tags=[],
            language="en",
            fetched_url=response.url,
            http_status=response.status,
            body_sha256=hashlib.sha256(response.body).hexdigest(),
            warc_filename=response.meta.get("warc_filename"),
            discovered_via="start-url",
            **provenance,
        )
