"""HTTP charset contradicting the page's declared charset: no U+FFFD garbage."""

import pytest
from scrapy.http import HtmlResponse, Request

from modwatch.extract.charset import charset_override, decode_html, declared_charset
from middlewares.downloader import DeclaredCharsetMiddleware

PAGE = (
    '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
    "<title>t</title></head><body><p>Café – naïve</p></body></html>"
)
CP1252 = PAGE.encode("cp1252")  # é = 0xE9, – = 0x96, ï = 0xEF: invalid as UTF-8


def test_header_utf8_body_cp1252_uses_declared_charset():
    assert declared_charset(CP1252) == "cp1252"
    assert charset_override(CP1252, "utf-8") == "cp1252"
    text, encoding = decode_html(CP1252, "text/html; charset=utf-8")
    assert encoding == "cp1252"
    assert "<p>Café – naïve</p>" in text
    assert "\ufffd" not in text


@pytest.mark.parametrize(
    "body, header",
    [
        (PAGE.encode("utf-8"), "utf-8"),  # declared cp1252 but the bytes are valid UTF-8: header wins
        (CP1252.replace(b"; charset=windows-1252", b""), "utf-8"),  # no declaration: nothing to switch to
        (CP1252, None),  # no header charset: Scrapy already uses the declaration
        (CP1252, "cp1252"),  # no contradiction
        (PAGE.replace("windows-1252", "utf-8").encode("cp1252"), "utf-8"),  # declared utf-8 fails too: keep
    ],
)
def test_no_override(body, header):
    assert charset_override(body, header) is None


def test_meta_charset_form_and_latin1_label_resolve_to_cp1252():
    body = '<meta charset="ISO-8859-1"><p>Café – naïve</p>'.encode("cp1252")
    assert charset_override(body, "utf-8") == "cp1252"
    assert decode_html(body, b"text/html; charset=UTF-8")[0].endswith("<p>Café – naïve</p>")


def test_middleware_returns_response_decoded_with_declared_charset():
    response = HtmlResponse(
        "https://example.org/a",
        body=CP1252,
        headers={"Content-Type": "text/html; charset=utf-8"},
        request=Request("https://example.org/a"),
    )
    assert "\ufffd" in response.text  # what Scrapy alone would give
    fixed = DeclaredCharsetMiddleware().process_response(response.request, response)
    assert fixed is not response
    assert fixed.encoding == "cp1252"
    assert "Café – naïve" in fixed.text
    assert fixed.body == CP1252  # the bytes (and so the archived record) are untouched


def test_middleware_leaves_consistent_responses_alone():
    response = HtmlResponse(
        "https://example.org/b", body=PAGE.encode("utf-8"), headers={"Content-Type": "text/html; charset=utf-8"}
    )
    assert DeclaredCharsetMiddleware().process_response(None, response) is response


def test_header_latin1_body_utf8_declared_utf8_uses_utf8():
    body = '<meta charset="utf-8"><p>Café – naïve, Việt Nam</p>'.encode("utf-8")
    assert charset_override(body, "iso-8859-1") == "utf-8"
    assert decode_html(body, "text/html; charset=ISO-8859-1")[0].endswith("<p>Café – naïve, Việt Nam</p>")


def test_valid_utf8_with_a_literal_replacement_character_keeps_the_header():
    # the page itself contains U+FFFD (damaged upstream); cp1252 would turn it into "ï¿½"
    body = '<meta charset="windows-1252"><p>Caf\ufffd</p>'.encode("utf-8")
    assert charset_override(body, "utf-8") is None
