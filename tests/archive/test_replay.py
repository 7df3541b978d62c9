"""WarcReplayMiddleware / WarcIndex: answers from the archive, canonical URLs, last record wins, 404."""

import gzip

import pytest
import scrapy
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Request, TextResponse
from scrapy.utils.test import get_crawler

from middlewares.replay import ReplayArchiveError, WarcIndex, WarcReplayMiddleware, replay_key
from modwatch.archive.warc import write_warc
from tests.helpers import VI_FEED, WIKIMEDIA_PAGE

PAGE = WIKIMEDIA_PAGE.read_bytes()
FEED = VI_FEED.read_bytes()
URL = "https://wikimediafoundation.org/news/2020/01/15/access-to-wikipedia-restored-in-turkey-after-more-than-two-and-a-half-years/"
FEED_URL = "https://99hainnguyen.github.io/doancuoiki/blog/category/tin-tuc/feed/"
REST_URL = "https://demo.worona.org/wp-json/wp/v2/posts?categories=7&_embed&page=1"


@pytest.fixture
def archive(tmp_path):
    """A WARC of real pages; REST_URL archived twice (500 first, then 200: the last wins)."""
    path = tmp_path / "snapshot.warc.gz"
    ids = write_warc(
        path,
        [
            (URL, PAGE, {"Content-Type": "text/html; charset=UTF-8"}),
            (
                FEED_URL,
                gzip.compress(FEED),
                {"Content-Type": "application/rss+xml; charset=UTF-8", "Content-Encoding": "gzip"},
            ),
            (REST_URL, b"<h1>Error</h1>", {"Content-Type": "text/html"}, 500),
            (REST_URL, b"[]", {"Content-Type": "application/json", "X-WP-TotalPages": "2"}),
        ],
    )
    return path, ids


class NewsSpider(scrapy.Spider):
    name = "news"


@pytest.fixture
def middleware(archive):
    crawler = get_crawler(NewsSpider, {"MODWATCH_REPLAY": f"{archive[0]}"})
    crawler.spider = crawler._create_spider()
    middleware = WarcReplayMiddleware.from_crawler(crawler)
    middleware.spider_opened(crawler.spider)
    return middleware


def test_archived_page_answers_with_status_headers_body_and_provenance(middleware, archive):
    request = Request(URL)
    response = middleware.process_request(request)
    assert isinstance(response, HtmlResponse)
    assert (response.status, response.body, response.url) == (200, PAGE, URL)
    assert response.headers["Content-Type"] == b"text/html; charset=UTF-8"
    assert response.css("title::text").get().startswith("Access to Wikipedia restored in Turkey")
    assert request.meta["warc_record_id"] == archive[1][0]
    assert request.meta["warc_filename"] == "snapshot.warc.gz"
    assert request.meta["warc_replayed"] is True
    assert request.meta["dont_cache"] is True
    assert len(request.meta["fetched_at"]) == 20 and request.meta["fetched_at"].endswith("Z")


def test_gzip_payload_is_decoded_and_its_header_dropped(middleware):
    response = middleware.process_request(Request(FEED_URL))
    assert response.body == FEED
    assert b"Content-Encoding" not in response.headers
    assert "<title>Thức Ăn Cho Thú Cưng" in response.text


def test_last_record_for_a_url_wins_and_urls_match_canonically(middleware, archive):
    reordered = "https://demo.worona.org/wp-json/wp/v2/posts?page=1&_embed=&categories=7#comments"
    response = middleware.process_request(Request(reordered))
    assert (response.status, response.body, response.headers["X-WP-TotalPages"]) == (200, b"[]", b"2")
    assert isinstance(response, TextResponse)
    assert response.meta["warc_record_id"] == archive[1][3]


def test_unknown_url_gets_404_counted_in_stats(middleware):
    request = Request("https://wikimediafoundation.org/news/not-archived/")
    response = middleware.process_request(request)
    assert (response.status, response.text) == (404, "")
    assert "warc_record_id" not in request.meta
    middleware.process_request(Request(URL))
    stats = middleware.crawler.stats
    assert [stats.get_value(k) for k in ("replay/requests", "replay/hit", "replay/miss", "replay/records")] == [
        2,
        1,
        1,
        4,
    ]


def test_token_parameters_are_ignored_when_matching(tmp_path):
    path = tmp_path / "lumen.warc.gz"
    write_warc(path, [("https://lumendatabase.org/notices/search.json?term=x&token=secret", b"{}", {})])
    index = WarcIndex([path])
    assert "https://lumendatabase.org/notices/search.json?token=other&term=x" in index
    assert index.get("https://lumendatabase.org/notices/search.json?term=x").url == (
        "https://lumendatabase.org/notices/search.json?term=x"
    )


def test_several_files_are_indexed(tmp_path, archive):
    extra = tmp_path / "extra.warc.gz"
    write_warc(extra, [(URL, b"<title>newer</title>", {"Content-Type": "text/html"})])
    index = WarcIndex([archive[0], extra])
    assert len(index) == 3
    assert index.get(URL).body == b"<title>newer</title>"
    assert index.get(URL).filename == "extra.warc.gz"


def test_not_configured_without_replay_setting():
    with pytest.raises(NotConfigured):
        WarcReplayMiddleware.from_crawler(get_crawler(NewsSpider, {"MODWATCH_REPLAY": ""}))


def test_missing_warc_file_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.warc.gz"):
        WarcIndex([tmp_path / "nope.warc.gz"])


def test_replay_key_drops_fragment_and_sorts_query():
    assert replay_key("https://x.org/a?b=2&a=1#frag") == replay_key("https://x.org/a?a=1&b=2")


def test_a_file_that_is_not_a_warc_is_a_clear_error(tmp_path):
    page = tmp_path / "page.html"
    page.write_bytes(PAGE)
    with pytest.raises(ReplayArchiveError, match=r"page\.html: not a readable WARC file"):
        WarcIndex([page])


# --- ReplayAddon: the settings of a replay run, however MODWATCH_REPLAY is set -------------

LIVE = {"DOWNLOAD_DELAY": 1.0, "AUTOTHROTTLE_ENABLED": True, "ROBOTSTXT_OBEY": True, "HTTPCACHE_ENABLED": True}
REPLAY = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "ROBOTSTXT_OBEY": False, "HTTPCACHE_ENABLED": False}


def crawler_settings(spider_ref, **cmdline):
    """The settings a crawl of ``spider_ref`` runs with: settings.py (environment without
    ``MODWATCH_REPLAY``), the spider's ``custom_settings``, ``-s`` options, then the add-ons."""
    from scrapy.crawler import Crawler
    from scrapy.utils.misc import load_object
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    assert settings["MODWATCH_REPLAY"] == "", "run the tests without MODWATCH_REPLAY in the environment"
    settings.setdict(cmdline, priority="cmdline")
    crawler = Crawler(load_object(spider_ref), settings)  # applies the spider's custom_settings
    crawler.addons.load_settings(crawler.settings)  # what Crawler._apply_settings does first
    return crawler.settings


def picked(settings, names):
    return {
        name: type(value)(settings.get(name)) if not isinstance(value, bool) else settings.getbool(name)
        for name, value in names.items()
    }


@pytest.mark.parametrize(
    "spider_ref, live, concurrency",
    [
        ("spiders.news.NewsSpider", LIVE, 8),
        # the Lumen spider's own politeness (1.5 s, AutoThrottle, robots off) is lifted too; one page at a time stays
        (
            "spiders.lumen.LumenSpider",
            {**LIVE, "DOWNLOAD_DELAY": 1.5, "ROBOTSTXT_OBEY": False, "HTTPCACHE_ENABLED": False},
            1,
        ),
    ],
)
def test_replay_set_with_dash_s_turns_off_politeness_and_cache(spider_ref, live, concurrency, archive):
    assert picked(crawler_settings(spider_ref), live) == live
    settings = crawler_settings(spider_ref, MODWATCH_REPLAY=str(archive[0]))
    assert picked(settings, REPLAY) == REPLAY
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == concurrency


def test_dash_s_options_still_win_over_the_replay_settings(archive):
    settings = crawler_settings("spiders.news.NewsSpider", MODWATCH_REPLAY=str(archive[0]), DOWNLOAD_DELAY=3)
    assert settings.getfloat("DOWNLOAD_DELAY") == 3 and not settings.getbool("ROBOTSTXT_OBEY")


def test_replay_set_with_dash_s_crawls_offline(archive, tmp_path, run_crawl):
    """End to end: the environment has no replay, ``-s MODWATCH_REPLAY`` alone replays the archive
    without asking for robots.txt (whose 404 would be a replay miss)."""
    import json
    import sqlite3

    db_path = tmp_path / "modwatch.db"
    run_crawl(
        "tests/archive/archive_spiders.py:PageSpider",
        db=db_path,
        settings={"MODWATCH_REPLAY": str(archive[0])},
        spider_args={"urls": URL},
    )
    with sqlite3.connect(db_path) as conn:
        ((replay_source, stats),) = conn.execute("select replay_source, stats_json from crawl_runs").fetchall()
        titles = [r[0] for r in conn.execute("select title from articles")]
    stats = json.loads(stats)
    assert replay_source == str(archive[0])
    assert (stats["replay/requests"], stats["replay/hit"], stats.get("replay/miss", 0)) == (1, 1, 0)
    assert titles and "Turkey" in titles[0]
