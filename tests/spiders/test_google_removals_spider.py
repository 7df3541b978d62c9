"""The google_removals spider: the Google government-removals zip fetched (from a WARC replay) and loaded."""

import sqlite3

from modwatch.archive.warc import write_warc
from modwatch.transparency.google import URL

ZIP = "google-government-removals.zip"


def test_replay_crawl_end_to_end(tmp_path, db_path, run_crawl, read_fixture):
    warc = tmp_path / "google.warc.gz"
    (record_id,) = write_warc(warc, [(URL, read_fixture(ZIP), {"Content-Type": "application/zip"})])
    run_crawl("spiders.google_removals:GoogleRemovalsSpider", db=db_path, replay=warc)
    database = sqlite3.connect(db_path)
    dataset = database.execute(
        "select source, url, sha256, warc_record_id, crawl_run_id, status from datasets"
    ).fetchall()
    assert dataset == [
        (
            "google_removals",
            URL,
            "7c647f5b648499c852bfa9042bd88652c163492d0cca95bfbfb94006c6a5a385",
            record_id,
            1,
            "loaded",
        )
    ]
    assert database.execute(
        "select requests, items_requested from removal_requests where country = 'VN' and period_end = '2023-12-31' "
        "and requester = 'Information and Communications Authority'"
    ).fetchone() == (735, 4734)
    run = database.execute("select spider, finish_reason from crawl_runs").fetchone()
    assert run == ("google_removals", "finished")
