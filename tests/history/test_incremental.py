"""``middlewares.incremental``: nothing fetched twice in one run; a killed job's state discarded;
history triggers surviving ``transform()``.
"""

import json

import pytest
from scrapy.utils.test import get_crawler

import db
from db.articles import upsert_article
from modwatch.archive.warc import WarcFile
from middlewares.incremental import JobDirGuard
from tests.history.snapshots import HTML, T1, WIKIMEDIA, page

SPIDER = "tests/history/link_spider.py:SamePageLinksSpider"


@pytest.fixture
def start_page_warc(tmp_path):
    """The real Wikimedia page, whose links include three back to itself: ``#content``,
    ``#menu-header-menu`` (skip links) and ``#``."""
    path = tmp_path / "start.warc.gz"
    with WarcFile(path) as warc:
        warc.write_fetch(WIKIMEDIA, page(WIKIMEDIA), HTML, fetched_at=T1)
    return path


def crawl_stats(run_crawl, db_path, warc, settings=None) -> dict:
    run_crawl(SPIDER, db=db_path, replay=warc, settings=settings, spider_args={"start": WIKIMEDIA})
    database = db.connect(db_path)
    stats = json.loads(database.execute("select stats_json from crawl_runs order by id desc").fetchone()[0])
    database.close()
    return stats


def test_start_page_reached_again_through_fragment_links_is_not_fetched_twice(run_crawl, db_path, start_page_warc):
    stats = crawl_stats(run_crawl, db_path, start_page_warc)
    assert stats["replay/requests"] == 1
    assert stats["modwatch/duplicate_dropped"] == 3


def test_without_the_middleware_the_start_page_is_fetched_again(run_crawl, db_path, start_page_warc):
    # Scrapy's duplicate filter alone: the dont_filter start request is not recorded, so the
    # first link back to it (#content) is fetched again; the dupefilter drops the other two,
    # and the three links of the second copy
    stats = crawl_stats(
        run_crawl,
        db_path,
        start_page_warc,
        settings={"SPIDER_MIDDLEWARES": {"middlewares.incremental.OncePerRunMiddleware": None}},
    )
    assert stats["replay/requests"] == 2 and stats["dupefilter/filtered"] == 5


def make_job(folder, *, killed: bool):
    (folder / "requests.queue" / "p0").mkdir(parents=True)
    (folder / "requests.queue" / "active.json").write_text("[0]")
    (folder / "requests.seen").write_text("0123abcd\n")
    if killed:
        (folder / JobDirGuard.MARKER).write_text("2026-11-29T10:00:00Z\n")


@pytest.mark.parametrize("killed", [True, False])
def test_jobdir_of_a_killed_run_is_discarded(tmp_path, killed):
    jobdir = tmp_path / "jobs" / "news"
    make_job(jobdir, killed=killed)
    guard = JobDirGuard.from_crawler(get_crawler(settings_dict={"JOBDIR": str(jobdir)}))
    assert guard.discarded is killed
    assert (jobdir / "requests.seen").exists() is not killed
    assert (jobdir / "requests.queue").exists() is not killed
    assert (jobdir / JobDirGuard.MARKER).exists()  # this run is now the one running
    guard.spider_closed(None, "shutdown")
    assert not (jobdir / JobDirGuard.MARKER).exists()


def test_history_trigger_survives_transform(db_path):
    database = db.connect(db_path)
    item = {
        "url": "https://example.org/a/",
        "source": "example",
        "title": "T",
        "body": "first text",
        "fetched_at": "2026-01-01T00:00:00Z",
    }
    upsert_article(database, item)
    database["articles"].transform(types={"http_status": str})  # drops every trigger of the table
    assert "articles_history_au" not in {t.name for t in database.triggers}
    database.close()
    database = db.connect(db_path)  # ensure() re-creates it
    upsert_article(database, {**item, "body": "second text", "fetched_at": "2026-02-01T00:00:00Z"})
    rows = [tuple(r) for r in database.execute("select version, body, superseded_at from article_versions")]
    assert rows == [(1, "first text", "2026-02-01T00:00:00Z")]


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"title": "New title"}, ["title"]),
        ({"body": "new body"}, ["body"]),
        ({"title": "New title", "body": "new body"}, ["title", "body"]),
    ],
)
def test_changed_fields_name_what_changed(memory_db, change, fields):
    item = {
        "url": "https://example.org/a/",
        "source": "example",
        "title": "T",
        "body": "text",
        "published_at": "2026-01-01T00:00:00Z",
    }
    upsert_article(memory_db, item)
    upsert_article(memory_db, {**item, "published_at": "2026-01-02T00:00:00Z"})  # not a content change
    assert memory_db.execute("select count(*) from article_versions").fetchone()[0] == 0
    upsert_article(memory_db, {**item, **change})
    (changed, summary) = memory_db.execute("select changed_fields, diff_summary from article_versions").fetchone()
    assert json.loads(changed) == fields + ["published_at"]
    assert summary.startswith(", ".join(fields + ["published_at"]) + " changed; body 4 -> ")
