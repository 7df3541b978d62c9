"""provenance: fetch time and the one RejectItem builder every spider uses."""

from datetime import datetime, timedelta, timezone

import pytest
from scrapy import Request
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import DNSLookupError, TimeoutError
from twisted.python.failure import Failure

from db.rejects import MAX_EXCERPT_CHARS
from items import RejectItem
from provenance import failure_reason, fetched_at_of, reject_for

URL = "https://lumendatabase.org/notices/search.json?term=vietnam&page=3"
META = {"fetched_at": "2026-11-29T12:00:00Z", "warc_record_id": "<urn:uuid:0f0e0d0c-0000-4000-8000-000000000001>"}


def response(body=b"", status=200, meta=META):
    request = Request(URL, meta=dict(meta))
    return TextResponse(URL, status=status, body=body, request=request, encoding="utf-8")


def http_failure(status, body=b""):
    failure = Failure(HttpError(response(body, status), "Ignoring non-200 response"))
    failure.request = Request(URL)
    return failure


def network_failure(error):
    failure = Failure(error)
    failure.request = Request(URL)
    return failure


def test_reject_for_a_response_keeps_its_provenance():
    body = b'{"error": "Invalid token"}'
    item = reject_for(response(body), "Lumen page is not a notices JSON document: no 'notices' key")
    assert isinstance(item, RejectItem)
    assert dict(item) == {
        "url": URL,
        "reason": "Lumen page is not a notices JSON document: no 'notices' key",
        "excerpt": '{"error": "Invalid token"}',
        **META,
    }


def test_reject_for_an_http_error_keeps_the_answer():
    item = reject_for(http_failure(503, b"<h1>Service Unavailable</h1>"), "Lumen page not downloaded: HTTP 503")
    assert dict(item) == {
        "url": URL,
        "reason": "Lumen page not downloaded: HTTP 503",
        "excerpt": "<h1>Service Unavailable</h1>",
        **META,
    }


def test_reject_for_a_network_error_has_no_answer():
    before = datetime.now(timezone.utc).replace(microsecond=0)
    item = reject_for(network_failure(TimeoutError()), "DSA dump not downloaded")
    assert (item["url"], item["excerpt"], item["warc_record_id"]) == (URL, "", None)
    fetched = datetime.fromisoformat(item["fetched_at"])
    assert before <= fetched <= datetime.now(timezone.utc)


def test_excerpt_is_decoded_and_cut_to_what_the_database_keeps():
    body = "đường ".encode() * 5000  # 6 characters, 8 bytes each: 30,000 characters
    item = reject_for(response(body), "not an article page")
    assert len(item["excerpt"]) == MAX_EXCERPT_CHARS and item["excerpt"].startswith("đường đường")
    assert reject_for(response(b"\xff\xfeabc"), "bad")["excerpt"] == "\ufffd\ufffdabc"
    assert reject_for(response(body), "WP REST post 7: no URL of its own", '{"id": 7}')["excerpt"] == '{"id": 7}'


@pytest.mark.parametrize(
    "failure, reason",
    [
        (http_failure(404), "HTTP 404"),
        (network_failure(DNSLookupError("example.invalid")), "DNSLookupError: DNS lookup failed: example.invalid."),
        (network_failure(TimeoutError()), "TimeoutError: User timeout caused connection failure."),
    ],
)
def test_failure_reason(failure, reason):
    assert failure_reason(failure) == reason


@pytest.mark.parametrize(
    "meta, expected",
    [
        ({"fetched_at": "2024-03-14T09:05:07Z"}, "2024-03-14T09:05:07Z"),
        ({"fetched_at": datetime(2024, 3, 14, 16, 5, 7, tzinfo=timezone(timedelta(hours=7)))}, "2024-03-14T09:05:07Z"),
    ],
)
def test_fetched_at_of(meta, expected):
    assert fetched_at_of(response(meta=meta)) == expected


def test_fetched_at_of_a_response_without_request_is_now():
    value = fetched_at_of(Response(URL))
    assert value.endswith("Z") and value[:4] == str(datetime.now(timezone.utc).year)
