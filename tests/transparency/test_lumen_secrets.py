"""Secrets never stored, whatever the server does: a live ``lumen`` crawl of a local server that
redirects to a URL carrying ``authentication_token`` (Lumen's own parameter name) and an S3
``X-Amz-Signature``, sets a cookie, and echoes the token back in headers. The token, the
signature and the cookie are in no table, no WARC, no log line and no HTTP cache file
(one policy: :mod:`modwatch.redact`)."""

import gzip
import json
import sqlite3
from urllib.parse import parse_qs, urlsplit

import pytest

from modwatch.transparency import lumen
from tests.helpers import PageHandler, local_server
from tests.transparency.samples import NOTICES, search_page

TOKEN = "lumen-test-token-5d2e8b"  # sent by the spider in X-Authentication-Token
URL_TOKEN = "url-token-91c4aa"  # put in the redirect target by the server
SIGNATURE = "f00dfeedf00dfeedf00dfeed"
COOKIE = "cookie-secret-3b7"
PER_PAGE = 20


def notices() -> list[dict]:
    found = [json.loads(p.read_bytes()) for p in NOTICES.glob("*/*/*.json")]
    return sorted(found, key=lambda n: next(iter(n.values()))["id"])


class RedirectingLumen(PageHandler):
    """Redirects each search request to itself plus ``authentication_token`` and X-Amz parameters
    (302, Location), then answers the real page with Set-Cookie and the token echoed back."""

    seen: list = []

    def do_GET(self):  # noqa: N802
        query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
        type(self).seen.append(query)
        if "authentication_token" not in query:
            target = f"{self.path}&authentication_token={URL_TOKEN}&X-Amz-Signature={SIGNATURE}&X-Amz-Expires=300"
            self.send(302, b"", "text/plain", {"Location": target, "Set-Cookie": f"session={COOKIE}; HttpOnly",
                                                     "Cache-Control": "max-age=600"})
            return
        everything = notices()
        page = int(query.get("page", 1))
        body = search_page(everything[(page - 1) * PER_PAGE:page * PER_PAGE], page=page, per_page=PER_PAGE,
                           total=len(everything))  # fmt: skip
        echoed = self.headers.get("X-Authentication-Token", "")
        self.send(200, body, "application/json; charset=utf-8",
                  {"Set-Cookie": f"session={COOKIE}; HttpOnly", "X-Authentication-Token": echoed,
                   "Content-Location": self.path, "X-Echo": f"token={echoed}", "Cache-Control": "max-age=600",
                   "ETag": '"page-%d"' % page})  # fmt: skip


@pytest.fixture
def server():
    RedirectingLumen.seen = []
    with local_server(RedirectingLumen) as base:
        yield f"{base}/notices/search.json"


def test_redirect_with_a_token_stores_no_secret(run_crawl, db_path, tmp_path, monkeypatch, server):
    monkeypatch.setenv("LUMEN_API_TOKEN", TOKEN)
    warc_dir = tmp_path / "warc"
    result = run_crawl("spiders.lumen:LumenSpider", db=db_path, warc_dir=warc_dir,
                       settings={"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "HTTPCACHE_ENABLED": True},
                       spider_args={"per_page": str(PER_PAGE), "base_url": server})  # fmt: skip
    assert any(q.get("authentication_token") == URL_TOKEN for q in RedirectingLumen.seen)  # the redirect was followed
    database = sqlite3.connect(db_path)
    assert database.execute("select count(*) from notices").fetchone()[0] == 42  # the crawl worked
    urls = [row[0] for row in database.execute("select url from datasets where source = 'lumen' order by id")]
    first = lumen.search_url({"sort_by": "date_received asc", "per_page": PER_PAGE, "page": 1}, server)
    assert urls[0] == first  # the URL redirected to, less its credentials (X-Amz-* all go)
    dump = "\n".join(database.iterdump())
    database.close()
    secrets = (TOKEN, URL_TOKEN, SIGNATURE, COOKIE)
    places = {"database": dump, "log": result.stderr}
    warcs = list(warc_dir.glob("*.warc.gz"))
    assert warcs
    places.update({w.name: gzip.decompress(w.read_bytes()).decode("utf-8", "replace") for w in warcs})
    cache_files = [p for p in (tmp_path / "httpcache").rglob("*") if p.is_file()]
    assert len(cache_files) >= 12  # the cache was written (7 files per response)
    places.update({str(p): p.read_bytes().decode("latin-1") for p in cache_files})
    leaks = [(place, secret) for place, text in places.items() for secret in secrets if secret in text]
    assert leaks == []
    assert "Redirecting (30" in result.stderr and "authentication_token" not in result.stderr  # the redirect, no token
