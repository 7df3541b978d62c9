"""Bounded fetching: every download ends, whatever the server or the file does.

- :class:`RedirectLoopMiddleware` (downloader middleware, just above Scrapy's
  ``RedirectMiddleware``): a redirect back to a URL already in the request's redirect chain,
  or a chain longer than ``REDIRECT_MAX_TIMES``, ends the request with :class:`RedirectLoop`
  — its message is the chain (``a -> b -> a``, credentials redacted), which the spiders'
  errbacks store as the reject reason — and one warning log line. Without it a loop is
  followed until Scrapy's limit and dropped with a DEBUG line, or silently dropped by the
  duplicate filter, with no reject.
- :class:`BoundedFileDownloadHandler` (``DOWNLOAD_HANDLERS["file"]``): ``file://`` downloads obey
  ``DOWNLOAD_MAXSIZE`` (and the ``download_maxsize`` request meta key) like HTTP ones: a larger
  file is refused from its size before anything is read (Scrapy's own handler reads any file
  whole into memory).
"""

from __future__ import annotations

import logging
import os
from urllib.parse import urljoin

from scrapy.core.downloader.handlers.file import FileDownloadHandler
from scrapy.exceptions import IgnoreRequest
from w3lib.url import file_uri_to_path

from modwatch.redact import redact_url

logger = logging.getLogger(__name__)

REDIRECT_STATUSES = (301, 302, 303, 307, 308)


class RedirectLoop(IgnoreRequest):
    """A redirect chain that loops or exceeds ``REDIRECT_MAX_TIMES``; the message is the chain."""


class DownloadTooLarge(IgnoreRequest):
    """A download larger than its size limit."""


class RedirectLoopMiddleware:
    """End redirect loops and over-long redirect chains with :class:`RedirectLoop` (module docstring)."""

    def __init__(self, max_redirects: int = 20):
        self.max_redirects = max_redirects

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.getint("REDIRECT_MAX_TIMES", 20))

    def process_response(self, request, response, spider=None):
        location = response.headers.get("Location")
        if response.status not in REDIRECT_STATUSES or not location or request.meta.get("dont_redirect"):
            return response
        target = urljoin(request.url, location.decode("latin-1"))
        chain = [*request.meta.get("redirect_urls", []), request.url]
        looped = target in chain
        if not looped and len(chain) <= self.max_redirects:
            return response
        shown = " -> ".join(redact_url(url) for url in [*chain, target])
        what = "redirect loop" if looped else f"more than {self.max_redirects} redirects"
        logger.warning("%s: %s", what, shown)
        raise RedirectLoop(f"{what}: {shown}")


class BoundedFileDownloadHandler(FileDownloadHandler):
    """``file://`` downloads limited to ``DOWNLOAD_MAXSIZE`` / ``meta["download_maxsize"]`` (module docstring)."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self.maxsize = crawler.settings.getint("DOWNLOAD_MAXSIZE")

    async def download_request(self, request):
        limit = request.meta.get("download_maxsize", self.maxsize)
        if limit:
            size = os.stat(file_uri_to_path(request.url)).st_size
            if size > limit:
                logger.warning(
                    "file %s is %s bytes, more than the download limit of %s bytes", request.url, size, limit
                )
                raise DownloadTooLarge(f"file of {size} bytes is larger than the download limit of {limit} bytes")
        return await super().download_request(request)
