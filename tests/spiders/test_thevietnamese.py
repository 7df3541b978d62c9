"""The ``thevietnamese`` spider: discovery order (WP REST -> category RSS -> sitemaps), the
article callback on a real Zox News page, and replay crawls that exercise the fallback.

thevietnamese.org itself is not in the snapshot (no network when it was built): the spider is
pointed with its arguments at the real WordPress data of the snapshot (``demo/files/``,
origins in ``demo/SOURCES.md``), as it would be at a replayed WARC of the site.
"""

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from items import ArticleItem, RejectItem
from modwatch.sites import SitesConfigError
from spiders.thevietnamese import TheVietnameseSpider

ROOT = Path(__file__).resolve().parents[2]
FILES = ROOT / "demo" / "files"
SNAPSHOT = ROOT / "demo" / "snapshot.warc.gz"
ZOX_PAGE = FILES / "kulu-media.com/meta-outage-hits-facebook-instagram-and-messenger.html"


def make_spider(**kwargs):
    crawler = get_crawler(TheVietnameseSpider)
    return TheVietnameseSpider.from_crawler(crawler, **kwargs)


def answer(request: Request, path=None, status=200, headers=None, cls=TextResponse, body=None):
    body = body if body is not None else (FILES / path).read_bytes()
    request.meta.update(
        {"warc_record_id": "<urn:uuid:1>", "warc_filename": "t.warc.gz", "fetched_at": "2026-11-29T12:00:00Z"}
    )
    response = cls(url=request.url, body=body, status=status, headers=headers or {}, request=request, encoding="utf-8")
    return list(request.callback(response, **request.cb_kwargs))


def fail(spider, request: Request, status=404):
    failure = Failure(HttpError(Response(request.url, status=status, request=request), "Ignoring non-200 response"))
    failure.request = request
    return list(spider.discovery_failed(failure))


def only_requests(results):
    return [r for r in results if isinstance(r, Request)]


def test_starts_with_the_rest_category_lookup():
    (request,) = make_spider().initial_requests()
    assert request.url == "https://www.thevietnamese.org/wp-json/wp/v2/categories?slug=internet-freedom"


def test_category_lookup_then_paged_posts():
    spider = make_spider(base_url="https://demo.worona.org", category="cities")
    (lookup,) = spider.initial_requests()
    (posts,) = only_requests(answer(lookup, "demo.worona.org/categories-list.json"))
    assert posts.url == "https://demo.worona.org/wp-json/wp/v2/posts?categories=4&_embed&per_page=100&page=1"
    results = answer(posts, "demo.worona.org/posts-from-category-7.json", headers={"X-WP-TotalPages": "3"})
    assert [r.url for r in only_requests(results)] == [
        "https://demo.worona.org/wp-json/wp/v2/posts?categories=4&_embed&per_page=100&page=2",
        "https://demo.worona.org/wp-json/wp/v2/posts?categories=4&_embed&per_page=100&page=3",
    ]
    items = [r for r in results if isinstance(r, ArticleItem)]
    assert len(items) == 5 and items[2]["title"] == "Kebumen City" and items[2]["section"] == "Cities"
    assert all(i["source"] == "thevietnamese" and i["discovered_via"] == "wp-rest" for i in items)


@pytest.mark.parametrize("how", ["404", "unknown slug", "html instead of json"])
def test_rest_failure_falls_back_to_the_category_feed(how):
    spider = make_spider()
    (lookup,) = spider.initial_requests()
    if how == "404":
        results = fail(spider, lookup)
    elif how == "unknown slug":  # WordPress answers [] for a slug it does not know
        results = answer(lookup, body=b"[]")
    else:
        results = answer(lookup, body=ZOX_PAGE.read_bytes())
    assert [r.url for r in only_requests(results)] == ["https://www.thevietnamese.org/category/internet-freedom/feed/"]


@pytest.mark.parametrize("missing", [("link",), ("link", "yoast_head_json")])
def test_rest_post_without_its_own_url_is_rejected(missing):
    """A post whose ``link`` (and Yoast canonical) is missing must not take the REST page's URL:
    two such posts would be stored under the same canonical URL, one overwriting the other."""
    spider = make_spider(base_url="https://demo.worona.org", category="cities")
    (lookup,) = spider.initial_requests()
    (posts_request,) = only_requests(answer(lookup, "demo.worona.org/categories-list.json"))
    posts = json.loads((FILES / "demo.worona.org/posts-from-category-7.json").read_bytes())
    for post in posts[:2]:
        for key in missing:
            post.pop(key, None)
        post.setdefault("yoast_head_json", {}).pop("canonical", None)
    results = answer(posts_request, body=json.dumps(posts).encode())
    items = [r for r in results if isinstance(r, ArticleItem)]
    rejects = [r for r in results if isinstance(r, RejectItem)]
    assert [r["reason"] for r in rejects] == [f"WP REST post {p['id']}: no URL of its own" for p in posts[:2]]
    assert all(r["url"] == posts_request.url and json.loads(r["excerpt"])["id"] for r in rejects)
    assert [i["url"] for i in items] == [p["link"] for p in posts[2:]]
    assert posts_request.url not in {i["url"] for i in items}


def test_category_found_but_posts_refused_falls_back():
    spider = make_spider(base_url="https://demo.worona.org", category="cities")
    (lookup,) = spider.initial_requests()
    (posts,) = only_requests(answer(lookup, "demo.worona.org/categories-list.json"))
    reject, feed = fail(spider, posts, 401)
    assert (reject["url"], reject["reason"]) == (posts.url, "wp-rest discovery request failed: HTTP 401")
    assert feed.url == "https://demo.worona.org/category/cities/feed/"


def test_sitemap_index_without_post_sitemaps_tries_the_next_sitemap():
    spider = make_spider(discovery="sitemap")
    (core,) = spider.initial_requests()
    # a real index whose children are all page/category sitemaps: the Yoast index minus its post sitemap
    body = (
        (FILES / "xn--mgbg4a8cpdl.com/sitemap_index.xml")
        .read_bytes()
        .replace(b"post-sitemap.xml", b"page2-sitemap.xml")
    )
    (yoast,) = only_requests(answer(core, body=body))
    assert yoast.url == "https://www.thevietnamese.org/sitemap_index.xml"


def test_full_fallback_order_then_exhausted():
    spider = make_spider()
    (request,) = spider.initial_requests()
    seen, rejects = [request.url], []
    while True:
        results = fail(spider, request, 403)
        rejects += [r for r in results if isinstance(r, RejectItem)]
        following = only_requests(results)
        if not following:
            break
        (request,) = following
        seen.append(request.url)
    assert seen == [
        "https://www.thevietnamese.org/wp-json/wp/v2/categories?slug=internet-freedom",
        "https://www.thevietnamese.org/category/internet-freedom/feed/",
        "https://www.thevietnamese.org/wp-sitemap.xml",
        "https://www.thevietnamese.org/sitemap_index.xml",
    ]
    assert spider.crawler.stats.get_value("modwatch/discovery_exhausted") == 1
    # one reject per refused request, then one for the site, listing every failure
    assert [(r["url"], r["reason"]) for r in rejects[:4]] == [
        (url, f"{method} discovery request failed: HTTP 403")
        for url, method in zip(seen, ["wp-rest", "rss", "sitemap", "sitemap"])
    ]
    site_reject = rejects[4]
    assert len(rejects) == 5 and site_reject["url"] == "https://www.thevietnamese.org/"
    assert site_reject["reason"] == "every discovery method failed (wp-rest, rss, sitemap, sitemap)"
    assert site_reject["excerpt"].splitlines() == [
        f"{method}: HTTP 403 for {url}" for url, method in zip(seen, ["wp-rest", "rss", "sitemap", "sitemap"])
    ]


def test_feed_links_are_filtered_to_year_month_slug_urls():
    spider = make_spider(base_url="https://wordpress.org/news/", discovery="rss", category="updates")
    (feed,) = spider.initial_requests()
    requests = only_requests(answer(feed, "wordpress.org/wordpress-org-news.xml"))
    articles = [r for r in requests if r.cb_kwargs.get("via") == "rss"]
    assert len(articles) == 10  # every post is /news/YYYY/MM/slug/
    assert articles[0].url == "https://wordpress.org/news/2020/12/introducing-learn-wordpress/"
    # next feed page (?paged=2) follows while pages have entries
    assert [r.url for r in requests if r not in articles] == [
        "https://wordpress.org/news/category/updates/feed/?paged=2"
    ]
    dh = make_spider(base_url="https://dh2020.adho.org/", discovery="rss", category="pc2020")
    (feed,) = dh.initial_requests()
    assert [
        r for r in only_requests(answer(feed, "dh2020.adho.org/category-pc2020-feed.xml")) if r.cb_kwargs.get("via")
    ] == []  # /slug/ permalinks are not /YYYY/MM/slug/


@pytest.mark.parametrize(
    "pattern, expected",
    [
        (None, 0),  # the default /YYYY/MM/slug/: the core sitemap lists /YYYY/MM/DD/slug/ posts
        (r"^/\d{4}/\d{2}/\d{2}/[^/]+/$", 5),
    ],
)
def test_sitemap_discovery(pattern, expected):
    args = {"url_pattern": pattern} if pattern else {}
    spider = make_spider(base_url="https://quirky-meitner6297.on.getshifter.io/", discovery="sitemap", **args)
    (index,) = spider.initial_requests()
    (posts_sitemap,) = only_requests(answer(index, "quirky-meitner6297.on.getshifter.io/wp-sitemap.xml"))
    assert posts_sitemap.url.endswith("/wp-sitemap-posts-post-1.xml")
    articles = only_requests(answer(posts_sitemap, "quirky-meitner6297.on.getshifter.io/wp-sitemap-posts-post-1.xml"))
    assert len(articles) == expected
    assert all(r.cb_kwargs["via"] == "sitemap" for r in articles)


def test_invalid_arguments():
    with pytest.raises(SitesConfigError, match="unknown discovery method"):
        make_spider(discovery="wp-rest,atom")


def test_zox_article_page_first_article_only():
    """A Zox News page (the theme of thevietnamese.org) appends the next articles: keep the first."""
    spider = make_spider()
    request = spider._article_request(
        spider.sites[0], "https://kulu-media.com/meta-outage-hits-facebook-instagram-and-messenger/", "sitemap"
    )
    (item,) = answer(request, body=ZOX_PAGE.read_bytes(), cls=HtmlResponse)
    assert item["title"] == "Meta Outage Hits Facebook, Instagram and Messenger Worldwide"
    assert item["published_at"].startswith("2026-06-12")
    assert item["section"] == "Tech"
    assert item["authors"] == ["Kulu Media News Desk"]
    assert item["body"].startswith(
        "A major Meta outage disrupted access to Facebook, Instagram, and Messenger on Friday"
    )
    for later_article in (
        "Artemis II Successful Return Marks Historic Crewed Lunar Flyby",
        "NASA Artemis II Launch Marks Historic Return to Deep Space Exploration",
    ):
        assert later_article not in item["body"]
    assert item["body_sha256"] == hashlib.sha256(ZOX_PAGE.read_bytes()).hexdigest()
    assert item["discovered_via"] == "sitemap" and item["language"] == "en"


# --- replay crawls (subprocess: the Twisted reactor cannot restart) -----------------------


def stored(db_path):
    with sqlite3.connect(db_path) as conn:
        articles = conn.execute(
            "select url, source, title, published_at, discovered_via from articles order by url"
        ).fetchall()
        runs = conn.execute(
            "select spider, finish_reason, items_scraped, errors, stats_json from crawl_runs"
        ).fetchall()
    return articles, runs


def test_replay_rest_pages(tmp_path, run_crawl):
    db_path = tmp_path / "modwatch.db"
    run_crawl(
        "spiders.thevietnamese:TheVietnameseSpider",
        db=db_path,
        replay=SNAPSHOT,
        spider_args={
            "base_url": "https://demo.worona.org/",
            "category": "nature",
            "category_id": "7",
            "per_page": "5",
            "source": "worona",
        },
    )
    articles, runs = stored(db_path)
    assert len(articles) == 10 and {a[4] for a in articles} == {"wp-rest"}
    assert (
        "https://demo.worona.org/machu-picchu/",
        "worona",
        "Machu Picchu",
        "2016-08-25T15:28:55Z",
        "wp-rest",
    ) in articles
    assert [(r[0], r[1], r[2], r[3]) for r in runs] == [("thevietnamese", "finished", 10, 0)]


def test_replay_falls_back_from_rest_to_the_category_feed(tmp_path, run_crawl):
    """REST is not in the archive (404): the category feed is used, its pages fetched or, when
    not archived, stored from the feed's full text."""
    db_path = tmp_path / "modwatch.db"
    run_crawl(
        "spiders.thevietnamese:TheVietnameseSpider",
        db=db_path,
        replay=SNAPSHOT,
        spider_args={
            "base_url": "https://dh2020.adho.org/",
            "category": "pc2020",
            "url_pattern": r"^/[a-z0-9-]+/$",
            "max_pages": "1",
            "source": "dh2020",
        },
    )
    articles, runs = stored(db_path)
    assert len(articles) == 10 and {a[4] for a in articles} == {"rss"}
    assert (
        "https://dh2020.adho.org/farewell-ottawa-adieu-ottawa/",
        "dh2020",
        "Farewell, Ottawa! Adieu, Ottawa!",
        "2020-06-17T13:17:54Z",
        "rss",
    ) in articles
    assert '"modwatch/discovery_failed/wp-rest": 1' in runs[0][4]
    with sqlite3.connect(db_path) as conn:  # the refused REST lookup is on record
        rejects = conn.execute("select spider, url, reason, warc_record_id from rejects").fetchall()
    assert rejects == [
        (
            "thevietnamese",
            "https://dh2020.adho.org/wp-json/wp/v2/categories?slug=pc2020",
            "wp-rest discovery request failed: HTTP 404",
            None,
        )
    ]
