"""Gzip bombs end as rejects with their reason, end to end with the real ``news`` spider and the
project settings: a local server answers the real Rank Math sitemap index of the demo site
``doancuoiki``, whose post sitemaps are a 512 MiB gzip bomb sent with ``Content-Encoding: gzip``
(Scrapy stops inflating at ``DOWNLOAD_MAXSIZE``, 64 MiB) and a ``.xml.gz`` file inflating past the
sitemap protocol's 50 MB (``discovery.MAX_SITEMAP_BYTES``). The crawl's peak memory stays far
below what either bomb inflates to. A DSA dump streamed outside Scrapy (``httpx``) whose
``Content-Encoding`` inflates more than 200 times is refused, its partial file removed; a
transparency spider refuses a gzip bomb at its own, smaller limit (X: 16 MiB)."""

import asyncio
import gzip
import re
import sqlite3
import zlib

import httpx
import pytest

from modwatch.discovery import MAX_SITEMAP_BYTES, DiscoveryError, SitemapTooLarge, parse_sitemap
from spiders.downloads import DecompressionBomb, stream_to_file
from tests.helpers import DEMO_FILES, PageHandler, local_server, report_file
from tests.transparency.samples import V1, fixture, nested_zip

MiB = 1024 * 1024
X_FILE = report_file("Twitter_Transparency-Removal_Requests_Jul-Dec-2020.csv")
REAL_INDEX = (DEMO_FILES / "99hainnguyen.github.io" / "sitemap_index.xml").read_text(encoding="utf-8")
REAL_BASE = "https://99hainnguyen.github.io/doancuoiki/"


def gzip_bomb(size: int) -> bytes:
    """A gzip stream of the real sitemap index followed by ``size`` bytes of spaces (~1000:1)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [packer.compress(REAL_INDEX.encode("utf-8"))]
    chunk = b" " * MiB
    parts += [packer.compress(chunk) for _ in range(size // MiB)]
    return b"".join(parts) + packer.flush()


BOMB = gzip_bomb(512 * MiB)


def index(base: str) -> bytes:
    """The real index with its post sitemap entry replaced by the two bombs."""
    entries = "".join(
        f"<sitemap><loc>{base}{child}</loc></sitemap>" for child in ("/post-sitemap.xml", "/post-sitemap2.xml.gz")
    )
    real = REAL_INDEX.replace(REAL_BASE, base + "/")
    start, end = real.index("<sitemap>"), real.index("</sitemap>") + len("</sitemap>")
    return (real[:start] + entries + real[end:]).encode("utf-8")


class Bombs(PageHandler):
    def do_GET(self):  # noqa: N802
        base = f"http://{self.headers['Host']}"
        if self.path == "/sitemap_index.xml":
            self.send(200, index(base), "application/xml; charset=utf-8")
        elif self.path == "/post-sitemap.xml":  # the body says gzip: the HTTP layer inflates it
            self.send(200, BOMB, "application/xml; charset=utf-8", {"Content-Encoding": "gzip"})
        elif self.path == "/post-sitemap2.xml.gz":  # a gzip file: the sitemap parser inflates it
            self.send(200, BOMB, "application/x-gzip")
        else:
            self.send(404, b"not found", "text/plain")


@pytest.fixture
def server():
    with local_server(Bombs) as base:
        yield base


def test_gzip_bombs_in_sitemaps_are_rejects_and_memory_stays_bounded(crawl_sitemap_site, db_path, server):
    result = crawl_sitemap_site(server, "Gzip bombs")
    with sqlite3.connect(db_path) as connection:
        rejects = dict(connection.execute("select url, reason from rejects"))
    encoded = rejects[f"{server}/post-sitemap.xml"]
    assert encoded.startswith(
        "sitemap discovery request failed: IgnoreRequest: Ignored response <200 "
        f"{server}/post-sitemap.xml> because its body ({len(BOMB)} B compressed, "
    )
    assert encoded.endswith("exceeded DOWNLOAD_MAXSIZE (67108864 B) during decompression.")
    assert rejects[f"{server}/post-sitemap2.xml.gz"] == (
        f"sitemap: {len(BOMB)} gzip bytes inflate past 52428800 bytes, the sitemap protocol's limit"
    )
    assert "exceeded DOWNLOAD_MAXSIZE" in result.stderr and "the sitemap protocol's limit" in result.stderr
    peak = int(re.search(r"crawl process peak RSS: (\d+) B", result.stderr)[1])  # VmHWM, see conftest's runner
    assert 32 * MiB < peak < 400 * MiB  # each bomb inflates to 512 MiB


def test_sitemap_gzip_limits_in_the_parser():
    real = parse_sitemap(gzip_bomb(0), REAL_BASE)  # the real index, gzipped: read as before
    assert real.kind == "index" and real.entries[0].loc.startswith(REAL_BASE)
    with pytest.raises(SitemapTooLarge, match=rf"inflate past {MAX_SITEMAP_BYTES} bytes"):
        parse_sitemap(gzip_bomb(MAX_SITEMAP_BYTES), REAL_BASE)
    with pytest.raises(DiscoveryError, match=r"sitemap: unreadable gzip data"):
        parse_sitemap(b"\x1f\x8b\x08\x00garbage", REAL_BASE)


class EncodedDump(PageHandler):
    """A DSA dump streamed with ``Content-Encoding: gzip``: the real nested dump, or a bomb."""

    def do_GET(self):  # noqa: N802
        if self.path == "/real.zip":
            packer = zlib.compressobj(9, zlib.DEFLATED, 31)
            self.send(200, packer.compress(REAL_DUMP) + packer.flush(), "application/zip", {"Content-Encoding": "gzip"})
        else:
            self.send(200, BOMB, "application/zip", {"Content-Encoding": "gzip"})


REAL_DUMP = nested_zip({"sor-global-2024-03-14-full-00000-00000.csv": fixture(V1)})


def test_a_streamed_dsa_dump_inflating_past_the_ratio_is_refused(tmp_path):
    async def stream(url):
        async with httpx.AsyncClient() as client:
            return await stream_to_file(client, url, tmp_path, "sor-global-2024-03-14-full.zip")

    with local_server(EncodedDump) as base:
        spooled, response = asyncio.run(stream(f"{base}/real.zip"))  # a real dump, gzip-encoded: as sent
        assert spooled.path.read_bytes() == REAL_DUMP and response.headers["Content-Encoding"] == "gzip"
        spooled.path.unlink()
        with pytest.raises(
            DecompressionBomb,
            match=r"^Content-Encoding 'gzip': \d+ bytes received inflate past \d+ "
            r"bytes \(ratio over 200\): a decompression bomb$",
        ) as refused:
            asyncio.run(stream(f"{base}/bomb.zip"))
    received, inflated = map(int, re.findall(r"\d+", str(refused.value))[:2])
    assert received <= len(BOMB) and 200 * received < inflated <= 200 * received + 2 * MiB  # stopped at once
    assert list(tmp_path.iterdir()) == []  # the partial file is removed


class EncodedReport(PageHandler):
    """The real X report, and a gzip bomb under an X report's name, both sent ``Content-Encoding: gzip``."""

    def do_GET(self):  # noqa: N802
        if self.path == "/Twitter_Transparency-Removal_Requests_Jul-Dec-2020.csv":
            self.send(200, gzip.compress(X_FILE.read_bytes()), "text/csv", {"Content-Encoding": "gzip"})
        else:
            self.send(200, BOMB, "text/csv", {"Content-Encoding": "gzip"})


def test_a_gzip_bomb_under_a_transparency_report_name_is_a_reject(run_crawl, db_path):
    with local_server(EncodedReport) as base:
        real, bomb = (
            f"{base}/Twitter_Transparency-Removal_Requests_Jul-Dec-2020.csv",
            f"{base}/Twitter_Transparency-Removal_Requests_Jan-Jun-2021.csv",
        )
        run_crawl(
            "spiders.x_removals:XRemovalsSpider",
            db=db_path,
            spider_args={"urls": f"{real},{bomb}"},
            settings={"ROBOTSTXT_OBEY": False, "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False},
        )
    with sqlite3.connect(db_path) as connection:
        ((url, reason),) = connection.execute("select url, reason from rejects").fetchall()
        datasets = connection.execute("select url, status from datasets").fetchall()
    assert url == bomb and reason.startswith(
        f"transparency file not downloaded: IgnoreRequest: Ignored response <200 {bomb}> because its body "
        f"({len(BOMB)} B compressed, "
    )
    assert reason.endswith("exceeded DOWNLOAD_MAXSIZE (16777216 B) during decompression.")  # the spider's own limit
    assert datasets == [(real, "loaded")]  # the real report, gzip-encoded, loads as usual
