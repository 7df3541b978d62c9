"""A crawl killed midway (SIGINT, or SIGKILL) and resumed with the same JOBDIR ends with the same
database as an uninterrupted crawl: nothing lost, nothing duplicated.

A local server on 127.0.0.1 serves, slowly (0.2 s per article), a listing of :data:`PAGES`
article pages, each a copy of a real page (the demo snapshot's Wikimedia page in ``demo/files/``;
origin in ``demo/SOURCES.md``) under its own URL and title. The ``news`` spider crawls it live (HTTP cache, WARC
writer, no replay); the interrupted part runs as ``scrapy crawl news -s JOBDIR=...``, the
resumption and the reference run as ``python -m modwatch crawl news`` (same JOBDIR layout).
"""

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import db
from tests.helpers import ROOT, WIKIMEDIA_PAGE, PageHandler, crawl_env, local_server, modwatch, wait_for

REAL_PAGE = WIKIMEDIA_PAGE
REAL_URL = (
    b"https://wikimediafoundation.org/news/2020/01/15/"
    b"access-to-wikipedia-restored-in-turkey-after-more-than-two-and-a-half-years/"
)
REAL_TITLE = b"Access to Wikipedia restored in Turkey after more than two and a half years"
PAGES = 16
DELAY = 0.2  # seconds per article page

COMPARED = (
    "url",
    "source",
    "title",
    "published_at",
    "published_at_raw",
    "modified_at",
    "section",
    "image_url",
    "body",
    "language",
    "fetched_url",
    "http_status",
    "body_sha256",
    "content_sha256",
    "discovered_via",
)


class SlowSite(PageHandler):
    base = b""

    def do_GET(self):  # noqa: N802 (http.server API)
        if self.path == "/news/":
            links = "".join(f'<li><a href="/news/{i}/">Story {i}</a></li>' for i in range(1, PAGES + 1))
            return self.send(200, f"<html><body><h1>News</h1><ul>{links}</ul></body></html>".encode())
        parts = self.path.strip("/").split("/")
        if len(parts) == 2 and parts[0] == "news" and parts[1].isdigit() and 1 <= int(parts[1]) <= PAGES:
            time.sleep(DELAY)
            own_url = self.base + self.path.encode()
            body = REAL_PAGE.read_bytes().replace(REAL_URL, own_url)
            body = body.replace(REAL_TITLE, REAL_TITLE + b" #" + parts[1].encode())
            return self.send(200, body)
        return self.send(404, b"not found")


@pytest.fixture(scope="module")
def site():
    with local_server(SlowSite) as base:
        SlowSite.base = base.encode()
        yield base + "/"


class Workspace:
    """Database, JOBDIR parent, HTTP cache, WARC and log folders of one crawl, under ``folder``."""

    def __init__(self, folder: Path, site_url: str):
        self.folder = folder
        self.db = folder / "modwatch.db"
        self.jobs = folder / "jobs"
        self.sites_file = folder / "sites.yaml"
        self.sites_file.write_text(
            f"sites:\n  - key: local\n    base_url: {site_url}\n    language: en\n    discovery: [listing]\n"
            f"    listings: [news/]\n    article_url_pattern: '^/news/\\d+/$'\n",
            encoding="utf-8",
        )
        self.env = crawl_env(folder, MODWATCH_DB=self.db, MODWATCH_SITES_FILE=self.sites_file)
        self.settings = [
            "-s",
            "DOWNLOAD_DELAY=0",
            "-s",
            "AUTOTHROTTLE_ENABLED=False",
            "-s",
            "CONCURRENT_REQUESTS_PER_DOMAIN=1",
            "-s",
            "CONCURRENT_REQUESTS=1",
            "-s",
            "TELNETCONSOLE_ENABLED=False",
        ]

    def start_scrapy(self) -> subprocess.Popen:
        command = [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            "news",
            "-s",
            f"JOBDIR={self.jobs / 'news'}",
            "-s",
            f"LOG_FILE={self.folder / 'interrupted.log'}",
            *self.settings,
        ]
        return subprocess.Popen(command, cwd=ROOT, env=self.env, start_new_session=True)

    def crawl_command(self) -> subprocess.CompletedProcess:
        command = modwatch(
            "crawl",
            "news",
            "--db",
            self.db,
            "--jobs-dir",
            self.jobs,
            "--logs-dir",
            self.folder / "logs",
            *self.settings,
        )
        return subprocess.run(command, cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=180)

    def article_count(self) -> int:
        if not self.db.exists():
            return 0
        try:
            with sqlite3.connect(self.db, timeout=5) as connection:
                return connection.execute("select count(*) from articles").fetchone()[0]
        except sqlite3.OperationalError:  # not migrated yet
            return 0

    def snapshot(self) -> dict:
        """What must be equal between runs: articles (no run ids, fetch times), authors, counts."""
        database = db.connect(self.db)
        columns = ", ".join(COMPARED)
        articles = [tuple(r) for r in database.execute(f"select {columns} from articles order by url")]
        authors = [
            tuple(r)
            for r in database.execute(
                "select a.url, au.name, aa.position from article_authors aa join articles a on a.id = aa.article_id "
                "join authors au on au.id = aa.author_id order by 1, 3"
            )
        ]
        counts = {
            t: database.execute(f"select count(*) from {t}").fetchone()[0]
            for t in ("articles", "authors", "article_versions", "rejects", "tags", "article_tags")
        }
        database.close()
        return {"articles": articles, "authors": authors, "counts": counts}

    def runs(self) -> list[dict]:
        database = db.connect(self.db)
        rows = [dict(r) for r in database.query("select * from crawl_runs order by id")]
        database.close()
        return rows


@pytest.fixture(scope="module")
def reference(site, tmp_path_factory):
    """The uninterrupted crawl."""
    workspace = Workspace(tmp_path_factory.mktemp("uninterrupted"), site)
    result = workspace.crawl_command()
    assert result.returncode == 0, result.stdout + result.stderr
    snapshot = workspace.snapshot()
    assert snapshot["counts"]["articles"] == PAGES and snapshot["counts"]["article_versions"] == 0
    return snapshot


def wait_until_stored(workspace: Workspace, process: subprocess.Popen, count: int) -> None:
    """Wait (60 s at most) until the running crawl ``process`` has stored ``count`` articles."""

    def stored() -> bool:
        assert process.poll() is None, "the crawl ended before it could be interrupted"
        return workspace.article_count() >= count

    wait_for(stored, timeout=60, what=f"{count} articles stored", interval=0.05)


def interrupt(workspace: Workspace, how: signal.Signals) -> int:
    """Start the crawl, send ``how`` once a few articles are stored; return the count stored."""
    process = workspace.start_scrapy()
    wait_until_stored(workspace, process, 4)
    process.send_signal(how)
    process.wait(timeout=60)
    stored = workspace.article_count()
    assert 4 <= stored < PAGES, f"not interrupted midway: {stored} of {PAGES} stored"
    return stored


def test_sigint_then_resume_equals_an_uninterrupted_crawl(site, reference, tmp_path):
    workspace = Workspace(tmp_path, site)
    stored = interrupt(workspace, signal.SIGINT)
    (first,) = workspace.runs()
    assert first["finish_reason"] == "shutdown"  # Scrapy's clean stop: queue saved in the JOBDIR
    assert (workspace.jobs / "news" / "requests.queue" / "active.json").exists()

    result = workspace.crawl_command()
    assert result.returncode == 0, result.stdout + result.stderr
    assert workspace.snapshot() == reference
    second = workspace.runs()[1]
    assert second["finish_reason"] == "finished"
    # resumed, not restarted: only the pages not fetched before (plus the listing and robots.txt)
    assert second["responses"] <= PAGES - stored + 2 + 2
    assert not (workspace.jobs / "news").exists()  # finished: the next crawl starts a new job


def test_sigkill_then_resume_equals_an_uninterrupted_crawl(site, reference, tmp_path):
    workspace = Workspace(tmp_path, site)
    stored = interrupt(workspace, signal.SIGKILL)
    (first,) = workspace.runs()
    assert first["finished_at"] is None  # killed: the crawl run was never closed
    assert (workspace.jobs / "news" / "modwatch.running").exists()

    result = workspace.crawl_command()
    assert result.returncode == 0, result.stdout + result.stderr
    assert workspace.snapshot() == reference
    second = workspace.runs()[1]
    stats = json.loads(second["stats_json"])
    assert stats["modwatch/jobdir_discarded"] == 1  # the killed job's state could not be trusted
    # started over, cheaply: the articles stored before the kill were not parsed again
    assert stats["modwatch/unchanged"] >= stored
    assert stats["item_scraped_count"] == PAGES - stats["modwatch/unchanged"]


def test_sigterm_to_the_crawl_command_stops_the_spider_cleanly_for_the_next_crawl(site, reference, tmp_path):
    """What systemd (``KillMode=mixed``) does on stop: SIGTERM to the crawl command only."""
    workspace = Workspace(tmp_path, site)
    command = modwatch(
        "crawl",
        "news",
        "--db",
        workspace.db,
        "--jobs-dir",
        workspace.jobs,
        "--logs-dir",
        tmp_path / "logs",
        *workspace.settings,
    )
    process = subprocess.Popen(
        command, cwd=ROOT, env=workspace.env, stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    wait_until_stored(workspace, process, 4)
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 1
    assert output.splitlines()[2].split()[:2] == ["news", "interrupted"]
    assert "news: stopped before the end; the next crawl resumes it" in output
    assert workspace.article_count() < PAGES and (workspace.jobs / "news" / "requests.queue" / "active.json").exists()

    result = workspace.crawl_command()  # the next scheduled crawl resumes and completes it
    assert result.returncode == 0, result.stdout + result.stderr
    assert workspace.snapshot() == reference
