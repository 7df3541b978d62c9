"""Rejects: :class:`items.RejectItem` stored as a ``rejects`` row, and :func:`store_failed`, which
every store function uses to keep an item it could not store (reason + raw excerpt); the crawl goes on."""

import logging

from db.rejects import insert_reject

logger = logging.getLogger(__name__)


def store_failed(database, item, error: Exception, *, what: str, excerpt, crawl_run_id, spider, stats=None) -> None:
    """Keep an item that could not be stored as a ``rejects`` row: ``"<what> not stored: <error>"``.

    ``excerpt`` (str or bytes) is the start of the raw input; the item's ``url``, ``fetched_at``
    and ``warc_record_id`` are the reject's provenance. Logged at ERROR; counted in
    ``modwatch/rejects``. The crawl goes on.
    """
    reason = f"{what} not stored: {type(error).__name__}: {error}"
    logger.error("%s (%s)", reason, item.get("url") or item.get("fetched_url"))
    store_reject(
        database,
        {
            "url": item.get("url") or item.get("fetched_url"),
            "reason": reason,
            "excerpt": excerpt,
            "fetched_at": item.get("fetched_at"),
            "warc_record_id": item.get("warc_record_id"),
        },
        crawl_run_id=crawl_run_id,
        spider=spider,
        stats=stats,
    )


def store_reject(database, item: dict, *, crawl_run_id, spider, stats=None) -> None:
    """Insert a RejectItem as a ``rejects`` row (counted in ``modwatch/rejects`` and
    ``modwatch/rejected_items``: items that ended as rejects, not as data)."""
    insert_reject(
        database,
        url=item.get("url"),
        reason=item.get("reason") or "rejected (no reason given)",
        excerpt=item.get("excerpt"),
        spider=spider,
        crawl_run_id=crawl_run_id,
        fetched_at=item.get("fetched_at"),
        warc_record_id=item.get("warc_record_id"),
        dataset_id=item.get("dataset_id"),
        location=item.get("location"),
    )
    if stats is not None:
        stats.inc_value("modwatch/rejects")
        stats.inc_value("modwatch/rejected_items")
