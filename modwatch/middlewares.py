"""Downloader middlewares of modwatch (registered in ``settings.py``)."""

from __future__ import annotations

import logging

from scrapy.http import HtmlResponse

from modwatch.extract.charset import charset_override, header_charset

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
        logger.info("%s: HTTP charset %s contradicts the page's declared %s; using %s",
                    response.url, header, declared, declared)
        if self.stats is not None:
            self.stats.inc_value("modwatch/charset_overridden")
        return response.replace(encoding=declared)
