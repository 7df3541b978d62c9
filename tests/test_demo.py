"""End to end: ``python -m modwatch demo`` replays the demo snapshot (demo/snapshot.warc.gz) into SQLite.

The snapshot holds real pages, feeds, sitemaps, WordPress REST JSON and transparency files
(demo/SOURCES.md). The demo runs twice into one database: storage must be idempotent.
"""

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote_plus

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT = ROOT / "demo" / "snapshot.warc.gz"


def run_demo(db_path, snapshot) -> subprocess.CompletedProcess:
    env = {**os.environ, "MODWATCH_LOG_LEVEL": "INFO", "MODWATCH_WARC_DIR": str(db_path.parent / "warc")}
    result = subprocess.run(
        [sys.executable, "-m", "modwatch", "demo", "--db", str(db_path), "--snapshot", str(snapshot)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    return result


def counts(db_path) -> dict:
    """Row count of every table but ``crawl_runs`` (one row per run)."""
    with sqlite3.connect(db_path) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "select name from sqlite_master where type = 'table' "
                "and name not like 'sqlite_%' and name != 'crawl_runs'"
            )
        ]
        return {t: conn.execute(f"select count(*) from [{t}]").fetchone()[0] for t in tables}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    """The demo crawled twice into one database: (path, counts after run 1, stdout of run 2, swap).

    The snapshot path does not exist at first: the demo command builds it from the manifest.
    ``swap``: what a reader that opened the database (immutable, as ``make serve`` does) before
    the second run saw: the file's inode before and after, and the reader's checks afterwards."""
    folder = tmp_path_factory.mktemp("demo")
    db_path, snapshot = folder / "modwatch.db", folder / "snapshot.warc.gz"
    first_run = run_demo(db_path, snapshot)
    assert f"built {snapshot}" in first_run.stdout
    first = counts(db_path)
    inode = db_path.stat().st_ino
    reader = sqlite3.connect(f"file:{db_path}?immutable=1", uri=True)
    second_run = run_demo(db_path, snapshot)
    assert "built" not in second_run.stdout
    swap = {
        "inode_before": inode,
        "inode_after": db_path.stat().st_ino,
        "reader_integrity": reader.execute("pragma integrity_check").fetchone()[0],
        "reader_articles": reader.execute("select count(*) from articles").fetchone()[0],
    }
    reader.close()
    return db_path, first, second_run.stdout, swap


@pytest.mark.parametrize(
    "manifest, warc", [("manifest.yaml", "snapshot.warc.gz"), ("takedowns.yaml", "takedowns.warc.gz")]
)
def test_committed_warcs_match_their_manifests(manifest, warc):
    """demo/snapshot.warc.gz and demo/takedowns.warc.gz hold exactly their manifest's files, keyed to their URLs."""
    from warcio.archiveiterator import ArchiveIterator

    sys.path.insert(0, str(ROOT / "demo"))
    import build_snapshot

    expected = {
        e["url"]: (e["file"].read_bytes(), e["content_type"], int(e.get("status", 200)))
        for e in build_snapshot.load_manifest(ROOT / "demo" / manifest)
    }
    archived = {}
    with open(ROOT / "demo" / warc, "rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type == "response":
                archived[record.rec_headers.get_header("WARC-Target-URI")] = (
                    record.content_stream().read(),
                    record.http_headers.get_header("Content-Type"),
                    int(record.http_headers.get_statuscode()),
                )
    assert archived == expected
    assert len(expected) == {"manifest.yaml": 79, "takedowns.yaml": 6}[manifest]


#: the off-topic WordPress sites of the snapshot, kept for the discovery tests (demo/discovery-sites.yaml)
DISCOVERY_FIXTURES = {
    "worona",
    "dh2020",
    "wordpress-news",
    "doancuoiki",
    "arhackintosh",
    "phillyvotebymail",
    "aclu",
    "wptavern",
}


def test_demo_stores_every_demo_article(demo_db):
    db_path, _, _, _ = demo_db
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    rows = {r["url"]: r for r in conn.execute("select * from articles")}
    by_source = {}
    for row in rows.values():
        by_source.setdefault(row["source"], []).append(row)
    # the 20 pages of censorship-news (4 of Global Voices) and the AP, Wikimedia, netzpolitik, kulu-media pages
    assert {k: len(v) for k, v in by_source.items()} == {
        "globalvoices": 4,
        **{
            key: 1
            for key in (
                "cnet-de",
                "lepoint",
                "timesofindia",
                "wolfgangmichal",
                "zdnet-de",
                "20min",
                "elfaro",
                "infobae",
                "internet-law",
                "nytimes",
                "piratenpartei",
                "bdzv",
                "boingboing",
                "globalvoices-de",
                "foxnews",
                "slowboring",
                "chron",
                "kulu-media",
                "netzpolitik",
                "wikimedia",
            )
        },
    }
    assert not DISCOVERY_FIXTURES & {r[0] for r in conn.execute("select key from sources")}  # out of the analyst's way
    chron = by_source["chron"][0]
    assert chron["title"] == "Esper accuses China of intimidating smaller Asian nations"
    assert chron["body"].startswith(
        "HANOI, Vietnam (AP) — U.S. Defense Secretary Mark Esper on Wednesday accused China"
    )
    for row in rows.values():
        assert row["title"] and row["body"] and row["published_at"], row["url"]
        assert row["warc_record_id"] and row["crawl_run_id"] and row["body_sha256"], row["url"]
    zdnet = by_source["zdnet-de"][0]
    assert (zdnet["title"], zdnet["published_at"], zdnet["language"]) == (
        "Facebook wehrt sich gegen Maas-Gesetz",
        "2017-05-29T12:14:51Z",
        "de",
    )
    assert zdnet["body"].startswith("Facebook hat sich erstmals zu Plänen von Bundesjustizminister Heiko Maas geäußert")
    elfaro = by_source["elfaro"][0]
    assert (
        elfaro["title"]
        == 'Tras una semana de acoso a la prensa, el presidente de la Asamblea exige a periodistas: "váyanse"'
    )
    assert elfaro["url"].endswith("periodistas-váyanse.htm")  # the page's canonical URL, unescaped
    sources = {r[0]: r[1:] for r in conn.execute("select key, name, base_url, language from sources")}
    assert sources["lepoint"] == ("Le Point", "https://www.lepoint.fr/", "fr")


def test_demo_articles_are_tagged_with_topics_laws_platforms_and_countries(demo_db):
    db_path, _, _, _ = demo_db
    with sqlite3.connect(db_path) as conn:
        total = conn.execute("select count(*) from articles").fetchone()[0]
        tagged = dict(conn.execute("select kind, count(distinct article_id) from article_entity_tags group by kind"))
        keys = {
            kind: {r[0] for r in conn.execute("select distinct key from article_entity_tags where kind = ?", [kind])}
            for kind in ("law", "platform")
        }
        netzdg = conn.execute(
            "select source from article_entity_tags where key = 'de-netzdg' order by source"
        ).fetchall()
    assert total == 24 and tagged["topic"] == 19 and tagged["law"] == 10 and tagged["platform"] == 20
    assert keys["law"] == {
        "eu-dsa",
        "de-netzdg",
        "de-tmg",
        "eu-data-protection-directive",
        "us-first-amendment",
        "fr-penal-code-apologie-du-terrorisme",
        "sv-penal-code-reform-2022-ley-mordaza",
        "br-digital-crimes-bill",
    }
    assert {"facebook", "x", "tiktok", "google", "youtube", "wikipedia"} <= keys["platform"]
    assert netzdg == [("wolfgangmichal",), ("zdnet-de",)]


def test_demo_second_run_changes_no_row_count(demo_db):
    """No table's row count changed by a second run but ``crawl_runs``, which logs each run: the
    articles are upserted, the transparency files are unchanged, and the takedown re-check is not
    due again (only checks older than the takedown WARC are)."""
    db_path, first, stdout, _ = demo_db
    assert counts(db_path) == first
    assert (first["datasets"], first["rejects"], first["articles"], first["url_checks"]) == (29, 2, 24, 6)
    with sqlite3.connect(db_path) as conn:
        rejects = conn.execute("select spider, reason, times_seen from rejects order by reason").fetchall()
    # the one real Lumen notice with an impossible year (2911), its other fields stored
    assert [(r[0], r[1][:45], r[2]) for r in rejects] == [
        ("lumen", "notice 6335: date_received: impossible date '", 1),
        ("lumen", "notice 6335: date_sent: impossible date '2911", 1),
    ]  # the unchanged pages are not re-read
    assert "zdnet-de" in stdout and "total: 24 articles" in stdout


def test_demo_one_crawl_run_per_run(demo_db):
    db_path, _, _, _ = demo_db
    with sqlite3.connect(db_path) as conn:
        runs = conn.execute(
            "select spider, finish_reason, items_scraped, errors, replay_source, "
            "coalesce(json_extract(stats_json, '$.\"modwatch/unchanged\"'), 0) from crawl_runs "
            "where spider in ('news', 'url_check') order by id"
        ).fetchall()
    assert [r[0] for r in runs] == ["news", "url_check", "news", "url_check"]
    assert all(r[1] == "finished" and r[3] == 0 for r in runs)
    assert [Path(r[4]).name for r in runs] == ["snapshot.warc.gz", "takedowns.warc.gz"] * 2
    # the second run does not re-parse the article pages it stored unchanged (middlewares.incremental)
    assert [(r[2], r[5]) for r in runs] == [(24, 0), (6, 0), (0, 24), (0, 0)]


def test_demo_takedowns_show_the_archived_text_beside_the_failing_answer(demo_db):
    db_path, _, _, _ = demo_db
    with sqlite3.connect(db_path) as conn:
        gone = conn.execute(
            "select source, http_status, reason, archived_text, warc_record_id from takedowns order by source"
        ).fetchall()
        online = conn.execute("select count(*) from url_checks where gone = 0 and reason = 'online'").fetchone()[0]
    assert [row[:3] for row in gone] == [
        ("globalvoices", 200, "block page: blocked by order"),
        ("timesofindia", 451, "HTTP 451 Unavailable For Legal Reasons"),
        ("zdnet-de", 410, "HTTP 410 Gone"),
    ]
    archived = [row[3] for row in gone]
    assert archived[0].startswith("Chinese information activists have been testing and collecting information about")
    assert archived[1].startswith('NEW DELHI: Pakistan\'s "whole-of-system approach" to countering militancy')
    assert archived[2].startswith("Facebook hat sich erstmals zu Plänen von Bundesjustizminister Heiko Maas geäußert")
    assert all(row[4].startswith("<urn:uuid:") for row in gone)  # the archived copy's WARC record
    assert online == 3  # the other Global Voices articles answer with their pages


def test_demo_answers_the_vietnam_join_with_rows_from_both_halves(demo_db):
    """Issue 8: Vietnam's removal-request figures beside the articles of the same half-year."""
    db_path, _, _, _ = demo_db
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute(
            "select period_end, platform, requests, items_requested, title, mentions_country "
            "from removal_request_articles where country = 'VN' and mentions_country = 1 "
            "order by platform"
        ).fetchall()
    # The AP article (2019-11-20) names Vietnam; Google's real figures for Vietnam, 2019-H2
    assert ("2019-12-31", "Google", 157, 6034, "Esper accuses China of intimidating smaller Asian nations", 1) in rows
    assert {r[1] for r in rows} >= {"Google", "Meta"}


def test_demo_evidence_puts_germanys_figures_beside_the_netzdg_report(demo_db):
    """Germany's removal requests of 2017-H1 beside the ZDNet report on Facebook and the NetzDG (May 2017)."""
    db_path, _, _, _ = demo_db
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute(
            "select platform, requests, mentions_platform from removal_request_articles "
            "where country = 'DE' and period_end = '2017-06-30' and title = 'Facebook wehrt sich gegen Maas-Gesetz' "
            "order by platform"
        ).fetchall()
    assert rows == [("Google", 246, 1), ("Meta", None, 1), ("X", 443, 1)]


def test_demo_terminal_is_quiet_and_the_scrapy_log_is_in_data_logs(demo_db):
    db_path, _, stdout, _ = demo_db
    log = (db_path.parent / "logs" / "demo.log").read_text(encoding="utf-8")
    assert "[scrapy.core.engine] INFO: Spider closed (finished)" in log
    assert "[scrapy" not in stdout and len(stdout.splitlines()) < 50
    assert "Spider closed" in (db_path.parent / "logs" / "demo-url_check.log").read_text(encoding="utf-8")


def test_demo_swaps_the_database_in_so_a_reader_never_sees_a_half_written_file(demo_db):
    """The second run built a new file beside the database and renamed it over it: a reader that
    had the database open (immutable, like ``make serve``) keeps a consistent copy."""
    db_path, _, _, swap = demo_db
    assert swap["inode_after"] != swap["inode_before"]
    assert (swap["reader_integrity"], swap["reader_articles"]) == ("ok", 24)
    assert not Path(f"{db_path}.building").exists() and not Path(f"{db_path}-wal").exists()


def test_a_second_demo_at_the_same_time_is_refused(tmp_path):
    import fcntl

    db_path = tmp_path / "modwatch.db"
    with open(f"{db_path}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = subprocess.run(
            [sys.executable, "-m", "modwatch", "demo", "--db", str(db_path)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 1
    assert f"another demo is writing {db_path}" in result.stderr
    assert not db_path.exists()


def test_a_database_another_process_writes_is_not_replaced(tmp_path):
    """A crawl writing the same database (WAL mode, its WAL not yet checkpointed): the demo refuses
    before crawling, and the writer's data stays."""
    db_path = tmp_path / "modwatch.db"
    writer = sqlite3.connect(db_path)
    writer.execute("pragma journal_mode = wal")
    writer.execute("create table t (x)")
    writer.execute("insert into t values (1)")
    writer.commit()
    assert Path(f"{db_path}-wal").stat().st_size > 0
    result = subprocess.run(
        [sys.executable, "-m", "modwatch", "demo", "--db", str(db_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert f"demo not run: {db_path} is open in another process (modwatch.db-wal is not empty)" in result.stderr
    assert writer.execute("select x from t").fetchall() == [(1,)]
    writer.close()


def example_searches() -> list[str]:
    """The example searches linked from the README and the home page (``/modwatch/search?q=...``)."""
    texts = [
        (ROOT / "README.md").read_text(encoding="utf-8"),
        (ROOT / "datasette" / "metadata.yml").read_text(encoding="utf-8"),
    ]
    return sorted({unquote_plus(q) for text in texts for q in re.findall(r"/modwatch/search\?q=([\w%+-]+)", text)})


def test_readme_and_home_page_example_searches_each_find_a_demo_article(demo_db):
    db_path, _, _, _ = demo_db
    sys.path.insert(0, str(ROOT / "datasette" / "plugins"))
    import modwatch_search

    sql = yaml.safe_load((ROOT / "datasette" / "metadata.yml").read_text(encoding="utf-8"))["databases"]["modwatch"][
        "queries"
    ]["search"]["sql"]
    conn = sqlite3.connect(db_path)
    conn.create_function("fts_words", 1, modwatch_search.fts_words)
    found = {q: [r[1] for r in conn.execute(sql, {"q": q}) if r[0] == "article"] for q in example_searches()}
    # with and without accents; German, Spanish and English
    assert {"Löschung", "loschung", "NetzDG", "libertad de prensa", "censorship Twitter"} <= set(found)
    assert found["loschung"] == found["Löschung"]
    assert all(found.values()), found
    kinds = {r[0] for r in conn.execute(sql, {"q": "TikTok"})}
    assert kinds == {"article", "DSA statement of reasons"}  # one search, several tables


def test_platform_and_law_query_finds_the_netzdg_reports(demo_db):
    """Canned query articles_naming_platform_and_law: "which articles name Facebook and a German law?"."""
    db_path, _, _, _ = demo_db
    sql = yaml.safe_load((ROOT / "datasette" / "metadata.yml").read_text(encoding="utf-8"))["databases"]["modwatch"][
        "queries"
    ]["articles_naming_platform_and_law"]["sql"]
    conn = sqlite3.connect(db_path)

    def ask(platform="", law="", country=""):
        return [(r[1], r[6], r[7]) for r in conn.execute(sql, {"platform": platform, "law": law, "country": country})]

    assert ask("facebook", "de-netzdg") == [
        ("wolfgangmichal", "Germany's Network Enforcement Act (NetzDG)", "Netzwerkdurchsetzungsgesetz"),
        ("zdnet-de", "Germany's Network Enforcement Act (NetzDG)", "Maas-Gesetz"),
    ]
    # "Meta" is the report name of Facebook and Instagram; only ZDNet's report names Germany
    assert {r[0] for r in ask("Meta", "", "de")} == {"zdnet-de"}
    assert {r[0] for r in ask(" TikTok ", "EU-DSA")} == {"20min"}
    assert ask("zalo", "de-netzdg") == []


def test_demo_records_every_source_it_crawled_in_source_status(demo_db):
    """Each demo crawl run is an attempt at its source, as after ``crawl``: the news, Lumen, DSA and
    URL-check runs have their row beside the transparency files' (the snapshot's old half-years are
    stale, with the reason)."""
    db_path, _, _, _ = demo_db
    with sqlite3.connect(db_path) as conn:
        states = dict(conn.execute("select source, state from source_status"))
        google = conn.execute("select reason from source_status where source = 'google_removals'").fetchone()[0]
    assert states == {
        "news": "ok",
        "lumen": "ok",
        "dsa_sor": "ok",
        "url_check": "ok",
        "google_removals": "stale",
        "meta_restrictions": "stale",
        "x_removals": "stale",
        "tiktok_removals": "stale",
    }
    assert google.startswith("newest period ends 2023-12-31")
