"""One secret-redaction policy for everything modwatch records: URLs, HTTP headers, log lines.

Whatever a server does — echo a credential back, redirect to a URL that carries one (Lumen's
``authentication_token``, a presigned S3 URL's ``X-Amz-Signature``), set a cookie — the secret
must not reach the database, the logs, the WARC or the HTTP cache. Every writer goes through
these functions:

- :func:`redact_url`: query parameters that are credentials are **removed** (the rest keep their
  order; replay looks URLs up the same way), and so is a password in the URL's userinfo.
  A parameter is a credential when its name (case-insensitive) is in :data:`SECRET_PARAMS`,
  starts with one of :data:`SECRET_PARAM_PREFIXES` (``X-Amz-*``, ``X-Goog-*``) or is listed in
  the ``MODWATCH_WARC_REDACT_PARAMS`` setting (extra names);
- :func:`redact_headers`: ``(name, value)`` pairs without :data:`SECRET_HEADERS`
  (``Authorization``, ``Cookie``, ``Set-Cookie``, ``X-Authentication-Token``...), every other
  value through :func:`redact_text` (the URL of ``Location``, a ``token=...`` echoed back);
- :func:`redact_text`: every URL-like ``name=value`` credential and every
  ``Authorization:``/``Cookie:`` header line inside free text (log lines, request lines,
  reject excerpts) replaced by ``name=REDACTED``;
- :func:`install_log_redaction`: every log record's message passes through :func:`redact_text`
  (Scrapy's "Crawled (200) <GET ...>" and "Redirecting (302) to <GET ...>" included).

The Scrapy side (:mod:`middlewares.downloader` ``RedactResponseUrlMiddleware``, the WARC writer,
:class:`modwatch.redact_cache.RedactingCacheStorage`) applies them to every response.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from urllib.parse import unquote_plus, urlsplit, urlunsplit

#: query parameter names that carry credentials (compared lower-case)
SECRET_PARAMS = frozenset(
    {
        "token",
        "access_token",
        "authentication_token",
        "auth_token",
        "refresh_token",
        "id_token",
        "api_key",
        "apikey",
        "key",
        "signature",
        "sig",
        "secret",
        "client_secret",
        "password",
        "passwd",
        "awsaccesskeyid",
        "x-api-key",
    }
)
#: query parameter name prefixes that carry credentials (presigned S3 / GCS URLs)
SECRET_PARAM_PREFIXES = ("x-amz-", "x-goog-")
#: header names never recorded (compared lower-case)
SECRET_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "set-cookie2",
        "x-authentication-token",
        "x-api-key",
        "x-amz-security-token",
        "x-goog-api-key",
    }
)
REDACTED = "REDACTED"


def is_secret_param(name: str, extra: Iterable[str] = ()) -> bool:
    """True if a query parameter named ``name`` carries a credential."""
    lowered = name.strip().lower()
    return (
        lowered in SECRET_PARAMS or lowered.startswith(SECRET_PARAM_PREFIXES) or lowered in {e.lower() for e in extra}
    )


def redact_url(url: str, extra: Iterable[str] = ()) -> str:
    """``url`` without its credential query parameters and userinfo password; otherwise unchanged."""
    if not url or ("?" not in url and "@" not in url):
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return redact_text(url, extra)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, host = netloc.rpartition("@")
        netloc = (userinfo.split(":", 1)[0] + "@" if userinfo else "") + host
    query = parts.query
    if query:  # the other parameters are kept byte for byte, in their order
        fields = query.split("&")
        kept = [f for f in fields if not is_secret_param(unquote_plus(f.split("=", 1)[0]), extra)]
        if len(kept) != len(fields):
            query = "&".join(kept)
    if netloc == parts.netloc and query == parts.query:
        return url
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _text(value) -> str:
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return value.decode("latin-1")
    return str(value)


def redact_headers(headers, drop: Iterable[str] = (), extra_params: Iterable[str] = ()) -> list[tuple[str, str]]:
    """``(name, value)`` str pairs of ``headers`` (a Scrapy ``Headers``, a mapping or pairs) without
    credential headers (and ``drop``), URLs in ``Location``-like headers redacted."""
    dropped = SECRET_HEADERS | {name.lower() for name in drop}
    items = headers.items() if hasattr(headers, "items") else (headers or ())
    pairs = []
    for name, values in items:
        name = _text(name)
        lowered = name.lower()
        if lowered in dropped:
            continue
        for value in values if isinstance(values, (list, tuple)) else [values]:
            value = _text(value)
            pairs.append((name, redact_text(value, extra_params)))  # a URL or an echoed token=... inside
    return pairs


_PARAM = r"[A-Za-z0-9_.\-]+"
_PARAM_IN_TEXT = re.compile(rf"(?P<sep>^|[?&;\s,]|&amp;)(?P<name>{_PARAM})=(?P<value>[^&;#\s\"'<>,]*)")
_HEADER_LINE = re.compile(
    r"(?im)\b(?P<name>authorization|proxy-authorization|cookie|set-cookie|x-authentication-token"
    r"|x-api-key|x-amz-security-token)(?P<sep>\s*[:=]\s*)(?P<value>[^\r\n]+)"
)
#: an absolute URL, or a path with a query (a request line's target, a relative Location)
_URL_IN_TEXT = re.compile(r"\b[a-z][a-z0-9+.\-]*://[^\s\"'<>]+|(?<![^\s<\"'(])/[^\s\"'<>?]*\?[^\s\"'<>]+", re.I)
_USERINFO = re.compile(r"(?P<scheme>\b[a-z][a-z0-9+.\-]*://)(?P<user>[^/\s:@]*):[^/\s@]*@", re.I)


def redact_text(text: str, extra: Iterable[str] = ()) -> str:
    """``text`` with every URL in it (absolute, or a path with a query) redacted by
    :func:`redact_url` (credential parameters removed, names included: no ``X-Amz-`` is left), and every other credential ``name=value``, credential
    header line and URL password replaced by ``REDACTED`` (for log lines, request lines, excerpts)."""
    if not text:
        return text
    extra = tuple(extra)

    def param(match: re.Match) -> str:
        if is_secret_param(match["name"], extra):
            return f"{match['sep']}{match['name']}={REDACTED}"
        return match[0]

    text = _URL_IN_TEXT.sub(lambda m: redact_url(m[0], extra), text)  # a URL: secret parameters removed
    text = _PARAM_IN_TEXT.sub(param, text)  # name=value outside a URL: the value replaced
    text = _HEADER_LINE.sub(lambda m: f"{m['name']}{m['sep']}{REDACTED}", text)
    return _USERINFO.sub(lambda m: f"{m['scheme']}{m['user']}:{REDACTED}@", text)


class _RedactingFilter(logging.Filter):
    """Rewrites a record's message (arguments merged) through :func:`redact_text`."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to the handler's own error reporting
            return True
        redacted = redact_text(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


_FILTER = _RedactingFilter()


def install_log_redaction() -> None:
    """Redact every log record from now on: a record factory applies :func:`redact_text` to the
    message of each record as it is created (every logger, every handler, Scrapy's included)."""
    factory = logging.getLogRecordFactory()
    if getattr(factory, "modwatch_redacting", False):
        return

    def redacting_factory(*args, **kwargs):
        record = factory(*args, **kwargs)
        _FILTER.filter(record)
        return record

    redacting_factory.modwatch_redacting = True
    logging.setLogRecordFactory(redacting_factory)


# --- secret values echoed back in bodies ----------------------------------------------------

#: the shortest credential value redacted from bodies (shorter ones would match ordinary text)
MIN_SECRET_CHARS = 6
#: the ``X-Amz-*``/``X-Goog-*`` parameters whose values are secrets (names holding one of these)
_SECRET_WORDS = ("signature", "credential", "token", "key")
#: the most bytes a compressed body is inflated to look for an echoed secret
MAX_INFLATED_BYTES = 64 * 1024 * 1024


def _items(headers):
    items = headers.items() if hasattr(headers, "items") else (headers or ())
    for name, values in items:
        for value in values if isinstance(values, (list, tuple)) else [values]:
            yield _text(name).lower(), _text(value)


def secret_values(urls: Iterable[str] = (), headers=(), extra: Iterable[str] = ()) -> set[str]:
    """The credential values a request/response exchange carries: the values of secret query
    parameters and URL passwords in ``urls``, and of :data:`SECRET_HEADERS` in ``headers`` (pairs,
    a mapping or Scrapy ``Headers``): an ``Authorization`` header's credentials, each cookie's value.
    Values shorter than :data:`MIN_SECRET_CHARS` are left out."""
    extra = tuple(extra)
    found = set()
    for url in urls:
        if not url:
            continue
        try:
            parts = urlsplit(url)
        except ValueError:
            continue
        if parts.password:
            found.add(unquote_plus(parts.password))
        for field in parts.query.split("&"):
            name, _, value = field.partition("=")
            name = unquote_plus(name).strip().lower()
            if not value or not is_secret_param(name, extra):
                continue
            if name.startswith(SECRET_PARAM_PREFIXES) and not any(w in name for w in _SECRET_WORDS):
                continue  # X-Amz-Date, X-Amz-Algorithm...: removed from URLs, but no secret to look for in bodies
            found.add(unquote_plus(value))
    for name, value in _items(headers):
        if name not in SECRET_HEADERS:
            continue
        if name in ("cookie", "set-cookie", "set-cookie2"):
            pairs = value.split(";") if name == "cookie" else value.split(";")[:1]
            found.update(pair.partition("=")[2].strip() for pair in pairs)
        else:
            found.add(value.strip())
            found.add(value.strip().rpartition(" ")[2])  # "Bearer <token>", "Token token=<t>"
            found.add(value.strip().rpartition("=")[2])
    return {value for value in found if len(value) >= MIN_SECRET_CHARS}


def redact_values(body: bytes, values: Iterable[str]) -> bytes:
    """``body`` with every one of ``values`` (as is, and percent-encoded) replaced by ``REDACTED``."""
    from urllib.parse import quote, quote_plus

    for value in sorted(values, key=len, reverse=True):
        for form in {value, quote(value, safe=""), quote_plus(value)}:
            encoded = form.encode("utf-8")
            if encoded in body:
                body = body.replace(encoded, REDACTED.encode())
    return body


def _inflate(data: bytes, encoding: str, limit: int) -> bytes:
    """``data`` decoded from one ``Content-Encoding`` (gzip, deflate, br, zstd), at most ``limit`` bytes.
    Raises ``ValueError`` for another encoding or damaged data."""
    import zlib

    import brotli
    from backports import zstd

    try:
        if encoding in ("gzip", "x-gzip", "deflate"):
            return zlib.decompressobj(47).decompress(data, limit)  # gzip or zlib header, detected
        if encoding == "br":
            return brotli.Decompressor().process(data, output_buffer_limit=limit)
        if encoding == "zstd":
            return zstd.ZstdDecompressor().decompress(data, max_length=limit)
    except (zlib.error, brotli.error, zstd.ZstdError) as error:
        raise ValueError(f"damaged {encoding} data: {error}") from error
    raise ValueError(f"unknown Content-Encoding {encoding!r}")


def redact_payload(body: bytes, headers: list[tuple[str, str]], values: Iterable[str]) -> tuple[bytes, list]:
    """``(body, headers)`` of a recorded response without the secret ``values`` echoed in the body.

    A compressed body (``Content-Encoding`` gzip, deflate, br or zstd, one or several) holding one
    is recorded decoded (at most :data:`MAX_INFLATED_BYTES`), redacted, without its
    ``Content-Encoding``; a body of another or damaged encoding, or none, is redacted as it is.
    Bodies holding no secret are returned unchanged."""
    values = set(values)
    if not values or not body:
        return body, headers
    encodings = [e.strip().lower() for n, v in headers if n.lower() == "content-encoding" for e in v.split(",")]
    data = body
    try:
        for encoding in reversed([e for e in encodings if e and e != "identity"]):  # the last applied first
            data = _inflate(data, encoding, MAX_INFLATED_BYTES)
    except ValueError:
        return redact_values(body, values), headers
    redacted = redact_values(data, values)
    if redacted == data:
        return body, headers
    if data is body:
        return redacted, headers
    kept = [(n, v) for n, v in headers if n.lower() not in ("content-encoding", "content-length")]
    return redacted, kept


def exchange_secrets(request, response, extra: Iterable[str] = ()) -> set[str]:
    """:func:`secret_values` of a Scrapy request and its response: the request's URL, its redirect
    chain (``meta["redirect_urls"]``), the response's URL and ``Location``/``Content-Location``, the
    credential headers both sent and received (the Lumen token, cookies set or sent)."""
    urls = [request.url, *request.meta.get("redirect_urls", ()), response.url]
    urls += [value for name, value in _items(response.headers) if name in ("location", "content-location")]
    return secret_values(urls, [*_items(request.headers), *_items(response.headers)], extra)
