"""Bounded fetching, end to end with the real ``x_removals`` spider and the real X file:
a redirect loop ends as a reject with its chain and a log line; a ``file://`` download larger
than the spider's ``DOWNLOAD_MAXSIZE`` (16 MiB) is refused from its size, not read."""

import shutil
import sqlite3

import pytest

from tests.helpers import PageHandler, local_server, report_file

X_FILE = report_file("Twitter_Transparency-Removal_Requests_Jul-Dec-2020.csv")


class Looping(PageHandler):
    """/x.csv -> /mirror/x.csv -> /x.csv ... (302 each time); /long/N -> /long/N+1 forever."""

    def do_GET(self):  # noqa: N802
        if self.path == "/x.csv":
            self.send(302, b"", "text/plain", {"Location": "/mirror/x.csv?token=loop-secret-1"})
        elif self.path.startswith("/mirror/x.csv"):
            self.send(302, b"", "text/plain", {"Location": "/x.csv"})
        elif self.path.startswith("/long/"):
            self.send(302, b"", "text/plain", {"Location": f"/long/{int(self.path.rsplit('/', 1)[1]) + 1}"})
        else:
            self.send(404, b"not found", "text/plain")


@pytest.fixture
def looping_server():
    with local_server(Looping) as base:
        yield base


def _rejects(db_path):
    with sqlite3.connect(db_path) as connection:
        return connection.execute("select url, reason from rejects order by id").fetchall()


def test_redirect_loop_and_long_chain_are_rejects_with_the_chain(run_crawl, db_path, looping_server):
    urls = f"{looping_server}/x.csv,{looping_server}/long/0"
    result = run_crawl(
        "spiders.x_removals:XRemovalsSpider",
        db=db_path,
        settings={"ROBOTSTXT_OBEY": False, "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "REDIRECT_MAX_TIMES": 5},
        spider_args={"urls": urls},
    )
    rejects = dict(_rejects(db_path))
    base = looping_server
    assert rejects[f"{base}/x.csv"] == (
        f"transparency file not downloaded: RedirectLoop: redirect loop: {base}/x.csv -> {base}/mirror/x.csv -> {base}/x.csv"
    )
    assert rejects[f"{base}/long/0"].startswith(
        f"transparency file not downloaded: RedirectLoop: more than 5 redirects: {base}/long/0 -> {base}/long/1 -> "
    )
    assert rejects[f"{base}/long/0"].endswith(f"{base}/long/5 -> {base}/long/6")
    assert f"redirect loop: {base}/x.csv -> {base}/mirror/x.csv -> {base}/x.csv" in result.stderr  # the log line
    assert "loop-secret-1" not in result.stderr
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("select count(*) from datasets").fetchone()[0] == 0


def test_file_download_larger_than_the_limit_is_refused(run_crawl, db_path, tmp_path):
    big = tmp_path / "Twitter_Transparency-Removal_Requests_Jul-Dec-2020.csv"
    shutil.copyfile(X_FILE, big)
    with open(big, "r+b") as f:  # the real file, then (sparse) padding to 17 MiB
        f.truncate(17 * 1024 * 1024)
    small = tmp_path / "real.csv"
    shutil.copyfile(X_FILE, small)
    result = run_crawl(
        "spiders.x_removals:XRemovalsSpider", db=db_path, spider_args={"urls": f"{big.as_uri()},{small.as_uri()}"}
    )
    rejects = _rejects(db_path)
    assert rejects == [
        (
            big.as_uri(),
            "transparency file not downloaded: DownloadTooLarge: file of 17825792 bytes "
            "is larger than the download limit of 16777216 bytes",
        )
    ]
    assert "more than the download limit" in result.stderr
    with sqlite3.connect(db_path) as connection:  # the real file under the limit is loaded as usual
        ((status, url),) = connection.execute("select status, url from datasets").fetchall()
    assert (status, url) == ("loaded", small.as_uri())
