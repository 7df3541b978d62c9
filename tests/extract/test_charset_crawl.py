"""The charset conflict end to end: a live Scrapy crawl (project settings, local server) into SQLite.

The server sends ``Content-Type: text/html; charset=utf-8`` with a body in windows-1252 that
declares ``<meta charset="windows-1252">``; DeclaredCharsetMiddleware (registered in settings.py)
must make the stored title and body read ``Café – naïve``, not U+FFFD garbage.
"""

import json
from pathlib import Path

import pytest

import db
from tests.helpers import PageHandler, local_server

SPIDER = f"{Path(__file__).resolve().parent.parent / 'archive' / 'archive_spiders.py'}:PageSpider"
PAGE = (
    '<html><head><meta charset="windows-1252"><title>Café – naïve</title></head>'
    "<body><p>Café – naïve, “quoted”.</p></body></html>"
).encode("cp1252")
LIVE = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "HTTPCACHE_ENABLED": False}


class Handler(PageHandler):
    def do_GET(self):
        if self.path == "/page":
            return self.send(200, PAGE, "text/html; charset=utf-8")
        return self.send(404, b"not found", "text/plain")


@pytest.fixture
def server():
    with local_server(Handler) as base:
        yield base


def test_crawl_stores_text_decoded_with_declared_charset(run_crawl, db_path, server):
    run_crawl(SPIDER, db=db_path, settings=LIVE, spider_args={"urls": f"{server}/page"})
    database = db.connect(db_path)
    article = database["articles"].get(1)
    assert article["title"] == "Café – naïve"
    assert article["body"] == "Café – naïve, “quoted”."
    stats = json.loads(database["crawl_runs"].get(1)["stats_json"] or "{}")
    assert stats.get("modwatch/charset_overridden") == 1
