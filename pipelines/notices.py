"""Store functions for Lumen notice pages and EU DSA daily dumps (``SQLitePipeline`` dispatch).

Routed from ``LumenPageItem`` and ``SorDumpItem`` in ``pipelines/routes.py``; each takes ``(db, item: dict, *, crawl_run_id, spider,
stats)``. A page or dump that cannot be stored (not JSON, not a zip, a database error) becomes a
``rejects`` row with the reason and the start of the input (:func:`pipelines.rejects.store_failed`),
and the crawl goes on.

Stats: ``modwatch/notices``, ``modwatch/statements_of_reasons`` (rows stored),
``modwatch/sor_duplicates``, ``modwatch/rejects`` (rejects rows written).
"""

from __future__ import annotations

import logging
from pathlib import Path

from modwatch.load.dsa import index_new_statements, load_dump
from modwatch.load.notices import store_notice_page
from db.rejects import MAX_EXCERPT_CHARS
from db.timestamps import iso_utc
from pipelines.rejects import store_failed
from pipelines.transparency import REFUSED_STAT

logger = logging.getLogger(__name__)


def store_lumen_page(database, item: dict, *, crawl_run_id, spider, stats=None) -> None:
    """Store one Lumen search page: ``datasets`` row, notices with works and URLs, rejects."""
    try:
        result = store_notice_page(
            database,
            item["body"],
            url=item["url"],
            fetched_at=item.get("fetched_at") or iso_utc(),
            crawl_run_id=crawl_run_id,
            warc_record_id=item.get("warc_record_id"),
            spider=spider,
        )
    except Exception as error:  # a page that cannot be stored must not stop the crawl
        store_failed(
            database,
            item,
            error,
            what="Lumen page",
            excerpt=item.get("body"),
            crawl_run_id=crawl_run_id,
            spider=spider,
            stats=stats,
        )
        return
    logger.info("lumen page %s: %s", item["url"], result)
    if stats is not None:
        stats.inc_value("modwatch/notices", result["rows_stored"])
        stats.inc_value("modwatch/rejects", result["rows_rejected"] + result["problems"])


def store_sor_dump(database, item: dict, *, crawl_run_id, spider, stats=None) -> None:
    """Stream one DSA daily dump from ``item["path"]`` into ``statements_of_reasons``, then delete the file.

    The file (written by the ``dsa_sor`` spider) is read in chunks by :func:`modwatch.load.dsa.load_dump`
    with the ``sha256`` and ``byte_size`` the spider computed; it is deleted whether it was
    stored or rejected (the ``datasets`` row keeps URL, sha256 and size; ``archive=1`` keeps
    the bytes in a WARC). A dump whose SHA-1 differs from ``expected_sha1`` is not loaded: its
    dataset is ``failed``. A dump refused as a whole (wrong SHA-1, not a dump, a required column
    missing) counts in ``modwatch/datasets_refused``, so the crawl is not reported ``ok``.
    """
    path = item["path"]
    try:
        with open(path, "rb") as fh:
            result = load_dump(
                database,
                fh,
                url=item["url"],
                fetched_at=item.get("fetched_at") or iso_utc(),
                name=item["url"].rsplit("/", 1)[-1],
                slug=item.get("slug") or "global",
                platforms=set(item["platforms"]) if item.get("platforms") else None,
                territorial_scope=set(item["territorial_scope"]) if item.get("territorial_scope") else None,
                crawl_run_id=crawl_run_id,
                warc_record_id=item.get("warc_record_id"),
                spider=spider,
                sha256=item.get("sha256"),
                byte_size=item.get("byte_size"),
                sha1=item.get("sha1"),
                expected_sha1=item.get("expected_sha1"),
            )
        result["indexed_for_search"] = index_new_statements(database)
    except Exception as error:  # not a dump, a broken zip, a database error: a reject, the crawl goes on
        store_failed(
            database,
            item,
            error,
            what="DSA dump",
            excerpt=_head(path),
            crawl_run_id=crawl_run_id,
            spider=spider,
            stats=stats,
        )
        if stats is not None:
            stats.inc_value(REFUSED_STAT)  # the crawl's health is then "refused"
        return
    finally:
        Path(path).unlink(missing_ok=True)
    logger.info("DSA dump %s: %s", item["url"], result)
    if stats is not None:
        stats.inc_value("modwatch/statements_of_reasons", result["rows_stored"])
        stats.inc_value("modwatch/sor_duplicates", result["duplicates"])
        stats.inc_value("modwatch/rejects", result["rows_rejected"])


def _head(path: str) -> bytes:
    """The start of a file (for a reject's excerpt), ``b""`` if it cannot be read."""
    try:
        with open(path, "rb") as fh:
            return fh.read(MAX_EXCERPT_CHARS)
    except OSError:
        return b""
