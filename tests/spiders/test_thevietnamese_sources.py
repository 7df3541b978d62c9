"""thevietnamese without Zox markup, on both hosts and both URL forms: one canonical URL per article.

The page is a real WordPress article of another theme (netzpolitik.org, theme "liebefeld", no Zox
``mvp-*`` markup; ``demo/files/``, origin in ``demo/SOURCES.md``), with its own URL rewritten to a
slash-less URL on the bare host, as thevietnamese.org's 2022-2026 captures show.
"""

from pathlib import Path

import pytest
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from items import ArticleItem
from modwatch.sites import SitesConfigError, load_sites, site_from_dict
from spiders.thevietnamese import TheVietnameseSpider

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "demo" / "files" / "netzpolitik.org" / "die-cider-connection-abmahnungen.html"
OWN_URL = "https://netzpolitik.org/2016/die-cider-connection-abmahnungen-gegen-nutzer-von-creative-commons-bildern/"
CANONICAL = "https://www.thevietnamese.org/2016/06/die-cider-connection/"
VARIANTS = [
    "https://www.thevietnamese.org/2016/06/die-cider-connection/",
    "https://www.thevietnamese.org/2016/06/die-cider-connection",
    "https://thevietnamese.org/2016/06/die-cider-connection/",
    "http://thevietnamese.org/2016/06/die-cider-connection",
]


def make_spider(**kwargs):
    return TheVietnameseSpider.from_crawler(get_crawler(TheVietnameseSpider), **kwargs)


@pytest.mark.parametrize("url", VARIANTS)
def test_both_hosts_and_both_url_forms_give_one_canonical_url(url):
    spider = make_spider()
    site = spider.sites[0]
    request = spider._article_request(site, url, "sitemap")
    assert request.url == CANONICAL
    page = PAGE.read_text(encoding="utf-8").replace(OWN_URL, url)
    assert "mvp-" not in page  # no Zox markup at all
    response = HtmlResponse(url=request.url, body=page.encode("utf-8"), request=request, encoding="utf-8")
    request.meta.update({"warc_record_id": "<urn:uuid:1>", "fetched_at": "2026-11-29T12:00:00Z"})
    (item,) = request.callback(response, **request.cb_kwargs)
    assert isinstance(item, ArticleItem)
    assert item["url"] == CANONICAL  # the page's own (variant) URL, brought to the one form
    assert item["title"] == "Die Cider Connection: Abmahnungen gegen Nutzer von Creative-Commons-Bildern"
    assert item["published_at"] == "2016-06-23T14:14:51Z" and item["authors"] == ["Markus Reuter"]
    assert item["body"].startswith("Seit Dezember 2015 verschickt eine Cider Connection zahlreiche Abmahnungen")


def test_urls_of_other_hosts_are_left_alone():
    site = make_spider().sites[0]
    assert site.canonical_url(OWN_URL) == OWN_URL
    assert (
        site.canonical_url("https://www.thevietnamese.org/wp-content/uploads/a.jpg")
        == "https://www.thevietnamese.org/wp-content/uploads/a.jpg"
    )
    strip = site_from_dict({"key": "x", "base_url": "https://example.org/", "trailing_slash": "strip"})
    assert strip.canonical_url("https://www.example.org/2024/01/slug/") == "https://example.org/2024/01/slug"


def test_sites_file_entries_say_whether_their_urls_were_verified():
    sites = {site.key: site for site in load_sites(ROOT / "modwatch" / "sites.yaml")}
    assert sites["luatkhoa"].base_url == "https://luatkhoa.com/"
    assert sites["luatkhoa"].sitemaps == ("sitemap_index.xml",)
    assert (
        sites["luatkhoa"].canonical_url("https://www.luatkhoa.org/2021/05/bai-viet/")
        == "https://luatkhoa.com/2021/05/bai-viet/"
    )
    assert (
        sites["thevietnamese"].canonical_url("https://thevietnamese.org/2025/02/slug")
        == "https://www.thevietnamese.org/2025/02/slug/"
    )
    assert {key: site.verified["status"] for key, site in sites.items()} == dict.fromkeys(sites, "unverified")
    assert all(site.verified["date"] is None and "not checked live" in site.verified["note"] for site in sites.values())


@pytest.mark.parametrize(
    ("verified", "message"),
    [
        ({"status": "verified"}, "verified sites need the date they were verified"),
        ({"status": "checked", "date": "2026-12-07"}, "verified must be {status: verified|unverified"),
        ("yes", "verified must be {status: verified|unverified"),
    ],
)
def test_verified_must_say_how_and_when(verified, message):
    with pytest.raises(SitesConfigError, match=message.replace("{", r"\{").replace("|", r"\|")):
        site_from_dict({"key": "x", "base_url": "https://example.org/", "verified": verified})
