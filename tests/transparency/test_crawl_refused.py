"""A crawl that downloads a partial report file keeps the current figures and does not report "ok".

Real ``x_removals`` spider in ``python -m modwatch crawl`` subprocesses against a local server
(127.0.0.1) that answers the way a plain HTTP/1.0 file server does: no Content-Length, the
connection closed at the end of the body. The first crawl gets the whole real X file; the second
the same file cut off in the middle of a row, which nothing at the HTTP level can notice.
"""

import subprocess

import db
from tests.helpers import ROOT, PageHandler, crawl_env, local_server, modwatch, report_file

X_NAME = "Twitter_Transparency-Removal_Requests_Jul-Dec-2020.csv"
X_DATA = report_file(X_NAME).read_bytes()


class Http10Files(PageHandler):
    """``/whole/<name>``: the real file; ``/cut/<name>``: cut inside a row. HTTP/1.0, no Content-Length."""

    protocol_version = "HTTP/1.0"

    def do_GET(self):
        body = X_DATA if self.path.startswith("/whole/") else X_DATA[: X_DATA.index(b"\n", len(X_DATA) // 2) + 20]
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.end_headers()
        self.wfile.write(body)


def crawl(tmp_path, url):
    env = crawl_env(tmp_path)
    command = modwatch(
        "crawl",
        "x_removals",
        "--db",
        tmp_path / "modwatch.db",
        "--logs-dir",
        tmp_path / "logs",
        "--jobs-dir",
        tmp_path / "jobs",
        "-a",
        f"x_removals:urls={url}",
        "--allow-stale",
        "x_removals",
    )  # X's CSVs end in 2021: stale, reported, not failing here
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_a_cut_download_is_quarantined_and_the_crawl_is_not_ok(tmp_path):
    with local_server(Http10Files) as base:
        first = crawl(tmp_path, f"{base}/whole/{X_NAME}")
        assert first.returncode == 0, first.stdout + first.stderr
        second = crawl(tmp_path, f"{base}/cut/{X_NAME}")
    assert second.returncode == 1
    status_line = next(line for line in second.stdout.splitlines() if line.startswith("x_removals "))
    assert status_line.split()[1] == "refused"
    assert "1 downloaded file(s) refused" in second.stdout
    database = db.connect(tmp_path / "modwatch.db")
    try:
        datasets = [
            tuple(r) for r in database.execute("select status, is_current, rows_stored from datasets order by id")
        ]
        assert datasets[0] == ("loaded", 1, 1858)
        assert datasets[1][:2] == ("quarantined", 0)
        error = database.execute("select error from datasets where id = 2").fetchone()[0]
        assert "ends inside a row (3 of 16 cells)" in error
        current = database.execute(
            "select count(*), sum(requests) from removal_requests where is_current = 1"
        ).fetchone()
        assert tuple(current) == (1858, 373244)
    finally:
        database.close()
