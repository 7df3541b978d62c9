"""The DSA download route since June 2026, end to end with ``python -m modwatch crawl dsa_sor``.

Two local servers play the two hosts: the Transparency Database's stable route on 127.0.0.1
(``/explore-data/download/sor-…zip`` and ``….zip.sha1`` answer 302) and the storage host on
127.0.0.2, which serves a file only at a presigned URL (``X-Amz-*`` parameters, a new signature
at every redirect, 403 without it). The dumps are nested zips built from the real sample rows of
``tests/fixtures/dsa/``. Checked: the dataset's URL is the stable one; the database, the log
files, the WARC files and the HTTP cache folder hold no ``X-Amz-``; a second download of a day
is recognised as unchanged; a wrong ``.sha1`` fails that day's dataset, leaves the day before
untouched and makes the crawl not ok.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import secrets
import sqlite3
import subprocess

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.helpers import ROOT, PageHandler, crawl_env, local_server, modwatch
from tests.transparency.samples import V1, V2, fixture, nested_zip

DAY1, DAY2 = "sor-global-2024-03-14-full.zip", "sor-global-2024-03-15-full.zip"
FILES: dict[str, bytes] = {
    DAY1: nested_zip({"sor-global-2024-03-14-full-00000-00000.csv": fixture(V1)}),
    DAY2: nested_zip({"sor-global-2024-03-15-full-00000-00000.csv": fixture(V2)}, "sor-global-2024-03-15-full"),
}
for _name in list(FILES):
    FILES[_name + ".sha1"] = f"{hashlib.sha1(FILES[_name]).hexdigest()}  {_name}\n".encode()
REDIRECT_PAGE = """<!DOCTYPE html>
<html>
    <head>
        <meta charset="UTF-8" />
        <meta http-equiv="refresh" content="0;url='{url}'" />

        <title>Redirecting to {url}</title>
    </head>
    <body>
        Redirecting to <a href="{url}">{url}</a>.
    </body>
</html>"""
AMZ = ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Signature")


class Route(PageHandler):
    """``transparency.dsa.ec.europa.eu/explore-data/download/<file>``: 302 to a presigned URL."""

    storage = ""  # base URL of the storage host, set by the test
    signatures: dict[str, str] = {}  # file name -> signature of the last presigned URL given

    def do_GET(self):
        name = self.path.removeprefix("/explore-data/download/")
        if not self.path.startswith("/explore-data/download/") or name not in FILES:
            self.send(404, b"<!DOCTYPE html><title>Not Found</title>")
            return
        signature = Route.signatures[name] = secrets.token_hex(32)
        query = (
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=EXAMPLEKEY%2F20260607%2Fauto%2Fs3%2Faws4_request"
            "&X-Amz-Date=20260607T061500Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host"
            f"&X-Amz-Signature={signature}"
        )
        target = f"{Route.storage}/dsa-sor-data/{name}?{query}"
        # the page Laravel (Symfony's RedirectResponse) sends with a redirect: the URL again, HTML-escaped
        page = REDIRECT_PAGE.format(url=html.escape(target)).encode()
        self.send(302, page, headers={"Location": target})


class Storage(PageHandler):
    """The storage host: a file only at its presigned URL (signature of the last redirect)."""

    requests: list[str] = []
    expired: set[str] = set()  # files whose presigned URLs have expired by the time they are asked for

    def do_GET(self):
        Storage.requests.append(self.path)
        path, _, query = self.path.partition("?")
        name = path.removeprefix("/dsa-sor-data/")
        params = dict(pair.split("=", 1) for pair in query.split("&") if "=" in pair)
        if name in Storage.expired:
            self.send(
                403,
                b"<Error><Code>AccessDenied</Code><Message>Request has expired</Message>"
                b"<X-Amz-Expires>3600</X-Amz-Expires></Error>",
                "application/xml",
            )
            return
        if name not in FILES or set(params) != set(AMZ) or params["X-Amz-Signature"] != Route.signatures.get(name):
            self.send(403, b"<Error><Code>AccessDenied</Code></Error>", "application/xml")
            return
        self.send(200, FILES[name], "application/zip" if name.endswith(".zip") else "text/plain")


def crawl(tmp_path, route: str, *spider_args: str) -> subprocess.CompletedProcess:
    args = [a for arg in ("archive=1", *spider_args) for a in ("-a", f"dsa_sor:{arg}")]
    command = modwatch(
        "crawl",
        "dsa_sor",
        "--db",
        tmp_path / "modwatch.db",
        "--logs-dir",
        tmp_path / "logs",
        "--jobs-dir",
        tmp_path / "jobs",
        *args,
        "-s",
        f"MODWATCH_DSA_DOWNLOAD_BASE={route}/explore-data/download/",
        "-s",
        f"MODWATCH_SPOOL_DIR={tmp_path / 'spool'}",
        "-s",
        "HTTPCACHE_ENABLED=True",
        "-s",
        "LOG_LEVEL=DEBUG",
    )
    return subprocess.run(command, cwd=ROOT, env=crawl_env(tmp_path), capture_output=True, text=True, timeout=300)


def contents(folder) -> dict[str, bytes]:
    """Every file under ``folder`` by path, WARC files decompressed."""
    files = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        files[str(path.relative_to(folder))] = gzip.decompress(data) if path.name.endswith(".gz") else data
    return files


def warc_records(folder) -> list[tuple[str, str, str | None]]:
    """``(record type, WARC-Target-URI, HTTP Location header)`` of every request/response record."""
    records = []
    for path in sorted(folder.glob("*.warc.gz")):
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "response":
                    records.append(
                        (
                            record.rec_type,
                            record.rec_headers.get_header("WARC-Target-URI"),
                            record.http_headers.get_header("Location"),
                        )
                    )
    return records


@pytest.fixture
def servers():
    Storage.requests.clear()
    Storage.expired.clear()
    Route.signatures.clear()
    with local_server(Storage, host="127.0.0.2") as storage, local_server(Route) as route:
        Route.storage = storage
        yield route, storage


def test_stable_url_302_presigned_on_another_host_no_secret_anywhere(tmp_path, servers):
    route, storage = servers
    stable = f"{route}/explore-data/download/{DAY1}"
    first = crawl(tmp_path, route, "date_from=2024-03-14")
    assert first.returncode == 0, first.stdout + first.stderr
    # both the checksum and the dump were fetched from the storage host at their presigned URLs
    assert [r.partition("?")[0] for r in Storage.requests] == [f"/dsa-sor-data/{DAY1}.sha1", f"/dsa-sor-data/{DAY1}"]
    assert all("X-Amz-Signature=" in r for r in Storage.requests)
    database = sqlite3.connect(tmp_path / "modwatch.db")
    assert database.execute(
        "select url, sha256, byte_size, rows_read, rows_stored, status from datasets"
    ).fetchall() == [(stable, hashlib.sha256(FILES[DAY1]).hexdigest(), len(FILES[DAY1]), 29, 28, "loaded")]
    assert dict(database.execute("select platform_name, count(*) from statements_of_reasons group by 1")) == {
        "Google Shopping": 17,
        "TikTok": 7,
        "Pinterest": 3,
        "AliExpress": 1,
    }
    database.close()

    # a second download of that day: another presigned URL, the same stable URL and bytes -> unchanged
    second = crawl(tmp_path, route, "date_from=2024-03-14")
    assert second.returncode == 0, second.stdout + second.stderr
    assert len(Storage.requests) == 4 and len(set(Storage.requests)) == 4  # new signatures each time
    database = sqlite3.connect(tmp_path / "modwatch.db")
    assert database.execute("select count(*), count(distinct url) from datasets").fetchone() == (1, 1)
    database.close()

    # the archive holds the dump under the storage URL and the redirects, every X-Amz-* removed
    records = warc_records(tmp_path / "warc")
    assert ("response", f"{storage}/dsa-sor-data/{DAY1}", None) in records
    assert ("response", stable, f"{storage}/dsa-sor-data/{DAY1}") in records
    assert ("response", stable + ".sha1", f"{storage}/dsa-sor-data/{DAY1}.sha1") in records
    # the HTTP cache was on (the spider asks Scrapy never to cache the route's answers)
    logs = contents(tmp_path / "logs")
    assert len(logs) == 2 and all(b"Using filesystem cache storage" in log for log in logs.values())
    assert any(f"{stable} redirects to 127.0.0.2: streaming it".encode() in log for log in logs.values())

    # everything the crawls left: database (and WAL), log files, WARC files, HTTP cache, spool
    everything = contents(tmp_path)
    assert "modwatch.db" in everything
    assert {name.split("/")[0] for name in everything} >= {"logs", "warc"}
    assert [name for name, data in everything.items() if b"x-amz-" in data.lower()] == []
    assert "x-amz-" not in (first.stdout + first.stderr + second.stdout + second.stderr).lower()


def test_wrong_sha1_fails_the_day_and_leaves_the_day_before_untouched(tmp_path, servers):
    route, _ = servers
    first = crawl(tmp_path, route, "date_from=2024-03-14")
    assert first.returncode == 0, first.stdout + first.stderr
    database = sqlite3.connect(tmp_path / "modwatch.db")
    before = database.execute("select * from statements_of_reasons order by id").fetchall()
    assert len(before) == 28
    database.close()

    good = FILES[DAY2 + ".sha1"]
    FILES[DAY2 + ".sha1"] = f"{hashlib.sha1(b'another file').hexdigest()}  {DAY2}\n".encode()
    try:
        second = crawl(tmp_path, route, "date_from=2024-03-14", "date_to=2024-03-15")
    finally:
        FILES[DAY2 + ".sha1"] = good
    assert second.returncode == 1
    summary = [line.split() for line in second.stdout.splitlines() if line.startswith("dsa_sor")]
    assert summary and summary[0][1] == "refused"
    assert "1 downloaded file(s) refused, the current data kept" in second.stdout
    database = sqlite3.connect(tmp_path / "modwatch.db")
    assert database.execute("select * from statements_of_reasons order by id").fetchall() == before
    datasets = database.execute("select url, status, error from datasets order by id").fetchall()
    assert [(url.rsplit("/", 1)[-1], status) for url, status, _ in datasets] == [(DAY1, "loaded"), (DAY2, "failed")]
    assert datasets[1][2] == (
        f"ChecksumError: SHA-1 {hashlib.sha1(FILES[DAY2]).hexdigest()} of the download "
        f"differs from the published {hashlib.sha1(b'another file').hexdigest()}"
    )
    (reason,) = database.execute("select reason from rejects where url = ?", [datasets[1][0]]).fetchone()
    assert reason.startswith("DSA dump not stored: ChecksumError: SHA-1 ")
    (runs,) = database.execute("select count(*) from crawl_runs").fetchone()
    assert runs == 2
    database.close()


def test_an_expired_presigned_url_is_a_reject_that_names_the_stable_url_only(tmp_path, servers):
    route, _ = servers
    Storage.expired.add(DAY1)
    result = crawl(tmp_path, route, "date_from=2024-03-14")
    assert result.returncode == 1  # one error for two responses: more than the error rate allows
    database = sqlite3.connect(tmp_path / "modwatch.db")
    assert database.execute("select count(*) from datasets").fetchone() == (0,)
    assert database.execute("select url, reason, excerpt from rejects").fetchall() == [
        (f"{route}/explore-data/download/{DAY1}", "DSA dump not downloaded: HTTPStatusError: HTTP 403", "")
    ]
    database.close()
    assert Storage.requests[-1].startswith(f"/dsa-sor-data/{DAY1}?X-Amz-Algorithm=")
    assert [name for name, data in contents(tmp_path).items() if b"x-amz-" in data.lower()] == []
