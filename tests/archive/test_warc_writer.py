"""WarcWriterMiddleware and write_warc: records, raw payload, provenance meta, redaction."""

import gzip
import re

import pytest
import scrapy
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator

from middlewares.warc import WarcWriterMiddleware
from modwatch.archive.warc import redact_url, write_warc
from tests.helpers import WIKIMEDIA_PAGE

PAGE = WIKIMEDIA_PAGE.read_bytes()
URL = "https://wikimediafoundation.org/news/2020/01/15/access-to-wikipedia-restored-in-turkey-after-more-than-two-and-a-half-years/"


def read_records(path):
    with open(path, "rb") as stream:
        return [(r.rec_type, r.rec_headers, r.http_headers, r.content_stream().read()) for r in ArchiveIterator(stream)]


def request_line(http_headers) -> str:
    """warcio parses a request line into protocol (the method) and statusline (the rest)."""
    return f"{http_headers.protocol} {http_headers.statusline}"


class LumenSpider(scrapy.Spider):
    name = "lumen"


@pytest.fixture
def writer(tmp_path):
    def make(**settings):
        crawler = get_crawler(LumenSpider, {"MODWATCH_WARC_DIR": str(tmp_path / "warc"), **settings})
        crawler.spider = crawler._create_spider()
        crawler.spider.crawl_run_id = 7
        return WarcWriterMiddleware.from_crawler(crawler)

    return make


def fetch(middleware, url, *, request_headers, response_headers, body):
    request = Request(url, headers=request_headers)
    response = HtmlResponse(url=url, status=200, headers=response_headers, body=body, request=request)
    assert middleware.process_response(request, response) is response
    middleware.spider_closed(middleware.crawler.spider)
    return request


def test_response_written_raw_with_request_and_provenance_meta(writer, tmp_path):
    middleware = writer()
    request = fetch(
        middleware,
        URL,
        request_headers={"Accept": "text/html", "User-Agent": "modwatch/0.1"},
        response_headers={
            "Content-Type": "text/html; charset=UTF-8",
            "Content-Encoding": "gzip",
            "Transfer-Encoding": "chunked",
            "X-WP-Total": "12",
        },
        body=gzip.compress(PAGE),
    )
    files = list((tmp_path / "warc").iterdir())
    assert len(files) == 1
    assert re.fullmatch(r"lumen-7-\d{8}T\d{6}Z\.warc\.gz", files[0].name)
    records = read_records(files[0])
    assert [r[0] for r in records] == ["warcinfo", "request", "response"]
    _, request_warc, request_http, _ = records[1]
    _, response_warc, response_http, payload = records[2]
    assert payload == PAGE  # warcio decodes the stored gzip payload
    assert response_http.get_header("Content-Encoding") == "gzip"
    assert response_http.get_header("Transfer-Encoding") is None
    assert response_http.get_header("X-WP-Total") == "12"
    assert response_http.get_statuscode() == "200"
    assert response_warc.get_header("WARC-Target-URI") == URL
    assert request_warc.get_header("WARC-Concurrent-To") == response_warc.get_header("WARC-Record-ID")
    assert request_line(request_http).startswith("GET /news/2020/01/15/access-to-wikipedia")
    assert request_http.get_header("Host") == "wikimediafoundation.org"
    assert request.meta["warc_record_id"] == response_warc.get_header("WARC-Record-ID")
    assert request.meta["warc_filename"] == files[0].name
    assert request.meta["fetched_at"] == response_warc.get_header("WARC-Date")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", request.meta["fetched_at"])
    stats = middleware.crawler.stats
    assert (stats.get_value("warc/records"), stats.get_value("warc/filename")) == (1, files[0].name)


def test_secrets_never_reach_the_warc(writer, tmp_path):
    middleware = writer(MODWATCH_WARC_REDACT_HEADERS=["X-Api-Key"])
    fetch(
        middleware,
        "https://lumendatabase.org/notices/search.json?term=youtube&token=tok-in-url-1&page=2&api_key=key-in-url-2",
        request_headers={
            "X-Authentication-Token": "lumen-token-abc",
            "Authorization": "Bearer bearer-xyz",
            "Cookie": "session=cookie-secret-42",
            "X-Api-Key": "custom-key-9",
            "Accept": "application/json",
        },
        response_headers={"Content-Type": "application/json", "Set-Cookie": "session=cookie-secret-43"},
        body=b'{"notices": []}',
    )
    path = next((tmp_path / "warc").iterdir())
    raw = gzip.decompress(path.read_bytes())  # every record is a gzip member
    for secret in (
        b"lumen-token-abc",
        b"bearer-xyz",
        b"cookie-secret-42",
        b"cookie-secret-43",
        b"custom-key-9",
        b"tok-in-url-1",
        b"key-in-url-2",
        b"X-Authentication-Token",
    ):
        assert secret not in raw
    records = read_records(path)
    assert (
        records[2][1].get_header("WARC-Target-URI")
        == "https://lumendatabase.org/notices/search.json?term=youtube&page=2"
    )
    assert request_line(records[1][2]) == "GET /notices/search.json?term=youtube&page=2 HTTP/1.1"
    assert records[1][2].get_header("Accept") == "application/json"


def test_replayed_responses_are_not_written_again(writer, tmp_path):
    middleware = writer(MODWATCH_REPLAY=str(tmp_path / "snapshot.warc.gz"))
    request = Request(URL, meta={"warc_record_id": "<urn:uuid:archived>", "warc_replayed": True})
    middleware.process_response(request, HtmlResponse(url=URL, body=PAGE, request=request))
    assert not (tmp_path / "warc").exists()
    assert request.meta["warc_record_id"] == "<urn:uuid:archived>"


def test_dont_archive_requests_are_not_written(writer, tmp_path):
    middleware = writer()
    request = Request(
        "https://dsa-sor-data-dumps.s3.eu-central-1.amazonaws.com/sor-global-2026-11-28-full.zip",
        meta={"dont_archive": True},
    )
    middleware.process_response(request, scrapy.http.Response(url=request.url, body=b"PK\x03\x04", request=request))
    assert not (tmp_path / "warc").exists()
    assert "warc_record_id" not in request.meta and request.meta["fetched_at"].endswith("Z")
    assert middleware.crawler.stats.get_value("warc/skipped") == 1


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://x.org/a?token=1", "https://x.org/a"),
        ("https://x.org/a?b=2&api_key=k&a=1#top", "https://x.org/a?b=2&a=1#top"),
        ("https://x.org/a?tag=1&tag=2", "https://x.org/a?tag=1&tag=2"),
        ("https://x.org/a", "https://x.org/a"),
    ],
)
def test_redact_url(url, expected):
    assert redact_url(url) == expected


def test_write_warc_records_in_order_with_status_and_headers(tmp_path):
    path = tmp_path / "demo" / "snapshot.warc.gz"
    ids = write_warc(
        path,
        [
            (URL, PAGE, {"Content-Type": "text/html; charset=UTF-8"}),
            (
                "https://demo.worona.org/wp-json/wp/v2/posts?categories=7&page=3",
                b'{"code":"rest_post_invalid_page_number"}',
                [("Content-Type", "application/json"), ("X-WP-TotalPages", "2")],
                400,
            ),
        ],
    )
    records = [r for r in read_records(path) if r[0] == "response"]
    assert [r[1].get_header("WARC-Record-ID") for r in records] == ids
    assert records[0][3] == PAGE
    assert records[0][2].get_header("Content-Length") == str(len(PAGE))
    assert records[1][2].get_statuscode() == "400"
    assert records[1][2].get_header("X-WP-TotalPages") == "2"


def test_redirect_to_a_presigned_url_is_recorded_without_its_secrets():
    from modwatch.archive.warc import redact_redirect

    target = (
        "https://storage.example/bucket/sor-global-2024-03-14-full.zip?X-Amz-Algorithm=AWS4-HMAC-SHA256"
        "&X-Amz-Credential=KEY%2F20260607%2Fauto%2Fs3%2Faws4_request&x-amz-signature=ab12&versionId=3"
    )
    page = f'Redirecting to <a href="{target.replace("&", "&amp;")}">'.encode()
    headers = [("Location", target), ("Content-Type", "text/html"), ("Content-Length", str(len(page)))]
    assert redact_redirect(302, headers, page) == (
        [
            ("Location", "https://storage.example/bucket/sor-global-2024-03-14-full.zip?versionId=3"),
            ("Content-Type", "text/html"),
        ],
        b"",
    )
    # a redirect without secrets, or another response, keeps its body
    plain = [("Location", "https://example.org/next"), ("Content-Length", "4")]
    assert redact_redirect(301, plain, b"next") == (plain, b"next")
    assert redact_redirect(200, [("Content-Location", target)], b"zip")[1] == b"zip"
