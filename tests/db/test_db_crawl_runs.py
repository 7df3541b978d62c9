"""``db.crawl_runs``: the crawl_runs queries of ``crawl`` and ``demo`` (last run, previous finished run, summary)."""

import pytest

import db
from db.crawl_runs import finish_crawl_run, last_run_id, latest_run, previous_finished_run, start_crawl_run, summary
from db.rejects import insert_reject


def run(database, spider, reason, items):
    run_id = start_crawl_run(database, spider)
    finish_crawl_run(
        database,
        run_id,
        finish_reason=reason,
        items_scraped=items,
        errors=0,
        rejects=0,
        requests=items,
        responses=items,
        stats={"modwatch/unchanged": 3},
    )
    return run_id


@pytest.fixture
def database():
    database = db.connect(":memory:")
    yield database
    database.close()


def test_last_run_id_of_an_empty_database_is_zero(database):
    assert last_run_id(database) == 0


def test_latest_and_previous_finished_run(database):
    first = run(database, "news", "finished", 4)
    run(database, "lumen", "finished", 2)
    shutdown = run(database, "news", "shutdown", 1)
    newest = run(database, "news", "finished", 0)
    assert last_run_id(database) == newest == 4
    latest = latest_run(database, "news", after_id=first)
    assert (latest["id"], latest["items_scraped"], latest["stats"]) == (newest, 0, {"modwatch/unchanged": 3})
    assert latest_run(database, "news", after_id=newest) is None
    previous = previous_finished_run(database, "news", newest)  # the shutdown run is skipped
    assert (previous["id"], previous["items_scraped"]) == (first, 4) and shutdown == 3


def test_summary_lists_rejects_seen_again_in_the_runs(database):
    """A reject first stored by run 1 and met again by run 2 is a reject of run 2 (one row, times_seen 2)."""
    first = run(database, "dsa_sor", "finished", 0)
    insert_reject(
        database,
        url="https://dsa.example/sor-global-2023-09-24-full.zip",
        reason="HTTP 404",
        spider="dsa_sor",
        crawl_run_id=first,
    )
    second = run(database, "dsa_sor", "finished", 0)
    insert_reject(
        database,
        url="https://dsa.example/sor-global-2023-09-24-full.zip",
        reason="HTTP 404",
        spider="dsa_sor",
        crawl_run_id=second,
    )
    figures = summary(database, second)
    assert [r["id"] for r in figures["runs"]] == [second]
    assert figures["rejects"] == [
        {"url": "https://dsa.example/sor-global-2023-09-24-full.zip", "reason": "HTTP 404", "times_seen": 2}
    ]
    assert (figures["articles"], figures["articles_total"], figures["removal_requests"]) == ([], 0, [])
    assert summary(database, second + 1)["rejects"] == []
