"""``python -m modwatch check-sources`` against local servers that answer as the sources do today.

Servers on 127.0.0.1 (port 0): a WordPress site without Zox markup (real REST post, feed and Yoast
sitemap index from ``demo/files/``), the same site's old address answering 301 (a moved site), and
Google's storage answering 302 to a dated bundle zip (``government-removals_<start>_<end>_en_v1``)
on a presigned-looking URL, the DSA stable URL answering 302 to a presigned URL, plus a Meta CSV
whose header drifted.
"""

import io
import zipfile

import pytest

from cli.main import main
from modwatch.probe import Probe
from tests.helpers import DEMO_FILES, FIXTURES, ROOT, PageHandler, local_server

FILES = ROOT / "demo" / "files"
NEW = (FIXTURES / "transparency" / "google_2026" / "google-government-removal-requests.VN-TH-KH-MM.csv").read_bytes()
BUNDLE = "government-removals_2019-1-1_2025-6-30_en_v1"
SECRET = "X-Amz-Signature=0123456789abcdef"


def bundle_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(f"{BUNDLE}/google-government-removal-requests.csv", NEW)
    return out.getvalue()


def server(routes):
    """A local server (tests.helpers.local_server) answering ``routes(path) -> (status, headers, body)``."""

    class Handler(PageHandler):
        def do_GET(self):
            status, headers, body = routes(self.path)
            self.send(
                status,
                body,
                headers.get("Content-Type", "application/octet-stream"),
                {k: v for k, v in headers.items() if k != "Content-Type"},
            )

    return local_server(Handler)


def wordpress(path):
    if path.startswith("/wp-json/wp/v2/posts"):
        post = (FIXTURES / "sites" / "wp-v2-posts-131.json").read_bytes()
        return 200, {"Content-Type": "application/json"}, b"[" + post + b"]"
    if path == "/feed/":
        return (
            200,
            {"Content-Type": "application/rss+xml"},
            (FILES / "wordpress.org" / "wordpress-org-news.xml").read_bytes(),
        )
    if path == "/sitemap_index.xml":
        return (
            200,
            {"Content-Type": "application/xml"},
            (FILES / "xn--mgbg4a8cpdl.com" / "sitemap_index.xml").read_bytes(),
        )
    return 404, {"Content-Type": "text/html"}, b"<html>not found</html>"


@pytest.fixture
def sources(tmp_path):
    with server(wordpress) as site, server(lambda path: (301, {"Location": site + path}, b"")) as moved:

        def storage(path):
            if path == "/transparencyreport/google-government-removals.zip":
                return 302, {"Location": f"{storage_url}/report-downloads/{BUNDLE}.zip?{SECRET}"}, b""
            if path == f"/report-downloads/{BUNDLE}.zip?{SECRET}":
                return 200, {"Content-Type": "application/zip"}, bundle_zip()
            if path == "/explore-data/download/sor-global-2026-12-05-light.zip.sha1":
                return (
                    302,
                    {
                        "Location": f"{storage_url}/dsa-bucket/sor-global-2026-12-05-light.zip.sha1"
                        f"?X-Amz-Algorithm=AWS4-HMAC-SHA256&{SECRET}"
                    },
                    b"",
                )
            if path.startswith("/dsa-bucket/sor-global-2026-12-05-light.zip.sha1?"):
                return (
                    200,
                    {"Content-Type": "text/plain"},
                    b"3f786850e387550fdab836ed7e6dc881de23001b  sor-global-2026-12-05-light.zip\n",
                )
            if path == "/meta/Content_Restrictions_2025_H2.csv":
                return 200, {"Content-Type": "text/csv"}, b"Country Code,Country Name,Restrictions\nVN,Vietnam,12\n"
            return 404, {}, b""

        with server(storage) as storage_url:
            sites_file = tmp_path / "sites.yaml"
            sites_file.write_text(
                f"""sites:
  - key: wordpress
    base_url: {site}/
    discovery: [wp-rest, rss, sitemap]
    sitemaps: [sitemap_index.xml]
  - key: moved
    base_url: {moved}/
    discovery: [rss]
""",
                encoding="utf-8",
            )
            yield {"sites": sites_file, "site": site, "moved": moved, "storage": storage_url}


def lines_of(output: str) -> dict[tuple[str, str], list[str]]:
    return {tuple(line.split()[:2]): line.split() for line in output.splitlines()[1:] if not line.startswith("  ")}


def test_check_sources_against_sources_as_they_answer_today(sources, capsys):
    google = f"{sources['storage']}/transparencyreport/google-government-removals.zip"
    meta = f"{sources['storage']}/meta/Content_Restrictions_2025_H2.csv"
    status = main(
        [
            "check-sources",
            "--sites",
            str(sources["sites"]),
            "--url",
            f"google_removals={google}",
            "--url",
            f"meta_restrictions={meta}",
            "--url",
            f"x_removals={sources['storage']}/x/missing.csv",
            "--url",
            f"tiktok_removals={sources['storage']}/tiktok/missing.xlsx",
            "--url",
            f"dsa_sor={sources['storage']}/explore-data/download/sor-global-2026-12-05-light.zip.sha1",
            "--timeout",
            "10",
        ]
    )
    output = capsys.readouterr().out
    assert status == 1, output
    rows = lines_of(output)
    assert rows[("wordpress", "wp-rest")][2:6] == ["200", "-", "wp-rest", "posts"]
    assert rows[("wordpress", "wp-rest")][6] == "2020-01-19"
    assert rows[("wordpress", "feed")][2:5] == ["200", "-", "feed"]
    assert rows[("wordpress", "sitemap")][2:6] == ["200", "-", "sitemap", "index"]
    # the moved site: redirected where, and still a feed modwatch reads
    assert rows[("moved", "feed")][2:5] == ["200", f"{sources['site']}/feed/", "feed"]
    # Google's 302 to a dated bundle on a presigned URL: the bundle read, its signature never printed
    google_row = rows[("google_removals", "download")]
    assert google_row[2:6] == [
        "200",
        f"{sources['storage']}/report-downloads/{BUNDLE}.zip",
        "google-by_requester_product_reason",
        "2025-06-30",
    ]
    # the DSA stable URL's 302 to a presigned URL on the storage host
    assert rows[("dsa_sor", "download")][2:6] == [
        "200",
        f"{sources['storage']}/dsa-bucket/sor-global-2026-12-05-light.zip.sha1",
        "dsa-dump-sha1",
        "2026-12-05",
    ]
    assert "X-Amz" not in output
    assert rows[("meta_restrictions", "download")][2:6] == ["200", "-", "unknown:", "Country"]
    assert rows[("x_removals", "download")][2:4] == ["404", "-"]
    assert "  meta_restrictions download: unknown: Country Code,Country Name,Restrictions" in output
    assert "  x_removals download: HTTP 404" in output


def test_without_network_one_line_and_exit_2(tmp_path, capsys):
    with server(lambda path: (404, {}, b"")) as closed:
        pass  # the port is closed again: nothing answers there
    sites_file = tmp_path / "sites.yaml"
    sites_file.write_text(f"sites:\n  - key: gone\n    base_url: {closed}/\n    discovery: [rss]\n", encoding="utf-8")
    status = main(["check-sources", "--sites", str(sites_file), "--only", "news", "--timeout", "2"])
    output = capsys.readouterr().out
    assert status == 2
    assert output.count("\n") == 1
    assert output.startswith("check-sources: no network: none of 1 sources answered (")


def test_redirect_target_hides_the_query_string():
    probe = Probe(
        "dsa",
        "download",
        "https://transparency.dsa.ec.europa.eu/dump.zip",
        final_url=f"https://bucket.s3.amazonaws.com/dump.zip?{SECRET}&X-Amz-Credential=AKIA",
    )
    assert probe.redirected_to == "https://bucket.s3.amazonaws.com/dump.zip"


REAL_SITEMAP = (DEMO_FILES / "99hainnguyen.github.io" / "sitemap_index.xml").read_bytes()


class CutShort(PageHandler):
    """The real sitemap index of the demo site, announced whole (Content-Length) but cut after 300 bytes."""

    def do_GET(self):  # noqa: N802
        body = REAL_SITEMAP
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[:300])  # then the connection closes


def test_a_body_shorter_than_its_content_length_fails_the_probe():
    from modwatch import probe as probes

    with local_server(CutShort) as base:
        with pytest.raises(
            probes.ShortBody,
            match=rf"^body cut short: 300 of the {len(REAL_SITEMAP)} bytes "
            r"announced \(Content-Length\)$",
        ):
            probes.fetch(f"{base}/sitemap_index.xml")
        result = probes._run(Probe("demo", "sitemap", f"{base}/sitemap_index.xml"), lambda body, url: ("sitemap", None))
    assert not result.ok and result.layout is None
    assert result.error == f"body cut short: 300 of the {len(REAL_SITEMAP)} bytes announced (Content-Length)"
