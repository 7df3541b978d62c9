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
            self.send(
                302,
                b"",
                "text/plain",
                {"Location": target, "Set-Cookie": f"session={COOKIE}; HttpOnly", "Cache-Control": "max-age=600"},
            )
            return
        everything = notices()
        page = int(query.get("page", 1))
        body = search_page(
            everything[(page - 1) * PER_PAGE : page * PER_PAGE], page=page, per_page=PER_PAGE, total=len(everything)
        )
        echoed = self.headers.get("X-Authentication-Token", "")
        self.send(
            200,
            body,
            "application/json; charset=utf-8",
            {
                "Set-Cookie": f"session={COOKIE}; HttpOnly",
                "X-Authentication-Token": echoed,
                "Content-Location": self.path,
                "X-Echo": f"token={echoed}",
                "Cache-Control": "max-age=600",
                "ETag": '"page-%d"' % page,
            },
        )


@pytest.fixture
def server():
    RedirectingLumen.seen = []
    with local_server(RedirectingLumen) as base:
        yield f"{base}/notices/search.json"


def test_redirect_with_a_token_stores_no_secret(run_crawl, db_path, tmp_path, monkeypatch, server):
    monkeypatch.setenv("LUMEN_API_TOKEN", TOKEN)
    warc_dir = tmp_path / "warc"
    result = run_crawl(
        "spiders.lumen:LumenSpider",
        db=db_path,
        warc_dir=warc_dir,
        settings={"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "HTTPCACHE_ENABLED": True},
        spider_args={"per_page": str(PER_PAGE), "base_url": server},
    )
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


class EchoingLumen(RedirectingLumen):
    """Like :class:`RedirectingLumen`, and every page's JSON echoes the token, the URL token and the
    cookie back in its body (in ``meta``, and a ``next_page_url`` carrying them); odd pages are
    sent gzip-encoded (``Content-Encoding: gzip``), even pages as they are."""

    def send(self, status, body, content_type="text/html; charset=utf-8", headers=None):
        if status == 200:
            page = json.loads(body)
            echoed = self.headers.get("X-Authentication-Token", "")
            page["meta"]["echo"] = {
                "token": echoed,
                "cookie": self.headers.get("Cookie", ""),
                "next_page_url": f"{self.path}&authentication_token={URL_TOKEN}",
            }
            body = json.dumps(page).encode("utf-8")
            if page["meta"].get("current_page", 1) % 2:
                body, headers = gzip.compress(body), {**(headers or {}), "Content-Encoding": "gzip"}
        super().send(status, body, content_type, headers)


def test_secrets_echoed_in_bodies_are_stored_nowhere(run_crawl, db_path, tmp_path, monkeypatch):
    monkeypatch.setenv("LUMEN_API_TOKEN", TOKEN)
    RedirectingLumen.seen = []
    warc_dir = tmp_path / "warc"
    with local_server(EchoingLumen) as base:
        result = run_crawl(
            "spiders.lumen:LumenSpider",
            db=db_path,
            warc_dir=warc_dir,
            settings={"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "HTTPCACHE_ENABLED": True},
            spider_args={"per_page": str(PER_PAGE), "base_url": f"{base}/notices/search.json"},
        )
    database = sqlite3.connect(db_path)
    assert database.execute("select count(*) from notices").fetchone()[0] == 42  # the pages were read
    dump = "\n".join(database.iterdump())
    database.close()
    places = {"database": dump, "log": result.stderr}
    warcs = list(warc_dir.glob("*.warc.gz"))
    payloads = {w.name: gzip.decompress(w.read_bytes()).decode("utf-8", "replace") for w in warcs}
    echo = '"echo": {"token": "REDACTED", "cookie": "session=REDACTED"'
    assert sum(text.count(echo) for text in payloads.values()) == 3  # 3 pages, 2 sent gzip: recorded inflated
    places.update(payloads)
    cache_files = [p for p in (tmp_path / "httpcache").rglob("*") if p.is_file()]
    assert sum(p.read_bytes().count(echo.encode()) for p in cache_files if p.name == "response_body") == 3
    places.update({str(p): p.read_bytes().decode("latin-1") for p in cache_files})
    leaks = [
        (place, secret) for place, text in places.items() for secret in (TOKEN, URL_TOKEN, COOKIE) if secret in text
    ]
    assert leaks == []
