"""``url_check``: re-check the URLs of stored articles and record takedowns.

``scrapy crawl url_check [-a older_than=7d] [-a limit=500] [-a sources=key1,key2]``

Reads the articles of ``MODWATCH_DB`` whose URL was never checked or last checked more than
``older_than`` ago (``30m``, ``12h``, ``7d``, ``2w``; ``0`` = every article; or a UTC ISO
date/time: checked before it), never-checked and oldest first, at most ``limit``. Each URL
is fetched once, with redirects **not** followed automatically (``dont_redirect``) and the
HTTP cache bypassed (``dont_cache``: the live answer is the evidence, and it is archived in
the run's WARC like every response).

The answer is classified by :func:`modwatch.takedown.classify` (404, 410, 451, redirect to the
home page, block page -> gone). In a replay (``MODWATCH_REPLAY``) a URL the archive lacks is
recorded as ``not in archive`` (not gone, no status): the middleware's 404 is not the site's. A redirect elsewhere is followed by hand, at most
:data:`MAX_HOPS` hops, and the last answer decides; the row keeps the first status and its
``Location``, and the ``final_url``. Every check yields a
:class:`items.UrlCheckItem`, stored as a ``url_checks`` row
(:func:`pipelines.url_checks.store_url_check`); a gone row sets ``articles.gone_at`` (trigger).
Invalid arguments raise ``ValueError`` at start.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from urllib.parse import urljoin

import scrapy
from scrapy.http import TextResponse

import db
from db.history import articles_to_check
from db.timestamps import iso_utc, parse_iso
from items import UrlCheckItem
from modwatch.takedown import BLOCK_PAGE_PATTERNS, NOT_IN_ARCHIVE, classify, classify_failure, is_replay_miss
from spiders.arguments import comma_list

MAX_HOPS = 5
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def checked_before(older_than: str, now: datetime | None = None) -> str:
    """UTC ISO 8601 cut-off for ``older_than`` (``"7d"``, ``"12h"``, ``"0"``, or an ISO date/time).

    ``"0"`` gives a time after every check (far future). Raises ``ValueError`` otherwise.
    """
    now = now or datetime.now(timezone.utc)
    value = str(older_than).strip()
    if value in ("0", ""):
        return "9999-12-31T23:59:59Z"
    match = re.fullmatch(r"(\d+)\s*([mhdw])", value)
    if match:
        return iso_utc(now - timedelta(**{_UNITS[match.group(2)]: int(match.group(1))}))
    try:
        return iso_utc(parse_iso(value))
    except ValueError:
        raise ValueError(f"older_than must be like 30m, 12h, 7d, 2w, 0 or an ISO date, got {older_than!r}") from None


class UrlCheckSpider(scrapy.Spider):
    name = "url_check"
    custom_settings = {
        "HTTPERROR_ALLOW_ALL": True,
    }

    def __init__(self, *args, older_than="7d", limit=None, sources=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.checked_before = checked_before(older_than)
        self.limit = int(limit) if limit not in (None, "") else None
        self.source_keys = comma_list(sources) if sources else None

    async def start(self):
        patterns = self.settings.getlist("MODWATCH_BLOCK_PAGE_PATTERNS")
        self.patterns = BLOCK_PAGE_PATTERNS + [tuple(p) for p in patterns]
        database = db.connect(self.settings.get("MODWATCH_DB"))
        try:
            articles = articles_to_check(
                database, checked_before=self.checked_before, limit=self.limit, sources=self.source_keys
            )
        finally:
            database.close()
        self.logger.info("re-checking %d article URLs (last checked before %s)", len(articles), self.checked_before)
        self.crawler.stats.set_value("modwatch/url_checks/selected", len(articles))
        if not articles:
            self.crawler.stats.set_value("modwatch/nothing_due", 1)  # an empty run is healthy (modwatch crawl)
        for article in articles:
            yield self._request(article["url"], {"article": article, "first": None, "hops": 0})

    def _request(self, url: str, state: dict) -> scrapy.Request:
        meta = {"dont_redirect": True, "handle_httpstatus_all": True, "dont_cache": True}
        # first requests go through the duplicate filter, so a resumed job (JOBDIR) does not check
        # again a URL it had already queued; redirect hops may revisit a URL
        return scrapy.Request(
            url,
            callback=self.parse,
            errback=self.failed,
            dont_filter=state["hops"] > 0,
            cb_kwargs={"state": state},
            meta=meta,
        )

    def parse(self, response, state: dict):
        article = state["article"]
        if is_replay_miss(response):  # a replay whose archive lacks the URL: no answer, not a 404
            yield self._not_in_archive(response, state)
            return
        location = response.headers.get("Location", b"").decode("latin-1") or None
        first = state["first"] or {
            "checked_at": response.meta.get("fetched_at") or iso_utc(),
            "http_status": response.status,
            "location": location,
            "warc_record_id": response.meta.get("warc_record_id"),
            "warc_filename": response.meta.get("warc_filename"),
        }
        html = response.text if isinstance(response, TextResponse) and 200 <= response.status < 300 else None
        blocked_by = self._blocked_by(response) if response.status == 451 else None
        verdict = classify(
            response.status,
            response.url,
            location=location,
            html=html,
            home_url=article["base_url"],
            blocked_by=blocked_by,
            patterns=self.patterns,
        )
        if verdict.reason == "redirect" and location and state["hops"] < MAX_HOPS:
            yield self._request(
                urljoin(response.url, location), {"article": article, "first": first, "hops": state["hops"] + 1}
            )
            return
        reason = verdict.reason
        if state["hops"]:
            hops = state["hops"]
            reason = f"redirected ({hops} hop{'s' if hops > 1 else ''}), then {reason}"
        yield UrlCheckItem(
            article_id=article["id"],
            url=article["url"],
            final_url=response.url,
            gone=verdict.gone,
            reason=reason,
            **first,
        )

    def _not_in_archive(self, response, state: dict) -> UrlCheckItem:
        """The check of a URL (or redirect hop) the replay archive lacks: ``not in archive``, not
        gone, no HTTP status (``articles.gone_at`` is left as it was)."""
        self.crawler.stats.inc_value("modwatch/url_checks/not_in_archive")
        first = state["first"] or {
            "checked_at": iso_utc(),
            "http_status": None,
            "location": None,
            "warc_record_id": None,
            "warc_filename": None,
        }
        reason = NOT_IN_ARCHIVE.reason
        if state["hops"]:
            hops = state["hops"]
            reason = f"redirected ({hops} hop{'s' if hops > 1 else ''}), then {reason}"
        return UrlCheckItem(
            article_id=state["article"]["id"],
            url=state["article"]["url"],
            final_url=None,
            gone=NOT_IN_ARCHIVE.gone,
            reason=reason,
            **first,
        )

    @staticmethod
    def _blocked_by(response) -> str | None:
        for value in response.headers.getlist("Link"):
            text = value.decode("latin-1")
            if "blocked-by" in text:
                return text
        return None

    def failed(self, failure):
        state = failure.request.cb_kwargs["state"]
        article = state["article"]
        verdict = classify_failure(failure.value)
        first = state["first"] or {
            "checked_at": iso_utc(),
            "http_status": None,
            "location": None,
            "warc_record_id": None,
            "warc_filename": None,
        }
        yield UrlCheckItem(
            article_id=article["id"], url=article["url"], final_url=None, gone=False, reason=verdict.reason, **first
        )
