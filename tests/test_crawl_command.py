"""``python -m modwatch crawl``: spiders in sequence, a log file and JOBDIR per spider, crawl health.

The end-to-end cases replay the history snapshots (real pages, ``tests/history/snapshots.py``)
through the real ``news`` spider in a ``scrapy crawl`` subprocess.
"""

import subprocess
from pathlib import Path

import pytest

import db
from cli.crawl import assess, missing_env, project_spiders, spider_arguments, summary_table, SpiderRun
from modwatch.archive.warc import WarcFile
from tests.helpers import ROOT, crawl_env, modwatch
from tests.history.snapshots import HTML, T1, Snapshots, build_snapshots


@pytest.fixture
def snapshots(tmp_path) -> Snapshots:
    return build_snapshots(tmp_path)


def crawl(tmp_path, replay, sites_file, *arguments):
    env = crawl_env(tmp_path, MODWATCH_REPLAY=replay, MODWATCH_SITES_FILE=sites_file)
    command = modwatch(
        "crawl", "--db", tmp_path / "m.db", "--logs-dir", tmp_path / "logs", "--jobs-dir", tmp_path / "jobs", *arguments
    )
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)


def table_row(output: str, spider: str) -> list[str]:
    return next(line.split() for line in output.splitlines() if line.startswith(spider + " "))


def test_crawl_records_the_run_and_prints_the_summary(tmp_path, snapshots):
    result = crawl(tmp_path, snapshots.first, snapshots.sites_file, "news")
    assert result.returncode == 0, result.stdout + result.stderr
    spider, status, items, stored, unchanged, errors, rejects, duration, run_id, log = table_row(result.stdout, "news")
    assert (status, items, stored, unchanged, errors, rejects, run_id) == ("ok", "4", "4", "0", "0", "0", "1")
    (log_file,) = (tmp_path / "logs").glob("news-*.log")
    assert Path(log).name == log_file.name and "Crawl run 1 of spider news" in log_file.read_text()
    assert not (tmp_path / "jobs" / "news").exists()  # finished: no job left to resume
    database = db.connect(tmp_path / "m.db")
    assert database.execute("select spider, finish_reason, items_scraped from crawl_runs").fetchall() == [
        ("news", "finished", 4)
    ]


def test_logs_go_beside_the_chosen_database(tmp_path, snapshots):
    env = crawl_env(tmp_path, MODWATCH_REPLAY=snapshots.first, MODWATCH_SITES_FILE=snapshots.sites_file)
    elsewhere = tmp_path / "elsewhere"
    result = subprocess.run(
        modwatch("crawl", "--db", elsewhere / "m.db", "--jobs-dir", tmp_path / "jobs", "news"),
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (log_file,) = (elsewhere / "logs").glob("news-*.log")  # no --logs-dir: logs/ beside the database
    assert (
        table_row(result.stdout, "news")[-1] == str(log_file) and "Crawl run 1 of spider news" in log_file.read_text()
    )


def test_unchanged_pages_count_as_seen(tmp_path, snapshots):
    crawl(tmp_path, snapshots.first, snapshots.sites_file, "news")
    result = crawl(tmp_path, snapshots.first, snapshots.sites_file, "news")
    assert result.returncode == 0, result.stdout + result.stderr
    assert table_row(result.stdout, "news")[1:5] == ["ok", "0", "0", "4"]


def test_a_spider_that_scraped_nothing_it_used_to_scrape_fails_the_crawl(tmp_path, snapshots):
    crawl(tmp_path, snapshots.first, snapshots.sites_file, "news")
    empty = tmp_path / "empty.warc.gz"  # the site answers nothing any more (every URL 404)
    with WarcFile(empty) as warc:
        warc.write_fetch("https://example.org/", b"<html></html>", HTML, fetched_at=T1)
    result = crawl(tmp_path, empty, snapshots.sites_file, "news")
    assert result.returncode == 1
    assert table_row(result.stdout, "news")[1:3] == ["empty", "0"]
    assert "news: nothing scraped; crawl run 1 scraped 4" in result.stdout


def test_unknown_spider_is_an_error(tmp_path, snapshots):
    result = crawl(tmp_path, snapshots.first, snapshots.sites_file, "no_such_spider")
    assert result.returncode == 2 and "unknown spider(s) no_such_spider" in result.stderr


def test_every_spider_by_default_url_check_last():
    names = project_spiders()
    assert {"news", "thevietnamese", "url_check"} <= set(names) and names[-1] == "url_check"


def run_row(**values):
    row = {"id": 7, "finish_reason": "finished", "items_scraped": 10, "errors": 0, "responses": 100, "stats": {}}
    return {**row, **values}


@pytest.mark.parametrize(
    ("returncode", "row", "previous", "expected"),
    [
        (0, run_row(), None, ("ok", [])),
        (1, run_row(finish_reason="finished"), None, ("failed", ["exit status 1 (finish reason finished)"])),
        (0, None, None, ("failed", ["no crawl run recorded (exit status 0)"])),
        (0, run_row(finish_reason=None), None, ("failed", ["crawl run never closed (killed?)"])),
        (
            0,
            run_row(finish_reason="shutdown"),
            None,
            ("interrupted", ["stopped before the end; the next crawl resumes it"]),
        ),
        (
            0,
            run_row(finish_reason="closespider_errorcount"),
            None,
            ("failed", ["closed with reason closespider_errorcount"]),
        ),
        (0, run_row(errors=6), None, ("errors", ["6 errors for 100 responses (max rate 0.05)"])),
        (0, run_row(errors=5), None, ("ok", [])),
        # one DSA day of thirty whose SHA-1 was wrong: one error in 60 responses, still not ok
        (
            0,
            run_row(errors=1, responses=60, stats={"modwatch/datasets_refused": 1}),
            None,
            (
                "refused",
                [
                    "1 downloaded file(s) refused, the current data kept: see the datasets table "
                    "(status quarantined/failed, error) and rejects"
                ],
            ),
        ),
        (0, run_row(items_scraped=0), run_row(id=3), ("empty", ["nothing scraped; crawl run 3 scraped 10"])),
        (0, run_row(items_scraped=0), run_row(id=3, items_scraped=0), ("ok", [])),  # never scraped anything
        (0, run_row(items_scraped=0), None, ("ok", [])),  # first run
        (0, run_row(items_scraped=0, stats={"modwatch/unchanged": 9}), run_row(id=3), ("ok", [])),
        (0, run_row(items_scraped=0, stats={"modwatch/nothing_due": 1}), run_row(id=3), ("ok", [])),  # url_check
    ],
)
def test_assess(returncode, row, previous, expected):
    assert assess(returncode, row, previous, 0.05) == expected


def test_spider_arguments():
    values = ["url_check:older_than=7d", "news:sites=advox,luatkhoa", "url_check:limit=50"]
    assert spider_arguments(values, "url_check") == ["-a", "older_than=7d", "-a", "limit=50"]
    assert spider_arguments(values, "lumen") == []
    with pytest.raises(ValueError, match="SPIDER:NAME=VALUE"):
        spider_arguments(["older_than=7d"], "url_check")


def test_summary_table_lists_problems(tmp_path):
    runs = [
        SpiderRun("news", 0, 75.2, tmp_path / "news.log", run_row(id=4, stats={"modwatch/articles": 9}), "ok"),
        SpiderRun(
            "lumen", 0, 4, tmp_path / "l.log", run_row(id=5, items_scraped=3, stats={"modwatch/notices": 42}), "ok"
        ),
        SpiderRun("lumen", 1, 3, tmp_path / "lumen.log", None, "failed", ["no crawl run recorded (exit status 1)"]),
    ]
    lines = summary_table(runs).splitlines()
    assert lines[0].split() == [
        "spider",
        "status",
        "items",
        "stored",
        "unchanged",
        "errors",
        "rejects",
        "duration",
        "run",
        "log",
    ]
    assert lines[1].split()[:9] == ["news", "ok", "10", "9", "0", "0", "0", "1m15s", "4"]
    assert lines[2].split()[:9] == ["lumen", "ok", "3", "42", "0", "0", "0", "4s", "5"]  # 3 result pages, 42 notices
    assert lines[3].split()[:9] == ["lumen", "failed", "0", "0", "0", "0", "0", "3s", "-"]
    assert lines[4] == "  lumen: no crawl run recorded (exit status 1)"


def crawl_without_token(tmp_path, snapshots, *arguments):
    env = crawl_env(tmp_path, MODWATCH_REPLAY=snapshots.first, MODWATCH_SITES_FILE=snapshots.sites_file)
    env.pop("LUMEN_API_TOKEN", None)
    command = modwatch(
        "crawl", "--db", tmp_path / "m.db", "--logs-dir", tmp_path / "logs", "--jobs-dir", tmp_path / "jobs", *arguments
    )
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)


def test_every_spider_skips_one_whose_secret_is_not_set(tmp_path, snapshots):
    """``modwatch crawl`` of every spider (here all but news and lumen excluded): lumen without
    ``LUMEN_API_TOKEN`` is skipped, not run, and the crawl stays healthy."""
    others = [name for name in project_spiders() if name not in ("news", "lumen")]
    result = crawl_without_token(tmp_path, snapshots, *[f"--exclude={name}" for name in others])
    assert result.returncode == 0, result.stdout + result.stderr
    assert table_row(result.stdout, "news")[1:3] == ["ok", "4"]
    assert table_row(result.stdout, "lumen")[1] == "skipped"
    assert "  lumen: skipped (LUMEN_API_TOKEN not set)" in result.stdout.splitlines()
    assert not list((tmp_path / "logs").glob("lumen-*.log"))
    database = db.connect(tmp_path / "m.db")
    assert [r[0] for r in database.execute("select spider from crawl_runs")] == ["news"]


def test_a_spider_asked_for_by_name_without_its_secret_fails(tmp_path, snapshots):
    result = crawl_without_token(tmp_path, snapshots, "lumen")
    assert result.returncode == 1
    assert table_row(result.stdout, "lumen")[1] == "failed"
    assert "  lumen: not run: LUMEN_API_TOKEN not set (lumen needs it)" in result.stdout.splitlines()


@pytest.mark.parametrize(
    "environ, missing",
    [({}, ["LUMEN_API_TOKEN"]), ({"LUMEN_API_TOKEN": ""}, ["LUMEN_API_TOKEN"]), ({"LUMEN_API_TOKEN": "t0ken"}, [])],
)
def test_missing_env(environ, missing):
    from spiders.lumen import LumenSpider
    from spiders.news import NewsSpider

    assert missing_env(LumenSpider, environ) == missing
    assert missing_env(NewsSpider, environ) == []


def test_a_site_with_a_spider_of_its_own_is_crawled_once():
    """`make crawl` runs every spider: thevietnamese has its own, so `news` leaves it out."""
    from cli.crawl import news_sites_argument, project_spiders
    from modwatch.sites import DEFAULT_SITES_FILE, load_sites

    keys = [site.key for site in load_sites(DEFAULT_SITES_FILE)]
    every = project_spiders()
    argument = news_sites_argument(every, [], keys)
    chosen = argument.removeprefix("news:sites=").split(",")
    assert "thevietnamese" in keys and "thevietnamese" in every
    assert chosen == [key for key in keys if key != "thevietnamese"] and {"luatkhoa", "advox"} <= set(chosen)
    assert news_sites_argument(["news"], [], keys) is None  # news alone crawls every site
    assert news_sites_argument(every, ["news:sites=luatkhoa"], keys) is None  # the user's choice stands
    assert news_sites_argument(["thevietnamese", "lumen"], [], keys) is None
