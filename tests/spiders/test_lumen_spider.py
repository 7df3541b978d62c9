"""The ``lumen`` spider end to end: a replay crawl from a WARC, and a live crawl of a local server.

Both run with ``LUMEN_API_TOKEN`` set and check that the token is in no table, no WARC and no
log line. The pages are search-API pages built from the 42 real notices of the fixtures.
"""

import gzip
import json
import sqlite3
from urllib.parse import parse_qs, urlsplit

import pytest

from modwatch.archive.warc import write_warc
from modwatch.transparency import lumen
from tests.helpers import PageHandler, local_server
from tests.transparency.samples import NOTICES, search_page

TOKEN = "lumen-test-token-7f3a9c1e5b"
PER_PAGE = 20


def all_notices() -> list[dict]:
    notices = [json.loads(p.read_bytes()) for p in NOTICES.glob("*/*/*.json")]
    return sorted(notices, key=lambda n: next(iter(n.values()))["id"])


def pages(notices, per_page=PER_PAGE, total=None):
    """page number -> search page bytes."""
    chunks = [notices[i : i + per_page] for i in range(0, len(notices), per_page)]
    return {
        n + 1: search_page(chunk, page=n + 1, per_page=per_page, total=total or len(notices))
        for n, chunk in enumerate(chunks)
    }


def page_url(page, **extra):
    return lumen.search_url({"sort_by": "date_received asc", "per_page": PER_PAGE, "page": page, **extra})


def assert_token_nowhere(db_path, warc_dir, log: str, *, archived: bool):
    """The token is in no log line, database row or WARC record; ``archived``: the crawl wrote WARC files
    (a live crawl), else none (a replay)."""
    assert TOKEN not in log
    warcs = list(warc_dir.glob("*.warc.gz"))
    assert bool(warcs) == archived, warcs
    for warc in warcs:
        assert TOKEN.encode() not in gzip.decompress(warc.read_bytes())
    connection = sqlite3.connect(db_path)
    dump = "\n".join(connection.iterdump())
    connection.close()
    assert TOKEN not in dump
    return warcs


def test_replay_crawl_stores_every_notice(run_crawl, db_path, tmp_path, monkeypatch):
    monkeypatch.setenv("LUMEN_API_TOKEN", TOKEN)
    warc = tmp_path / "lumen.warc.gz"
    write_warc(
        warc,
        [
            (page_url(n), body, {"Content-Type": "application/json; charset=utf-8"})
            for n, body in pages(all_notices()).items()
        ],
    )
    result = run_crawl(
        "spiders.lumen:LumenSpider",
        db=db_path,
        replay=warc,
        warc_dir=tmp_path / "warc",
        spider_args={"per_page": str(PER_PAGE)},
    )
    database = sqlite3.connect(db_path)
    database.row_factory = sqlite3.Row
    assert database.execute("select count(*) from notices").fetchone()[0] == 42
    datasets = database.execute(
        "select url, rows_read, rows_stored, status, warc_record_id from datasets where source = 'lumen' order by id"
    ).fetchall()
    assert sorted((d["rows_read"], d["status"]) for d in datasets) == [(2, "loaded"), (20, "loaded"), (20, "loaded")]
    assert all(d["warc_record_id"] for d in datasets)
    impossible = database.execute(
        "select date_sent, date_sent_raw, sender_name from notices where id = 6335"
    ).fetchone()
    assert tuple(impossible) == (None, "2911-06-28T04:00:00Z", "Mal Reynolds")
    reject_locations = {r[0] for r in database.execute("select location from rejects where reason like '%2911-06-28%'")}
    assert reject_locations == {"$.notices[13].date_sent", "$.notices[13].date_received"}
    assert database.execute("select count(*) from notice_urls").fetchone()[0] > 900
    run = database.execute("select spider, finish_reason, items_scraped from crawl_runs").fetchone()
    assert tuple(run) == ("lumen", "finished", 3)
    database.close()
    assert_token_nowhere(db_path, tmp_path / "warc", result.stderr, archived=False)


class LumenStub(PageHandler):
    """A local stand-in for /notices/search.json: too many results without a date range (forces a
    split), one HTTP 429 with Retry-After, then real pages. Records every request's token header."""

    pages: dict = {}
    seen: list = []
    throttled = False

    def do_GET(self):  # noqa: N802
        query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
        type(self).seen.append((self.headers.get("X-Authentication-Token"), query))
        page = int(query.get("page", 1))
        if page == 2 and not type(self).throttled:
            type(self).throttled = True
            self.send(429, b"Retry later. Please wait at least five minutes", "text/plain", {"Retry-After": "1"})
            return
        if "date_received_facet" not in query:
            body = search_page(all_notices()[:PER_PAGE], per_page=PER_PAGE, total=15_000)
        else:
            body = self.pages.get(page, b'{"notices": [], "meta": {"total_entries": 42}}')
        self.send(200, body, "application/json; charset=utf-8")


@pytest.fixture
def lumen_server():
    LumenStub.pages, LumenStub.seen, LumenStub.throttled = pages(all_notices()), [], False
    with local_server(LumenStub) as base:
        yield f"{base}/notices/search.json"


def test_live_crawl_sends_the_token_splits_backs_off_and_archives_no_secret(
    run_crawl, db_path, tmp_path, monkeypatch, lumen_server
):
    monkeypatch.setenv("LUMEN_API_TOKEN", TOKEN)
    warc_dir = tmp_path / "warc"
    result = run_crawl(
        "spiders.lumen:LumenSpider",
        db=db_path,
        warc_dir=warc_dir,
        settings={"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False},
        spider_args={"per_page": str(PER_PAGE), "base_url": lumen_server},
    )
    seen = LumenStub.seen
    assert seen and all(token == TOKEN for token, _ in seen)  # the token travels in the header ...
    assert all("authentication_token" not in query for _, query in seen)  # ... never in the URL
    ranges = sorted(
        {tuple(map(int, q["date_received_facet"].split(".."))) for _, q in seen if "date_received_facet" in q}
    )
    assert len(ranges) == 2  # 15,000 results: one split into two halves
    (a, b), (c, d) = ranges
    assert c == b + 1 and a == lumen.to_epoch_ms("1998-01-01")
    database = sqlite3.connect(db_path)
    assert database.execute("select count(*) from notices").fetchone()[0] == 42
    # 2 halves x 3 pages; the 429 answer and the too-large first page are not datasets
    assert database.execute("select count(*) from datasets where source = 'lumen'").fetchone()[0] == 6
    stats = json.loads(database.execute("select stats_json from crawl_runs").fetchone()[0])
    assert stats["lumen/backoffs"] == 1
    database.close()
    warcs = assert_token_nowhere(db_path, warc_dir, result.stderr, archived=True)
    assert b"X-Authentication-Token" not in gzip.decompress(warcs[0].read_bytes())
