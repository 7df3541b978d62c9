"""The tiktok_removals spider: the workbook fetched (from a WARC replay) and loaded, one source per file."""

import sqlite3

from modwatch.archive.warc import write_warc
from spiders.tiktok_removals import URL, TikTokRemovalsSpider

XLSX = "English_LIPGR_2022_H1.xlsx"


def test_source_keys():
    spider = TikTokRemovalsSpider()
    assert spider.files() == [(URL, "tiktok_removals/2022-H1/English_LIPGR_2022_H1")]
    assert spider.source_for("https://x.test/H1%20%2723%20LIGR/gov/2023H1_raw_data_gov_French.csv") == (
        "tiktok_removals/2023-H1/2023H1_raw_data_gov_French"
    )


def test_replay_crawl(tmp_path, db_path, run_crawl, read_fixture):
    warc = tmp_path / "tiktok.warc.gz"
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    write_warc(warc, [(URL, read_fixture(XLSX), {"Content-Type": content_type})])
    run_crawl("spiders.tiktok_removals:TikTokRemovalsSpider", db=db_path, replay=warc)
    database = sqlite3.connect(db_path)
    assert database.execute("select source, byte_size from datasets").fetchall() == [
        ("tiktok_removals/2022-H1/English_LIPGR_2022_H1", 145896)
    ]
    assert database.execute("select requests from removal_requests where country = 'VN'").fetchone() == (16,)
