"""The parts of distributed mode one by one: seeds, item encoding, scheduler, coordinator, settings.

Redis is the real server of ``conftest.py``; spiders read the demo sites file (real sites).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy.utils.test import get_crawler

from distributed import coordinator
from distributed.pipeline import decode_item, encode_item
from distributed.scheduler import Scheduler
from distributed.spider import SeedError, decode_seed
from distributed.spiders import NewsSpider
from distributed.worker import redis_time
from distributed.writer import merge_worker_stats, unreadable_reject
from items import ArticleItem, RejectItem
from modwatch.sites import load_sites

ROOT = Path(__file__).resolve().parents[2]
DEMO_SITES = ROOT / "demo" / "discovery-sites.yaml"  # the discovery fixtures of the demo snapshot


# --- seeds -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, seed",
    [
        (b"https://dh2020.adho.org/farewell-ottawa/", {"url": "https://dh2020.adho.org/farewell-ottawa/"}),
        (b'{"url": "https://a.org/x", "meta": {"k": 1}}', {"url": "https://a.org/x", "meta": {"k": 1}}),
        ('{"site": "dh2020"}', {"site": "dh2020"}),
    ],
)
def test_decode_seed(value, seed):
    assert decode_seed(value) == seed


@pytest.mark.parametrize(
    "value, message",
    [
        (b"dh2020", "neither a URL nor JSON"),
        (b'["https://a.org/"]', 'needs a "url" or a "site"'),
        (b'{"site": 7}', 'needs a "url" or a "site"'),
    ],
)
def test_bad_seed(value, message):
    with pytest.raises(SeedError, match=message):
        decode_seed(value)


def news_spider(redis_url, **settings):
    crawler = get_crawler(
        NewsSpider,
        {
            "REDIS_URL": redis_url,
            "MODWATCH_SITES_FILE": str(DEMO_SITES),
            "SCHEDULER_PERSIST": True,
            "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
            **settings,
        },
    )
    crawler.spider = NewsSpider.from_crawler(crawler)
    return crawler, crawler.spider


def test_site_seed_runs_that_sites_discovery_locally(redis_url, server):
    _, spider = news_spider(redis_url)
    dh2020 = spider.requests_from_seed({"site": "dh2020"})
    # demo/discovery-sites.yaml: dh2020 discovers by rss first: its category and tag feeds
    assert [r.url for r in dh2020] == [
        "https://dh2020.adho.org/category/pc2020/feed/",
        "https://dh2020.adho.org/tag/peer-review/feed/",
    ]
    assert all(spider.keep_local(r) for r in dh2020)
    worona = spider.requests_from_seed({"site": "worona"})
    assert [r.url for r in worona] == [
        "https://demo.worona.org/wp-json/wp/v2/posts?categories=7&_embed&per_page=5&page=1"
    ]
    # the second site's seed kept the first site's discovery state
    assert set(spider._states) == {"dh2020", "worona"} and spider._states["dh2020"].pending == 2
    article = spider.requests_from_seed({"url": "https://dh2020.adho.org/farewell-ottawa/"})
    assert [(r.url, r.cb_kwargs["via"]) for r in article] == [("https://dh2020.adho.org/farewell-ottawa/", "start-url")]
    assert not spider.keep_local(article[0])


@pytest.mark.parametrize(
    "seed, message",
    [
        ({"site": "nope"}, "site 'nope' is not one of news's sites"),
        ({"url": "https://elsewhere.example/a"}, "belongs to none of news's sites"),
    ],
)
def test_seed_outside_the_sites_file(redis_url, server, seed, message):
    _, spider = news_spider(redis_url)
    with pytest.raises(SeedError, match=message):
        spider.requests_from_seed(seed)


def test_start_claims_one_seed_and_skips_bad_ones(redis_url, server):
    server.rpush("news:start_urls", b"not a seed", json.dumps({"site": "worona"}), json.dumps({"site": "dh2020"}))
    crawler, spider = news_spider(redis_url)
    requests = list(spider.next_requests())  # batch of 1: the bad seed is skipped, nothing else claimed
    assert requests == [] and crawler.stats.get_value("distributed/bad_seeds") == 1
    requests = list(spider.next_requests())
    assert [r.cb_kwargs["site"].key for r in requests] == ["worona"]
    assert server.lrange("news:start_urls", 0, -1) == [b'{"site": "dh2020"}']


# --- scheduler -------------------------------------------------------------------------------


def test_scheduler_keeps_discovery_local_and_shares_article_pages(redis_url, server):
    crawler, spider = news_spider(redis_url)
    scheduler = Scheduler.from_crawler(crawler)
    scheduler.open(spider)
    feeds = spider.requests_from_seed({"site": "dh2020"})
    (article,) = spider.requests_from_seed({"url": "https://dh2020.adho.org/farewell-ottawa/"})
    for request in [*feeds, article]:
        assert scheduler.enqueue_request(request)
    assert not scheduler.enqueue_request(article.replace(dont_filter=False))  # same fingerprint: filtered
    assert len(scheduler.local) == 2 and server.zcard("news:requests") == 1 and len(scheduler) == 3
    assert [scheduler.next_request().url for _ in range(3)] == [r.url for r in [*feeds, article]]
    assert scheduler.next_request() is None and not scheduler.has_pending_requests()
    scheduler.close("finished")
    assert server.scard("news:dupefilter") == 1  # persistent: only the coordinator clears it


# --- items through Redis ----------------------------------------------------------------------


def test_items_round_trip():
    article = ArticleItem(
        url="https://luatkhoa.com/2021/06/a/",
        source="luatkhoa",
        title="Kiểm duyệt đường",
        authors=["Nguyễn A"],
        http_status=200,
        tags=[],
    )
    reject = RejectItem(url="https://a.org/x", reason="no title found", excerpt="<html>")
    for item in (article, reject):
        again = decode_item(encode_item(item).encode("utf-8"))
        assert type(again) is type(item) and dict(again) == dict(item)
    assert '"Kiểm duyệt đường"' in encode_item(article)  # UTF-8, not \\u escapes


@pytest.mark.parametrize(
    "value, error, reason",
    [
        (b"not json", ValueError, "JSONDecodeError: Expecting value: line 1 column 1 (char 0)"),
        (b'{"item": {}}', ValueError, 'ValueError: not a modwatch item: expected {"class": ..., "item": {...}}'),
        (
            b'{"class": "items.Nope", "item": {}}',
            NameError,
            "NameError: Module 'items' doesn't define any object named 'Nope'",
        ),
        (
            b'{"class": "items.ArticleItem", "item": {"colour": "red"}}',
            KeyError,
            "KeyError: 'ArticleItem does not support field: colour'",
        ),
    ],
)
def test_unreadable_values_become_rejects(value, error, reason):
    with pytest.raises(error) as caught:
        decode_item(value)
    reject = unreadable_reject(value, caught.value)
    assert reject["reason"] == f"distributed writer: item not readable: {reason}"
    assert reject["excerpt"] == value.decode()


def test_merge_worker_stats():
    crawler = get_crawler()
    stats = crawler.stats
    stats.set_value("item_scraped_count", 5)
    reports = [
        {
            "worker": "b:2",
            "stats": {
                "downloader/request_count": 7,
                "log_count/ERROR": 1,
                "item_scraped_count": 4,
                "start_time": "2026-11-29 17:00:00",
                "warc/filename": "news-b-2-x.warc.gz",
            },
        },
        {
            "worker": "a:1",
            "stats": {"downloader/request_count": 3, "item_scraped_count": 1, "warc/filename": "news-a-1-x.warc.gz"},
        },
    ]
    merge_worker_stats(stats, reports)
    assert stats.get_value("downloader/request_count") == 10
    assert stats.get_value("log_count/ERROR") == 1
    assert stats.get_value("item_scraped_count") == 5  # the writer's own: items stored
    assert stats.get_value("workers/item_scraped_count") == 5
    assert stats.get_value("distributed/workers") == ["a:1", "b:2"]
    assert stats.get_value("warc/filename") == "news-b-2-x.warc.gz:news-a-1-x.warc.gz"


# --- coordinator -----------------------------------------------------------------------------


def test_seed_every_site_and_describe_them(server):
    sites = load_sites(DEMO_SITES)
    assert (
        coordinator.seed(server, "news", sites=sites, urls=["https://wordpress.org/news/2024/01/x/"]) == len(sites) + 1
    )
    seeds = [json.loads(v) for v in server.lrange("news:start_urls", 0, -1)]
    assert seeds[0] == {"site": "worona"} and seeds[-1] == {"url": "https://wordpress.org/news/2024/01/x/"}
    assert json.loads(server.hget("news:sites", "doancuoiki")) == {
        "name": "Đồ Án Cuối Kì",
        "base_url": "https://99hainnguyen.github.io/doancuoiki/",
        "language": "vi",
    }


def test_clear_refuses_while_a_worker_is_alive(server):
    server.zadd("news:workers", {"vm:1": redis_time(server)})
    server.zadd("news:workers", {"vm:2": redis_time(server) - 600})  # dead: no heartbeat for 10 minutes
    server.sadd("news:dupefilter", "fp")
    assert coordinator.live_workers(server, "news") == ["vm:1"]
    with pytest.raises(coordinator.Busy, match=r"1 worker\(s\) of news still alive \(vm:1\)"):
        coordinator.clear(server, "news")
    server.zrem("news:workers", "vm:1")
    assert coordinator.clear(server, "news")["news:dupefilter"] == 1
    assert coordinator.status(server, "news") == {
        "seeds": 0,
        "requests": 0,
        "seen": 0,
        "items": 0,
        "writing": 0,
        "workers": [],
        "finished_workers": 0,
    }


# --- settings overlay -------------------------------------------------------------------------


def test_settings_overlay_divides_politeness_and_splits_pipelines():
    code = (
        "import json, settings_redis as s; print(json.dumps([s.DOWNLOAD_DELAY, s.AUTOTHROTTLE_START_DELAY,"
        " s.AUTOTHROTTLE_TARGET_CONCURRENCY, s.ITEM_PIPELINES, s.MODWATCH_WRITER_PIPELINES, s.SCHEDULER_PERSIST,"
        " s.EXTENSIONS['extensions.crawlrun.CrawlRunExtension']]))"
    )
    env = {**os.environ, "MODWATCH_WORKERS": "4", "MODWATCH_REPLAY": ""}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    delay, start_delay, target, worker_pipelines, writer_pipelines, persist, crawlrun = json.loads(out.stdout)
    import settings

    assert delay == settings.DOWNLOAD_DELAY * 4 and start_delay == settings.AUTOTHROTTLE_START_DELAY * 4
    assert target == settings.AUTOTHROTTLE_TARGET_CONCURRENCY / 4
    assert "pipelines.store.SQLitePipeline" not in worker_pipelines
    assert worker_pipelines["distributed.pipeline.RedisItemPipeline"] == 800
    assert writer_pipelines["pipelines.store.SQLitePipeline"] == 800
    assert persist is True and crawlrun is None
