"""modwatch.discovery over real WordPress REST JSON, RSS feeds, sitemaps and archive pages.

Fixtures: the real files of the demo snapshot (demo/files/, origins in demo/SOURCES.md) and
tests/fixtures/sites/ (SOURCE.md there).
"""

import gzip
from pathlib import Path

import pytest
from scrapy.http import Headers

from modwatch import discovery as d
from modwatch import feeds
from tests.helpers import PageHandler, local_server

ROOT = Path(__file__).resolve().parents[1]
FILES = ROOT / "demo" / "files"
FIXTURES = ROOT / "tests" / "fixtures" / "sites"


def read(path: str) -> bytes:
    return (FILES / path).read_bytes()


# --- WP REST ------------------------------------------------------------------------------


def test_urls():
    assert d.wp_categories_url("https://www.thevietnamese.org", "internet-freedom") == (
        "https://www.thevietnamese.org/wp-json/wp/v2/categories?slug=internet-freedom"
    )
    assert d.wp_posts_url("https://www.thevietnamese.org/", 12, page=3) == (
        "https://www.thevietnamese.org/wp-json/wp/v2/posts?categories=12&_embed&per_page=100&page=3"
    )
    assert d.wp_posts_url("https://example.org/news/", None, 1, 5) == (
        "https://example.org/news/wp-json/wp/v2/posts?_embed&per_page=5&page=1"
    )
    assert (
        feeds.wp_category_feed_url("https://dh2020.adho.org", "pc2020")
        == "https://dh2020.adho.org/category/pc2020/feed/"
    )
    assert feeds.paged_feed_url("https://dh2020.adho.org/category/pc2020/feed/", 2) == (
        "https://dh2020.adho.org/category/pc2020/feed/?paged=2"
    )
    assert feeds.paged_feed_url("https://x.org/?feed=rss2", 3) == "https://x.org/?feed=rss2&paged=3"


@pytest.mark.parametrize("slug, expected", [("cities", 4), ("architecture", 5), ("culture", 6), ("nature", None)])
def test_category_id_from_rest_list(slug, expected):
    assert d.category_id_from_rest(read("demo.worona.org/categories-list.json"), slug) == expected


@pytest.mark.parametrize(
    "body, message",
    [
        (b"<!DOCTYPE html><html><body>Not found</body></html>", "not JSON"),
        (None, "expected a JSON list"),  # a single category object, not the ?slug= list
    ],
)
def test_category_id_from_rest_errors(body, message):
    body = body if body is not None else read("demo.worona.org/category-7.json")
    with pytest.raises(d.DiscoveryError, match=message):
        d.category_id_from_rest(body, "nature")


@pytest.mark.parametrize(
    "headers, expected",
    [
        ({"X-WP-TotalPages": "2", "X-WP-Total": "10"}, 2),
        ({"x-wp-totalpages": "37"}, 37),
        ({}, 1),
        ({"X-WP-TotalPages": "many"}, 1),
    ],
)
def test_total_pages(headers, expected):
    assert d.total_pages(Headers(headers)) == expected


def test_parse_rest_posts_pages():
    page1 = d.parse_rest_posts(read("demo.worona.org/posts-from-category-7.json"))
    page2 = d.parse_rest_posts(read("demo.worona.org/posts-from-category-7-page-2.json"))
    assert [p["id"] for p in page1] == [57, 54, 42, 36, 33]
    assert [p["id"] for p in page2] == [30, 26, 23, 12, 1]


@pytest.mark.parametrize(
    "body, message",
    [
        (
            b'{"code":"rest_post_invalid_page_number","message":"The page number requested is larger than the number of pages available.","data":{"status":400}}',
            "rest_post_invalid_page_number",
        ),
        (b"<html><head><title>403 Forbidden</title></head></html>", "not JSON"),
        (b'{"id": 1}', "expected a JSON list"),
    ],
)
def test_parse_rest_posts_errors(body, message):
    with pytest.raises(d.DiscoveryError, match=message):
        d.parse_rest_posts(body)


POSTS = {
    p["id"]: p
    for f in ("posts-from-category-7.json", "posts-from-category-7-page-2.json")
    for p in d.parse_rest_posts(read(f"demo.worona.org/{f}"))
}


@pytest.mark.parametrize(
    "post_id, url, title, author, published, tags, first_sentence",
    [
        (
            30,
            "https://demo.worona.org/machu-picchu/",
            "Machu Picchu",
            "Luis Herranz",
            "2016-08-25T15:28:55Z",
            ["Inca", "Machu Picchu", "Peru"],
            "Machu Picchu is a 15th-century Inca citadel situated on a mountain ridge 2,430 metres (7,970 ft) above sea level.",
        ),
        (
            23,
            "https://demo.worona.org/switzerlands-mountains/",
            "Switzerland\u2019s Mountains",
            "Reyes Martinez",
            "2016-06-25T15:13:00Z",
            None,
            None,
        ),
        (
            1,
            "https://demo.worona.org/iceland/",
            "The Land of Fire & Ice",
            "Luis Herranz",
            "2016-03-16T13:11:06Z",
            None,
            None,
        ),
        (
            57,
            "https://demo.worona.org/shinjuku-gyoen-national-garden/",
            "Shinjuku Gyoen National Garden",
            "Reyes Martinez",
            "2016-10-25T18:25:24Z",
            None,
            None,
        ),
    ],
)
def test_article_from_wp_post(post_id, url, title, author, published, tags, first_sentence):
    article = d.article_from_wp_post(POSTS[post_id], language="en", section="Nature")
    assert article["url"] == url
    assert article["title"] == title
    assert article["authors"] == [author]
    assert article["published_at"] == published
    assert article["published_at_raw"] == published[:-1]  # WordPress "date" (site time), here UTC
    assert article["published_at_offset"] == "+00:00"
    assert article["section"] == "Nature"
    assert article["language"] == "en"
    assert article["body"] and "<" not in article["body"]
    if tags is not None:
        assert article["tags"] == tags
    if first_sentence:
        assert article["body"].startswith(first_sentence)


def test_article_from_wp_post_image_and_modified():
    article = d.article_from_wp_post(POSTS[30])
    assert article["image_url"] == "https://demo.worona.org/wp-content/uploads/2016/11/machupicchu.jpg"
    assert article["modified_at"] == "2018-01-11T09:51:58Z"
    assert article["section"] == "Architecture"  # no preferred section: the first category


def test_article_from_wp_post_offset_from_local_time():
    """WordPress gives local ``date`` and UTC ``date_gmt``: the offset is their difference.

    Real single post (no ``_embed``) of an Arabic-language WordPress site with Yoast SEO."""
    post = d._load_json((FIXTURES / "wp-v2-posts-131.json").read_bytes(), "post")
    article = d.article_from_wp_post(post, language="ar")
    assert article["title"] == "رسميا اصدار نسخه V1.1-Catalina من شرح هاكنتوش بالعربي"
    assert article["published_at"] == "2020-01-19T19:06:07Z"
    assert article["published_at_raw"] == "2020-01-19T22:06:07"
    assert article["published_at_offset"] == "+03:00"
    assert article["authors"] == ["FarisZR"]  # Yoast byline: the post has no _embedded author
    assert article["url"].startswith("https://xn--mgbg4a8cpdl.com/%d8%b1%d8%b3%d9%85%d9%8a%d8%a7-")


# --- feeds --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, url, count, first_url, title, author, published_raw, published_at",
    [
        (
            "dh2020.adho.org/category-pc2020-feed.xml",
            "https://dh2020.adho.org/category/pc2020/feed/",
            10,
            "https://dh2020.adho.org/cartography-of-dh2020/",
            "Cartography of DH2020",
            "admin",
            "Mon, 20 Jul 2020 16:54:48 +0000",
            "2020-07-20T16:54:48Z",
        ),
        (
            "dh2020.adho.org/tag-peer-review-feed.xml",
            "https://dh2020.adho.org/tag/peer-review/feed/",
            1,
            "https://dh2020.adho.org/a-note-from-the-conference-program-co-chairs-on-the-open-peer-review-process/",
            "A Note from the Conference Program Co-Chairs on the Open Peer Review Process",
            "Jennifer Guiliano",
            "Fri, 16 Aug 2019 02:22:59 +0000",
            "2019-08-16T02:22:59Z",
        ),
        (
            "wordpress.org/wordpress-org-news.xml",
            "https://wordpress.org/news/feed/",
            10,
            "https://wordpress.org/news/2020/12/introducing-learn-wordpress/",
            "Introducing Learn WordPress",
            "Hugh Lashbrooke",
            "Tue, 15 Dec 2020 13:00:00 +0000",
            "2020-12-15T13:00:00Z",
        ),
        (
            "99hainnguyen.github.io/category-tin-tuc-feed.xml",
            "https://99hainnguyen.github.io/doancuoiki/blog/category/tin-tuc/feed/",
            1,
            "https://99hainnguyen.github.io/doancuoiki/blog/thuc-an-cho-thu-cung-tu-tin-cham-soc-va-nuoi-duong-ban-dong-hanh-dang-yeu-cua-ban/",
            "Thức Ăn Cho Thú Cưng Tự Tin Chăm Sóc Và Nuôi Dưỡng Bạn Đồng Hành Đáng Yêu Của Bạn",
            "admin",
            "Sun, 09 Jul 2023 06:42:38 +0000",
            "2023-07-09T06:42:38Z",
        ),
    ],
)
def test_parse_feed(path, url, count, first_url, title, author, published_raw, published_at):
    entries = feeds.parse_feed(read(path), url)
    assert len(entries) == count
    first = entries[0]
    assert (first.url, first.title, first.authors) == (first_url, title, (author,))
    assert (first.published_raw, first.published_at) == (published_raw, published_at)
    assert first.content_html  # WordPress feeds carry content:encoded


def test_parse_feed_empty_comments_feed_is_valid():
    assert feeds.parse_feed(read("dh2020.adho.org/post-comments-feed-farewell-ottawa.xml")) == []


@pytest.mark.parametrize(
    "body",
    [
        read("dh2020.adho.org/post-farewell-ottawa.html"),
        b"",
    ],
)
def test_parse_feed_rejects_non_feeds(body):
    with pytest.raises(d.DiscoveryError, match="not an RSS/Atom feed"):
        feeds.parse_feed(body, "https://dh2020.adho.org/category/pc2020/feed/")


@pytest.mark.parametrize(
    "path, index, language, section, first_line",
    [
        (
            "dh2020.adho.org/category-pc2020-feed.xml",
            1,
            "en",
            "Local Organizing Committee",
            "On behalf of the local organizing team at Carleton University and the University of Ottawa",
        ),
        (
            "99hainnguyen.github.io/category-tin-tuc-feed.xml",
            0,
            "vi",
            "tin tức",
            "Cung cấp dinh dưỡng cần thiết: Thức ăn cho thú cưng chất lượng đảm bảo",
        ),
        (
            "wordpress.org/wordpress-org-news.xml",
            0,
            "en",
            "Updates",
            "Learn WordPress is a learning resource providing workshops, quizzes, courses, lesson plans",
        ),
    ],
)
def test_article_from_feed_entry(path, index, language, section, first_line):
    entry = feeds.parse_feed(read(path))[index]
    article = feeds.article_from_feed_entry(entry, language=language)
    assert article["url"] == entry.url and article["title"] == entry.title
    assert article["section"] == section
    assert article["body"].startswith(first_line)
    assert article["published_at_offset"] == "+00:00"
    assert article["language"] == language


def test_article_from_feed_entry_needs_full_text():
    entry = feeds.FeedEntry(url="https://x.org/a/", title="A", summary_html="<p>Short [&#8230;]</p>")
    assert feeds.article_from_feed_entry(entry) is None


# --- sitemaps -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, kind, count, first, lastmod",
    [
        (
            "quirky-meitner6297.on.getshifter.io/wp-sitemap.xml",
            "index",
            5,
            "https://quirky-meitner6297.on.getshifter.io/wp-sitemap-posts-post-1.xml",
            None,
        ),
        (
            "quirky-meitner6297.on.getshifter.io/wp-sitemap-posts-post-1.xml",
            "urlset",
            5,
            "https://quirky-meitner6297.on.getshifter.io/2020/10/03/hello-world/",
            None,
        ),
        (
            "xn--mgbg4a8cpdl.com/sitemap_index.xml",
            "index",
            2,
            "https://xn--mgbg4a8cpdl.com/post-sitemap.xml",
            "2022-10-14T00:43:14+00:00",
        ),
        (
            "xn--mgbg4a8cpdl.com/post-sitemap.xml",
            "urlset",
            99,
            "https://xn--mgbg4a8cpdl.com/blog/",
            "2022-10-14T00:43:14+00:00",
        ),
        # Rank Math writes a comment before the XML declaration
        (
            "99hainnguyen.github.io/sitemap_index.xml",
            "index",
            4,
            "https://99hainnguyen.github.io/doancuoiki/post-sitemap.xml",
            "2023-07-09T07:28:59+00:00",
        ),
        (
            "99hainnguyen.github.io/post-sitemap.xml",
            "urlset",
            2,
            "https://99hainnguyen.github.io/doancuoiki/blog/",
            None,
        ),
    ],
)
def test_parse_sitemap(path, kind, count, first, lastmod):
    sitemap = d.parse_sitemap(read(path))
    assert sitemap.kind == kind
    assert len(sitemap.entries) == count
    assert sitemap.entries[0] == d.SitemapEntry(first, lastmod)


def test_parse_sitemap_gzip():
    plain = d.parse_sitemap(read("xn--mgbg4a8cpdl.com/post-sitemap.xml"))
    assert d.parse_sitemap(gzip.compress(read("xn--mgbg4a8cpdl.com/post-sitemap.xml"))) == plain


@pytest.mark.parametrize(
    "path, expected",
    [
        (
            "quirky-meitner6297.on.getshifter.io/wp-sitemap.xml",
            ["https://quirky-meitner6297.on.getshifter.io/wp-sitemap-posts-post-1.xml"],
        ),
        ("xn--mgbg4a8cpdl.com/sitemap_index.xml", ["https://xn--mgbg4a8cpdl.com/post-sitemap.xml"]),
        ("99hainnguyen.github.io/sitemap_index.xml", ["https://99hainnguyen.github.io/doancuoiki/post-sitemap.xml"]),
    ],
)
def test_post_sitemaps(path, expected):
    assert d.post_sitemaps(d.parse_sitemap(read(path))) == expected


@pytest.mark.parametrize(
    "body, message",
    [
        (b"", "empty body"),
        (read("dh2020.adho.org/feed.xml"), "root element is <rss>"),
    ],
)
def test_parse_sitemap_errors(body, message):
    with pytest.raises(d.DiscoveryError, match=message):
        d.parse_sitemap(body)


class Counted(PageHandler):
    """Answers a DTD / entity file and counts the requests (the parser must make none)."""

    hits: list[str] = []

    def do_GET(self):
        Counted.hits.append(self.path)
        self.send(200, b'<!ENTITY remote "fetched-from-the-network">', "application/xml-dtd")


def test_parse_sitemap_expands_no_entity_and_loads_nothing(tmp_path):
    """The XML protections Scrapy's sitemap reader had: no external or internal entity expanded, no DTD
    or entity fetched from the network, no file read."""
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-FILE-CONTENT")
    real = read("quirky-meitner6297.on.getshifter.io/wp-sitemap-posts-post-1.xml")
    plain = d.parse_sitemap(real)
    body = real.split(b"?>", 1)[1]  # the urlset after the XML declaration
    with local_server(Counted) as server:
        doctype = (
            f'<?xml version="1.0"?><!DOCTYPE urlset SYSTEM "{server}/sitemap.dtd" [\n'
            f'<!ENTITY file SYSTEM "{secret.as_uri()}"><!ENTITY net SYSTEM "{server}/entity">\n'
            '<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        )
        read_with = {
            entity: d.parse_sitemap(doctype.encode() + body.replace(b"</loc>", entity + b"</loc>", 1))
            for entity in (b"&file;", b"&net;", b"&lol2;")
        }
    assert Counted.hits == []
    assert {entity: sitemap.entries == plain.entries for entity, sitemap in read_with.items()} == {
        b"&file;": True,
        b"&net;": True,
        b"&lol2;": True,
    }  # each entity reference read as nothing
    shown = repr(list(read_with.values()))
    assert "SECRET" not in shown and "lollol" not in shown and "fetched" not in shown


def test_parse_sitemap_refuses_a_plain_body_past_the_protocol_limit():
    real = read("quirky-meitner6297.on.getshifter.io/wp-sitemap-posts-post-1.xml")
    padded = real + b" " * (d.MAX_SITEMAP_BYTES - len(real))
    assert len(d.parse_sitemap(padded).entries) == 5  # at the limit: read
    with pytest.raises(
        d.SitemapTooLarge,
        match=rf"{d.MAX_SITEMAP_BYTES + 1} bytes, past the sitemap protocol's "
        rf"limit of {d.MAX_SITEMAP_BYTES}",
    ):
        d.parse_sitemap(padded + b" ")


# --- URL patterns and listings ------------------------------------------------------------


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://www.thevietnamese.org/2021/06/vietnam-social-media-code-of-conduct/", True),
        ("https://www.thevietnamese.org/2021/06/vietnam-social-media-code-of-conduct", True),
        ("https://www.thevietnamese.org/category/internet-freedom/", False),
        ("https://www.thevietnamese.org/2021/06/", False),
        ("https://quirky-meitner6297.on.getshifter.io/2020/10/03/hello-world/", False),  # /YYYY/MM/DD/slug/
        ("https://www.thevietnamese.org/wp-content/uploads/2021/06/photo.jpg", False),
    ],
)
def test_is_article_url_year_month_slug(url, expected):
    assert d.is_article_url(url, "^" + d.YEAR_MONTH_SLUG) is expected


def test_listing_links_take_post_headlines_only():
    links = d.listing_links(
        read("dh2020.adho.org/category-pc2020.html").decode(),
        "https://dh2020.adho.org/category/pc2020/",
        r"^/[a-z0-9-]+/$",
    )
    assert len(links) == 10
    assert links[:2] == [
        "https://dh2020.adho.org/cartography-of-dh2020/",
        "https://dh2020.adho.org/farewell-ottawa-adieu-ottawa/",
    ]
    assert "https://dh2020.adho.org/code-of-conduct/" not in links  # menu link


# --- feed dates feedparser cannot read --------------------------------------------------------

VI_FEED = "99hainnguyen.github.io/category-tin-tuc-feed.xml"  # a real Vietnamese WordPress feed, <language>vi
VI_PUBDATE = b"<pubDate>Sun, 09 Jul 2023 06:42:38 +0000</pubDate>"


def vi_feed_with_pubdate(pubdate: str) -> bytes:
    """The real feed with its first item's RFC 822 pubDate replaced by ``pubdate`` (the only change: Vietnamese
    sites write dates this way; the feed itself is unchanged otherwise)."""
    data = read(VI_FEED)
    assert data.count(VI_PUBDATE) == 1
    return data.replace(VI_PUBDATE, f"<pubDate>{pubdate}</pubDate>".encode())


@pytest.mark.parametrize(
    "pubdate, language, published_at, offset, precision",
    [
        # feedparser gives no parsed date for these; the feed's <language>vi</language> makes 09/07 the 9th of July
        ("Chủ Nhật, 09/07/2023 13:42", None, "2023-07-09T13:42:00", None, "minute"),  # no zone: none invented
        ("09/07/2023 13:42 (GMT+7)", None, "2023-07-09T06:42:00Z", "+07:00", "minute"),
        # feedparser reads this one as 2023-11-01: slash-separated dates are always re-parsed
        ("2023/07/09 13:42:38", None, "2023-07-09T13:42:38", None, "second"),
        # the site's language, when given, decides: en-US writes month first (9 July -> September 7)
        ("09/07/2023 13:42", "en-US", "2023-09-07T13:42:00", None, "minute"),
        # an RFC 822 date is feedparser's to read
        ("Sun, 09 Jul 2023 13:42:38 +0700", None, "2023-07-09T06:42:38Z", "+07:00", "second"),
    ],
)
def test_feed_dates_feedparser_cannot_read(pubdate, language, published_at, offset, precision):
    entry = feeds.parse_feed(
        vi_feed_with_pubdate(pubdate),
        "https://99hainnguyen.github.io/doancuoiki/blog/category/tin-tuc/feed/",
        language=language,
    )[0]
    assert (entry.published_raw, entry.published_at, entry.published_offset, entry.published_precision) == (
        pubdate,
        published_at,
        offset,
        precision,
    )
    meta = feeds.feed_entry_metadata(entry)
    assert (
        meta["published_at"],
        meta["published_at_raw"],
        meta["published_at_offset"],
        meta["published_at_precision"],
    ) == (published_at, pubdate, offset, precision)


def test_unreadable_feed_date_gives_no_date_but_keeps_the_string():
    entry = feeds.parse_feed(vi_feed_with_pubdate("không rõ"))[0]
    assert (entry.published_raw, entry.published_at) == ("không rõ", None)
    assert feeds.feed_entry_metadata(entry)["published_at_raw"] is None
