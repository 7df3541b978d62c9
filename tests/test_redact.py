"""modwatch.redact: the one secret-redaction policy (URLs, headers, free text, log records)."""

import logging

import pytest
from scrapy.http import Headers

from modwatch import redact

#: a presigned S3 URL in the shape the EU DSA dump route redirects to (AWS Signature V4)
PRESIGNED = (
    "https://dsa-sor-data-dumps.s3.eu-central-1.amazonaws.com/sor-global-2026-11-28-full.zip"
    "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20261129%2Feu-central-1%2Fs3%2Faws4_request"
    "&X-Amz-Date=20261129T101500Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host"
    "&X-Amz-Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
)


@pytest.mark.parametrize(
    "url, expected",
    [
        (
            "https://lumendatabase.org/notices/search.json?term=youtube&authentication_token=s3cr3t&page=2",
            "https://lumendatabase.org/notices/search.json?term=youtube&page=2",
        ),
        (PRESIGNED, "https://dsa-sor-data-dumps.s3.eu-central-1.amazonaws.com/sor-global-2026-11-28-full.zip"),
        ("https://x.org/a?Signature=abc&Expires=1&Key-Pair-Id=K", "https://x.org/a?Expires=1&Key-Pair-Id=K"),
        ("https://x.org/a?key=AIzaSy&q=censorship#top", "https://x.org/a?q=censorship#top"),
        ("https://x.org/a?ACCESS_TOKEN=t&b=2", "https://x.org/a?b=2"),
        ("https://user:hunter2@x.org/a?b=2", "https://user@x.org/a?b=2"),
        ("https://x.org/a?tag=1&tag=2&page=3", "https://x.org/a?tag=1&tag=2&page=3"),  # untouched
        ("https://x.org/2024/01/keyword-filtering/", "https://x.org/2024/01/keyword-filtering/"),
    ],
)
def test_redact_url(url, expected):
    assert redact.redact_url(url) == expected


def test_extra_parameter_names_from_the_settings():
    assert redact.redact_url("https://x.org/a?sessid=1&b=2", extra=["SessId"]) == "https://x.org/a?b=2"


def test_redact_headers_drops_credentials_and_redacts_location():
    headers = Headers(
        {
            "Set-Cookie": ["session=c00kie; HttpOnly", "other=1"],
            "Authorization": "Bearer b3arer",
            "Location": "/notices/search.json?page=2&authentication_token=s3cr3t",
            "Content-Type": "application/json",
            "X-Authentication-Token": "t0ken",
        }
    )
    pairs = redact.redact_headers(headers)
    assert pairs == [("Location", "/notices/search.json?page=2"), ("Content-Type", "application/json")]
    assert redact.redact_headers([("X-Api-Key", "k"), ("Accept", "*/*")], drop=["accept"]) == []


def test_redact_text_of_log_lines_and_request_lines():
    line = (
        "Redirecting (302) to <GET https://127.0.0.1:8000/notices/search.json?page=1&authentication_token=s3cr3t> "
        "from <GET https://127.0.0.1:8000/notices/search.json?page=1>"
    )
    assert "s3cr3t" not in redact.redact_text(line)
    # a URL loses its credential parameters whole, names included (no X-Amz- left to find)
    assert redact.redact_text(line) == (
        "Redirecting (302) to <GET https://127.0.0.1:8000/notices/search.json?page=1> "
        "from <GET https://127.0.0.1:8000/notices/search.json?page=1>"
    )
    assert redact.redact_text("GET /a?X-Amz-Signature=abc&b=1 HTTP/1.1") == "GET /a?b=1 HTTP/1.1"
    assert redact.redact_text("token=abc; next") == "token=REDACTED; next"  # outside a URL: the value goes
    assert redact.redact_text("Authorization: Bearer b3arer\nAccept: */*") == "Authorization: REDACTED\nAccept: */*"
    assert redact.redact_text("ftp://me:pw@host/x") == "ftp://me@host/x"  # a URL password goes, as in redact_url
    assert redact.redact_text("nothing secret?page=2&keys=3") == "nothing secret?page=2&keys=3"


def test_log_records_are_redacted(caplog):
    redact.install_log_redaction()
    redact.install_log_redaction()  # once is enough; twice changes nothing
    logger = logging.getLogger("modwatch.test_redact")
    with caplog.at_level(logging.INFO, logger="modwatch.test_redact"):
        logger.info("Crawled (200) <GET %s> %r", PRESIGNED, {"token": "abc"})
        logger.info("fetch %(url)s", {"url": "https://x.org/?access_token=zzz9"})
    text = caplog.text
    assert "0123456789abcdef" not in text and "zzz9" not in text
    assert "X-Amz-" not in text and "access_token" not in text
    assert "fetch https://x.org/" in text and "Crawled (200) <GET https://" in text


def test_secret_values_of_an_exchange_are_redacted_from_bodies():
    import gzip

    from modwatch.redact import redact_payload, secret_values

    values = secret_values(
        [
            "https://lumendatabase.org/notices/search.json?page=2&authentication_token=url-token-91c4aa&q=x",
            "https://bucket.s3.amazonaws.com/d.zip?X-Amz-Date=20261129T101500Z&X-Amz-Signature=f00dfeedf00d",
        ],
        [
            ("X-Authentication-Token", "lumen-token-5d2e8b"),
            ("Cookie", "session=cookie-3b7aa; lang=vi"),
            ("Set-Cookie", "sid=set-cookie-99x; HttpOnly"),
            ("Authorization", "Bearer bearer-77abc"),
            ("Accept", "application/json"),
        ],
    )
    assert values == {
        "url-token-91c4aa",
        "f00dfeedf00d",
        "lumen-token-5d2e8b",
        "cookie-3b7aa",
        "set-cookie-99x",
        "bearer-77abc",
        "Bearer bearer-77abc",
    }  # no X-Amz-Date (no secret); "vi": too short
    body = b'{"meta": {"echo": "lumen-token-5d2e8b", "next": "?authentication_token=url-token-91c4aa"}}'
    expected = b'{"meta": {"echo": "REDACTED", "next": "?authentication_token=REDACTED"}}'
    assert redact_payload(body, [("Content-Type", "application/json")], values) == (
        expected,
        [("Content-Type", "application/json")],
    )
    packed = gzip.compress(body)
    headers = [("Content-Encoding", "gzip"), ("Content-Length", str(len(packed))), ("ETag", '"p2"')]
    assert redact_payload(packed, headers, values) == (expected, [("ETag", '"p2"')])  # recorded inflated
    clean = gzip.compress(b'{"meta": {}}')
    assert redact_payload(clean, headers, values) == (clean, headers)  # nothing to hide: as sent


@pytest.mark.parametrize("encoding", ["br", "zstd", "gzip, br", "deflate"])
def test_an_echoed_secret_is_redacted_from_a_body_in_any_content_encoding_scrapy_accepts(encoding):
    import zlib

    import brotli
    from backports import zstd

    from modwatch.redact import redact_payload

    pack = {
        "br": brotli.compress,
        "zstd": zstd.compress,
        "gzip": lambda data: zlib.compress(data, wbits=31),
        "deflate": zlib.compress,
    }
    body = b'{"echo": "lumen-token-5d2e8b", "notices": [1, 2]}'
    packed = body
    for name in encoding.split(", "):
        packed = pack[name](packed)
    headers = [("Content-Encoding", encoding), ("Content-Length", str(len(packed))), ("Content-Type", "text/json")]
    assert redact_payload(packed, headers, {"lumen-token-5d2e8b"}) == (
        b'{"echo": "REDACTED", "notices": [1, 2]}',
        [("Content-Type", "text/json")],
    )
    assert redact_payload(packed, headers, {"other-secret-1"}) == (packed, headers)  # nothing to hide: as sent


def test_a_damaged_or_unknown_encoding_is_redacted_as_it_is():
    from modwatch.redact import redact_payload

    headers = [("Content-Encoding", "br")]
    assert redact_payload(b"not brotli lumen-token-5d2e8b", headers, {"lumen-token-5d2e8b"}) == (
        b"not brotli REDACTED",
        headers,
    )
    headers = [("Content-Encoding", "compress")]
    assert redact_payload(b"lumen-token-5d2e8b", headers, {"lumen-token-5d2e8b"}) == (b"REDACTED", headers)
