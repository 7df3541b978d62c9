"""End to end: ``python -m modwatch demo`` replays the demo snapshot (demo/snapshot.warc.gz) into SQLite.

The snapshot holds real pages, feeds, sitemaps, WordPress REST JSON and transparency files
(demo/SOURCES.md). The demo runs twice into one database: storage must be idempotent.
"""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT = ROOT / "demo" / "snapshot.warc.gz"

def run_demo(db_path, snapshot) -> subprocess.CompletedProcess:
    env = {**os.environ, "MODWATCH_LOG_LEVEL": "INFO", "MODWATCH_WARC_DIR": str(db_path.parent / "warc")}
    result = subprocess.run([sys.executable, "-m", "modwatch", "demo", "--db", str(db_path), "--snapshot", str(snapshot)],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    return result


def counts(db_path) -> dict:
    """Row count of every table but ``crawl_runs`` (one row per run)."""
    with sqlite3.connect(db_path) as conn:
        tables = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table' "
                                             "and name not like 'sqlite_%' and name != 'crawl_runs'")]
        return {t: conn.execute(f"select count(*) from [{t}]").fetchone()[0] for t in tables}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    """The demo crawled twice into one database: (path, counts after run 1, stdout of run 2).

    The snapshot path does not exist at first: the demo command builds it from the manifest."""
    folder = tmp_path_factory.mktemp("demo")
    db_path, snapshot = folder / "modwatch.db", folder / "snapshot.warc.gz"
    first_run = run_demo(db_path, snapshot)
    assert f"built {snapshot}" in first_run.stdout
    first = counts(db_path)
    second_run = run_demo(db_path, snapshot)
    assert "built" not in second_run.stdout
    return db_path, first, second_run.stdout


def test_committed_snapshot_matches_the_manifest():
    """demo/snapshot.warc.gz holds exactly the manifest's files, keyed to their URLs."""
    from warcio.archiveiterator import ArchiveIterator

    sys.path.insert(0, str(ROOT / "demo"))
    import build_snapshot

    expected = {e["url"]: (e["file"].read_bytes(), e["content_type"]) for e in build_snapshot.load_manifest()}
    archived = {}
    with open(SNAPSHOT, "rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type == "response":
                archived[record.rec_headers.get_header("WARC-Target-URI")] = (
                    record.content_stream().read(), record.http_headers.get_header("Content-Type"))
    assert archived == expected


def test_demo_stores_every_snapshot_article(demo_db):
    db_path, _, _ = demo_db
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    rows = {r["url"]: r for r in conn.execute("select * from articles")}
    by_source = {}
    for row in rows.values():
        by_source.setdefault(row["source"], []).append(row)
    # REST: both pages of category 7 (10 posts); feeds: every post of the dh2020 category and tag
    # feeds, the 10 wordpress.org news posts, the Vietnamese post; 6 single pages
    assert {k: len(v) for k, v in by_source.items()} == {
        "worona": 10, "dh2020": 10, "wordpress-news": 10, "doancuoiki": 1,
        "kulu-media": 1, "netzpolitik": 1, "wikimedia": 1, "aclu": 1, "wptavern": 1, "chron": 1}
    chron = by_source["chron"][0]
    assert chron["title"] == "Esper accuses China of intimidating smaller Asian nations"
    assert chron["body"].startswith("HANOI, Vietnam (AP) — U.S. Defense Secretary Mark Esper on Wednesday accused China")
    for row in rows.values():
        assert row["title"] and row["body"] and row["published_at"], row["url"]
        assert row["warc_record_id"] and row["crawl_run_id"] and row["body_sha256"], row["url"]
    farewell = rows["https://dh2020.adho.org/farewell-ottawa-adieu-ottawa/"]
    assert farewell["discovered_via"] == "rss" and farewell["fetched_url"] == farewell["url"]  # the page itself
    assert rows["https://demo.worona.org/machu-picchu/"]["section"] == "Nature"
    vi = by_source["doancuoiki"][0]
    assert vi["language"] == "vi" and "thú cưng" in vi["title"].lower()
    authors = {r[0] for r in conn.execute(
        "select a.name from authors a join article_authors aa on aa.author_id = a.id "
        "join articles ar on ar.id = aa.article_id where ar.source = 'worona'")}
    assert authors == {"Reyes Martinez", "Luis Herranz", "Alan Martin"}
    sources = {r[0]: r[1:] for r in conn.execute("select key, name, base_url, language from sources")}
    assert sources["doancuoiki"] == ("Đồ Án Cuối Kì", "https://99hainnguyen.github.io/doancuoiki/", "vi")


def test_demo_second_run_changes_no_row_count(demo_db):
    """No table's row count changed by a second run but ``crawl_runs``, which logs each run.

    The news spider's rejects are the sitemap-discovered article pages that are not in the
    snapshot (the replay answers 404) and the one sitemap URL missing from it: recorded once,
    seen again by the second run (``times_seen`` 2), no row added."""
    db_path, first, stdout = demo_db
    assert counts(db_path) == first
    assert first["datasets"] == 29 and first["rejects"] == 107 and first["articles"] == 37
    with sqlite3.connect(db_path) as conn:
        rejects = conn.execute("select reason, count(*), min(times_seen), max(times_seen) from rejects "
                               "where spider = 'news' group by reason order by reason").fetchall()
        missing = conn.execute("select url from rejects where spider = 'news' and reason like 'article%'").fetchall()
    assert rejects == [("article not fetched: HTTP 404", 104, 2, 2),
                       ("sitemap discovery request failed: HTTP 404", 1, 2, 2)]
    assert ("https://quirky-meitner6297.on.getshifter.io/2020/10/03/hello-world/",) in missing
    assert "kulu-media" in stdout and "total: 37 articles" in stdout


def test_demo_one_crawl_run_per_run(demo_db):
    db_path, _, _ = demo_db
    with sqlite3.connect(db_path) as conn:
        runs = conn.execute("select spider, finish_reason, items_scraped, errors, replay_source, "
                            "coalesce(json_extract(stats_json, '$.\"modwatch/unchanged\"'), 0) from crawl_runs "
                            "where spider = 'news'").fetchall()  # other demo spiders may add their runs
    assert [r[0] for r in runs] == ["news", "news"]
    assert all(r[1] == "finished" and r[3] == 0 and r[4].endswith("snapshot.warc.gz") for r in runs)
    # the second run does not re-parse the article pages it stored unchanged (modwatch.incremental)
    # items_scraped counts the 105 RejectItems too (37 + 105, then 30 + 105)
    assert [(r[2], r[5]) for r in runs] == [(142, 0), (135, 7)]



def test_demo_answers_the_vietnam_join_with_rows_from_both_halves(demo_db):
    """Issue 8: Vietnam's removal-request figures beside the articles of the same half-year."""
    db_path, _, _ = demo_db
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute(
            "select period_end, platform, requests, items_requested, title, mentions_country "
            "from removal_request_articles where country = 'VN' and mentions_country = 1 "
            "order by platform").fetchall()
    # The AP article (2019-11-20) names Vietnam; Google's real figures for Vietnam, 2019-H2
    assert ("2019-12-31", "Google", 157, 6034, "Esper accuses China of intimidating smaller Asian nations", 1) in rows
    assert {r[1] for r in rows} >= {"Google", "Meta"}

