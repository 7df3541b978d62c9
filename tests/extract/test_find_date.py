"""find_publication_date / find_modified_date on real pages (tests/fixtures/dates/, see SOURCE.md) and on page
snippets built from the real Vietnamese date strings of issue 4."""

import gzip
from datetime import datetime, timezone
from pathlib import Path

import pytest
from lxml import etree

from modwatch.extract.dates import ParsedDate, find_modified_date, find_publication_date
from modwatch.extract.dates.find import url_date

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "dates"


def page(name: str) -> bytes:
    return gzip.decompress((FIXTURES / f"{name}.gz").read_bytes())


@pytest.mark.parametrize(
    ("name", "url", "expected"),
    [
        # Open Graph article:published_time, UTC
        ("utopia.de-Werbung.html",
         "https://utopia.de/news/was-haben-bhs-mit-eisbergen-zu-tun-kim-kardashian-polarisiert-mit-werbung-nippel/",
         ParsedDate("2023-11-06T14:25:00Z", "2023-11-06T14:25:00+00:00", "+00:00", "second",
                    "meta:article:published_time")),
        # a UTC time just after midnight: the page's own day (/2023/11/08/ in the URL) is kept beside it
        ("denverpost.com-Colorado.html",
         "https://www.denverpost.com/2023/11/08/colorado-high-school-football-playoffs-second-weekend-2023/",
         ParsedDate("2023-11-09T01:09:55Z", "2023-11-09T01:09:55+00:00", "+00:00", "second",
                    "meta:article:published_time", day="2023-11-08")),
        # Blogger's hAtom <abbr class="published" title="...">
        ("blog.python.org.html", "http://blog.python.org/2016/12/python-360-is-now-available.html",
         ParsedDate("2016-12-23T10:11:00Z", "2016-12-23T05:11:00-05:00", "-05:00", "second", "abbr.published")),
        # a generic <meta name="date"> (2020-04-29) yields to the article header's "Stand: 28.04.2020 18:00 Uhr"
        ("tagesschau.de.rheinmetall.html", "https://www.tagesschau.de/investigativ/ndr/rheinmetall-datenleck-101.html",
         ParsedDate("2020-04-28T18:00:00", "Stand: 28.04.2020 18:00 Uhr", None, "minute", "text:stand text meldungHead")),
        # itemprop="datePublished" on a list item; the comments' <time datetime> are skipped
        ("0b66696af800472190a76b26faa845d4.html",
         "https://jungefreiheit.de/debatte/kommentar/2019/kaisers-royaler-wochenrueckblick-31/",
         ParsedDate("2019-10-19", "19. Oktober 2019", None, "day", "itemprop:datepublished:text")),
        # a press release's dateline opening the first paragraph
        ("arbeitsagentur.de-arbeitsmarkt.html", "https://www.arbeitsagentur.de/news/arbeitsmarkt-2022",
         ParsedDate("2022-02-01", "01.02.2022 „Der Arbeitsmarkt ist gut in", None, "day", "text:  ba-copytext")),
    ],
)
def test_real_pages(name, url, expected):
    assert find_publication_date(page(name), url) == expected


def test_comment_dates_are_not_the_article_date():
    html = page("der-erfolg-gibt-recht.de.rinderleber.html")  # Latin-1 bytes: decoded by the declared charset
    url = "http://www.der-erfolg-gibt-recht.de/rezepte/rinderleber-geschnetzeltes-mit-apfel-und-zwiebel.htm"
    found = find_publication_date(html, url)
    # the post says "8. Dezember 2010 um 09:43"; its first comment "8. Dezember 2010 um 10:56"
    assert (found.utc_iso, found.precision, found.offset) == ("2010-12-08T09:43:00", "minute", None)
    assert found.raw.startswith("8. Dezember 2010 um 09:43")
    # without the post's own dateline only comment dates remain: no date, not a comment's
    tree = etree.fromstring(html, etree.HTMLParser())
    for element in tree.xpath("//p[@class='postmetadata']"):
        element.getparent().remove(element)
    comment_dates = [" ".join(t.split()) for t in tree.xpath("//*[@class='commentmetadata']/text()")]
    assert comment_dates[:2] == ["8. Dezember 2010 um 10:56", "16. März 2011 um 12:22"]
    assert find_publication_date(tree, url) is None


def test_page_without_any_date():
    assert find_publication_date(page("1564637733.html"), "https://www.google.com/imgres?imgurl=x") is None


def test_modified_date():
    url = "https://utopia.de/news/was-haben-bhs-mit-eisbergen-zu-tun-kim-kardashian-polarisiert-mit-werbung-nippel/"
    assert find_modified_date(page("utopia.de-Werbung.html"), url) == ParsedDate(
        "2023-11-06T14:26:51Z", "2023-11-06T14:26:51+00:00", "+00:00", "second", "meta:article:modified_time")


def test_lxml_tree_input_gives_the_same_date():
    html = page("blog.python.org.html")
    tree = etree.fromstring(html, etree.HTMLParser())
    assert find_publication_date(tree) == find_publication_date(html)


# --- page snippets with the real Vietnamese strings ------------------------------------------------------

VI_ARTICLE = """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Tin tức</title>
<script>var serverTime = "2024-01-05T08:00:00+07:00";</script></head><body>
<header class="site-header"><nav><a href="/">Trang chủ</a></nav></header>
<article><h1>Tiêu đề bài viết</h1>
<div class="article-meta"><span class="author">Phóng viên</span> <span class="date">{dateline}</span></div>
<p>Nội dung bài viết dài hơn một chút để làm đoạn văn chính của trang, không có ngày tháng nào trong đó cả,
chỉ có chữ và chữ mà thôi, đủ dài để là một đoạn văn thật sự của bài báo.</p>
<div class="comments"><div class="comment"><span class="comment-date">Ngày đăng: 25/06/2021</span>
<p>Bình luận của bạn đọc.</p></div></div></article>
<aside class="sidebar"><ul class="latest-news"><li><span class="date">Thứ Hai, 17/06/2021</span></li>
<li><span class="date">Thứ Ba, 18/06/2021</span></li></ul></aside>
<footer class="site-footer"><p>© 2023 Báo Điện Tử. Cập nhật: 16/04/2019</p></footer></body></html>"""


@pytest.mark.parametrize(
    ("dateline", "expected"),
    [
        ("Thứ Năm, 17/06/2021 10:00 (GMT+7)",
         ParsedDate("2021-06-17T03:00:00Z", "Thứ Năm, 17/06/2021 10:00 (GMT+7)", "+07:00", "minute")),
        ("Ngày 17 tháng 6 năm 2021", ParsedDate("2021-06-17", "Ngày 17 tháng 6 năm 2021", None, "day")),
        ("05/08/2018", ParsedDate("2018-08-05", "05/08/2018", None, "day")),  # day first on a Vietnamese page
        # only an "updated" date in the article header: it stands in for the publication date
        ("Cập nhật: 16/04/2019", ParsedDate("2019-04-16", "Cập nhật: 16/04/2019", None, "day")),
        ("24/03/2020 14:01 | 4 năm trước",
         ParsedDate("2020-03-24T14:01:00", "24/03/2020 14:01 | 4 năm trước", None, "minute")),
    ],
)
def test_vietnamese_dateline(dateline, expected):
    found = find_publication_date(VI_ARTICLE.format(dateline=dateline))
    assert (found.utc_iso, found.raw, found.offset, found.precision) == (
        expected.utc_iso, expected.raw, expected.offset, expected.precision)


def test_relative_dateline_uses_fetch_time():
    html = VI_ARTICLE.format(dateline="2 giờ trước")
    fetched_at = datetime(2026, 6, 12, 10, 0, tzinfo=timezone.utc)
    found = find_publication_date(html, fetched_at=fetched_at)
    assert (found.utc_iso, found.precision) == ("2026-06-12T08:00:00Z", "hour")
    # without a fetch time there is no reference point: no date rather than one relative to "now"
    assert find_publication_date(html) is None


def test_footer_script_sidebar_and_comment_dates_are_not_the_publication_date():
    # no dateline: what remains is a script's time, a comment's date, a sidebar's list and the footer
    html = VI_ARTICLE.format(dateline="")
    assert find_publication_date(html) is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/2020/01/15/slug/", ParsedDate("2020-01-15", "/2020/01/15/", None, "day", "url")),
        ("https://example.org/news/2020-01-15-slug", ParsedDate("2020-01-15", "/2020-01-15-", None, "day", "url")),
        ("https://example.org/2020/01/slug.html", ParsedDate("2020-01", "/2020/01/", None, "month", "url")),
        ("https://example.org/about/", None),
    ],
)
def test_url_date(url, expected):
    assert url_date(url) == expected


def test_url_is_the_last_resort():
    html = "<html><body><h1>Title</h1><p>Text.</p><footer>© 2020</footer></body></html>"
    assert find_publication_date(html, "https://example.org/2020/01/slug.html").precision == "month"
    assert find_publication_date(html, "https://example.org/slug.html") is None
