"""The meta_restrictions spider: one CSV per half-year, fetched (from a WARC replay) and loaded."""

import sqlite3

from modwatch.archive.warc import write_warc
from spiders.meta_restrictions import URL_TEMPLATE, all_periods


def test_spider_default_urls_cover_every_half_year():
    periods = all_periods()
    assert periods[0] == (2013, 2) and periods[-1] == (2023, 2) and len(periods) == 21


def test_replay_crawl(tmp_path, db_path, run_crawl, read_fixture):
    warc = tmp_path / "meta.warc.gz"
    records = [
        (
            URL_TEMPLATE.format(year=year, half=half),
            read_fixture(f"Content_Restrictions_{year}_H{half}.csv"),
            {"Content-Type": "text/csv"},
        )
        for year, half in [(2018, 2), (2023, 2)]
    ]
    write_warc(warc, records)
    run_crawl(
        "spiders.meta_restrictions:MetaRestrictionsSpider",
        db=db_path,
        replay=warc,
        spider_args={"periods": "2018-H2,2023-H2,2022-H1"},
    )
    database = sqlite3.connect(db_path)
    assert database.execute("select source, status from datasets order by source").fetchall() == [
        ("meta_restrictions/2018-H2", "loaded"),
        ("meta_restrictions/2023-H2", "loaded"),
    ]
    assert database.execute(
        "select items_actioned from removal_requests where country = 'VN' and product = 'Facebook Post' "
        "and period_end = '2018-12-31'"
    ).fetchone() == (1553,)
    # 2022-H1 is not in the archive: a 404, recorded as a reject, the other files loaded
    (reason,) = database.execute("select reason from rejects where spider = 'meta_restrictions'").fetchone()
    assert reason == "transparency file not downloaded: HTTP 404"
