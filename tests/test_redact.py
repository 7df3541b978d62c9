"""modwatch.redact: the one secret-redaction policy (URLs, headers, free text, log records)."""

import logging

import pytest
from scrapy.http import Headers

from modwatch import redact

#: a presigned S3 URL in the shape the EU DSA dump route redirects to (AWS Signature V4)
PRESIGNED = ("https://dsa-sor-data-dumps.s3.eu-central-1.amazonaws.com/sor-global-2026-11-28-full.zip"
             "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20261129%2Feu-central-1%2Fs3%2Faws4_request"
             "&X-Amz-Date=20261129T101500Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host"
             "&X-Amz-Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")  # fmt: skip


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://lumendatabase.org/notices/search.json?term=youtube&authentication_token=s3cr3t&page=2",
         "https://lumendatabase.org/notices/search.json?term=youtube&page=2"),
        (PRESIGNED, "https://dsa-sor-data-dumps.s3.eu-central-1.amazonaws.com/sor-global-2026-11-28-full.zip"),
        ("https://x.org/a?Signature=abc&Expires=1&Key-Pair-Id=K", "https://x.org/a?Expires=1&Key-Pair-Id=K"),
        ("https://x.org/a?key=AIzaSy&q=censorship#top", "https://x.org/a?q=censorship#top"),
        ("https://x.org/a?ACCESS_TOKEN=t&b=2", "https://x.org/a?b=2"),
        ("https://user:hunter2@x.org/a?b=2", "https://user@x.org/a?b=2"),
        ("https://x.org/a?tag=1&tag=2&page=3", "https://x.org/a?tag=1&tag=2&page=3"),  # untouched
        ("https://x.org/2024/01/keyword-filtering/", "https://x.org/2024/01/keyword-filtering/"),
    ],
)  # fmt: skip
def test_redact_url(url, expected):
    assert redact.redact_url(url) == expected


def test_extra_parameter_names_from_the_settings():
    assert redact.redact_url("https://x.org/a?sessid=1&b=2", extra=["SessId"]) == "https://x.org/a?b=2"


def test_redact_headers_drops_credentials_and_redacts_location():
    headers = Headers({"Set-Cookie": ["session=c00kie; HttpOnly", "other=1"], "Authorization": "Bearer b3arer",
                       "Location": "/notices/search.json?page=2&authentication_token=s3cr3t",
                       "Content-Type": "application/json", "X-Authentication-Token": "t0ken"})  # fmt: skip
    pairs = redact.redact_headers(headers)
    assert pairs == [("Location", "/notices/search.json?page=2&authentication_token=REDACTED"),
                     ("Content-Type", "application/json")]  # fmt: skip
    assert redact.redact_headers([("X-Api-Key", "k"), ("Accept", "*/*")], drop=["accept"]) == []


def test_redact_text_of_log_lines_and_request_lines():
    line = ("Redirecting (302) to <GET https://127.0.0.1:8000/notices/search.json?page=1&authentication_token=s3cr3t> "
            "from <GET https://127.0.0.1:8000/notices/search.json?page=1>")
    assert "s3cr3t" not in redact.redact_text(line)
    assert "authentication_token=REDACTED>" in redact.redact_text(line)
    assert redact.redact_text("GET /a?X-Amz-Signature=abc&b=1 HTTP/1.1") == "GET /a?X-Amz-Signature=REDACTED&b=1 HTTP/1.1"
    assert redact.redact_text("Authorization: Bearer b3arer\nAccept: */*") == "Authorization: REDACTED\nAccept: */*"
    assert redact.redact_text("ftp://me:pw@host/x") == "ftp://me:REDACTED@host/x"
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
    assert "X-Amz-Signature=REDACTED" in text and "access_token=REDACTED" in text
