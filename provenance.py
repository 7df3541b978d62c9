"""Provenance of what a spider yields: fetch time, WARC record, and rejects built from it.

Every spider builds its :class:`~items.RejectItem` with :func:`reject_for`, from the
response it could not use or the failure of a request that got no usable response (HTTP
error, DNS, timeout). The WARC middlewares (:mod:`modwatch.archive.warc`,
:mod:`middlewares.replay`) put the provenance in ``response.meta``: ``fetched_at``
(UTC ISO 8601 or a ``datetime``) and ``warc_record_id``.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from db.rejects import cut_excerpt
from db.timestamps import iso_utc
from items import RejectItem
from modwatch.redact import redact_url


def fetched_at_of(response: Response) -> str:
    """UTC ISO 8601 fetch time set by the WARC middlewares (``meta["fetched_at"]``), else now."""
    value = _meta(response).get("fetched_at")
    if isinstance(value, datetime):
        return iso_utc(value)
    return value or iso_utc()


def failure_reason(failure: Failure) -> str:
    """What went wrong with a request, for a reject reason or a log line.

    ``"HTTP 404"`` for a response refused by HttpErrorMiddleware (or any exception carrying a
    ``response``), else the exception class and message, e.g.
    ``"DNSLookupError: DNS lookup failed: no results for hostname lookup: example.invalid."``.
    """
    response = _failure_response(failure)
    if response is not None:
        return f"HTTP {response.status}"
    return f"{failure.type.__name__}: {failure.value}"


def _meta(response: Response) -> dict:
    """``response.meta``, or ``{}`` for a response not tied to a request."""
    try:
        return response.meta
    except AttributeError:
        return {}


def _failure_response(failure: Failure) -> Response | None:
    if failure.check(HttpError):
        return failure.value.response
    response = getattr(failure.value, "response", None)
    return response if isinstance(response, Response) else None


def reject_for(source: Response | Failure, reason: str, excerpt: str | bytes | None = None) -> RejectItem:
    """A RejectItem for a response that could not be used, or for a failed request.

    ``source``: the response, or the errback's ``Failure`` (its ``request`` gives the URL; its
    response, if the server answered, the excerpt and provenance). ``excerpt`` defaults to the
    start of the raw body (``""`` when nothing was received); it is decoded as UTF-8 with
    ``errors="replace"`` and cut to :data:`db.rejects.MAX_EXCERPT_CHARS` characters (:func:`db.rejects.cut_excerpt`), so an
    item never carries a whole large body. ``fetched_at`` and ``warc_record_id`` come from
    the response's meta (now and None when there was no response).
    """
    if isinstance(source, Failure):
        # the URL the spider asked for (the first of a redirect chain), without credentials
        url = redact_url((source.request.meta.get("redirect_urls") or [source.request.url])[0])
        response = _failure_response(source)
    else:
        url, response = redact_url(source.url), source
    if excerpt is None:
        excerpt = response.body if response is not None else ""
    return RejectItem(
        url=url,
        reason=reason,
        excerpt=cut_excerpt(excerpt),
        fetched_at=fetched_at_of(response) if response is not None else iso_utc(),
        warc_record_id=_meta(response).get("warc_record_id") if response is not None else None,
    )


def article_provenance(response, discovered_via: str) -> dict:
    """The ArticleItem provenance fields of a response (WARC ids from ``response.meta``)."""
    return {
        "fetched_url": response.url,
        "fetched_at": fetched_at_of(response),
        "http_status": response.status,
        "body_sha256": hashlib.sha256(response.body).hexdigest(),
        "warc_record_id": response.meta.get("warc_record_id"),
        "warc_filename": response.meta.get("warc_filename"),
        "discovered_via": discovered_via,
    }
