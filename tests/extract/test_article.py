"""parse_article over real pages: the demo snapshot's files (demo/files/, origins in demo/SOURCES.md) and
Mozilla Readability's expected metadata (tests/fixtures/pages/, see SOURCE.md there)."""

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from modwatch.extract.article import jsonld_article, parse_article
from modwatch.extract.text import to_tree
from items import ArticleItem
from tests.helpers import ACLU_PAGE, DH2020_PAGE, KULU_PAGE, NETZPOLITIK_PAGE, WIKIMEDIA_PAGE, WPTAVERN_PAGE

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"

KULU = "https://kulu-media.com/meta-outage-hits-facebook-instagram-and-messenger/"
NETZPOLITIK = "https://netzpolitik.org/2016/die-cider-connection-abmahnungen-gegen-nutzer-von-creative-commons-bildern/"
WIKIMEDIA = (
    "https://wikimediafoundation.org/news/2020/01/15/"
    "access-to-wikipedia-restored-in-turkey-after-more-than-two-and-a-half-years/"
)
ACLU = "https://www.aclu.org/blog/privacy-technology/internet-privacy/facebook-tracking-me-even-though-im-not-facebook"
WPTAVERN = (
    "https://wptavern.com/stack-overflow-jobs-data-shows-reactjs-skills-in-high-demand-"
    "wordpress-market-oversaturated-with-developers"
)
DH2020 = "https://dh2020.adho.org/farewell-ottawa-adieu-ottawa/"


def parse(path: Path, url, **kwargs):
    return parse_article(path.read_bytes().decode("utf-8"), url, **kwargs)


@pytest.fixture(scope="module")
def kulu():
    return parse(KULU_PAGE, KULU)


# --- the Zox News page (theme of thevietnamese.org) ---------------------------------------------


def test_zox_metadata(kulu):
    assert kulu["url"] == KULU
    # the page's headline; JSON-LD holds the shorter SEO title "... Messenger | Kulu Media"
    assert kulu["title"] == "Meta Outage Hits Facebook, Instagram and Messenger Worldwide"
    assert kulu["authors"] == ["Kulu Media News Desk"]
    assert kulu["published_at"] == "2026-06-12T15:11:51Z"
    assert kulu["published_at_raw"] == "2026-06-12T18:11:51+03:00"
    assert kulu["published_at_offset"] == "+03:00"
    assert kulu["published_at_precision"] == "second"
    assert kulu["modified_at"] == "2026-06-12T17:09:20Z"
    # JSON-LD articleSection is "News, Tech, World"; the page shows "Tech"
    assert kulu["section"] == "Tech"
    assert kulu["tags"] == ["Meta Outage"]
    assert kulu["image_url"] == "https://kulu-media.com/wp-content/uploads/2026/06/Meta-Outage.jpg"
    assert kulu["language"] == "en"


def test_zox_body_is_only_the_first_article(kulu):
    body = kulu["body"]
    assert body.startswith(
        "A major Meta outage disrupted access to Facebook, Instagram, and Messenger on Friday, "
        "leaving users around the world unable to access some of the company’s most popular "
        "social media platforms."
    )
    assert body.endswith("even a relatively short disruption can have a significant global impact.")
    # the auto-loaded articles appended below the real one are not body text
    assert "Artemis II" not in body
    assert "NASA Artemis II Launch Marks Historic Return to Deep Space Exploration" not in body
    # nor the theme's boilerplate
    for boilerplate in ("Connect with us", "Trending", "Kulu Media News Desk", "Tech\n"):
        assert boilerplate not in body
    # one paragraph (or subheading) per line
    assert "\nMeta Outage Causes Login and Loading Problems\n" in body
    assert len(body.splitlines()) == 17


# --- other real pages ---------------------------------------------------------------------------

CASES = [
    pytest.param(
        NETZPOLITIK_PAGE,
        NETZPOLITIK,
        {
            "title": "Die Cider Connection: Abmahnungen gegen Nutzer von Creative-Commons-Bildern",
            "authors": ["Markus Reuter"],
            "published_at": "2016-06-23T14:14:51Z",
            "published_at_raw": "2016-06-23T16:14:51+02:00",
            "published_at_offset": "+02:00",
            "modified_at": "2019-06-24T12:54:27Z",
            "section": "Wissen",
            "language": "de",
            "tags": [
                "Abmahnanwalt",
                "Abmahnindustrie",
                "Cider Connection",
                "creative commons",
                "Deutschland",
                "Massenabmahnung",
                "Urheberrecht",
                "Verband zum Schutz geistigen Eigentums",
            ],
        },
        # the lead (<div class="entry-excerpt"> in the page header) opens the text
        "Seit Dezember 2015 verschickt eine Cider Connection zahlreiche Abmahnungen wegen fehlerhafter",
        id="netzpolitik",
    ),
    pytest.param(
        WIKIMEDIA_PAGE,
        WIKIMEDIA,
        {
            "title": "Access to Wikipedia restored in Turkey after more than two and a half years",
            "authors": ["Wikimedia Foundation"],
            "published_at": "2020-01-15T01:01:01Z",
            "published_at_precision": "second",
            "language": "en",
            "tags": [],
        },
        "Today, on Wikipedia’s 19th birthday, the Wikimedia Foundation has received reports that access to "
        "Wikipedia in Turkey is actively being restored.",
        id="wikimedia-turkey",
    ),
    pytest.param(
        ACLU_PAGE,
        ACLU,
        {
            "title": "Facebook Is Tracking Me Even Though I’m Not on Facebook",
            "authors": ["Daniel Kahn Gillmor"],
            "published_at": "2018-04-05T06:00:00",
            "published_at_raw": "2018-04-05T06:00",
            "published_at_offset": None,
            "language": "en",
            # JSON-LD keywords, HTML entities decoded ("Privacy &amp; Technology")
            "tags": ["Internet Privacy", "Privacy & Technology", "Consumer Privacy"],
        },
        "I don't use Facebook. I'm not technophobic — I'm a geek.",
        id="aclu",
    ),
    pytest.param(
        WPTAVERN_PAGE,
        WPTAVERN,
        {
            "title": "Stack Overflow Jobs Data Shows ReactJS Skills in High Demand, WordPress Market "
            "Oversaturated with Developers",
            "authors": ["Sarah Gooding"],
            "published_at": "2017-03-09T23:16:02Z",
            "section": "News",
            "tags": ["jobs", "stack overflow"],
            "language": "en",
        },
        "Stack Overflow published its analysis of 2017 hiring trends based on the targeting options employers "
        "selected when posting to Stack Overflow Jobs.",
        id="wptavern",
    ),
    pytest.param(
        DH2020_PAGE,
        DH2020,
        # the page shows no date, author or category: none is invented
        {
            "title": "Farewell, Ottawa! Adieu, Ottawa!",
            "authors": [],
            "published_at": None,
            "published_at_raw": None,
            "modified_at": None,
            "section": None,
            "image_url": None,
            "language": "en",
        },
        "On behalf of the local organizing team at Carleton University and the University of Ottawa",
        id="dh2020",
    ),
]


@pytest.mark.parametrize("name, url, expected, first_sentence", CASES)
def test_real_pages(name, url, expected, first_sentence):
    article = parse(name, url)
    for key, value in expected.items():
        assert article[key] == value, key
    assert article["body"].startswith(first_sentence)
    assert article["url"] == url


@pytest.mark.parametrize(
    "name, expected_json",
    [(ACLU_PAGE, "aclu.expected-metadata.json"), (WPTAVERN_PAGE, "wptavern.expected-metadata.json")],
)
def test_matches_readability_expected_metadata(name, expected_json):
    expected = json.loads((FIXTURES / expected_json).read_text(encoding="utf-8"))
    article = parse(name, "https://example.org/")
    assert article["title"] == expected["title"]
    assert article["language"] == expected["lang"][:2]
    if expected["byline"]:
        assert article["authors"] == [expected["byline"]]
    assert article["published_at_raw"] == expected["publishedTime"]


def test_dh2020_body_keeps_one_name_per_line():
    body = parse(DH2020_PAGE, DH2020)["body"]
    assert body.splitlines()[-8:] == [
        "Constance Crompton",
        "Laura Estill",
        "Shawn Graham",
        "Brian Greenspan",
        "Jennifer Guiliano",
        "Sarah Simpkin",
        "Kevin Kee",
        "Jada Watson",
    ]


def test_keys_are_article_item_fields(kulu):
    assert set(kulu) <= set(ArticleItem.fields)
    ArticleItem(**kulu)  # raises KeyError on an unknown key


def test_jsonld_read_through_cdata_wrapper():
    # the ACLU page wraps its JSON-LD in <![CDATA[ ... ]]>
    tree = to_tree(ACLU_PAGE.read_bytes())
    assert jsonld_article(tree)["@type"] == "Article"


# --- synthetic shapes of JSON-LD (parsing order and author shapes) ---------------------------------


def page(jsonld: str, head: str = "", body: str = "<p>Text.</p>") -> str:
    return f'<html><head><script type="application/ld+json">{jsonld}</script>{head}</head><body>{body}</body></html>'


@pytest.mark.parametrize(
    "author, expected",
    [
        ('"Nguyễn Văn A"', ["Nguyễn Văn A"]),
        ('{"@type": "Person", "name": "Nguyễn Văn A"}', ["Nguyễn Văn A"]),
        ('[{"@type": "Person", "name": "A"}, {"@type": "Person", "name": "B"}, "A"]', ["A", "B"]),
    ],
)
def test_jsonld_author_shapes_in_graph(author, expected):
    html = page(
        '{"@context": "https://schema.org", "@graph": [{"@type": "WebSite", "name": "Site"}, '
        f'{{"@type": "NewsArticle", "headline": "Tiêu đề", "author": {author}}}]}}'
    )
    article = parse_article(html, "https://example.org/a/")
    assert article["authors"] == expected
    assert article["title"] == "Tiêu đề"


def test_meta_and_canonical_link_used_when_no_jsonld():
    html = (
        '<html lang="en"><head><meta property="og:title" content="OG title">'
        '<meta property="article:section" content="Internet Freedom">'
        '<meta property="article:tag" content="censorship"><meta property="article:tag" content="VPN">'
        '<meta name="author" content="Jane Roe"><link rel="canonical" href="/canonical/">'
        '<meta property="article:published_time" content="2021-06-17T10:00:00+07:00"></head>'
        "<body><h1>Heading</h1><p>Text.</p></body></html>"
    )
    article = parse_article(
        html, "https://example.org/fetched/?utm=1", fetched_at=datetime(2021, 6, 17, 3, 0, tzinfo=timezone.utc)
    )
    assert article["url"] == "https://example.org/canonical/"
    assert article["title"] == "OG title"
    assert (article["section"], article["tags"], article["authors"]) == (
        "Internet Freedom",
        ["censorship", "VPN"],
        ["Jane Roe"],
    )
    assert (article["published_at"], article["published_at_raw"], article["published_at_offset"]) == (
        "2021-06-17T03:00:00Z",
        "2021-06-17T10:00:00+07:00",
        "+07:00",
    )


def test_empty_document_is_an_error():
    with pytest.raises(ValueError, match="^empty HTML document$"):
        parse_article("   ", "https://example.org/")


@pytest.mark.parametrize(
    "head, body, expected",
    [
        ('<meta property="og:title" content="Tin tức hay - Báo ABC">', "<h1>Tin tức hay</h1>", "Tin tức hay"),
        ('<meta property="og:title" content="Tin tức hay - Báo ABC">', "<h1>Khác</h1>", "Tin tức hay - Báo ABC"),
        ('<meta property="og:title" content="Headline">', "<h1>Logo</h1><h1>Headline</h1>", "Headline"),
        ("<title>Only a title | Site</title>", "", "Only a title | Site"),
    ],
)
def test_shown_headline_beats_seo_title_variants(head, body, expected):
    html = f"<html><head>{head}</head><body>{body}<p>Text.</p></body></html>"
    assert parse_article(html, "https://example.org/a/")["title"] == expected


def test_infinite_scroll_articles_after_the_first_are_dropped():
    first = " ".join(["Câu thứ nhất của bài viết về kiểm duyệt mạng xã hội."] * 12)
    second = " ".join(["An appended article about something else entirely."] * 12)
    html = (
        f'<html><body class="single infinite-scroll"><article><h1>Bài một</h1><p>{first}</p></article>'
        f"<article><h1>Second story</h1><p>{second}</p></article></body></html>"
    )
    article = parse_article(html, "https://example.org/bai-mot/")
    assert article["title"] == "Bài một"
    assert article["body"] == first
    assert article["language"] == "vi"
