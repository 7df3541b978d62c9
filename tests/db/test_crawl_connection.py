"""One database connection per crawl (``db.for_crawler``), one default path (``db.DEFAULT_PATH``)."""

import sqlite3

import pytest
import scrapy
from scrapy.utils.test import get_crawler

import db
from extensions.crawlrun import CrawlRunExtension
from middlewares.incremental import UnchangedArticleMiddleware
from pipelines.store import SQLitePipeline
from pipelines.tagging import TaggingPipeline


class NewsSpider(scrapy.Spider):
    name = "news"


def test_the_components_of_a_crawl_share_one_connection(db_path, monkeypatch):
    opened = []
    connect = db.connect
    monkeypatch.setattr(db, "connect", lambda path: opened.append(path) or connect(path))
    crawler = get_crawler(NewsSpider, {"MODWATCH_DB": str(db_path)})
    crawler.spider = spider = crawler._create_spider()
    extension, store, tagging = (CrawlRunExtension(crawler), SQLitePipeline(crawler), TaggingPipeline(crawler))
    middleware = UnchangedArticleMiddleware(crawler)
    extension.spider_opened(spider)
    store.open_spider()
    tagging.open_spider()
    middleware.db = db.for_crawler(crawler)  # what its first article response does
    assert opened == [str(db_path)]
    assert store.db is extension.db is tagging.db is middleware.db
    connection = store.db.conn
    middleware.spider_closed(spider)
    tagging.close_spider()
    store.close_spider()
    extension.spider_closed(spider, "finished")  # the last holder: records the run, then closes
    assert db.connect(db_path).execute("select spider, finish_reason from crawl_runs").fetchall() == [
        ("news", "finished")
    ]
    with pytest.raises(sqlite3.ProgrammingError, match="closed database"):
        connection.execute("select 1")


def test_commands_and_settings_default_to_one_path(monkeypatch):
    monkeypatch.delenv("MODWATCH_DB", raising=False)
    assert db.default_path() == db.DEFAULT_PATH == "data/modwatch.db"
    monkeypatch.setenv("MODWATCH_DB", "/srv/modwatch/m.db")
    assert db.default_path() == "/srv/modwatch/m.db"
