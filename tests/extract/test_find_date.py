"""find_publication_date / find_modified_date on real pages (tests/fixtures/dates/, see SOURCE.md) and on page
snippets built from the real Vietnamese date strings of issue 4."""

import gzip
from datetime import datetime, timezone
from pathlib import Path

import pytest
from lxml import etree

from modwatch.extract.dates import ParsedDate, find_modified_date, find_publication_date
from modwatch.extract.dates.find import url_date
from modwatch.extract.dates.scripts import script_dates

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "dates"


def page(name: str) -> bytes:
    return gzip.decompress((FIXTURES / f"{name}.gz").read_bytes())


@pytest.mark.parametrize(
    ("name", "url", "expected"),
    [
        # Open Graph article:published_time, UTC
        (
            "utopia.de-Werbung.html",
            "https://utopia.de/news/was-haben-bhs-mit-eisbergen-zu-tun-kim-kardashian-polarisiert-mit-werbung-nippel/",
            ParsedDate(
                "2023-11-06T14:25:00Z", "2023-11-06T14:25:00+00:00", "+00:00", "second", "meta:article:published_time"
            ),
        ),
        # a UTC time just after midnight: the page's own day (/2023/11/08/ in the URL) is kept beside it
        (
            "denverpost.com-Colorado.html",
            "https://www.denverpost.com/2023/11/08/colorado-high-school-football-playoffs-second-weekend-2023/",
            ParsedDate(
                "2023-11-09T01:09:55Z",
                "2023-11-09T01:09:55+00:00",
                "+00:00",
                "second",
                "meta:article:published_time",
                day="2023-11-08",
            ),
        ),
        # Blogger's hAtom <abbr class="published" title="...">
        (
            "blog.python.org.html",
            "http://blog.python.org/2016/12/python-360-is-now-available.html",
            ParsedDate("2016-12-23T10:11:00Z", "2016-12-23T05:11:00-05:00", "-05:00", "second", "abbr.published"),
        ),
        # a generic <meta name="date"> (2020-04-29) yields to the article header's "Stand: 28.04.2020 18:00 Uhr"
        (
            "tagesschau.de.rheinmetall.html",
            "https://www.tagesschau.de/investigativ/ndr/rheinmetall-datenleck-101.html",
            ParsedDate(
                "2020-04-28T18:00:00", "Stand: 28.04.2020 18:00 Uhr", None, "minute", "text:stand text meldungHead"
            ),
        ),
        # itemprop="datePublished" on a list item; the comments' <time datetime> are skipped
        (
            "0b66696af800472190a76b26faa845d4.html",
            "https://jungefreiheit.de/debatte/kommentar/2019/kaisers-royaler-wochenrueckblick-31/",
            ParsedDate("2019-10-19", "19. Oktober 2019", None, "day", "itemprop:datepublished:text"),
        ),
        # a press release's dateline opening the first paragraph
        (
            "arbeitsagentur.de-arbeitsmarkt.html",
            "https://www.arbeitsagentur.de/news/arbeitsmarkt-2022",
            ParsedDate("2022-02-01", "01.02.2022 „Der Arbeitsmarkt ist gut in", None, "day", "text:  ba-copytext"),
        ),
        # only the shop's product data gives the date: {"published_at":"2019-03-02T06:22:28+01:00", ...}
        (
            "de.happycoffee.org.sidamo.html",
            "https://de.happycoffee.org/collections/shop/products/happy-coffee-sidamo-bio-kaffeebohnen",
            ParsedDate("2019-03-02T05:22:28Z", "2019-03-02T06:22:28+01:00", "+01:00", "second", "script:published_at"),
        ),
        # <script type="application/json" data-initial-state="review-dates"> {"publishedDate":"2016-11-04T20:37:27Z"
        (
            "uk.trustpilot.com.reviews.html",
            "https://uk.trustpilot.com/reviews/581cf1892ae760087cadbf17",
            ParsedDate("2016-11-04T20:37:27Z", "2016-11-04T20:37:27Z", "+00:00", "second", "script:publishedDate"),
        ),
        # a byline with a two-digit year: "Von: Björn Jahner <span>|</span> <span>31.10.23</span>"
        (
            "der-farang.com-Grab-Bote.html",
            "https://der-farang.com/de/pages/frei-erfunden-grab-bote-fliegt-nach-singapur",
            ParsedDate(
                "2023-10-31", "Von: Björn Jahner | 31.10.23", None, "day", "text: article-meta-wrapper span9 content"
            ),
        ),
        # the URL's /2017/7/12/ wins over <meta itemprop="datePublished" content="2019-06-17T18:28:00+0200"> two
        # years later (a re-publication by the CMS)
        (
            "befifty.montauk.html",
            "https://www.befifty.de/home/2017/7/12/unter-uns-montauk",
            ParsedDate("2017-07-12", "/2017/7/12/", None, "day", "url"),
        ),
        # "Erstellt am: 30.01.2022 18:36" under the title wins over the result list's "01.02.2022 16:28"
        (
            "berkutschi.com-willingen.html",
            "https://berkutschi.com/de/front/news/10759-marius-lindvik-gewinnt-in-willingen",
            ParsedDate(
                "2022-01-30T18:36:00",
                "Erstellt am: 30.01.2022 18:36 / sk",
                None,
                "minute",
                "text: large-12 columns row",
            ),
        ),
        # meta article:published_time says 2019-12-12 (the edit), JSON-LD datePublished 2019-12-09 and the byline
        # "Dec 9, 2019": the dateline settles it for JSON-LD
        (
            "medium.com.recherche.html",
            "https://medium.com/@ransu.massol/recherche-non-%C3%A0-une-loi-in%C3%A9galitaire-be507f7cf761",
            ParsedDate("2019-12-09T22:25:10Z", "2019-12-09T22:25:10.658Z", "+00:00", "second", "json-ld:datePublished"),
        ),
        # a generic <meta name="date" content="2020-04-30"> yields to <li class="Date"><time>29.04.2020, 12:01 Uhr
        # right under the title
        (
            "neues-deutschland.de.mietenstreik.html",
            "https://www.neues-deutschland.de/artikel/1136087.mietenstreik-in-den-usa-einfach-kein-geld-mehr-um-die-"
            "miete-zu-zahlen.html",
            ParsedDate("2020-04-29T12:01:00", "29.04.2020, 12:01 Uhr", None, "minute", "text: Date Infoline"),
        ),
        # "<td>26 | 01 | 2022 </td>" in the subline
        (
            "petri-heil-ch-hechte.html",
            "https://www.petri-heil.ch/de/bielerseewinterhechte--1026",
            ParsedDate("2022-01-26", "26 | 01 | 2022", None, "day", "text:  onlyMobileSubline"),
        ),
        # two equal datelines: the site header's clock "Donnerstag, 16. Februar 2012" (the day of the snapshot)
        # and the article box's "14. Februar 2012"; the one closer to the title wins
        (
            "archive.org.stol.it.berlusconi.html",
            "https://web.archive.org/web/20120216182711/http://www.stol.it/Artikel/Politik-im-Ueberblick/Politik/"
            "Verfassungsgericht-Berlusconis-Sex-Prozess-geht-weiter",
            ParsedDate("2012-02-14", "14. Februar 2012", None, "day", "text: boxHeader r2"),
        ),
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
        "2023-11-06T14:26:51Z", "2023-11-06T14:26:51+00:00", "+00:00", "second", "meta:article:modified_time"
    )


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
        (
            "Thứ Năm, 17/06/2021 10:00 (GMT+7)",
            ParsedDate("2021-06-17T03:00:00Z", "Thứ Năm, 17/06/2021 10:00 (GMT+7)", "+07:00", "minute"),
        ),
        ("Ngày 17 tháng 6 năm 2021", ParsedDate("2021-06-17", "Ngày 17 tháng 6 năm 2021", None, "day")),
        ("05/08/2018", ParsedDate("2018-08-05", "05/08/2018", None, "day")),  # day first on a Vietnamese page
        # only an "updated" date in the article header: it stands in for the publication date
        ("Cập nhật: 16/04/2019", ParsedDate("2019-04-16", "Cập nhật: 16/04/2019", None, "day")),
        (
            "24/03/2020 14:01 | 4 năm trước",
            ParsedDate("2020-03-24T14:01:00", "24/03/2020 14:01 | 4 năm trước", None, "minute"),
        ),
    ],
)
def test_vietnamese_dateline(dateline, expected):
    found = find_publication_date(VI_ARTICLE.format(dateline=dateline))
    assert (found.utc_iso, found.raw, found.offset, found.precision) == (
        expected.utc_iso,
        expected.raw,
        expected.offset,
        expected.precision,
    )


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


# --- inline script data: only dates under a publication key count ------------------------------------------


def test_a_date_called_from_a_script_is_not_the_publication_date():
    # the page writes its date with <script>showDate("2020/04/17 01:43:09 01:43:09")</script>: a date in a
    # script, under no publication key, is not read
    html = page("1580240354.html")
    assert b'showDate("2020/04/17 01:43:09' in html
    assert find_publication_date(html, "http://city.udn.com/67926/6950016?ch=rss_ugccitynewpost") is None


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        # real script texts: Shopify product data, a JSON state, a JSON string inside a string (escaped quotes)
        (
            'var meta = {"product":{"id":1,"published_at":"2019-03-02T06:22:28+01:00","created_at":'
            '"2019-03-02T06:27:24+01:00","vendor":"Happy Coffee"}};',
            [(0, "published_at", "2019-03-02T06:22:28+01:00"), (2, "created_at", "2019-03-02T06:27:24+01:00")],
        ),
        (
            ' {"publishedDate":"2016-11-04T20:37:27Z","updatedDate":"2016-11-04T20:39:47Z","reportedDate":null} ',
            [(0, "publishedDate", "2016-11-04T20:37:27Z")],
        ),
        (
            'window.__STATE__ = "{\\"datePublished\\":\\"2020-07-18T16:01:31-0400\\"}";',
            [(0, "datePublished", "2020-07-18T16:01:31-0400")],
        ),
        # dates under other keys are not publication dates: a form's range, an analytics parameter, a clock
        ("document.edith257.datumVon.value='2021-11-12'; document.edith257.datumBis.value='2021-11-12';", []),
        ('dataLayer.push({"cmsContentType":"news","cmsPublishingDate":"2022-01-25"});', []),
        ('var serverTime = "2024-01-05T08:00:00+07:00"; 9: "2019-10-16"', []),
    ],
)
def test_script_dates(script, expected):
    assert script_dates([script], "published") == expected


SCRIPT_PAGE = """<html lang="de"><head><title>Marius Lindvik gewinnt in Willingen</title>
<script>var meta = {{"product":{{"published_at":"2019-03-02T06:22:28+01:00","vendor":"Happy Coffee"}}}};</script>
<script>var state = {{"dateModified":"2022-01-31T16:36:51+01:00"}};</script></head>
<body><article><h2>Marius Lindvik gewinnt in Willingen</h2>{dateline}<p>Text.</p></article></body></html>"""


def test_script_data_ranks_below_the_dateline_and_modified_keys_come_last():
    dateline = "<small>Erstellt am: 30.01.2022 18:36 / sk</small>"
    assert find_publication_date(SCRIPT_PAGE.format(dateline=dateline)).found_in == "text:"
    found = find_publication_date(SCRIPT_PAGE.format(dateline=""))
    assert (found.utc_iso, found.found_in) == ("2019-03-02T05:22:28Z", "script:published_at")
    # without a publication key, "dateModified" stands in, marked as such
    html = SCRIPT_PAGE.format(dateline="").replace('"published_at"', '"sku"')
    found = find_publication_date(html)
    assert (found.utc_iso, found.found_in) == ("2022-01-31T15:36:51Z", "script:dateModified (updated)")
    assert find_modified_date(html).found_in == "script:dateModified"


def test_meta_updated_time_stands_in_before_script_data():
    # natgeo.co.uk's <meta property="og:updated_time" content="2020-01-06T09:22:36Z"/>, on a page that shows no
    # publication date: the article's own last update is the closest the page comes to one
    html = (
        SCRIPT_PAGE.format(dateline="")
        .replace('"published_at"', '"sku"')
        .replace("</title>", '</title><meta property="og:updated_time" content="2020-01-06T09:22:36Z"/>')
    )
    found = find_publication_date(html)
    assert (found.utc_iso, found.found_in) == ("2020-01-06T09:22:36Z", "meta:og:updated_time (updated)")


# --- real markup of datelines --------------------------------------------------------------------------------

ARTICLE = """<html lang="{lang}"><body><header class="site"><h1>Titel des Artikels</h1>{header}</header>
<div class="article"><p>Erster Absatz des Artikels, ohne jedes Datum, lang genug für einen echten Absatz.</p>
{inside}</div>
<aside class="sidebar"><ul><li>{aside}</li></ul></aside><footer>WordPress 4.8.12 · Impressum</footer></body></html>"""


@pytest.mark.parametrize(
    ("lang", "header", "inside", "aside", "expected"),
    [
        # la-bas.org: <p class="publication"><span class="le">Le </span><time datetime=…>; a teaser further down
        # holds <time datetime=… pubdate> of another article
        (
            "fr",
            '<p class="publication"><span class="le">Le </span><time datetime="2019-06-28T13:49:45Z">28 juin '
            "2019</time></p>",
            "",
            '<p class="publication">—&nbsp;Le <time datetime="2019-09-22T07:30:29Z" pubdate>22 septembre</time></p>',
            ("2019-06-28T13:49:45Z", "time[pubdate]"),
        ),
        # weltwoche.ch: the date and byline sit in the share bar at the end of the article
        (
            "de",
            "",
            '<div class="social-share "><div class="pull-left"><h5 class="font-blue">23.01.2019</h5>'
            '<div class="font-italic">By Urs Gehriger</div></div></div>',
            "",
            ("2019-01-23", "text:font-blue pull-left social-share "),
        ),
        # furche.at: <div data-date="18. März 2020" class="timeline__arrow"> in the article header
        (
            "de",
            '<div class="timeline-visual article-header__timeline"><div class="html-timeline">'
            '<div data-date="18. März 2020" class="timeline__arrow"></div></div></div>',
            "",
            "",
            ("2020-03-18", "[data-date]:div"),
        ),
        # a software version in the footer is no two-digit-year date
        ("de", "", "", "", None),
    ],
)
def test_dateline_markup(lang, header, inside, aside, expected):
    found = find_publication_date(ARTICLE.format(lang=lang, header=header, inside=inside, aside=aside))
    assert (found and (found.utc_iso, found.found_in)) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # day-month-year at the end of the path, read when one number cannot be a month
        (
            "https://weisser-ring.de/media-news/meldungen/29-10-2021",
            ParsedDate("2021-10-29", "/29-10-2021", None, "day", "url"),
        ),
        # 8 November or 11 August? not read
        ("https://www.regenbogenportal.de/aktuelles/08112021-online-fachtag-zum-intersex-day-of-remembrance", None),
        # a slug opening with a number is not a day: /2023/10/ is the month
        (
            "https://blog.campact.de/2023/10/3-fragen-an-tina-musil-teamleiterin-fundraising/",
            ParsedDate("2023-10", "/2023/10/", None, "month", "url"),
        ),
    ],
)
def test_url_date_day_first_and_slugs(url, expected):
    assert url_date(url) == expected
