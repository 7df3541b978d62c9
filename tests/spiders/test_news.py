"""The config-driven ``news`` spider: sites file validation, callbacks on real pages, feeds,
REST JSON and sitemaps, and an end-to-end replay crawl of the demo snapshot.

Real inputs: the files of the demo snapshot (``demo/files/``, origins in ``demo/SOURCES.md``).
Unit tests build Scrapy responses from those bytes; the end-to-end tests run real crawls
through ``CrawlerProcess`` in a subprocess (``python -m modwatch demo``, ``run_crawl``).
"""

import hashlib
import sqlite3
import textwrap
from pathlib import Path

import pytest
import yaml
from scrapy import Request
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.internet.error import DNSLookupError
from twisted.python.failure import Failure

from items import ArticleItem, RejectItem
from modwatch.sites import SitesConfigError, load_sites
from spiders.news import NewsSpider

ROOT = Path(__file__).resolve().parents[2]
FILES = ROOT / "demo" / "files"
DEMO_SITES = ROOT / "demo" / "discovery-sites.yaml"  # the discovery fixtures of the snapshot
SNAPSHOT = ROOT / "demo" / "snapshot.warc.gz"


# --- sites file ---------------------------------------------------------------------------


def test_shipped_sites_file_is_valid():
    sites = {s.key: s for s in load_sites(ROOT / "modwatch" / "sites.yaml")}
    assert {"thevietnamese", "luatkhoa", "advox", "eff-deeplinks", "accessnow", "netzpolitik"} <= set(sites)
    assert sites["luatkhoa"].language == "vi"
    assert sites["thevietnamese"].categories[0].slug == "internet-freedom"
    assert sites["thevietnamese"].discovery == ("wp-rest", "rss", "sitemap")


def test_select_sites_keeps_file_order():
    assert [s.key for s in load_sites(DEMO_SITES, ["kulu-media", "worona"])] == ["worona", "kulu-media"]


def write_sites(tmp_path, text) -> Path:
    path = tmp_path / "sites.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "text, message",
    [
        ("sites:\n  - key: a\n    base_url: https://a.org/\n    feed: [x]\n", r"site #1: unknown key\(s\) feed;"),
        ("sites:\n  - key: a\n    name: A\n", r"site #1: missing base_url"),
        ("sites:\n  - base_url: https://a.org/\n", "missing key"),
        ("sites:\n  - key: a\n    base_url: a.org\n", "absolute http"),
        ("sites:\n  - key: a\n    base_url: https://a.org/\n    discovery: [rest]\n", "unknown discovery method"),
        ("sites:\n  - key: a\n    base_url: https://a.org/\n    article_url_pattern: '(['\n", "not a valid regex"),
        ("sites:\n  - key: a\n    base_url: https://a.org/\n    language: vie\n", "ISO 639-1"),
        ("sites:\n  - key: a\n    base_url: https://a.org/\n    discovery: [listing]\n", "needs article_url_pattern"),
        ("sites:\n  - key: a\n    base_url: https://a.org/\n    rest_per_page: 500\n", "cannot exceed 100"),
        (
            "sites:\n  - key: a\n    base_url: https://a.org/\n  - key: a\n    base_url: https://b.org/\n",
            "duplicate site key",
        ),
        ("site:\n  - key: a\n", "'sites:' list"),
        ("sites: [\n", "not valid YAML"),
    ],
)
def test_invalid_sites_file(tmp_path, text, message):
    with pytest.raises(SitesConfigError, match=message):
        load_sites(write_sites(tmp_path, text))


def test_unknown_selected_site(tmp_path):
    with pytest.raises(SitesConfigError, match=r"no site\(s\) \['nope'\]"):
        load_sites(DEMO_SITES, ["nope"])


def test_adding_a_site_needs_no_code(tmp_path):
    path = write_sites(
        tmp_path,
        """
        sites:
          - key: example
            base_url: https://example.org
            categories: [{slug: press, id: 3}]
            tags: [censorship]
    """,
    )
    (site,) = load_sites(path)
    assert site.base_url == "https://example.org/" and site.categories[0].id == 3
    spider = make_spider(path)
    urls = [r.url for r in spider.initial_requests()]
    assert urls == ["https://example.org/wp-json/wp/v2/posts?categories=3&_embed&per_page=100&page=1"]


# --- callbacks (fake responses from the real files) -----------------------------------


def make_spider(sites_file=DEMO_SITES, sites=None):
    crawler = get_crawler(NewsSpider, {"MODWATCH_SITES_FILE": str(sites_file)})
    kwargs = {"sites": sites} if sites else {}
    return NewsSpider.from_crawler(crawler, **kwargs)


def start(spider):
    return list(spider.initial_requests())


META = {
    "warc_record_id": "<urn:uuid:0f0e0d0c-0000-4000-8000-000000000001>",
    "warc_filename": "demo.warc.gz",
    "fetched_at": "2026-11-29T12:00:00Z",
}


def response_for(request: Request, path: str, cls=HtmlResponse, status=200, headers=None):
    request.meta.update(META)
    return cls(
        url=request.url,
        body=(FILES / path).read_bytes(),
        status=status,
        headers=headers or {},
        request=request,
        encoding="utf-8",
    )


def split(results):
    items = [r for r in results if isinstance(r, (ArticleItem, RejectItem))]
    requests = [r for r in results if isinstance(r, Request)]
    return items, requests


def test_start_requests_follow_each_sites_discovery():
    spider = make_spider()
    urls = [r.url for r in start(spider)]
    assert urls == [
        "https://demo.worona.org/wp-json/wp/v2/posts?categories=7&_embed&per_page=5&page=1",
        "https://dh2020.adho.org/category/pc2020/feed/",
        "https://dh2020.adho.org/tag/peer-review/feed/",
        "https://wordpress.org/news/feed/",
        "https://99hainnguyen.github.io/doancuoiki/blog/category/tin-tuc/feed/",
        "https://xn--mgbg4a8cpdl.com/wp-sitemap.xml",
        "https://quirky-meitner6297.on.getshifter.io/wp-sitemap.xml",
        "https://kulu-media.com/meta-outage-hits-facebook-instagram-and-messenger/",
        "https://www.chron.com/news/world/article/Esper-says-US-providing-Vietnam-with-coast-guard-14848382.php",
        "https://netzpolitik.org/2016/die-cider-connection-abmahnungen-gegen-nutzer-von-creative-commons-bildern/",
        "https://wikimediafoundation.org/news/2020/01/15/access-to-wikipedia-restored-in-turkey-after-more-than-two-and-a-half-years/",
        "https://www.aclu.org/blog/privacy-technology/internet-privacy/facebook-tracking-me-even-though-im-not-facebook",
        "https://wptavern.com/stack-overflow-jobs-data-shows-reactjs-skills-in-high-demand-wordpress-market-oversaturated-with-developers",
    ]


def test_rest_page_gives_items_and_next_pages():
    spider = make_spider(sites="worona")
    (request,) = start(spider)
    response = response_for(
        request,
        "demo.worona.org/posts-from-category-7.json",
        TextResponse,
        headers={"X-WP-TotalPages": "2", "Content-Type": "application/json"},
    )
    items, requests = split(list(request.callback(response, **request.cb_kwargs)))
    assert [r.url for r in requests] == [
        "https://demo.worona.org/wp-json/wp/v2/posts?categories=7&_embed&per_page=5&page=2"
    ]
    assert [i["title"] for i in items] == [
        "Shinjuku Gyoen National Garden",
        "Antelope Canyon",
        "Kebumen City",
        "Banff National Park",
        "The Al Hajar Mountains",
    ]
    first = items[0]
    assert first["url"] == "https://demo.worona.org/shinjuku-gyoen-national-garden/"
    assert first["source"] == "worona" and first["section"] == "Nature" and first["language"] == "en"
    assert first["authors"] == ["Reyes Martinez"] and first["published_at"] == "2016-10-25T18:25:24Z"
    # provenance: the REST page that carried the post
    assert first["discovered_via"] == "wp-rest" and first["http_status"] == 200
    assert first["fetched_url"] == request.url
    assert first["body_sha256"] == hashlib.sha256(response.body).hexdigest()
    assert first["warc_record_id"] == META["warc_record_id"] and first["warc_filename"] == "demo.warc.gz"
    assert first["fetched_at"] == "2026-11-29T12:00:00Z"


def test_feed_routes_article_pages():
    spider = make_spider(sites="dh2020")
    request = start(spider)[0]
    response = response_for(request, "dh2020.adho.org/category-pc2020-feed.xml", TextResponse)
    items, requests = split(list(request.callback(response, **request.cb_kwargs)))
    assert items == []
    assert len(requests) == 10
    assert requests[1].url == "https://dh2020.adho.org/farewell-ottawa-adieu-ottawa/"
    assert requests[1].cb_kwargs["via"] == "rss"
    assert requests[1].meta["feed_entry"].title == "Farewell, Ottawa! Adieu, Ottawa!"


def http_error(request, status=404):
    response = Response(request.url, status=status, request=request)
    return Failure(HttpError(response, "Ignoring non-200 response"))


def test_article_gone_is_stored_from_the_feed_entry():
    spider = make_spider(sites="dh2020")
    request = start(spider)[0]
    feed = response_for(request, "dh2020.adho.org/category-pc2020-feed.xml", TextResponse)
    _, requests = split(list(request.callback(feed, **request.cb_kwargs)))
    article_request = requests[0]  # https://dh2020.adho.org/cartography-of-dh2020/ (not archived)
    failure = http_error(article_request)
    failure.request = article_request
    (item,) = list(spider.article_failed(failure))
    assert item["url"] == "https://dh2020.adho.org/cartography-of-dh2020/"
    assert item["title"] == "Cartography of DH2020" and item["authors"] == ["admin"]
    assert item["published_at"] == "2020-07-20T16:54:48Z"
    assert item["body"].startswith("How are the people, ideas, and methods of #DH2020 connected?")
    assert item["fetched_url"] == "https://dh2020.adho.org/category/pc2020/feed/"
    assert item["discovered_via"] == "rss"


@pytest.mark.parametrize(
    "error, reason",
    [
        (None, "article not fetched: HTTP 404"),
        (
            DNSLookupError("no results for hostname lookup: dh2020.adho.org"),
            "article not fetched: DNSLookupError: DNS lookup failed: no results for hostname lookup: dh2020.adho.org.",
        ),
    ],
)
def test_article_not_fetched_without_feed_text_is_a_reject(error, reason):
    """A listing link (no feed entry to fall back on) that answers 404 or gets no answer."""
    spider = make_spider(sites="dh2020")
    results = []
    for feed in start(spider):  # both feeds refused: the category page is listed
        failure = http_error(feed)
        failure.request = feed
        results += list(spider.discovery_failed(failure))
    _, (listing,) = split(results)
    page = response_for(listing, "dh2020.adho.org/category-pc2020.html")
    _, articles = split(list(listing.callback(page, **listing.cb_kwargs)))
    request = articles[1]  # https://dh2020.adho.org/farewell-ottawa-adieu-ottawa/
    if error is None:
        failure = http_error(request)
        failure.value.response.request.meta.update(fetched_at="2026-11-29T12:00:00Z", warc_record_id="<urn:uuid:2>")
    else:
        failure = Failure(error)
    failure.request = request
    (reject,) = list(spider.article_failed(failure))
    assert isinstance(reject, RejectItem)
    assert reject["url"] == "https://dh2020.adho.org/farewell-ottawa-adieu-ottawa/"
    assert reject["reason"] == reason
    if error is None:  # the 404 answer's provenance is kept
        assert (reject["fetched_at"], reject["warc_record_id"]) == ("2026-11-29T12:00:00Z", "<urn:uuid:2>")
    else:
        assert reject["warc_record_id"] is None and reject["excerpt"] == ""


def test_failed_method_falls_back_to_the_next():
    spider = make_spider(sites="doancuoiki")
    (feed_request,) = start(spider)
    failure = http_error(feed_request, 403)
    failure.request = feed_request
    reject, sitemap_request = list(spider.discovery_failed(failure))
    assert isinstance(reject, RejectItem) and reject["url"] == feed_request.url
    assert reject["reason"] == "rss discovery request failed: HTTP 403"
    assert sitemap_request.url == "https://99hainnguyen.github.io/doancuoiki/sitemap_index.xml"
    index = response_for(sitemap_request, "99hainnguyen.github.io/sitemap_index.xml", TextResponse)
    _, requests = split(list(sitemap_request.callback(index, **sitemap_request.cb_kwargs)))
    assert [r.url for r in requests] == ["https://99hainnguyen.github.io/doancuoiki/post-sitemap.xml"]
    urlset = response_for(requests[0], "99hainnguyen.github.io/post-sitemap.xml", TextResponse)
    _, articles = split(list(requests[0].callback(urlset, **requests[0].cb_kwargs)))
    # the /blog/ index page is not an article (article_url_pattern); the post is
    assert [r.url for r in articles] == [
        "https://99hainnguyen.github.io/doancuoiki/blog/thuc-an-cho-thu-cung-tu-tin-cham-soc-va-nuoi-duong-ban-dong-hanh-dang-yeu-cua-ban/"
    ]
    assert articles[0].cb_kwargs["via"] == "sitemap"
    assert spider.crawler.stats.get_value("modwatch/discovery_failed/rss") == 1


def test_feed_that_is_not_a_feed_falls_back_to_listing():
    spider = make_spider(sites="dh2020")
    requests = start(spider)
    html = response_for(requests[0], "dh2020.adho.org/category-pc2020.html")  # an HTML page, not RSS
    assert split(list(requests[0].callback(html, **requests[0].cb_kwargs))) == ([], [])
    failure = http_error(requests[1])
    failure.request = requests[1]
    reject, listing = list(spider.discovery_failed(failure))
    assert (reject["url"], reject["reason"]) == (requests[1].url, "rss discovery request failed: HTTP 404")
    assert listing.url == "https://dh2020.adho.org/category/pc2020/"
    page = response_for(listing, "dh2020.adho.org/category-pc2020.html")
    _, articles = split(list(listing.callback(page, **listing.cb_kwargs)))
    assert len(articles) == 10 and articles[1].url == "https://dh2020.adho.org/farewell-ottawa-adieu-ottawa/"
    assert {r.cb_kwargs["via"] for r in articles} == {"listing"}


PAGES = [
    # site key, file, title, published_at (UTC, to the minute), author, first words of the body
    (
        "kulu-media",
        "kulu-media.com/meta-outage-hits-facebook-instagram-and-messenger.html",
        "Meta Outage Hits Facebook, Instagram and Messenger Worldwide",
        "2026-06-12T15:11",
        "Kulu Media News Desk",
        "A major Meta outage disrupted access to Facebook, Instagram, and Messenger on Friday",
    ),
    (
        "netzpolitik",
        "netzpolitik.org/die-cider-connection-abmahnungen.html",
        "Die Cider Connection: Abmahnungen gegen Nutzer von Creative-Commons-Bildern",
        "2016-06-23T14:14",
        "Markus Reuter",
        "Seit Dezember 2015 verschickt eine Cider Connection zahlreiche Abmahnungen",
    ),
    (
        "wikimedia",
        "wikimediafoundation.org/access-to-wikipedia-restored-in-turkey.html",
        "Access to Wikipedia restored in Turkey after more than two and a half years",
        "2020-01-15T01:01",
        "Wikimedia Foundation",
        "Today, on Wikipedia’s 19th birthday, the Wikimedia Foundation has received reports",
    ),
    (
        "aclu",
        "www.aclu.org/facebook-tracking-me-even-though-im-not-facebook.html",
        "Facebook Is Tracking Me Even Though I’m Not on Facebook",
        "2018-04-05T06:00",
        "Daniel Kahn Gillmor",
        "I don't use Facebook. I'm not technophobic",
    ),
    (
        "wptavern",
        "wptavern.com/stack-overflow-jobs-data-shows-reactjs-skills.html",
        "Stack Overflow Jobs Data Shows ReactJS Skills in High Demand, WordPress Market Oversaturated with Developers",
        "2017-03-09T23:16",
        "Sarah Gooding",
        "Stack Overflow published its analysis of 2017 hiring trends",
    ),
]


@pytest.mark.parametrize("key, path, title, published, author, first_words", PAGES)
def test_article_page_callback(key, path, title, published, author, first_words):
    spider = make_spider(sites=key)
    (request,) = start(spider)
    response = response_for(request, path)
    (item,) = list(request.callback(response, **request.cb_kwargs))
    assert isinstance(item, ArticleItem), item
    assert item["title"] == title
    assert item["source"] == key and item["discovered_via"] == "start-url"
    assert item["published_at"].startswith(published)
    assert item["authors"] == [author]
    assert item["body"].startswith(first_words)
    assert item["http_status"] == 200 and item["body_sha256"] == hashlib.sha256(response.body).hexdigest()
    assert item["warc_record_id"] == META["warc_record_id"] and item["fetched_url"] == request.url


def test_zox_page_keeps_only_the_first_article():
    """A Zox News page appends the next articles (auto-load): only the first is the article."""
    spider = make_spider(sites="kulu-media")
    (request,) = start(spider)
    (item,) = list(request.callback(response_for(request, PAGES[0][1]), **request.cb_kwargs))
    assert item["section"] == "Tech"
    assert "Artemis II" not in item["body"] and "Artemis II" not in item["title"]


def test_page_without_date_takes_it_from_its_feed_entry():
    """The dh2020 article page shows no date or author; its feed entry has both."""
    spider = make_spider(sites="dh2020")
    feed_request = start(spider)[0]
    feed = response_for(feed_request, "dh2020.adho.org/category-pc2020-feed.xml", TextResponse)
    _, requests = split(list(feed_request.callback(feed, **feed_request.cb_kwargs)))
    page_request = requests[1]
    (item,) = list(
        page_request.callback(
            response_for(page_request, "dh2020.adho.org/post-farewell-ottawa.html"), **page_request.cb_kwargs
        )
    )
    assert item["title"] == "Farewell, Ottawa! Adieu, Ottawa!"
    assert item["published_at"] == "2020-06-17T13:17:54Z"
    assert item["published_at_raw"] == "Wed, 17 Jun 2020 13:17:54 +0000"
    assert item["authors"] == ["Jennifer Guiliano"]
    assert item["body"].startswith("On behalf of the local organizing team at Carleton University")
    assert item["fetched_url"] == "https://dh2020.adho.org/farewell-ottawa-adieu-ottawa/"


@pytest.mark.parametrize(
    "body, reason",
    [
        (b"", "not an article page: empty HTML document"),
        (b"<html><body><p>Only a paragraph, no heading and no title.</p></body></html>", "no title found"),
        (
            (FILES / "kulu-media.com/meta-outage-hits-facebook-instagram-and-messenger.html").read_bytes()[:1200],
            "no article body text found",
        ),
    ],
)
def test_unparseable_page_gives_a_reject(body, reason):
    spider = make_spider(sites="kulu-media")
    (request,) = start(spider)
    request.meta.update(META)
    response = HtmlResponse(url=request.url, body=body, request=request, encoding="utf-8")
    (item,) = list(request.callback(response, **request.cb_kwargs))
    assert isinstance(item, RejectItem)
    assert reason in item["reason"]
    assert item["excerpt"] == body.decode()[:4096]
    assert item["warc_record_id"] == META["warc_record_id"]


def test_binary_page_gives_a_reject():
    spider = make_spider(sites="kulu-media")
    (request,) = start(spider)
    response = Response(url=request.url, body=b"%PDF-1.4", headers={"Content-Type": "application/pdf"}, request=request)
    (item,) = list(request.callback(response, **request.cb_kwargs))
    assert isinstance(item, RejectItem) and "application/pdf" in item["reason"]


def test_malformed_page_is_rejected_and_the_crawl_goes_on(tmp_path, run_crawl):
    """A truncated page among good ones: a rejects row, and every good page still stored."""
    from modwatch.archive.warc import write_warc

    page = (FILES / "kulu-media.com/meta-outage-hits-facebook-instagram-and-messenger.html").read_bytes()
    html = {"Content-Type": "text/html; charset=UTF-8"}
    warc = tmp_path / "mixed.warc.gz"
    write_warc(
        warc,
        [
            ("https://kulu-media.com/truncated/", page[:1200], html),
            ("https://kulu-media.com/meta-outage-hits-facebook-instagram-and-messenger/", page, html),
            (
                "https://netzpolitik.org/2016/die-cider-connection-abmahnungen-gegen-nutzer-von-creative-commons-bildern/",
                (FILES / "netzpolitik.org/die-cider-connection-abmahnungen.html").read_bytes(),
                html,
            ),
        ],
    )
    sites = tmp_path / "sites.yaml"
    sites.write_text(
        yaml.safe_dump(
            {
                "sites": [
                    {
                        "key": "kulu-media",
                        "base_url": "https://kulu-media.com/",
                        "language": "en",
                        "discovery": [],
                        "start_urls": ["truncated/", "meta-outage-hits-facebook-instagram-and-messenger/"],
                    },
                    {
                        "key": "netzpolitik",
                        "base_url": "https://netzpolitik.org/",
                        "language": "de",
                        "discovery": [],
                        "start_urls": [
                            "2016/die-cider-connection-abmahnungen-gegen-nutzer-von-creative-commons-bildern/"
                        ],
                    },
                ]
            }
        ),
        encoding="utf-8",
    )
    db_path = tmp_path / "modwatch.db"
    run_crawl("spiders.news:NewsSpider", db=db_path, replay=warc, spider_args={"sites_file": str(sites)})
    with sqlite3.connect(db_path) as conn:
        rejects = conn.execute("select url, reason, excerpt, spider, crawl_run_id from rejects").fetchall()
        articles = conn.execute("select url from articles order by url").fetchall()
        run = conn.execute("select id, rejects, items_scraped from crawl_runs").fetchone()
    assert len(rejects) == 1
    url, reason, excerpt, spider, run_id = rejects[0]
    assert url == "https://kulu-media.com/truncated/" and "no article body text" in reason
    assert excerpt.startswith("<!DOCTYPE html>") and spider == "news" and run_id == run[0]
    assert [a[0] for a in articles] == [
        "https://kulu-media.com/meta-outage-hits-facebook-instagram-and-messenger/",
        "https://netzpolitik.org/2016/die-cider-connection-abmahnungen-gegen-nutzer-von-creative-commons-bildern/",
    ]
    assert run[1:] == (1, 3)
