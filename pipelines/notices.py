"""Store functions for Lumen notice pages and EU DSA daily dumps (``SQLitePipeline`` dispatch).

Registered by the ``lumen`` and ``dsa_sor`` spiders through their ``MODWATCH_STORE_FUNCTIONS``
setting (see ``pipelines/store.py``); each takes ``(db, item: dict, *, crawl_run_id, spider,
stats)``.

Stats: ``modwatch/notices``, ``modwatch/statements_of_reasons`` (rows stored),
``modwatch/sor_duplicates``, ``modwatch/rejects`` (rejects rows written).
"""

from __future__ import annotations

import io
import logging

from db.dsa import index_new_statements, load_dump
from db.notices import store_notice_page
from db.timestamps import iso_utc

logger = logging.getLogger(__name__)


def store_lumen_page(database, item: dict, *, crawl_run_id, spider, stats=None) -> None:
    """Store one Lumen search page: ``datasets`` row, notices with works and URLs, rejects."""
    result = store_notice_page(
        database, item["body"], url=item["url"], fetched_at=item.get("fetched_at") or iso_utc(),
        crawl_run_id=crawl_run_id, warc_record_id=item.get("warc_record_id"), spider=spider,
    )
    logger.info("lumen page %s: %s", item["url"], result)
    if stats is not None:
        stats.inc_value("modwatch/notices", result["rows_stored"])
        stats.inc_value("modwatch/rejects", result["rows_rejected"] + result["problems"])


def store_sor_dump(database, item: dict, *, crawl_run_id, spider, stats=None) -> None:
    """Stream one DSA daily dump into ``statements_of_reasons`` (batched transactions)."""
    body = item["body"]
    result = load_dump(
        database, io.BytesIO(body), url=item["url"], fetched_at=item.get("fetched_at") or iso_utc(),
        name=item["url"].rsplit("/", 1)[-1], slug=item.get("slug") or "global",
        platforms=set(item["platforms"]) if item.get("platforms") else None,
        territorial_scope=set(item["territorial_scope"]) if item.get("territorial_scope") else None,
        crawl_run_id=crawl_run_id, warc_record_id=item.get("warc_record_id"), spider=spider,
    )
    result["indexed_for_search"] = index_new_statements(database)
    logger.info("DSA dump %s: %s", item["url"], result)
    if stats is not None:
        stats.inc_value("modwatch/statements_of_reasons", result["rows_stored"])
        stats.inc_value("modwatch/sor_duplicates", result["duplicates"])
        stats.inc_value("modwatch/rejects", result["rows_rejected"])
