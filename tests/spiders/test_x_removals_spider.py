"""The x_removals spider: the X (Twitter) CSV fetched (from a WARC replay) and loaded."""

import sqlite3

from modwatch.archive.warc import write_warc
from spiders.x_removals import URL

NAME = "Twitter_Transparency-Removal_Requests_Jul-Dec-2020.csv"


def test_replay_crawl(tmp_path, db_path, run_crawl, read_fixture):
    warc = tmp_path / "x.warc.gz"
    write_warc(warc, [(URL, read_fixture(NAME), {"Content-Type": "text/csv"})])
    run_crawl("spiders.x_removals:XRemovalsSpider", db=db_path, replay=warc)
    database = sqlite3.connect(db_path)
    assert database.execute("select source, schema_version, rows_rejected from datasets").fetchall() == [
        ("x_removals", "x-two-tables", 0)
    ]
    assert database.execute(
        "select requests from removal_requests where country = 'TR' and period_start = '2014-01-01' "
        "and requester = 'All legal demands'"
    ).fetchone() == (186,)
