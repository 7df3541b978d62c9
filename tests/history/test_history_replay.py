"""History through WARC replay of two snapshots of the same pages (see ``conftest.py``):
edited article -> earlier version kept; unchanged article not re-parsed; nothing new -> no rows.
"""

import json

import db
from tests.history.snapshots import DH2020, EDITED_SENTENCE, KULU, NETZPOLITIK, ORIGINAL_SENTENCE, WIKIMEDIA

TABLES = ("articles", "article_versions", "authors", "article_authors", "tags", "article_tags", "rejects")


def run_stats(database, run_id: int) -> dict:
    return json.loads(database.execute("select stats_json from crawl_runs where id = ?", [run_id]).fetchone()[0])


def counts(database) -> dict:
    return {t: database.execute(f"select count(*) from {t}").fetchone()[0] for t in TABLES}


def test_first_snapshot_stores_the_four_articles(crawl_news, snapshots, db_path):
    crawl_news(snapshots.first)
    database = db.connect(db_path)
    rows = {r["url"]: r for r in database.query("select url, title, fetched_at, crawl_run_id from articles")}
    assert set(rows) == {WIKIMEDIA, DH2020, KULU, NETZPOLITIK}
    assert rows[WIKIMEDIA]["title"] == "Access to Wikipedia restored in Turkey after more than two and a half years"
    assert {r["fetched_at"] for r in rows.values()} == {"2026-01-10T08:00:00Z"}  # the WARC-Date of snapshot 1
    assert database.execute("select count(*) from article_versions").fetchone()[0] == 0


def test_edited_article_gets_a_version_row_with_the_old_text(crawl_news, snapshots, db_path):
    crawl_news(snapshots.first)
    crawl_news(snapshots.second)
    database = db.connect(db_path)
    article = database.execute(
        "select id, body, fetched_at, crawl_run_id from articles where url = ?", [WIKIMEDIA]
    ).fetchone()
    assert EDITED_SENTENCE in article[1] and ORIGINAL_SENTENCE not in article[1]
    assert article[2] == "2026-02-20T09:30:00Z" and article[3] == 2
    (version,) = [dict(r) for r in database.query("select * from article_versions")]
    assert version["article_id"] == article[0] and version["version"] == 1
    assert ORIGINAL_SENTENCE in version["body"] and EDITED_SENTENCE not in version["body"]
    assert version["fetched_at"] == "2026-01-10T08:00:00Z" and version["superseded_at"] == "2026-02-20T09:30:00Z"
    assert (version["crawl_run_id"], version["superseded_by_crawl_run_id"]) == (1, 2)
    assert version["warc_filename"] == "snapshot-2026-01-10.warc.gz" and version["warc_record_id"].startswith("<urn:")
    assert json.loads(version["changed_fields"]) == ["body"]
    history = [
        dict(r)
        for r in database.query(
            "select version, is_current, fetched_at from article_history where article_id = ? order by version",
            [article[0]],
        )
    ]
    assert history == [
        {"version": 1, "is_current": 0, "fetched_at": "2026-01-10T08:00:00Z"},
        {"version": 2, "is_current": 1, "fetched_at": "2026-02-20T09:30:00Z"},
    ]
    # the other articles did not change: no version rows for them
    assert database.execute("select count(distinct article_id) from article_versions").fetchone()[0] == 1


def test_unchanged_article_is_not_reparsed(crawl_news, snapshots, db_path):
    crawl_news(snapshots.first)
    crawl_news(snapshots.second)
    database = db.connect(db_path)
    stats = run_stats(database, 2)
    assert stats["modwatch/unchanged"] == 1  # dh2020: same bytes in both snapshots
    # only the edited Wikimedia page was parsed into an item; the 410 and 451 answers are rejects
    assert stats["item_scraped_count"] == 3
    assert sorted(r[0] for r in database.execute("select reason from rejects")) == [
        "article not fetched: HTTP 410",
        "article not fetched: HTTP 451",
    ]
    row = database.execute(
        "select fetched_at, last_seen_at, crawl_run_id from articles where url = ?", [DH2020]
    ).fetchone()
    # still the fetch it was parsed from, seen again at the second snapshot's time
    assert tuple(row) == ("2026-01-10T08:00:00Z", "2026-02-20T09:30:00Z", 1)


def test_second_run_with_nothing_new_adds_no_rows(crawl_news, snapshots, db_path):
    crawl_news(snapshots.first)
    crawl_news(snapshots.second)
    database = db.connect(db_path)
    before = counts(database)
    database.close()
    crawl_news(snapshots.second)
    database = db.connect(db_path)
    assert counts(database) == before
    assert before["articles"] == 4 and before["article_versions"] == 1 and before["rejects"] == 2  # 410, 451
    stats = run_stats(database, 3)
    # the 410 and 451 answers are rejects again, seen a second time: no row added
    assert stats["modwatch/unchanged"] == 2 and stats.get("item_scraped_count", 0) == 2


def test_incremental_can_be_switched_off(run_crawl, snapshots, db_path):
    for _ in range(2):
        run_crawl(
            "spiders.news:NewsSpider",
            db=db_path,
            replay=snapshots.first,
            warc_dir=snapshots.warc_dir,
            settings={"MODWATCH_SITES_FILE": str(snapshots.sites_file), "MODWATCH_INCREMENTAL": False},
        )
    database = db.connect(db_path)
    stats = run_stats(database, 2)
    assert stats["item_scraped_count"] == 4 and "modwatch/unchanged" not in stats
    assert counts(database)["article_versions"] == 0  # parsed again, same content: still no new version
