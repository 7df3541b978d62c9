"""The published site under attack: a real ``python -m modwatch serve`` (serve's own options, the
real database of :mod:`tests.datasette.sitedb`) on a free 127.0.0.1 port.

- every heavy query ends within the time limit with a 400 and a reason, and Datasette's peak
  memory (``VmHWM``) stays under 1 GiB;
- bad requests get a 4xx page or JSON error, never a 500 or a traceback;
- nothing about the host leaks (file paths, Python paths, threads, plugin internals).
"""

from __future__ import annotations

import http.client
import json
import re
import sqlite3
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from modwatch import publish

TIME_LIMIT_S = publish.SETTINGS["sql_time_limit_ms"] / 1000
#: time a refused query may take beyond the SQL time limit (HTTP, JSON, a shared 2-core CI machine)
SLACK_S = 2.5
GiB = 1024**3


def fetch(base: str, path: str, method: str = "GET") -> tuple[int, str, float]:
    """``(status, body text, seconds)`` of one request; a body cut by the server reads as ``""``."""
    netloc = urlsplit(base).netloc
    connection = http.client.HTTPConnection(netloc, timeout=120)
    started = time.monotonic()
    try:
        connection.request(method, path)
        response = connection.getresponse()
        try:
            body = response.read().decode("utf-8", "replace")
        except (ConnectionError, http.client.IncompleteRead):
            body = ""
        return response.status, body, time.monotonic() - started
    finally:
        connection.close()


def sql_path(sql: str) -> str:
    return "/modwatch.json?sql=" + quote(sql)


FOREVER = "with recursive c(x) as (select 1 union all select x + 1 from c)"
#: (name, SQL, what the error says)
HEAVY_QUERIES = [
    ("randomblob", "select randomblob(1000000000)", "string or blob too big"),
    ("zeroblob", "select zeroblob(1000000000)", "string or blob too big"),
    ("printf", "select printf('%.*c', 1000000000, 'x')", "not authorized"),
    ("format", "select format('%.*c', 1000000000, 'x')", "not authorized"),
    ("replace_hex", "select replace(hex(randomblob(4000000)), 'A', 'AAAAAAAAAAAAAAAA')", "string or blob too big"),
    ("recursive_cte", f"{FOREVER} select max(x) from c", "SQL query took too long"),
    (
        "recursive_group_concat",
        f"{FOREVER} select length(group_concat(x, '-')) from c",
        "SQL query took too long|string or blob too big",
    ),
    (
        "cross_join",
        "select count(*) from removal_requests a, removal_requests b, removal_requests c",
        "SQL query took too long",
    ),
    (
        "cross_join_sorted",
        "select a.*, b.* from removal_requests a, removal_requests b order by random()",
        "SQL query took too long|more memory",
    ),
    (
        "many_large_rows",
        "with recursive c(x) as (select 1 union all select x + 1 from c limit 1000) select zeroblob(8000000) from c",
        "query result larger than 48 MB",
    ),
]


@pytest.mark.parametrize("name, sql, reason", HEAVY_QUERIES, ids=[q[0] for q in HEAVY_QUERIES])
def test_heavy_query_ends_in_time_with_a_400(served_site, name, sql, reason):
    base, _ = served_site
    status, body, seconds = fetch(base, sql_path(sql))
    assert status == 400, body[:300]
    assert seconds < TIME_LIMIT_S + SLACK_S, f"{name} took {seconds:.1f}s"
    error = json.loads(body)["error"]
    assert re.search(reason, error), error


def test_heavy_queries_together_keep_the_server_under_1_gib(served_site, site_db):
    base, pid = served_site
    with ThreadPoolExecutor(max_workers=4) as pool:  # Datasette runs 3 SQL threads: keep them all busy
        results = list(pool.map(lambda query: fetch(base, sql_path(query[1])), HEAVY_QUERIES * 2))
    assert [status for status, _, _ in results] == [400] * len(HEAVY_QUERIES) * 2
    status = Path(f"/proc/{pid}/status").read_text()
    peak_kib = int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))
    assert peak_kib * 1024 < GiB, f"Datasette's peak RSS {peak_kib / 1024:.0f} MiB"
    # and it still answers an ordinary query right away
    status, body, seconds = fetch(base, sql_path("select count(*) from removal_requests"))
    with sqlite3.connect(site_db) as conn:
        rows = conn.execute("select count(*) from removal_requests").fetchone()[0]
    assert status == 200 and json.loads(body)["rows"] == [[rows]] and rows > 5000


def test_ordinary_queries_and_pages_still_work(served_site):
    base, _ = served_site
    status, body, _ = fetch(
        base, sql_path("select upper(title), length(body), hex(id) from articles order by id limit 2")
    )
    assert status == 200, body[:300]
    assert json.loads(body)["rows"][0][0].startswith("ACCESS TO WIKIPEDIA")
    status, body, _ = fetch(base, "/modwatch/articles.json?_search=wikipedia&_shape=array")
    assert status == 200 and "wikimediafoundation.org" in body
    status, _, _ = fetch(base, "/modwatch")  # the database page lists attached databases (none)
    assert status == 200


BAD_REQUESTS = [
    ("POST", "/modwatch/articles", 405),
    ("PUT", "/modwatch/articles.json", 405),
    ("DELETE", "/modwatch/articles/1", 405),
    ("POST", "/modwatch/latest_articles_per_source", 405),
    ("POST", "/modwatch.json?sql=select+1", 405),
    ("PATCH", "/", 405),
    ("GET", "/-/nope", 404),
    ("GET", "/-/x/y/z", 404),
    ("GET", "/-/static-plugins/nope/x.js", 404),
    ("GET", "/-/dashboards/nope", 404),
    ("GET", "/modwatch/nope.json", 404),
    ("GET", "/modwatch/articles.json?_next=zzz,,", 400),
    ("GET", "/modwatch/articles.json?_sort=no_such_column", 400),
    ("GET", "/modwatch/articles?_sort_desc=no_such_column", 400),
    ("GET", "/modwatch/articles.json?title=" + "a" * 200_000, 400),
    ("GET", sql_path("select '" + "a" * 200_000 + "'"), 400),
    ("GET", sql_path("attach database ':memory:' as x"), 400),
]


@pytest.mark.parametrize("method, path, expected", BAD_REQUESTS, ids=[f"{m} {p[:40]}" for m, p, _ in BAD_REQUESTS])
def test_bad_request_gets_a_4xx_without_traceback(served_site, site_db, method, path, expected):
    base, _ = served_site
    status, body, _ = fetch(base, path, method)
    assert status == expected, body[:300]
    for leak in ("Traceback", "site-packages", str(Path(site_db).parent), "Internal Server Error"):
        assert leak not in body


@pytest.mark.parametrize(
    "page",
    [
        "/-/databases",
        "/-/databases.json",
        "/-/threads.json",
        "/-/threads",
        "/-/plugins.json",
        "/-/messages",
        "/-/allow-debug",
        "/-/patterns",
        "/-/actor.json",
    ],
)
def test_host_pages_are_hidden(served_site, page):
    status, body, _ = fetch(served_site[0], page)
    assert status == 404, body[:300]


def test_no_page_shows_a_host_path(served_site, site_db):
    base, _ = served_site
    status, body, _ = fetch(base, sql_path("select * from pragma_database_list"))
    assert status == 200 and json.loads(body)["rows"] == []  # the pragma answers nothing
    status, body, _ = fetch(base, sql_path("select name from sqlite_master where type = 'table' order by name"))
    assert status == 200 and ["articles"] in json.loads(body)["rows"]  # the schema is public
    paths = (str(Path(site_db).parent), sys.prefix, str(publish.REPO))
    for page in (
        "/",
        "/modwatch",
        "/modwatch/articles",
        "/-/versions.json",
        "/-/settings.json",
        "/-/metadata.json",
        "/-/search?q=wikipedia",
        "/-/dashboards",
        sql_path("select * from pragma_database_list"),
    ):
        status, body, _ = fetch(base, page)
        assert status == 200, page
        for path in paths:
            assert path not in body, (page, path)
