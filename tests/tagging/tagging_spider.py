"""A tiny spider for the tagging pipeline tests: yields ArticleItems for real article texts
(``tests/fixtures/tagging/articles.json``) without fetching anything.

``-a ids=wikimedia-turkey,kulu-meta-outage`` chooses the fixtures; ``-a source=KEY`` is the
site key the items carry (the sites file given to the crawl decides the relevance rule).
"""

import datetime as dt
import hashlib
import json
from pathlib import Path

import scrapy

from items import ArticleItem

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "tagging" / "articles.json"


class FixtureArticlesSpider(scrapy.Spider):
    name = "fixture_articles"

    def __init__(self, ids="", source="fixtures", **kwargs):
        super().__init__(**kwargs)
        self.ids = [i for i in ids.split(",") if i]
        self.source = source

    async def start(self):
        entries = {e["id"]: e for e in json.loads(FIXTURES.read_text(encoding="utf-8"))}
        now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        for fixture_id in self.ids:
            entry = entries[fixture_id]
            yield ArticleItem(
                url=entry["url"],
                source=self.source,
                title=entry["title"],
                body=entry["body"],
                language=entry["language"],
                authors=[],
                tags=[],
                fetched_url=entry["url"],
                fetched_at=now,
                http_status=200,
                body_sha256=hashlib.sha256(entry["body"].encode()).hexdigest(),
                discovered_via="start-url",
            )
