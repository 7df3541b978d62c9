"""Sitemap recursion is cycle-safe and depth-bounded, end to end: the real ``news`` spider
crawls a local server whose sitemaps are built from the real Rank Math index of the demo site
``doancuoiki`` (99hainnguyen.github.io): a post sitemap that is an index listing itself, a child
that lists its parent, and a chain of indexes nested without end. The crawl ends after a handful of requests,
each refused sitemap is a reject with its reason and a log line."""

import sqlite3

import pytest

from tests.helpers import DEMO_FILES, PageHandler, local_server

REAL_INDEX = (DEMO_FILES / "99hainnguyen.github.io" / "sitemap_index.xml").read_text(encoding="utf-8")
REAL_BASE = "https://99hainnguyen.github.io/doancuoiki/"


def index(base: str, *children: str) -> bytes:
    """The real index with its first (post) sitemap entry replaced by ``children``."""
    entries = "".join(f"<sitemap><loc>{base}{child}</loc></sitemap>" for child in children)
    real = REAL_INDEX.replace(REAL_BASE, base + "/")
    start = real.index("<sitemap>")
    end = real.index("</sitemap>") + len("</sitemap>")
    return (real[:start] + entries + real[end:]).encode("utf-8")


class HostileSitemaps(PageHandler):
    requests: list = []

    def do_GET(self):  # noqa: N802
        type(self).requests.append(self.path)
        base = f"http://{self.headers['Host']}"
        if self.path == "/sitemap_index.xml":
            body = index(base, "/post-sitemap.xml", "/deep/post-sitemap1.xml")
        elif self.path == "/post-sitemap.xml":  # lists itself and a child
            body = index(base, "/post-sitemap.xml", "/post-sitemap2.xml")
        elif self.path == "/post-sitemap2.xml":  # lists its parent
            body = index(base, "/post-sitemap.xml")
        elif self.path.startswith("/deep/post-sitemap"):  # an index of an index of ... without end
            n = int(self.path.removeprefix("/deep/post-sitemap").removesuffix(".xml"))
            body = index(base, f"/deep/post-sitemap{n + 1}.xml")
        else:
            self.send(404, b"not found", "text/plain")
            return
        self.send(200, body, "application/xml; charset=utf-8")


@pytest.fixture
def server():
    HostileSitemaps.requests = []
    with local_server(HostileSitemaps) as base:
        yield base


def test_sitemap_cycles_and_depth_are_bounded(crawl_sitemap_site, db_path, server):
    result = crawl_sitemap_site(server, "Hostile sitemaps")
    sitemap_requests = [p for p in HostileSitemaps.requests if p.endswith(".xml")]
    assert sorted(sitemap_requests) == [
        "/deep/post-sitemap1.xml",
        "/deep/post-sitemap2.xml",
        "/deep/post-sitemap3.xml",
        "/post-sitemap.xml",
        "/post-sitemap2.xml",
        "/sitemap_index.xml",
    ]  # each once, 3 levels below the root
    with sqlite3.connect(db_path) as connection:
        reasons = sorted(r for (r,) in connection.execute("select reason from rejects where reason like 'sitemap%'"))
    assert len(reasons) == 3 and reasons[:2] == [
        f"sitemap cycle: {server}/post-sitemap.xml lists {server}/post-sitemap.xml, already read",
        f"sitemap cycle: {server}/post-sitemap2.xml lists {server}/post-sitemap.xml, already read",
    ]
    assert reasons[2] == (
        f"sitemap index nested deeper than 3 levels: {server}/deep/post-sitemap4.xml "
        f"(in {server}/deep/post-sitemap3.xml)"
    )
    assert "hostile: sitemap cycle" in result.stderr and "nested deeper than 3 levels" in result.stderr
