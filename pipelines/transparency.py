"""Store downloaded transparency report files: ``datasets`` row, data rows, rejects, replacement.

:func:`load_dataset` is the whole job for one file and needs no Scrapy: it parses the bytes
with the registered parser (``modwatch.transparency.PARSERS``), and in **one transaction**
inserts a ``datasets`` row, every parsed row (``dataset_id``, ``location``), every bad row as a
``rejects`` row (reason, raw line, ``dataset_id``, ``location``), makes the new rows the current
rows of their source and demotes (keeps) the earlier dataset's rows. A file identical (same
sha256) to the current dataset of its source is not loaded again.

:func:`store_dataset_file` is the ``SQLitePipeline`` store function for
``modwatch.items.DatasetFileItem`` (registered through the ``MODWATCH_STORE_FUNCTIONS``
setting of the transparency spiders, see ``spiders/transparency_base.py``).
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict

import sqlite_utils

from db.datasets import begin_dataset, current_dataset, fail_dataset, finish_dataset, replace_current
from db.rejects import insert_reject
from db.timestamps import iso_utc
from modwatch.transparency import PARSERS
from modwatch.transparency.common import Reject
from pipelines.store import store_failed

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000


def load_dataset(
    db: sqlite_utils.Database,
    *,
    parser: str,
    source: str,
    url: str,
    data: bytes,
    fetched_at: str | None = None,
    crawl_run_id: int | None = None,
    warc_record_id: str | None = None,
    spider: str | None = None,
) -> dict:
    """Parse ``data`` with ``PARSERS[parser]`` and store it as the current dataset of ``source``.

    Returns ``{"dataset_id", "status", "rows_read", "rows_stored", "rows_rejected"}`` where
    ``status`` is ``"loaded"``, ``"unchanged"`` (same sha256 as the current dataset; nothing
    stored) or ``"empty"`` (no row could be stored: the file's rejects are kept, its ``datasets``
    row gets status ``failed`` with the reason in ``error``, and the previous dataset of
    ``source`` stays current). ``rows_read`` counts the distinct data lines parsed (a line can give several
    ``removal_requests`` rows; per-file aggregates such as ``meta_global_geoblocks`` rows are
    stored but not counted as lines read). If parsing or storing raises, the transaction is
    rolled back, the ``datasets`` row is kept with status ``failed`` and the error, and the
    exception propagates. Raises ``KeyError`` for an unknown parser.
    """
    registered = PARSERS[parser]
    sha256 = hashlib.sha256(data).hexdigest()
    current = current_dataset(db, source)
    if current is not None and current["sha256"] == sha256:
        return {"dataset_id": current["id"], "status": "unchanged", "rows_read": current["rows_read"],
                "rows_stored": 0, "rows_rejected": 0}
    fetched_at = fetched_at or iso_utc()
    dataset_id = begin_dataset(db, source=source, url=url, fetched_at=fetched_at, sha256=sha256,
                               byte_size=len(data), crawl_run_id=crawl_run_id,
                               warc_record_id=warc_record_id)
    locations, stored, rejected = set(), 0, 0
    batches: dict[str, list[dict]] = defaultdict(list)
    try:
        with db.atomic():
            db["datasets"].update(dataset_id, {"schema_version": registered.schema_version(data)})
            for location, row in registered.parse(data, source_url=url):
                if isinstance(row, Reject) or "_table" not in row:
                    locations.add(location)  # a data line (not a per-file aggregate such as a global count)
                if isinstance(row, Reject):
                    insert_reject(db, url=url, reason=row.reason, excerpt=row.raw, spider=spider,
                                  crawl_run_id=crawl_run_id, fetched_at=fetched_at,
                                  warc_record_id=warc_record_id, dataset_id=dataset_id, location=location)
                    rejected += 1
                    continue
                table = row.pop("_table", "removal_requests")
                batches[table].append({**row, "dataset_id": dataset_id, "location": location, "is_current": 0})
                stored += 1
                if len(batches[table]) >= BATCH_SIZE:
                    _flush(db, table, batches)
            for table in list(batches):
                _flush(db, table, batches)
            if stored:  # an empty or garbage file never replaces the current rows
                for table in registered.tables:
                    replace_current(db, table, source, dataset_id)
            finish_dataset(db, dataset_id, rows_read=len(locations), rows_stored=stored, rows_rejected=rejected)
    except Exception as error:
        fail_dataset(db, dataset_id, f"{type(error).__name__}: {error}")
        raise
    if not stored:
        reason = (f"no rows stored ({rejected} rejected): not made current, "
                  f"the previous dataset of {source} stays current")
        fail_dataset(db, dataset_id, reason)
        logger.warning("%s: dataset %s from %s: %s", source, dataset_id, url, reason)
        return {"dataset_id": dataset_id, "status": "empty", "rows_read": len(locations),
                "rows_stored": 0, "rows_rejected": rejected}
    logger.info("%s: dataset %s from %s: %d rows stored, %d rejected", source, dataset_id, url, stored, rejected)
    return {"dataset_id": dataset_id, "status": "loaded", "rows_read": len(locations),
            "rows_stored": stored, "rows_rejected": rejected}


def _flush(db, table, batches):
    # tables are created by the migrations: insert_all never alters them (alter=False)
    db[table].insert_all(batches.pop(table), batch_size=BATCH_SIZE)
    batches[table] = []


def store_dataset_file(database, item: dict, *, crawl_run_id, spider, stats=None) -> None:
    """``SQLitePipeline`` store function for ``DatasetFileItem``: :func:`load_dataset` it.

    Sets ``dataset_id``, ``status``, ``rows_stored``, ``rows_rejected`` on the item, empties its
    ``body`` (the file stays in the WARC; the ``datasets`` row has its sha256), and counts
    ``modwatch/datasets``, ``modwatch/removal_rows`` and ``modwatch/rejects`` in ``stats``.
    A file that fails to load is stored as a ``rejects`` row (reason and start of the file).
    """
    body = item.get("body") or b""
    try:
        result = load_dataset(
            database, parser=item["parser"], source=item["source"], url=item["url"], data=body,
            fetched_at=item.get("fetched_at"), crawl_run_id=crawl_run_id,
            warc_record_id=item.get("warc_record_id"), spider=spider,
        )
    except Exception as error:  # a broken file must not stop the crawl: keep it as a reject
        store_failed(database, item, error, what="dataset", excerpt=body, crawl_run_id=crawl_run_id,
                     spider=spider, stats=stats)
        item["body"] = b""  # kept as a reject (start of the file) and in the WARC
        return
    for key in ("dataset_id", "status", "rows_stored", "rows_rejected"):
        item[key] = result[key]
    item["body"] = b""  # stored: later pipelines and Scrapy's "Scraped from" log line do not carry the file
    if stats is not None:
        stats.inc_value("modwatch/datasets")
        stats.inc_value("modwatch/removal_rows", result["rows_stored"])
        stats.inc_value("modwatch/rejects", result["rows_rejected"])
