"""Downloader middlewares of modwatch (registered in ``settings.py``)."""

from __future__ import annotations

import logging

from scrapy.extensions.httpcache import FilesystemCacheStorage
from scrapy.http import HtmlResponse

from modwatch.extract.charset import charset_override, header_charset
from modwatch.redact import exchange_secrets, redact_headers, redact_payload, redact_url, redact_values

logger = logging.getLogger(__name__)


class DeclaredCharsetMiddleware:
    """Decode an HTML response with the page's declared charset when its HTTP charset is wrong.

    A response whose ``Content-Type`` charset does not decode the body while the charset declared
    in the page (``<meta charset>`` / ``http-equiv``) does cleanly (or whose single-byte header
    charset contradicts valid UTF-8 bytes declared as UTF-8), is returned as
    ``response.replace(encoding=declared)``; ``response.text`` then reads ``Café – naïve`` instead
    of U+FFFD garbage. Other responses pass unchanged. See :mod:`modwatch.extract.charset`.
    Counts the fixes in the ``modwatch/charset_overridden`` stat.
    """

    def __init__(self, stats=None):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_response(self, request, response, spider=None):
        if not isinstance(response, HtmlResponse):
            return response
        header = header_charset(response.headers.get("Content-Type"))
        declared = charset_override(response.body, header)
        if declared is None:
            return response
        logger.info(
            "%s: HTTP charset %s contradicts the page's declared %s; using %s", response.url, header, declared, declared
        )
        if self.stats is not None:
            self.stats.inc_value("modwatch/charset_overridden")
        return response.replace(encoding=declared)


class RedactResponseUrlMiddleware:
    """Every response reaches the spiders with its URL redacted (:func:`modwatch.redact.redact_url`).

    A server may redirect to a URL that carries a credential (Lumen's ``authentication_token``,
    a presigned S3 URL's ``X-Amz-Signature``): the request that follows the redirect needs it,
    but nothing recorded from the response may hold it (``datasets.url``, ``articles.fetched_url``,
    rejects, log lines). Registered at 10, the last ``process_response`` before the engine, so
    the redirect, retry, cache and WARC middlewares still see the real URL; ``redirect_urls`` in
    the request's meta (the redirect chain) is redacted too. Extra parameter names:
    ``MODWATCH_WARC_REDACT_PARAMS``.
    """

    def __init__(self, extra_params=()):
        self.extra_params = list(extra_params)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.getlist("MODWATCH_WARC_REDACT_PARAMS"))

    def process_response(self, request, response, spider=None):
        chain = request.meta.get("redirect_urls")
        values = exchange_secrets(request, response, self.extra_params)  # before the chain is redacted
        if chain:
            request.meta["redirect_urls"] = [redact_url(url, self.extra_params) for url in chain]
        url = redact_url(response.url, self.extra_params)
        body = redact_values(response.body, values) if values else response.body  # a credential echoed back
        if url == response.url and body is response.body:
            return response
        return response.replace(url=url, body=body)


class RedactingCacheStorage(FilesystemCacheStorage):
    """Scrapy's filesystem HTTP cache that stores no credential: the request and response URLs,
    headers (``Authorization``, cookies, ``Set-Cookie``...) and ``Location`` are stored redacted
    (:mod:`modwatch.redact`); entries stay keyed by the real request's fingerprint."""

    def store_response(self, spider, request, response):
        extra = spider.crawler.settings.getlist("MODWATCH_WARC_REDACT_PARAMS") if hasattr(spider, "crawler") else ()
        path = self._get_request_path(spider, request)
        clean_request = request.replace(
            url=redact_url(request.url, extra), headers=redact_headers(request.headers, extra_params=extra)
        )
        headers = redact_headers(response.headers, extra_params=extra)
        body, headers = redact_payload(response.body, headers, exchange_secrets(request, response, extra))
        clean_response = response.replace(url=redact_url(response.url, extra), headers=headers, body=body)
        self._get_request_path = lambda spider, request: path  # the real request's key
        try:
            super().store_response(spider, clean_request, clean_response)
        finally:
            del self._get_request_path
