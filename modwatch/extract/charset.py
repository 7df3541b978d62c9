"""Charset of an HTML page whose HTTP header and own declaration disagree.

Servers often send ``Content-Type: text/html; charset=utf-8`` for pages stored in another
charset (typically windows-1252 with ``<meta charset="windows-1252">``). Decoding with the header
charset then turns every accented letter into U+FFFD. The HTML standard lets the transport
charset win, so browsers (and Scrapy) show the garbage; this module spots the contradiction and
picks the page's declared charset instead, only when that one decodes the bytes cleanly. The
reverse case (header ``iso-8859-1``, UTF-8 bytes declaring ``utf-8``: ``CafÃ©`` mojibake) is
caught too; see :func:`charset_override`.

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


def _decodes(body: bytes, encoding: str) -> bool:
    """True when the bytes decode strictly (no invalid sequence, no undefined byte)."""
    try:
        body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _decodes_cleanly(body: bytes, encoding: str) -> bool:
    """Strict decode that also produces no U+FFFD replacement character."""
    try:
        return REPLACEMENT not in body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False


def _same(a: str, b: str) -> bool:
    try:
        return codecs.lookup(a).name == codecs.lookup(b).name
    except LookupError:
        return a == b


def _single_byte(encoding: str) -> bool:
    try:
        return codecs.lookup(encoding).name in _SINGLE_BYTE
    except LookupError:
        return False


_SINGLE_BYTE = {
    codecs.lookup(name).name
    for name in (
        "cp1250",
        "cp1251",
        "cp1252",
        "cp1253",
        "cp1254",
        "cp1255",
        "cp1256",
        "cp1257",
        "cp1258",
        "latin-1",
        "iso8859-2",
        "iso8859-15",
        "koi8-r",
        "ascii",
    )
}


def charset_override(body: bytes, header: str | None) -> str | None:
    """The declared charset to use instead of ``header`` (a codec name), or None to keep the header's.

    The page's declared charset wins when the header names a different charset and either

    - the bytes do not decode with the header charset (a strict decode error, which is how
      "U+FFFD garbage" starts) while they decode cleanly with the declared one; or
    - the page declares UTF-8, the header a single-byte charset (``iso-8859-1``, ``windows-1252``
      ...), and the bytes are valid UTF-8 with non-ASCII characters: single-byte text is practically
      never valid multi-byte UTF-8 by chance, so the header would give mojibake (``CafÃ©``).
    """
    if not header or not body:
        return None
    declared = declared_charset(body)
    if not declared or _same(declared, header):
        return None
    if _same(declared, "utf-8"):
        if _single_byte(header) and not body.isascii() and _decodes(body, "utf-8"):
            return declared
    if _decodes(body, header) or not _decodes_cleanly(body, declared):
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
