"""Shared fixtures: databases and a real Scrapy crawl run in a subprocess.

- ``memory_db``: a migrated in-memory database (``db.connect(":memory:")``).
- ``db_path``: path of a fresh on-disk database in ``tmp_path`` (not created yet).
- ``run_crawl``: run one spider through ``CrawlerProcess`` with the project settings, in a
  subprocess (Twisted's reactor cannot restart in-process), e.g.
  ``run_crawl("tests/archive/tiny_spider.py:PageSpider", db=db_path, replay=warc_path)``.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

import db
from tests.helpers import ROOT, crawl_env, report_file
from tests.history.snapshots import Snapshots, build_snapshots

_RUNNER = r"""
import importlib, importlib.util, json, sys
from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings

ref, overrides, spider_args = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
where, _, name = ref.rpartition(":")
if where.endswith(".py"):
    spec = importlib.util.spec_from_file_location("crawl_target", where)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
else:
    module = importlib.import_module(where)
settings = get_project_settings()
settings.setdict(overrides, priority="cmdline")
process = CrawlerProcess(settings, install_root_handler=True)
process.crawl(getattr(module, name), **spider_args)
process.start()
# the peak RSS of this process alone: Scrapy's memusage/max is ru_maxrss, which on Linux keeps the
# peak of the (large) pytest process this one was spawned from
peak = [line for line in open("/proc/self/status") if line.startswith("VmHWM:")]
sys.stderr.write(f"crawl process peak RSS: {int(peak[0].split()[1]) * 1024} B\n" if peak else "")
"""


@pytest.fixture
def read_fixture():
    """``read_fixture(name) -> bytes`` of a real report file: the demo snapshot's copy or
    ``tests/fixtures/transparency/`` (:func:`tests.helpers.report_file`)."""
    return lambda name: report_file(name).read_bytes()


@pytest.fixture
def memory_db():
    database = db.connect(":memory:")
    yield database
    database.close()


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "data" / "modwatch.db"


@pytest.fixture
def run_crawl(tmp_path):
    """Return ``run(spider_ref, *, db, replay=None, warc_dir=None, settings=None, spider_args=None)``.

    ``replay``: WARC path(s) (str/Path or a list) for ``MODWATCH_REPLAY``; ``settings``:
    overrides at command-line priority. Env vars are set too, because ``settings.py`` reads
    them at import. Raises ``AssertionError`` (with the log) if the process fails;
    returns the ``CompletedProcess`` (log in ``.stderr``).
    """

    def run(spider_ref, *, db, replay=None, warc_dir=None, settings=None, spider_args=None):
        if isinstance(replay, (list, tuple)):
            replay = ":".join(map(str, replay))
        env = crawl_env(
            tmp_path,
            MODWATCH_DB=db,
            MODWATCH_WARC_DIR=warc_dir or tmp_path / "warc",
            MODWATCH_REPLAY=replay or "",
            MODWATCH_LOG_LEVEL="DEBUG",
        )
        overrides = {
            "SPIDER_MODULES": [],
            "TELNETCONSOLE_ENABLED": False,
            "REMOTE_CONTROL_ENABLED": False,
            **(settings or {}),
        }
        result = subprocess.run(
            [sys.executable, "-c", _RUNNER, str(spider_ref), json.dumps(overrides), json.dumps(spider_args or {})],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr[-5000:]
        return result

    return run


# --- the two WARC snapshots of tests.history.snapshots and crawls of them (history and url_check tests) ---


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
