"""Drift is a first-class event: ``python -m modwatch crawl`` exits non-zero and ``source_status`` says why.

Real crawls in subprocesses: the ``news`` spider replaying a site that answers nothing, and the
``google_removals`` spider reading local copies (``file://``) of the real 2026 Google export, altered.
"""

import datetime as dt
import subprocess
import zipfile

import pytest

import db
from db import source_status
from modwatch.archive.warc import WarcFile
from tests.helpers import FIXTURES, ROOT, crawl_env, modwatch
from tests.history.snapshots import HTML, T1, build_snapshots

#: the newest of the four snapshot articles: kulu-media.com, "June 12, 2026" (time datetime="2026-06-12")
NEWEST_SNAPSHOT_DAY = "2026-06-12"
NEW = (FIXTURES / "transparency" / "google_2026" / "google-government-removal-requests.VN-TH-KH-MM.csv").read_bytes()


def crawl(tmp_path, *arguments, **env):
    command = modwatch(
        "crawl", "--db", tmp_path / "m.db", "--logs-dir", tmp_path / "logs", "--jobs-dir", tmp_path / "jobs", *arguments
    )
    return subprocess.run(
        command, cwd=ROOT, env=crawl_env(tmp_path, **env), capture_output=True, text=True, timeout=300
    )


def status_row(tmp_path, source):
    database = db.connect(tmp_path / "m.db")
    try:
        return database["source_status"].get(source)
    finally:
        database.close()


def zip_file(path, members):
    with zipfile.ZipFile(path, "w") as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return path


def test_a_first_crawl_that_finds_no_article_fails_and_says_why(tmp_path):
    snapshots = build_snapshots(tmp_path)
    empty = tmp_path / "empty.warc.gz"  # the site answers nothing: no feed, no sitemap, no article
    with WarcFile(empty) as warc:
        warc.write_fetch("https://example.org/", b"<html></html>", HTML, fetched_at=T1)
    result = crawl(tmp_path, "news", MODWATCH_REPLAY=empty, MODWATCH_SITES_FILE=snapshots.sites_file)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "news: source news failed: returned nothing: no article or file found" in result.stdout
    row = status_row(tmp_path, "news")
    assert row["state"] == "failed" and row["reason"].startswith("returned nothing")
    assert row["last_success"] is None and row["crawl_run_id"] == 1


def test_a_source_that_stores_nothing_fails_the_crawl(tmp_path):
    lines = NEW.decode("utf-8").splitlines()
    broken = [lines[0]] + [line.replace(",", ",n/a-", 6).replace("n/a-", "", 5) for line in lines[1:4]]
    path = tmp_path / "google-government-removal-requests.csv"
    path.write_text("\n".join(broken) + "\n", encoding="utf-8")
    assert broken[1].count("n/a-") == 1  # the requests cell is no count: every row is rejected
    result = crawl(tmp_path, "google_removals", "-a", f"google_removals:urls={path.as_uri()}")
    assert result.returncode == 1, result.stdout + result.stderr
    row = status_row(tmp_path, "google_removals")
    assert row["state"] == "failed"
    assert row["reason"] == f"{path.as_uri()} stored no rows (3 rejected); the previous data stays current"
    assert f"source google_removals failed: {path.as_uri()} stored no rows (3 rejected)" in result.stdout


def test_a_drifted_header_fails_the_crawl_and_keeps_the_current_rows(tmp_path):
    good = zip_file(tmp_path / "good.zip", {"google-government-removals/google-government-removal-requests.csv": NEW})
    first = crawl(tmp_path, "google_removals", "-a", f"google_removals:urls={good.as_uri()}")
    assert "dataset 1 google_removals (loaded): local file, newest period 2025-06-30" in first.stdout
    stale = (dt.date.today() - dt.date(2025, 6, 30)).days > source_status.MAX_LAG_DAYS
    assert first.returncode == (1 if stale else 0), first.stdout + first.stderr
    if stale:
        assert "google_removals: source google_removals stale: newest period ends 2025-06-30" in first.stdout
        tolerated = crawl(
            tmp_path,
            "google_removals",
            "--allow-stale",
            "google_removals",
            "-a",
            f"google_removals:urls={good.as_uri()}",
        )
        assert tolerated.returncode == 0, tolerated.stdout + tolerated.stderr  # still reported, not failing
        assert "google_removals: source google_removals stale: " in tolerated.stdout
    drifted = zip_file(
        tmp_path / "drifted.zip",
        {
            "google-government-removals/google-government-removal-requests.csv": NEW.replace(
                b"number_of_requests", b"request_count", 1
            )
        },
    )
    result = crawl(tmp_path, "google_removals", "-a", f"google_removals:urls={drifted.as_uri()}")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "google_removals: source google_removals drifted: " in result.stdout
    assert "request_count" in result.stdout
    row = status_row(tmp_path, "google_removals")
    assert row["state"] == "drifted" and row["crawl_run_id"] == (3 if stale else 2)
    assert row["reason"].startswith(f"{drifted.as_uri()}: unknown header in google-government-removals/")
    assert row["newest_period"] == "2025-06-30" and row["rows"] == 270  # the previous data, still current
    database = db.connect(tmp_path / "m.db")
    try:
        assert database.execute(
            "select requests from removal_requests_by_country_period where country = 'VN' and period_end = '2023-12-31'"
        ).fetchone() == (787,)
    finally:
        database.close()


@pytest.mark.parametrize(
    ("newest", "at", "expected"),
    [
        ("2025-12-31", "2026-12-07T00:00:00Z", None),
        (
            "2025-06-30",
            "2026-12-07T00:00:00Z",
            "newest period ends 2025-06-30, 525 days before 2026-12-07 (more than 400): "
            "the source stopped advancing or the copy is old",
        ),
        (None, "2026-12-07T00:00:00Z", None),
    ],
)
def test_staleness(newest, at, expected):
    assert source_status.staleness(newest, at) == expected


def test_worst_event_of_a_crawl_run_wins(memory_db):
    source_status.record(
        memory_db,
        "meta_restrictions/2018-H2",
        state="drifted",
        reason="unknown header in a.csv",
        crawl_run_id=5,
        at="2026-12-07T00:00:00Z",
    )
    source_status.record(
        memory_db,
        "meta_restrictions/2019-H1",
        state="failed",
        reason="b.csv quarantined",
        crawl_run_id=5,
        dataset_id=31,
        at="2026-12-07T00:00:00Z",
    )
    row = source_status.record(
        memory_db,
        "meta_restrictions/2023-H2",
        state="ok",
        reason=None,
        crawl_run_id=5,
        dataset_id=32,
        at="2026-12-07T00:00:01Z",
    )
    # the row names the dataset its reason is about, not the later one that loaded fine
    assert (row["source"], row["state"], row["reason"], row["dataset_id"]) == (
        "meta_restrictions",
        "failed",
        "b.csv quarantined",
        31,
    )
    row = source_status.record(
        memory_db, "meta_restrictions", state="ok", reason=None, crawl_run_id=6, at="2026-12-08T00:00:00Z"
    )
    assert (row["state"], row["reason"], row["last_success"]) == ("ok", None, "2026-12-08T00:00:00Z")
    with pytest.raises(ValueError, match="not a source state: 'fine'"):
        source_status.record(memory_db, "x", state="fine", reason=None)


def test_a_healthy_news_crawl_records_ok_with_the_newest_day(tmp_path):
    snapshots = build_snapshots(tmp_path)
    result = crawl(tmp_path, "news", MODWATCH_REPLAY=snapshots.first, MODWATCH_SITES_FILE=snapshots.sites_file)
    assert result.returncode == 0, result.stdout + result.stderr
    row = status_row(tmp_path, "news")
    assert (row["state"], row["reason"], row["rows"], row["crawl_run_id"]) == ("ok", None, 4, 1)
    assert row["newest_period"] == NEWEST_SNAPSHOT_DAY
    assert row["last_success"] == row["last_attempt"]


def test_a_file_not_made_current_for_another_reason_is_a_failed_source(memory_db):
    """Any load outcome but loaded/unchanged (a file held back as implausible, say) keeps the previous data."""
    dataset_id = (
        memory_db["datasets"]
        .insert(
            {
                "source": "x_removals",
                "url": "https://x.test/a.csv",
                "status": "failed",
                "is_current": 0,
                "error": "requests jumped 40-fold",
            }
        )
        .last_pk
    )
    row = source_status.record_dataset(
        memory_db,
        source="x_removals",
        result={"dataset_id": dataset_id, "status": "held back", "rows_rejected": 0},
        copy_kind="platform",
        layouts_known=("x-two-tables",),
        crawl_run_id=9,
        at="2026-12-07T00:00:00Z",
    )
    assert (row["state"], row["reason"]) == (
        "failed",
        "https://x.test/a.csv not made current (held back: requests jumped 40-fold); the previous data stays current",
    )
