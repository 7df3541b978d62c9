"""End to end through CrawlerProcess: crawl_runs rows, WARC written live, replay from a WARC.

The spider is tests/archive/archive_spiders.py:PageSpider; every other component (WARC
writer, replay, pipeline, crawl-run extension) is the project's, with the project settings.
"""

import gzip
import http.server
import json
import re
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

import db
from modwatch.archive.warc import write_warc
from tests.helpers import WIKIMEDIA_PAGE, local_server

HERE = Path(__file__).resolve().parent
SPIDER = f"{HERE / 'archive_spiders.py'}:PageSpider"
PAGE = WIKIMEDIA_PAGE.read_bytes()
URL = "https://wikimediafoundation.org/news/2020/01/15/access-to-wikipedia-restored-in-turkey-after-more-than-two-and-a-half-years/"
MISSING = "https://wikimediafoundation.org/news/taken-down/"
TITLE = "Access to Wikipedia restored in Turkey after more than two and a half years – Wikimedia Foundation"
ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")

LIVE = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "HTTPCACHE_ENABLED": False}


def table_counts(database):
    return {t: database[t].count for t in ("articles", "rejects", "crawl_runs", "sources")}


@pytest.fixture
def snapshot(tmp_path):
    path = tmp_path / "snapshot.warc.gz"
    ids = write_warc(path, [(URL, PAGE, {"Content-Type": "text/html; charset=UTF-8"})])
    return path, ids[0]


def test_replay_crawl_stores_archived_provenance_and_fills_crawl_run(run_crawl, db_path, snapshot, tmp_path):
    path, record_id = snapshot
    run_crawl(SPIDER, db=db_path, replay=path, spider_args={"urls": f"{URL},{MISSING}"})
    database = db.connect(db_path)
    article = database["articles"].get(1)
    assert (article["url"], article["title"], article["http_status"]) == (URL, TITLE, 200)
    assert (article["warc_record_id"], article["warc_filename"]) == (record_id, "snapshot.warc.gz")
    with open(path, "rb") as stream:
        warc_date = [r.rec_headers.get_header("WARC-Date") for r in ArchiveIterator(stream) if r.rec_type == "response"]
    assert article["fetched_at"] == warc_date[0]
    reject = database["rejects"].get(1)
    assert (reject["url"], reject["reason"], reject["crawl_run_id"], reject["spider"]) == (
        MISSING,
        "HTTP 404",
        1,
        "pages",
    )

    run = database["crawl_runs"].get(1)
    assert article["crawl_run_id"] == 1
    assert {
        k: run[k]
        for k in (
            "spider",
            "finish_reason",
            "items_scraped",
            "errors",
            "rejects",
            "requests",
            "responses",
            "warc_filename",
            "replay_source",
        )
    } == {
        "spider": "pages",
        "finish_reason": "finished",
        "items_scraped": 2,
        "errors": 0,
        "rejects": 1,
        "requests": 2,
        "responses": 2,
        "warc_filename": None,
        "replay_source": str(path),
    }
    assert ISO.fullmatch(run["started_at"]) and ISO.fullmatch(run["finished_at"])
    assert run["started_at"] <= run["finished_at"]
    stats = json.loads(run["stats_json"])
    assert (stats["replay/hit"], stats["replay/miss"], stats["modwatch/articles"]) == (1, 1, 1)
    assert ISO.fullmatch(stats["start_time"])
    assert not (tmp_path / "warc").exists()  # replay writes no new WARC

    first = table_counts(database)
    database.close()
    run_crawl(SPIDER, db=db_path, replay=path, spider_args={"urls": f"{URL},{MISSING}"})
    database = db.connect(db_path)
    assert table_counts(database) == {**first, "crawl_runs": 2}  # the 404 seen again updates its reject
    assert database["articles"].get(1)["crawl_run_id"] == 2
    reject = database["rejects"].get(1)
    assert (reject["crawl_run_id"], reject["last_crawl_run_id"], reject["times_seen"]) == (1, 2, 2)
    assert first == {"articles": 1, "rejects": 1, "crawl_runs": 1, "sources": 1}


class Handler(http.server.BaseHTTPRequestHandler):
    """Serves the real page gzip-compressed; anything else is 404. Records request headers."""

    seen: list = []

    def do_GET(self):
        Handler.seen.append((self.path, dict(self.headers)))
        if self.path.startswith("/news/2020/"):
            body = gzip.compress(PAGE)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=UTF-8")
            self.send_header("Content-Encoding", "gzip")
        else:
            body = b"not found"
            self.send_response(404)
            self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    with local_server(Handler) as base:
        yield base


def test_live_crawl_writes_one_warc_per_run_without_secrets(run_crawl, db_path, server, tmp_path):
    page_url = f"{server}/news/2020/01/15/access-to-wikipedia-restored/?page=1&token=url-secret-7"
    warc_dir = tmp_path / "warc"
    run_crawl(
        SPIDER,
        db=db_path,
        warc_dir=warc_dir,
        settings=LIVE,
        spider_args={"urls": page_url, "token": "lumen-secret-token-123"},
    )
    assert any(h.get("X-Authentication-Token") == "lumen-secret-token-123" for _, h in Handler.seen)  # it was sent

    database = db.connect(db_path)
    run = database["crawl_runs"].get(1)
    files = sorted(p.name for p in warc_dir.iterdir())
    assert len(files) == 1 and re.fullmatch(r"pages-1-\d{8}T\d{6}Z\.warc\.gz", files[0])
    assert run["warc_filename"] == files[0]
    assert (run["replay_source"], run["finish_reason"], run["requests"], run["responses"]) == (None, "finished", 2, 2)

    raw = gzip.decompress((warc_dir / files[0]).read_bytes())
    for secret in (b"lumen-secret-token-123", b"url-secret-7", b"cookie-secret-42"):
        assert secret not in raw
    with open(warc_dir / files[0], "rb") as stream:
        responses = {
            r.rec_headers.get_header("WARC-Target-URI"): (
                r.rec_headers.get_header("WARC-Record-ID"),
                r.http_headers.get_header("Content-Encoding"),
                r.content_stream().read(),
            )
            for r in ArchiveIterator(stream)
            if r.rec_type == "response"
        }
    assert set(responses) == {f"{server}/robots.txt", f"{server}/news/2020/01/15/access-to-wikipedia-restored/?page=1"}
    record_id, coding, payload = responses[f"{server}/news/2020/01/15/access-to-wikipedia-restored/?page=1"]
    assert (coding, payload) == ("gzip", PAGE)  # stored raw with its Content-Encoding

    article = database["articles"].get(1)
    assert (article["title"], article["warc_record_id"], article["warc_filename"]) == (TITLE, record_id, files[0])
    # no credential is stored: the fetched URL loses its token= parameter (modwatch.redact)
    assert article["url"] == page_url.replace("&token=url-secret-7", "")
    assert ISO.fullmatch(article["fetched_at"])


class RevalidatingHandler(http.server.BaseHTTPRequestHandler):
    """Serves the real page with an ETag that must be revalidated; answers 304 to If-None-Match."""

    not_modified = 0

    def do_GET(self):
        if self.path == "/robots.txt":
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.headers.get("If-None-Match") == '"v1"':
            RevalidatingHandler.not_modified += 1
            self.send_response(304)
            self.send_header("ETag", '"v1"')
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=UTF-8")
        self.send_header("ETag", '"v1"')
        self.send_header(
            "Cache-Control", "max-age=0"
        )  # stale at once: revalidate (Scrapy sends no validators for no-cache)
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *args):
        pass


def test_recrawl_answered_304_archives_the_cached_page(run_crawl, db_path, tmp_path):
    with local_server(RevalidatingHandler) as base:
        url = f"{base}/news/2020/01/15/access-to-wikipedia-restored/"
        for warc_dir in ("warc-1", "warc-2"):
            run_crawl(
                SPIDER,
                db=db_path,
                warc_dir=tmp_path / warc_dir,
                spider_args={"urls": url},
                settings={**LIVE, "HTTPCACHE_ENABLED": True},
            )
    stats = json.loads(db.connect(db_path)["crawl_runs"].get(2)["stats_json"])
    assert RevalidatingHandler.not_modified == 1, {
        k: v for k, v in stats.items() if "cache" in k
    }  # the second run revalidated the page

    path = next((tmp_path / "warc-2").iterdir())
    with open(path, "rb") as stream:
        records = [
            (r.rec_headers, r.http_headers, r.content_stream().read())
            for r in ArchiveIterator(stream)
            if r.rec_type == "response" and "/news/" in r.rec_headers.get_header("WARC-Target-URI")
        ]
    assert len(records) == 1
    warc_headers, http_headers, payload = records[0]
    assert (http_headers.get_statuscode(), payload) == ("200", PAGE)  # not the empty 304
    assert warc_headers.get_header("WARC-Modwatch-Cached") == "true"
    database = db.connect(db_path)
    article = database["articles"].get(1)
    assert (article["crawl_run_id"], article["warc_filename"]) == (2, path.name)
    assert article["warc_record_id"] == warc_headers.get_header("WARC-Record-ID")
