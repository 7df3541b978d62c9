"""Fixtures of the history tests: the two WARC snapshots (:mod:`tests.history.snapshots`) and
crawls of them by the ``news`` and ``url_check`` spiders."""

from pathlib import Path

import pytest

from tests.history.snapshots import Snapshots, build_snapshots


@pytest.fixture
def snapshots(tmp_path) -> Snapshots:
    return build_snapshots(tmp_path)


@pytest.fixture
def crawl_news(run_crawl, db_path, snapshots):
    """``crawl_news(snapshot)``: the real ``news`` spider replaying ``snapshot`` into ``db_path``."""

    def crawl(snapshot: Path):
        return run_crawl(
            "spiders.news:NewsSpider",
            db=db_path,
            replay=snapshot,
            warc_dir=snapshots.warc_dir,
            settings={"MODWATCH_SITES_FILE": str(snapshots.sites_file)},
        )

    return crawl


@pytest.fixture
def check_urls(run_crawl, db_path, snapshots):
    """``check_urls(snapshot, **spider_args)``: the ``url_check`` spider replaying ``snapshot``."""

    def check(snapshot: Path, **spider_args):
        return run_crawl(
            "spiders.url_check:UrlCheckSpider",
            db=db_path,
            replay=snapshot,
            warc_dir=snapshots.warc_dir,
            spider_args={"older_than": "0", **spider_args},
        )

    return check
