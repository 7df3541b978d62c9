"""The ``dsa_sor`` spider end to end: replay crawl of daily dumps (nested zips of the real rows)."""

import hashlib
import sqlite3
from datetime import date, datetime, timezone

import pytest

from modwatch.archive.warc import write_warc
from modwatch.transparency import dsa
from tests.transparency.samples import V1, V2, fixture, nested_zip


def archived_dump(url: str, body: bytes) -> list[tuple]:
    """WARC records of a dump as the route serves it when it answers 200: the zip and its ``.sha1``."""
    sha1 = f"{hashlib.sha1(body).hexdigest()}  {url.rsplit('/', 1)[-1]}\n".encode()
    return [
        (dsa.checksum_url(url), sha1, {"Content-Type": "text/plain"}),
        (url, body, {"Content-Type": "application/zip"}),
    ]


def test_replay_crawl_of_two_days_and_a_missing_one(run_crawl, db_path, tmp_path):
    warc = tmp_path / "dsa.warc.gz"
    day1 = nested_zip(
        {"sor-global-2024-03-14-full-00000-00000.csv": fixture(V1), "sor-global-2024-03-14-full-00001-00000.csv": b""}
    )
    day2 = nested_zip({"sor-global-2024-03-15-full-00000-00000.csv": fixture(V2)}, "sor-global-2024-03-15-full")
    write_warc(warc, archived_dump(dsa.dump_url("2024-03-14"), day1) + archived_dump(dsa.dump_url("2024-03-15"), day2))
    run_crawl(
        "spiders.dsa_sor:DsaSorSpider",
        db=db_path,
        replay=warc,
        spider_args={"date_from": "2024-03-14", "date_to": "2024-03-16", "platforms": "TikTok,Wallapop"},
    )
    database = sqlite3.connect(db_path)
    platforms = dict(
        database.execute("select platform_name, count(*) from statements_of_reasons group by platform_name").fetchall()
    )
    assert platforms == {"TikTok": 7, "Wallapop": 1}
    datasets = database.execute(
        "select url, rows_read, rows_stored, status, warc_record_id is not null from datasets order by url"
    ).fetchall()
    assert datasets == [
        (dsa.dump_url("2024-03-14"), 29, 7, "loaded", 1),
        (dsa.dump_url("2024-03-15"), 4, 1, "loaded", 1),
    ]
    # a day not published: its checksum is missing, so the dump is not asked for
    missing = dsa.checksum_url(dsa.dump_url("2024-03-16"))
    (reason,) = database.execute("select reason from rejects where url = ?", [missing]).fetchone()
    assert reason == "DSA dump checksum not downloaded: HTTP 404"
    # searchable right after the crawl (the index is filled after each dump, not by a trigger)
    searchable = database.execute(
        "select platform_name, count(*) from statements_of_reasons_fts where statements_of_reasons_fts match ? "
        "group by platform_name",
        ["tiktok OR wallapop"],
    ).fetchall()
    assert dict(searchable) == {"TikTok": 7, "Wallapop": 1}
    database.close()


@pytest.mark.parametrize(
    "today, expected",
    [
        (date(2026, 11, 29), date(2026, 11, 27)),
        (date(2024, 3, 1), date(2024, 2, 28)),  # leap year: across the month end
        (date(2025, 1, 1), date(2024, 12, 30)),  # across the year end
    ],
)
def test_default_day_is_the_day_before_yesterday(today, expected):
    assert dsa.default_day(today) == expected


def test_without_dates_or_urls_the_day_before_yesterday_is_fetched(run_crawl, db_path, tmp_path):
    """What ``modwatch crawl`` runs (no arguments): the dump of the day before yesterday (UTC)."""
    day = dsa.default_day(datetime.now(timezone.utc).date())
    warc = tmp_path / "dsa.warc.gz"
    name = f"sor-global-{day}-full"
    write_warc(warc, archived_dump(dsa.dump_url(day), nested_zip({f"{name}-00000-00000.csv": fixture(V1)}, name)))
    result = run_crawl("spiders.dsa_sor:DsaSorSpider", db=db_path, replay=warc)
    assert f"[dsa_sor] INFO: dsa_sor: no date_from nor urls given: fetching the dump of {day}" in result.stderr
    database = sqlite3.connect(db_path)
    assert database.execute("select url, rows_read, rows_stored, status from datasets").fetchall() == [
        (dsa.dump_url(day), 29, 28, "loaded")
    ]  # the real 29 rows hold one duplicate
    database.close()


def test_date_to_without_date_from_is_refused():
    from spiders.dsa_sor import DsaSorSpider

    with pytest.raises(ValueError, match="date_to needs date_from"):
        DsaSorSpider(date_to="2024-03-15")
