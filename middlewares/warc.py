"""``WarcWriterMiddleware``: every response a crawl downloads is written to the crawl run's WARC file
(the record format, redaction and :class:`~modwatch.archive.warc.WarcFile` are :mod:`modwatch.archive.warc`).
"""

import logging
import os
from datetime import datetime, timezone
from pathlib import Path

from scrapy import signals

from db.timestamps import file_stamp, iso_utc
from modwatch import redact
from modwatch.archive.warc import (
    DROP_HEADERS,
    REDACT_HEADERS,
    REDACT_PARAMS,
    WarcFile,
    header_list,
    redact_redirect,
    redact_url,
)

logger = logging.getLogger(__name__)


class WarcWriterMiddleware:
    """Downloader middleware: write every downloaded response to the crawl run's WARC file.

    Order 890 (see settings.py: just below the HTTP cache, above HttpCompression). The file is
    ``<MODWATCH_WARC_DIR>/<spider>-<crawl run id>-<UTC YYYYmmddTHHMMSSZ>.warc.gz``, opened at
    the first response and closed when the spider closes. Sets on ``response.meta``:
    ``warc_record_id``, ``warc_filename`` (file name, no folder) and ``fetched_at`` (UTC ISO
    8601). Stats: ``warc/filename``, ``warc/records``.

    In replay mode (``MODWATCH_REPLAY`` set, or a response marked ``warc_replayed`` in meta by
    :class:`~middlewares.replay.WarcReplayMiddleware`) nothing is written: the archived
    record's meta is kept. A response served from Scrapy's HTTP cache is written with the
    extra WARC header ``WARC-Modwatch-Cached: true``. A request with ``meta["dont_archive"]``
    (e.g. a multi-GiB bulk dump kept elsewhere with its sha256) is not written; its response
    still gets ``fetched_at`` (stat ``warc/skipped``).
    """

    def __init__(self, crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.folder = Path(settings.get("MODWATCH_WARC_DIR", "data/warc"))
        self.replay = bool(settings.get("MODWATCH_REPLAY"))
        self.redact_headers = [*REDACT_HEADERS, *settings.getlist("MODWATCH_WARC_REDACT_HEADERS")]
        self.redact_params = settings.getlist("MODWATCH_WARC_REDACT_PARAMS", list(REDACT_PARAMS))
        self.warc: WarcFile | None = None
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _open(self) -> WarcFile:
        spider = self.crawler.spider
        run_id = getattr(spider, "crawl_run_id", None) or "norun"
        stamp = file_stamp()
        path = self.folder / f"{spider.name}-{run_id}-{stamp}.warc.gz"
        warc = WarcFile(path, info={"description": f"modwatch crawl run {run_id} of spider {spider.name}"})
        self.crawler.stats.set_value("warc/filename", warc.filename)
        logger.info("Writing WARC %s", os.fspath(path))
        return warc

    def process_response(self, request, response):
        if self.replay or request.meta.get("warc_replayed"):
            return response
        if request.meta.get("dont_archive"):
            self.crawler.stats.inc_value("warc/skipped")
            request.meta["fetched_at"] = iso_utc()
            return response
        if self.warc is None:
            self.warc = self._open()
        fetched_at = datetime.now(timezone.utc)
        drop = [*self.redact_headers, *DROP_HEADERS]
        headers, body = redact_redirect(
            response.status, header_list(response.headers, drop=drop), response.body, self.redact_params
        )
        # a credential the server echoes in the body (the Lumen token, a cookie's value)
        body_headers = header_list(response.headers)
        body, headers_kept = redact.redact_payload(
            body, body_headers, redact.exchange_secrets(request, response, self.redact_params)
        )
        if headers_kept is not body_headers:  # recorded inflated: its Content-Encoding no longer applies
            headers = [(n, v) for n, v in headers if n.lower() not in ("content-encoding", "content-length")]
        record_id = self.warc.write_fetch(
            redact_url(response.url, self.redact_params),
            body,
            redact.redact_headers(headers, extra_params=self.redact_params),
            status=response.status,
            fetched_at=fetched_at,
            method=request.method,
            request_headers=redact.redact_headers(
                request.headers, drop=self.redact_headers, extra_params=self.redact_params
            ),
            request_body=request.body,
            extra_warc_headers={"WARC-Modwatch-Cached": "true"} if "cached" in response.flags else None,
        )
        self.crawler.stats.inc_value("warc/records")
        request.meta["warc_record_id"] = record_id
        request.meta["warc_filename"] = self.warc.filename
        request.meta["fetched_at"] = iso_utc(fetched_at)
        return response

    def spider_closed(self, spider):
        if self.warc is not None:
            self.warc.close()
