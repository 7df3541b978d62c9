"""CrawlRunExtension's error count from Scrapy stats."""

import pytest

from db.crawl_runs import stats_json
from extensions.crawlrun import error_count


@pytest.mark.parametrize(
    "stats, errors",
    [
        ({}, 0),
        ({"log_count/ERROR": 3}, 3),
        # a spider exception is logged at ERROR too: not counted twice
        ({"log_count/ERROR": 2, "spider_exceptions/KeyError": 1, "spider_exceptions/ValueError": 1}, 2),
        # errors hidden by the log level still count through the exception stats
        ({"spider_exceptions/KeyError": 2, "spider_exceptions/ValueError": 1}, 3),
    ],
)
def test_error_count(stats, errors):
    assert error_count(stats) == errors


def test_stats_json_writes_datetimes_as_utc_iso():
    from datetime import datetime, timedelta, timezone

    start = datetime(2026, 11, 29, 23, 30, 5, 123456, tzinfo=timezone(timedelta(hours=7)))
    assert stats_json({"start_time": start, "item_scraped_count": 2}) == (
        '{"item_scraped_count": 2, "start_time": "2026-11-29T16:30:05Z"}'
    )
