"""SQLitePipeline with a real Scrapy crawler: articles, rejects, dispatch, stats."""

import json

import pytest
import scrapy
from scrapy.utils.test import get_crawler

import db
from items import ArticleItem, RejectItem
from pipelines.routes import ROUTES
from pipelines.store import SQLitePipeline

URL = "https://wikimediafoundation.org/news/2020/01/15/access-to-wikipedia-restored-in-turkey-after-more-than-two-and-a-half-years/"

ARTICLE = {
    "url": URL,
    "source": "wikimediafoundation",
    "title": "Access to Wikipedia restored in Turkey after more than two and a half years",
    "authors": ["Wikimedia Foundation"],
    "published_at": "2020-01-15T01:01:01Z",
    "section": "News",
    "tags": ["Turkey"],
    "body": "Access to Wikipedia has been restored in Turkey.",
    "language": "en",
    "fetched_url": URL,
    "fetched_at": "2026-11-29T16:00:00Z",
    "http_status": 200,
    "body_sha256": "a" * 64,
    "warc_record_id": "<urn:uuid:11111111-2222-3333-4444-555555555555>",
    "warc_filename": "news-7-20261129T160000Z.warc.gz",
    "discovered_via": "rss",
}


class NewsSpider(scrapy.Spider):
    name = "news"


@pytest.fixture
def pipeline(db_path):
    crawler = get_crawler(NewsSpider, {"MODWATCH_DB": str(db_path)})
    crawler.spider = crawler._create_spider()
    pipeline = SQLitePipeline.from_crawler(crawler)
    pipeline.open_spider()
    yield pipeline
    pipeline.close_spider()


def counts(database):
    return {t: database[t].count for t in ("articles", "authors", "article_authors", "tags", "article_tags", "rejects")}


def test_article_stored_with_provenance_and_crawl_run(pipeline, db_path):
    run_id = pipeline.db.execute(
        "INSERT INTO crawl_runs (spider, started_at) VALUES ('news', '2026-11-29T16:00:00Z')"
    ).lastrowid
    pipeline.crawler.spider.crawl_run_id = run_id
    item = ArticleItem(**ARTICLE)
    assert pipeline.process_item(item) is item
    row = db.connect(db_path)["articles"].get(1)
    assert (row["url"], row["crawl_run_id"], row["warc_record_id"], row["http_status"], row["discovered_via"]) == (
        URL,
        run_id,
        "<urn:uuid:11111111-2222-3333-4444-555555555555>",
        200,
        "rss",
    )
    assert pipeline.crawler.stats.get_value("modwatch/articles") == 1


def test_storing_the_same_items_twice_changes_nothing(pipeline, db_path):
    items = [ArticleItem(**ARTICLE), RejectItem(url=URL + "x", reason="no title", excerpt="<html>")]
    for item in items:
        pipeline.process_item(item)
    first = counts(pipeline.db)
    row = dict(pipeline.db["articles"].get(1))
    pipeline.process_item(ArticleItem(**ARTICLE))
    assert (
        counts(pipeline.db)
        == first
        == {
            "articles": 1,
            "authors": 1,
            "article_authors": 1,
            "tags": 1,
            "article_tags": 1,
            "rejects": 1,
        }
    )
    again = dict(pipeline.db["articles"].get(1))
    assert {k: v for k, v in again.items() if k != "last_seen_at"} == {
        k: v for k, v in row.items() if k != "last_seen_at"
    }


def test_reject_item_becomes_a_rejects_row(pipeline):
    pipeline.process_item(
        RejectItem(
            url=URL,
            reason="no article title found",
            excerpt='<!DOCTYPE html>\n<html lang="en-US">',
            fetched_at="2026-11-29T16:01:02Z",
            warc_record_id="<urn:uuid:r>",
        )
    )
    row = pipeline.db["rejects"].get(1)
    assert row == {
        "id": 1,
        "crawl_run_id": None,
        "spider": "news",
        "url": URL,
        "reason": "no article title found",
        "excerpt": '<!DOCTYPE html>\n<html lang="en-US">',
        "fetched_at": "2026-11-29T16:01:02Z",
        "warc_record_id": "<urn:uuid:r>",
        "dataset_id": None,
        "location": None,
        "times_seen": 1,
        "last_seen_at": "2026-11-29T16:01:02Z",
        "last_crawl_run_id": None,
    }
    assert pipeline.crawler.stats.get_value("modwatch/rejects") == 1


def test_article_that_cannot_be_stored_is_kept_as_a_reject(pipeline):
    pipeline.process_item(ArticleItem(**{**ARTICLE, "url": None}))
    assert pipeline.db["articles"].count == 0
    row = pipeline.db["rejects"].get(1)
    assert row["reason"].startswith("article not stored: InvalidArticle: article needs a url and a source")
    assert row["url"] == URL  # the fetched URL
    assert json.loads(row["excerpt"])["title"] == ARTICLE["title"]
    assert pipeline.crawler.stats.get_value("modwatch/rejects") == 1


def test_article_with_a_value_sqlite_cannot_store_is_kept_as_a_reject(pipeline):
    pipeline.process_item(ArticleItem(**{**ARTICLE, "section": ["News", "Turkey"]}))
    assert pipeline.db["articles"].count == 0
    row = pipeline.db["rejects"].get(1)
    assert row["reason"].startswith("article not stored: ProgrammingError: Error binding parameter")
    assert json.loads(row["excerpt"])["section"] == ["News", "Turkey"]


class NoticeItem(scrapy.Item):
    title = scrapy.Field()


STORED = []


def store_notice(database, item, *, crawl_run_id, spider, stats=None):
    STORED.append((item, crawl_run_id, spider))


class NoticePipeline(SQLitePipeline):
    routes = {**ROUTES, NoticeItem: store_notice}


def test_other_item_classes_dispatch_to_registered_functions(db_path):
    crawler = get_crawler(NewsSpider, {"MODWATCH_DB": str(db_path)})
    crawler.spider = crawler._create_spider()
    pipeline = NoticePipeline.from_crawler(crawler)
    pipeline.open_spider()
    pipeline.process_item(NoticeItem(title="DMCA notice"))
    assert STORED == [({"title": "DMCA notice"}, None, "news")]
    with pytest.raises(TypeError, match="no store function for dict"):
        pipeline.process_item({"title": "plain dict"})
    pipeline.close_spider()


class Site:
    def __init__(self, key, name, base_url, language):
        self.key, self.name, self.base_url, self.language = key, name, base_url, language


def test_sources_come_from_the_spider_sites(db_path):
    crawler = get_crawler(NewsSpider, {"MODWATCH_DB": str(db_path)})
    crawler.spider = crawler._create_spider()
    crawler.spider.sites = [
        Site("wikimediafoundation", "Wikimedia Foundation News", "https://wikimediafoundation.org/news/", "en"),
        Site("thevietnamese", "The Vietnamese", "https://www.thevietnamese.org/", None),
    ]
    pipeline = SQLitePipeline.from_crawler(crawler)
    pipeline.open_spider()
    pipeline.process_item(ArticleItem(**ARTICLE))
    assert list(pipeline.db["sources"].rows) == [
        {
            "key": "wikimediafoundation",
            "name": "Wikimedia Foundation News",
            "base_url": "https://wikimediafoundation.org/news/",
            "language": "en",
        },
        {
            "key": "thevietnamese",
            "name": "The Vietnamese",
            "base_url": "https://www.thevietnamese.org/",
            "language": None,
        },
    ]
    pipeline.close_spider()
