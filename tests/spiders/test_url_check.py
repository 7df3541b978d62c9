"""Takedown detection: the ``url_check`` spider over the second snapshot, the ``takedowns`` view,
the archived copy served by Datasette and ``warc-get``, and the classification rules.
"""

import asyncio
import json
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from datasette.app import Datasette

import db
from db.history import articles_to_check, insert_url_check
from modwatch.takedown import classify, classify_failure
from spiders.url_check import checked_before
from tests.history.snapshots import BLOCKED_BY, DH2020, KULU, NETZPOLITIK, ORIGINAL_SENTENCE, PAGES, WIKIMEDIA, page

ROOT = Path(__file__).resolve().parents[2]


def test_gone_pages_are_recorded_with_the_date_of_the_check(crawl_news, check_urls, snapshots, db_path):
    crawl_news(snapshots.first)
    check_urls(snapshots.second)
    database = db.connect(db_path)
    checks = {r["url"]: r for r in database.query("select * from url_checks")}
    assert set(checks) == set(PAGES)
    assert {u: (c["http_status"], c["gone"], c["reason"]) for u, c in checks.items()} == {
        WIKIMEDIA: (200, 0, "online"),
        DH2020: (200, 0, "online"),
        KULU: (410, 1, "HTTP 410 Gone"),
        NETZPOLITIK: (451, 1, f"HTTP 451 Unavailable For Legal Reasons (blocked-by: {BLOCKED_BY})"),
    }
    assert {c["checked_at"] for c in checks.values()} == {"2026-02-20T09:30:00Z"}  # WARC-Date of snapshot 2
    assert checks[KULU]["final_url"] == KULU and checks[KULU]["crawl_run_id"] == 2
    assert checks[KULU]["warc_filename"] == "snapshot-2026-02-20.warc.gz"
    gone = dict(database.execute("select url, gone_at from articles where gone_at is not null").fetchall())
    assert gone == {KULU: "2026-02-20T09:30:00Z", NETZPOLITIK: "2026-02-20T09:30:00Z"}


def test_gone_article_keeps_its_date_and_comes_back_when_online(memory_db):
    memory_db.execute("insert into sources (key) values ('x')")
    article_id = memory_db.execute(
        "insert into articles (url, source) values ('https://example.org/a/', 'x')"
    ).lastrowid
    check = {"article_id": article_id, "url": "https://example.org/a/"}
    insert_url_check(memory_db, {**check, "http_status": 410, "gone": True, "checked_at": "2026-03-01T00:00:00Z"})
    insert_url_check(memory_db, {**check, "http_status": 451, "gone": True, "checked_at": "2026-04-01T00:00:00Z"})
    insert_url_check(memory_db, {**check, "http_status": 503, "gone": False, "checked_at": "2026-05-01T00:00:00Z"})
    gone_at = memory_db.execute("select gone_at from articles").fetchone()[0]
    assert gone_at == "2026-03-01T00:00:00Z"  # gone from the first check that found it gone; 503 says nothing
    (row,) = memory_db.query("select http_status, found_gone_by_check_at from takedowns")
    assert row == {"http_status": 410, "found_gone_by_check_at": "2026-03-01T00:00:00Z"}
    insert_url_check(memory_db, {**check, "http_status": 200, "gone": False, "checked_at": "2026-06-01T00:00:00Z"})
    assert memory_db.execute("select gone_at from articles").fetchone()[0] is None
    assert memory_db.execute("select count(*) from takedowns").fetchone()[0] == 0


def test_archived_copy_of_a_gone_article_is_served(crawl_news, check_urls, snapshots, db_path):
    crawl_news(snapshots.first)
    check_urls(snapshots.second)
    datasette = Datasette([str(db_path)])

    async def fetch():
        return await datasette.client.get(
            "/modwatch/takedowns.json?_shape=array&url=" + KULU.replace(":", "%3A").replace("/", "%2F")
        )

    (row,) = asyncio.run(fetch()).json()
    assert row["title"] == "Meta Outage Hits Facebook, Instagram and Messenger Worldwide"
    assert row["gone_at"] == "2026-02-20T09:30:00Z" and row["http_status"] == 410
    assert "Facebook" in row["archived_text"] and row["archived_at"] == "2026-01-10T08:00:00Z"
    assert row["warc_filename"] == "snapshot-2026-01-10.warc.gz"
    # the archived response itself, byte for byte, from the snapshot-1 WARC
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "modwatch",
            "warc-get",
            row["warc_record_id"],
            "--db",
            str(db_path),
            "--warc-dir",
            str(snapshots.folder),
        ],
        cwd=ROOT,
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == page(KULU)


def test_wikimedia_version_keeps_its_archived_record(crawl_news, snapshots, db_path):
    crawl_news(snapshots.first)
    crawl_news(snapshots.second)
    database = db.connect(db_path)
    record_id = database.execute("select warc_record_id from article_versions").fetchone()[0]
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "modwatch",
            "warc-get",
            record_id,
            "--db",
            str(db_path),
            "--warc-dir",
            str(snapshots.folder),
        ],
        cwd=ROOT,
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 0 and ORIGINAL_SENTENCE.encode() in result.stdout


def test_older_than_and_limit_choose_what_is_checked(crawl_news, check_urls, snapshots, db_path):
    crawl_news(snapshots.first)
    check_urls(snapshots.second, limit="2")
    database = db.connect(db_path)
    assert database.execute("select count(*) from url_checks").fetchone()[0] == 2
    # never-checked articles come first: the next two are the ones not yet checked
    next_two = articles_to_check(database, checked_before="9999", limit=2)
    checked = {r[0] for r in database.execute("select url from url_checks")}
    assert {a["url"] for a in next_two} == set(PAGES) - checked
    database.close()
    check_urls(snapshots.second, older_than="2026-02-01")  # the two never checked
    database = db.connect(db_path)
    assert database.execute("select count(*) from url_checks").fetchone()[0] == 4
    database.close()
    check_urls(snapshots.second, older_than="2026-02-01")  # all checked since 2026-02-01: nothing to do
    database = db.connect(db_path)
    assert database.execute("select count(*) from url_checks").fetchone()[0] == 4
    stats = json.loads(database.execute("select stats_json from crawl_runs order by id desc").fetchone()[0])
    assert stats["modwatch/url_checks/selected"] == 0 and stats["modwatch/nothing_due"] == 1


HOME = "https://wikimediafoundation.org/"


@pytest.mark.parametrize(
    ("status", "location", "html", "gone", "reason"),
    [
        (404, None, None, True, "HTTP 404 Not Found"),
        (410, None, None, True, "HTTP 410 Gone"),
        (451, None, None, True, "HTTP 451 Unavailable For Legal Reasons"),
        (301, "/", None, True, "redirect to the home page"),
        (302, "https://wikimediafoundation.org/?removed=1", None, True, "redirect to the home page"),
        (301, "https://wikimediafoundation.org/news/2020/01/15/renamed/", None, False, "redirect"),
        (200, None, "<title>Unavailable For Legal Reasons</title>", True, "block page: unavailable for legal reasons"),
        (200, None, "<title>Trang web này đã bị chặn</title>", True, "block page: vn: blocked"),
        (200, None, "<h1>This content is not available in your country</h1>", True, "block page: withheld in country"),
        (503, None, None, False, "HTTP 503 Service Unavailable (not a takedown signal)"),
        (429, None, None, False, "HTTP 429 Too Many Requests (not a takedown signal)"),
    ],
)
def test_classify(status, location, html, gone, reason):
    verdict = classify(status, WIKIMEDIA, location=location, html=html, home_url=HOME)
    assert (verdict.gone, verdict.reason) == (gone, reason)


def test_an_article_about_blocking_is_not_a_block_page():
    # the Wikimedia article is about the block of Wikipedia in Turkey: its body says "block" often
    html = PAGES[WIKIMEDIA].read_text(encoding="utf-8")
    assert "block" in html
    assert classify(200, WIKIMEDIA, html=html, home_url=HOME).gone is False


def test_no_answer_is_not_a_takedown():
    verdict = classify_failure(TimeoutError("User timeout caused connection failure"))
    assert verdict.gone is False and verdict.reason == "no answer: TimeoutError: User timeout caused connection failure"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("7d", "2026-11-22T12:00:00Z"),
        ("12h", "2026-11-29T00:00:00Z"),
        ("30m", "2026-11-29T11:30:00Z"),
        ("2w", "2026-11-15T12:00:00Z"),
        ("0", "9999-12-31T23:59:59Z"),
        ("2026-02-01", "2026-02-01T00:00:00Z"),
        ("2026-02-01T10:00:00+02:00", "2026-02-01T08:00:00Z"),
    ],
)
def test_checked_before(value, expected):
    assert checked_before(value, now=datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)) == expected


def test_checked_before_rejects_nonsense():
    with pytest.raises(ValueError, match="older_than must be like"):
        checked_before("last week")


def test_redirects_are_recorded_not_followed_blindly(crawl_news, check_urls, snapshots, db_path, tmp_path):
    """Snapshot 3: Wikimedia redirects to its home page; dh2020 moved (301 to a new URL that answers
    200, the real page); kulu-media answers 200 with a block page; netzpolitik redirects to a URL
    that answers 410."""
    from modwatch.archive.warc import WarcFile
    from tests.history.snapshots import HTML, T2

    moved = "https://dh2020.adho.org/2020/farewell-ottawa/"
    removed = "https://netzpolitik.org/removed/"
    third = tmp_path / "snapshot-3.warc.gz"
    with WarcFile(third) as warc:
        warc.write_fetch(WIKIMEDIA, b"", {"Location": "/"}, status=301, fetched_at=T2)
        warc.write_fetch(DH2020, b"", {"Location": moved}, status=301, fetched_at=T2)
        warc.write_fetch(moved, page(DH2020), HTML, fetched_at=T2)
        warc.write_fetch(
            KULU,
            b"<html><head><title>Access to this site has been blocked by court order</title>"
            b"</head><body><p>Decision 2026/17</p></body></html>",
            HTML,
            fetched_at=T2,
        )
        warc.write_fetch(NETZPOLITIK, b"", {"Location": removed}, status=302, fetched_at=T2)
        warc.write_fetch(removed, b"gone", HTML, status=410, fetched_at=T2)
    crawl_news(snapshots.first)
    check_urls(third)
    database = db.connect(db_path)
    rows = {
        r["url"]: (r["http_status"], r["location"], r["final_url"], r["gone"], r["reason"])
        for r in database.query("select * from url_checks")
    }
    assert rows == {
        WIKIMEDIA: (301, "/", WIKIMEDIA, 1, "redirect to the home page"),
        DH2020: (301, moved, moved, 0, "redirected (1 hop), then online"),
        KULU: (200, None, KULU, 1, "block page: blocked by order"),
        NETZPOLITIK: (302, removed, removed, 1, "redirected (1 hop), then HTTP 410 Gone"),
    }
    assert {r[0] for r in database.execute("select url from takedowns")} == {WIKIMEDIA, KULU, NETZPOLITIK}


def test_replay_of_an_archive_lacking_a_url_records_not_in_archive(
    crawl_news, check_urls, snapshots, db_path, tmp_path
):
    """A replayed check over an archive that holds only Wikimedia's page: the replay middleware's
    own 404 for the other URLs is ``not in archive``, never a takedown (no gone_at, no status)."""
    from modwatch.archive.warc import WarcFile
    from tests.history.snapshots import HTML, T2

    partial = tmp_path / "snapshot-partial.warc.gz"
    with WarcFile(partial) as warc:
        warc.write_fetch(WIKIMEDIA, page(WIKIMEDIA), HTML, fetched_at=T2)
    crawl_news(snapshots.first)
    check_urls(partial)
    database = db.connect(db_path)
    rows = {
        r["url"]: (r["http_status"], r["final_url"], r["gone"], r["reason"])
        for r in database.query("select * from url_checks")
    }
    assert rows == {
        WIKIMEDIA: (200, WIKIMEDIA, 0, "online"),
        DH2020: (None, None, 0, "not in archive"),
        KULU: (None, None, 0, "not in archive"),
        NETZPOLITIK: (None, None, 0, "not in archive"),
    }
    assert database.execute("select count(*) from articles where gone_at is not null").fetchone()[0] == 0
    assert list(database.query("select url from takedowns")) == []
