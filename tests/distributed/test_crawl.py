"""End to end: a real redis-server, a local site of 12 real pages, two ``news`` workers and the writer.

Every page must be fetched exactly once across both workers (counted by the server), both
workers must have fetched pages, and every article must be stored exactly once by the writer,
recorded as one crawl run that adds up both workers' requests.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess

import pytest

from distributed import coordinator
from distributed.pipeline import encode_item
from items import ArticleItem
from tests import helpers
from tests.distributed.local_site import LocalSite
from tests.helpers import ROOT, wait_for

FIXTURES = ROOT / "tests" / "fixtures" / "distributed"
EXPECTED = json.loads((FIXTURES / "pages.json").read_text(encoding="utf-8"))


def fixture_pages() -> dict[str, dict[str, bytes]]:
    """The 12 pages split into two sites of 6."""
    ids = sorted(EXPECTED)
    return {
        key: {i: (FIXTURES / "pages" / f"{i}.html.gz").read_bytes() for i in part}
        for key, part in (("alpha", ids[:6]), ("beta", ids[6:]))
    }


def command(*args) -> list[str]:
    return helpers.modwatch("distributed", *args)


@pytest.fixture
def crawl_env(tmp_path, redis_url):
    return helpers.crawl_env(tmp_path, MODWATCH_REDIS_URL=redis_url, MODWATCH_WORKERS=2, MODWATCH_REDIS_POLL=0.5)


def test_two_workers_and_writer_fetch_and_store_each_page_once(tmp_path, server, redis_url, crawl_env):
    with LocalSite(fixture_pages(), delay=0.5) as site:
        env = {**crawl_env, "MODWATCH_SITES_FILE": str(site.write_sites_file(tmp_path / "sites.yaml"))}
        db_path = tmp_path / "modwatch.db"
        assert subprocess.run(command("clear", "news"), env=env, cwd=ROOT).returncode == 0
        quick = [
            "-s",
            "ROBOTSTXT_OBEY=False",
            "-s",
            "AUTOTHROTTLE_ENABLED=False",
            "-s",
            "DOWNLOAD_DELAY=0",
            "-s",
            "HTTPCACHE_ENABLED=False",
            "-s",
            "CONCURRENT_REQUESTS=1",
            "-s",
            "TELNETCONSOLE_ENABLED=False",
        ]
        logs = {name: open(tmp_path / f"{name}.log", "w") for name in ("worker-1", "worker-2", "writer")}
        writer = None
        workers = [
            subprocess.Popen(
                command("worker", "news", "--max-idle", "8", *quick, "-s", f"USER_AGENT={name}"),
                env=env,
                cwd=ROOT,
                stdout=logs[name],
                stderr=subprocess.STDOUT,
            )
            for name in ("worker-1", "worker-2")
        ]
        try:
            wait_for(lambda: len(coordinator.live_workers(server, "news")) == 2, 60, "both workers to register")
            seeded = subprocess.run(command("seed", "news"), env=env, cwd=ROOT, capture_output=True, text=True)
            assert seeded.returncode == 0, seeded.stderr
            assert seeded.stdout.strip() == "2 seed(s) pushed to news:start_urls"
            writer = subprocess.Popen(
                command("writer", "news", "--db", str(db_path)),
                env=env,
                cwd=ROOT,
                stdout=logs["writer"],
                stderr=subprocess.STDOUT,
            )
            for process in [*workers, writer]:
                process.wait(timeout=180)
        finally:
            for process in [*workers, writer]:
                if process is not None and process.poll() is None:
                    process.kill()
            for log in logs.values():
                log.close()
        output = {name: (tmp_path / f"{name}.log").read_text(encoding="utf-8", errors="replace") for name in logs}
        assert [p.returncode for p in workers] == [0, 0], output["worker-1"][-3000:] + output["worker-2"][-3000:]
        assert writer.returncode == 0, output["writer"][-5000:]

        # every page fetched exactly once across both workers, each sitemap and feed once
        pages = site.page_paths()
        assert {path: site.hits[path] for path in pages} == {path: 1 for path in pages}
        assert site.hits["/alpha/sitemap.xml"] == site.hits["/beta/sitemap.xml"] == 1
        assert site.hits["/alpha/feed/"] == site.hits["/beta/feed/"] == 1
        by_worker = {
            name: sum(n for (agent, path), n in site.agents.items() if agent == name and path in pages)
            for name in ("worker-1", "worker-2")
        }
        assert sum(by_worker.values()) == 12 and min(by_worker.values()) >= 1, by_worker

    # every item stored once, by the writer, in one crawl run
    with sqlite3.connect(db_path) as conn:
        conn.row_factory = sqlite3.Row
        rows = conn.execute(
            "SELECT url, source, title, fetched_url, crawl_run_id, warc_filename FROM articles"
        ).fetchall()
        runs = conn.execute("SELECT * FROM crawl_runs").fetchall()
        sources = {r["key"]: dict(r) for r in conn.execute("SELECT * FROM sources")}
        rejects = conn.execute("SELECT url, reason FROM rejects ORDER BY url").fetchall()
    assert sorted(r["url"] for r in rows) == sorted(v["canonical_url"] for v in EXPECTED.values())
    by_url = {r["url"]: r for r in rows}
    aljazeera = by_url[
        "https://www.aljazeera.com/news/2019/11/service-members-killed-afghanistan-helicopter-crash-"
        "191120070028895.html"
    ]
    assert aljazeera["title"] == "US service members killed in Afghanistan helicopter crash"
    assert {r["source"] for r in rows} == {"alpha", "beta"}
    assert sources["alpha"]["name"] == "Local alpha" and sources["beta"]["base_url"].endswith("/beta/")
    (run,) = runs
    assert run["spider"] == "news" and run["finish_reason"] == "finished"
    assert {r["crawl_run_id"] for r in rows} == {run["id"]}
    # the 404 feeds are rejects too (the spider then falls back to the sitemap): through Redis like articles
    assert [tuple(r) for r in rejects] == [
        (f"{site.url}{key}/feed/", "rss discovery request failed: HTTP 404") for key in ("alpha", "beta")
    ]
    assert run["items_scraped"] == 14 and run["rejects"] == 2
    # 12 pages + 2 feeds (404) + 2 sitemaps, fetched by the workers, counted in the writer's run
    assert run["requests"] == 16 and run["responses"] == 16
    stats = json.loads(run["stats_json"])
    assert len(stats["distributed/workers"]) == 2
    assert stats["workers/distributed/items_pushed"] == 14
    # each worker archived what it fetched in its own WARC file, named after the worker
    warcs = sorted(p.name for p in (tmp_path / "warc").iterdir())
    assert len(warcs) == 2 and all(name.startswith("news-") for name in warcs)
    assert sorted(run["warc_filename"].split(":")) == warcs
    assert {r["warc_filename"] for r in rows} <= set(warcs)

    # nothing left in Redis for the writer; the shared queue is empty, the duplicate filter kept
    state = coordinator.status(server, "news")
    assert (
        state["items"] == state["writing"] == 0
        and state["requests"] == 0
        and state["seeds"] == 0
        and state["workers"] == []
    )
    assert state["seen"] == 12  # the article requests (discovery requests are not filtered)


def test_writer_stores_what_a_killed_writer_had_taken_and_rejects_unreadable_values(tmp_path, server, crawl_env):
    article = ArticleItem(
        url="https://www.aljazeera.com/news/2019/11/x.html",
        source="aljazeera",
        title="Crash",
        body="Two US service members were killed.",
        fetched_url="https://www.aljazeera.com/x",
        http_status=200,
        authors=["Al Jazeera"],
        tags=[],
    )
    server.rpush("news:items:writing", encode_item(article))  # taken by a writer that was then killed
    server.rpush("news:items", b'{"class": "items.ArticleItem", "item": {"colour": "red"}}')
    db_path = tmp_path / "writer.db"
    result = subprocess.run(
        command("writer", "news", "--db", str(db_path)),
        env=crawl_env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "1 item(s) taken by a writer that stopped before storing them" in result.stderr
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT url, title FROM articles").fetchall() == [(article["url"], "Crash")]
        ((reason, excerpt),) = conn.execute("SELECT reason, excerpt FROM rejects").fetchall()
        ((run_items, stats),) = conn.execute("SELECT items_scraped, stats_json FROM crawl_runs").fetchall()
    assert reason == "distributed writer: item not readable: KeyError: 'ArticleItem does not support field: colour'"
    assert excerpt == '{"class": "items.ArticleItem", "item": {"colour": "red"}}'
    assert run_items == 2 and json.loads(stats)["distributed/items_recovered"] == 1
    assert server.llen("news:items") == server.llen("news:items:writing") == 0


def test_clear_refuses_while_items_wait_then_clears(server, crawl_env):
    server.rpush("news:items", b"{}")
    server.sadd("news:dupefilter", b"fp")
    refused = subprocess.run(command("clear", "news"), env=crawl_env, cwd=ROOT, capture_output=True, text=True)
    assert refused.returncode == 1
    assert "1 item(s) of news not stored yet" in refused.stderr
    assert server.exists("news:dupefilter")
    cleared = subprocess.run(
        command("clear", "news", "--items"), env=crawl_env, cwd=ROOT, capture_output=True, text=True
    )
    assert cleared.returncode == 0, cleared.stderr
    assert not server.exists("news:dupefilter", "news:items")


def test_cannot_reach_redis_is_a_clear_error(crawl_env):
    env = {**crawl_env, "MODWATCH_REDIS_URL": "redis://127.0.0.1:1/0"}
    result = subprocess.run(command("status", "news"), env=env, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1
    assert "cannot reach Redis at redis://127.0.0.1:1/0" in result.stderr
