"""``lumen``: takedown notices from the Lumen Database search API (``/notices/search.json``).

    LUMEN_API_TOKEN=... scrapy crawl lumen -a term=vietnam -a per_page=1000 \\
        -a date_from=2024-01-01 -a date_to=2024-07-01 -a country_code_facet=VN

Arguments (all optional): ``term``; ``per_page`` (1-1000, default 100); ``sort_by`` (default
``date_received asc``); ``date_from`` / ``date_to`` (ISO dates, UTC; filter on
``date_received_facet`` in epoch milliseconds); ``max_pages`` (stop after that many pages per
slice, for trials); any Lumen field search or facet filter by its API name
(``country_code_facet``, ``topic_facet``, ``recipient_name`` ... see
:data:`FILTER_ARGUMENTS`); ``base_url`` (another search endpoint, e.g. a local test server).

Token: read from the environment variable ``LUMEN_API_TOKEN`` and sent only in the
``X-Authentication-Token`` header, never in the URL; the WARC writer redacts that header
(``modwatch.archive.warc.REDACT_HEADERS``), so it reaches neither the archive, the database
nor the logs. Lumen blocks JSON requests without a token.

Politeness: Lumen allows 60 requests a minute per user, so one request at a time with
``DOWNLOAD_DELAY`` 1.5 s (AutoThrottle may only slow down further). HTTP 429 is not retried
by Scrapy's RetryMiddleware (removed from ``RETRY_HTTP_CODES`` here): the spider pauses the
whole engine for the ``Retry-After`` time (default 300 s, as Lumen's 429 text asks), then
requests the page again, up to :data:`MAX_BACKOFFS` times. Other transient errors (5xx)
use the normal RetryMiddleware. In a replay (``MODWATCH_REPLAY``) the delays are off
(:class:`middlewares.replay.ReplayAddon`); pages are still asked one at a time.

Deep paging: the API refuses results past the 10,000th. A query is first asked for page 1; if
its ``total_entries`` exceeds 10,000 its date range (default 1998-01-01 to tomorrow) is halved
(``modwatch.transparency.lumen.split_range``) and each half asked again, recursively; only
slices that fit are paged through. Every page fetched is one ``datasets`` row.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

import scrapy

from items import LumenPageItem
from provenance import failure_reason, fetched_at_of, reject_for
from modwatch.transparency import lumen

#: spider arguments passed through to the API unchanged
FILTER_ARGUMENTS = (
    "title",
    "topics",
    "tags",
    "jurisdictions",
    "entities_country_codes",
    "sender_name",
    "principal_name",
    "recipient_name",
    "submitter_name",
    "submitter_country_code",
    "works",
    "action_taken",
    "topic_facet",
    "sender_name_facet",
    "principal_name_facet",
    "recipient_name_facet",
    "submitter_name_facet",
    "tag_list_facet",
    "country_code_facet",
    "language_facet",
    "submitter_country_code_facet",
    "action_taken_facet",
)
MAX_BACKOFFS = 5
TOKEN_ENV = "LUMEN_API_TOKEN"
EARLIEST = "1998-01-01"


class LumenSpider(scrapy.Spider):
    name = "lumen"
    #: secrets the spider cannot work without: ``modwatch crawl`` skips it when one is unset
    required_env = (TOKEN_ENV,)
    allowed_domains = ["lumendatabase.org"]
    handle_httpstatus_list = [429]
    custom_settings = {
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        "DOWNLOAD_DELAY": 1.5,
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_START_DELAY": 1.5,
        "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408],
        "RETRY_TIMES": 3,
        # an authenticated research API, not pages for crawlers; each response is archived
        "ROBOTSTXT_OBEY": False,
        "HTTPCACHE_ENABLED": False,
        "DOWNLOAD_MAXSIZE": 256 * 1024 * 1024,
    }

    def __init__(
        self,
        *args,
        term=None,
        per_page=100,
        sort_by="date_received asc",
        date_from=None,
        date_to=None,
        max_pages=None,
        base_url=lumen.SEARCH_URL,
        **kwargs,
    ):
        filters = {k: kwargs.pop(k) for k in list(kwargs) if k in FILTER_ARGUMENTS}
        super().__init__(*args, **kwargs)
        self.per_page = int(per_page)
        if not 1 <= self.per_page <= lumen.MAX_PER_PAGE:
            raise ValueError(f"per_page must be 1..{lumen.MAX_PER_PAGE}")
        self.base_url = base_url
        self.allowed_domains = [urlsplit(base_url).hostname]
        self.max_pages = int(max_pages) if max_pages else None
        self.params = {"term": term, "sort_by": sort_by, "per_page": self.per_page, **filters}
        self.date_range = None
        if date_from or date_to:
            self.date_range = (lumen.to_epoch_ms(date_from or EARLIEST), lumen.to_epoch_ms(date_to or _tomorrow()) - 1)
        self.token = os.environ.get(TOKEN_ENV) or None

    async def start(self):
        """The first page of the query (all dates, or the ``date_from``..``date_to`` slice)."""
        if not self.token:
            self.logger.warning("%s is not set: Lumen blocks JSON requests without a token", TOKEN_ENV)
        yield self.page_request(self.date_range, 1)

    def page_request(self, date_range, page: int, backoffs: int = 0) -> scrapy.Request:
        """Request of one search page. ``date_range``: ``(from_ms, to_ms)`` epoch milliseconds
        (both included) or None for all dates; ``page``: 1-based; ``backoffs``: 429 pauses so far.
        The token goes in the ``X-Authentication-Token`` header only."""
        params = dict(self.params, page=page)
        if date_range:
            params["date_received_facet"] = lumen.date_range_param(*date_range)
        headers = {"Accept": "application/json"}
        if self.token:
            headers[lumen.TOKEN_HEADER] = self.token
        return scrapy.Request(
            lumen.search_url(params, self.base_url),
            headers=headers,
            callback=self.parse_page,
            errback=self.download_failed,
            dont_filter=backoffs > 0,
            cb_kwargs={"date_range": date_range, "page": page, "backoffs": backoffs},
        )

    def parse_page(self, response, date_range, page, backoffs):
        """A search page -> one LumenPageItem (the JSON as received), plus the next requests.

        Page 1 of a slice with more than :data:`lumen.MAX_RESULTS` results is not stored: its
        date range is halved and both halves asked again. Page 1 of a slice that fits requests
        pages 2..last (at most ``max_pages``). HTTP 429 -> :meth:`back_off`; a body that is not
        a notices JSON document -> RejectItem.
        """
        if response.status == 429:
            yield from self.back_off(response, date_range, page, backoffs)
            return
        try:
            _notices, meta = lumen.parse_search_page(response.body)
        except ValueError as exc:
            yield reject_for(response, f"Lumen page is not a notices JSON document: {exc}")
            return
        total = int(meta.get("total_entries") or 0)
        if page == 1 and lumen.needs_split(total):
            full = date_range or (lumen.to_epoch_ms(EARLIEST), lumen.to_epoch_ms(_tomorrow()) - 1)
            if full[1] > full[0]:
                self.logger.info("%s results in %s: splitting the date range", total, full)
                for half in lumen.split_range(*full):
                    yield self.page_request(half, 1)
                return
            self.logger.warning(
                "%s results in one millisecond: only the first %s are reachable", total, lumen.MAX_RESULTS
            )
        yield LumenPageItem(
            url=response.url,
            body=response.body,
            fetched_at=fetched_at_of(response),
            warc_record_id=response.meta.get("warc_record_id"),
        )
        if page == 1:
            pages = lumen.pages_to_fetch(total, self.per_page)
            last = min(pages[-1], self.max_pages) if self.max_pages else pages[-1]
            for next_page in range(2, last + 1):
                yield self.page_request(date_range, next_page)

    def back_off(self, response, date_range, page, backoffs):
        """HTTP 429: pause the whole engine for ``Retry-After`` seconds, then ask the page again;
        after :data:`MAX_BACKOFFS` pauses, a RejectItem and the page is given up."""
        if backoffs >= MAX_BACKOFFS:
            yield reject_for(response, f"HTTP 429 after {backoffs} back-offs; page given up")
            return
        wait = lumen.retry_after_seconds(response.headers.get("Retry-After"))
        self.logger.warning("HTTP 429 from Lumen: pausing the crawl for %.0f s", wait)
        self.crawler.stats.inc_value("lumen/backoffs")
        from twisted.internet import reactor  # the installed one (importing it early would install the default)

        engine = self.crawler.engine
        engine.pause()
        reactor.callLater(wait, engine.unpause)
        yield self.page_request(date_range, page, backoffs + 1)

    def download_failed(self, failure):
        """A page not downloaded after Scrapy's retries (5xx, DNS, timeout) -> RejectItem
        ``"Lumen page not downloaded: HTTP 503"`` with the answer's provenance, if any."""
        reason = failure_reason(failure)
        self.logger.error("lumen: %s failed: %s", failure.request.url, reason)
        yield reject_for(failure, f"Lumen page not downloaded: {reason}")


def _tomorrow() -> str:
    return (datetime.now(timezone.utc) + timedelta(days=1)).date().isoformat()
