"""Charset of an HTML page whose HTTP header and own declaration disagree.

Servers often send ``Content-Type: text/html; charset=utf-8`` for pages stored in another
charset (typically windows-1252 with ``<meta charset="windows-1252">``). Decoding with the header
charset then turns every accented letter into U+FFFD. The HTML standard lets the transport
charset win, so browsers (and Scrapy) show the garbage; this module spots the contradiction and
picks the page's declared charset instead, only when that one decodes the bytes cleanly.

Charset labels are resolved the WHATWG way by ``w3lib.encoding`` (``latin-1``/``iso-8859-1`` ->
``cp1252``, ``utf8`` -> ``utf-8``); the declaration is read from ``<meta charset>`` or
``<meta http-equiv="Content-Type" content="...; charset=...">`` near the start of the page.
"""

from __future__ import annotations

import codecs

from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, resolve_encoding

REPLACEMENT = "\ufffd"


def declared_charset(body: bytes) -> str | None:
    """Python codec name of the charset the page declares in its markup, or None."""
    label = html_body_declared_encoding(body)
    return resolve_encoding(label) if label else None


def header_charset(content_type: str | bytes | None) -> str | None:
    """Python codec name of the charset of an HTTP ``Content-Type`` value, or None."""
    if isinstance(content_type, bytes):
        content_type = content_type.decode("latin-1")
    return http_content_type_encoding(content_type) if content_type else None


def _decodes_cleanly(body: bytes, encoding: str) -> bool:
    try:
        text = body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return REPLACEMENT not in text


def _same(a: str, b: str) -> bool:
    try:
        return codecs.lookup(a).name == codecs.lookup(b).name
    except LookupError:
        return a == b


def charset_override(body: bytes, header: str | None) -> str | None:
    """The declared charset to use instead of ``header`` (a codec name), or None to keep the header's.

    An override is returned only when (1) the header names a charset, (2) the page declares a
    different one, (3) the bytes do not decode cleanly with the header charset (a strict decode
    error, or U+FFFD replacement characters), and (4) they decode cleanly with the declared one.
    """
    if not header or not body:
        return None
    declared = declared_charset(body)
    if not declared or _same(declared, header):
        return None
    if _decodes_cleanly(body, header) or not _decodes_cleanly(body, declared):
        return None
    return declared


def decode_html(body: bytes, content_type: str | bytes | None = None) -> tuple[str, str]:
    """Decode a page: ``(text, codec name used)``.

    Order: the ``Content-Type`` charset unless :func:`charset_override` says the page's declared
    charset is right; then the declared charset; then UTF-8, then cp1252. Bytes that still do not
    decode are replaced (U+FFFD) rather than raising.
    """
    header = header_charset(content_type)
    candidates = [charset_override(body, header), header, declared_charset(body), "utf-8", "cp1252"]
    for encoding in filter(None, candidates):
        try:
            return body.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError):
            continue
    return body.decode("utf-8", errors="replace"), "utf-8"
