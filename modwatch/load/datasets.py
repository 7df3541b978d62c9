"""Parse a transparency report file and store it as the current dataset of its source: :func:`load_dataset`.

The parsers are :data:`modwatch.transparency.PARSERS`; the storage (``datasets`` rows, current-row
replacement, rejects) is :mod:`db.datasets`, :mod:`db.rejects` and :mod:`db.overlaps`.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict

import sqlite_utils

from db.datasets import (
    QUARANTINED,
    current_dataset,
    fail_dataset,
    loading,
    quarantine_dataset,
    refused_dataset,
    replace_current,
    unchanged_dataset,
)
from db.overlaps import settle_overlaps
from db.rejects import insert_reject
from db.timestamps import iso_utc
from modwatch.transparency import PARSERS
from modwatch.transparency.common import Reject
from modwatch.transparency.validate import checked, file_problems, shrink_problem

logger = logging.getLogger(__name__)


#: rows per ``insert_all`` batch of :func:`load_dataset`
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
    announced_size: int | None = None,
    accept_shrink: bool = False,
) -> dict:
    """Parse a transparency report file with ``PARSERS[parser]`` and store it as the current dataset of ``source``.

    ``data``: the file as downloaded (``modwatch.transparency.PARSERS`` reads it). In one
    transaction (inside :func:`loading`): every parsed row goes to its table (``dataset_id``,
    ``location``), every bad row to ``rejects`` (reason, raw line, ``dataset_id``, ``location``),
    the new rows become the current rows of their source and the earlier dataset's rows are
    demoted (kept). Returns ``{"dataset_id", "status", "rows_read", "rows_stored",
    "rows_rejected"}`` where ``status`` is ``"loaded"``, ``"unchanged"`` (same URL and sha256 as the
    current dataset, :func:`unchanged_dataset`; nothing stored) or ``"empty"`` (no row could be stored: the file's rejects
    are kept, its ``datasets`` row gets status ``failed`` with the reason in ``error``, and the
    previous dataset of ``source`` stays current). ``rows_read`` counts the distinct data lines parsed (a
    line can give several ``removal_requests`` rows; per-file aggregates such as
    ``meta_global_geoblocks`` rows are stored but not counted as lines read). If parsing or
    storing raises, nothing is stored, the ``datasets`` row is ``failed`` with the error, and
    the exception propagates. Raises ``KeyError`` for an unknown parser.

    Validate before replacing (:mod:`modwatch.transparency.validate`): impossible rows (bytes that
    are not UTF-8, a period outside the platform's reporting years or after ``fetched_at``, an
    exact duplicate row) are rejects; a file that is not whole or plausible (size differs from
    ``announced_size``, the server's Content-Length; unknown layout; a missing member or table; a
    CSV ending inside a row; fewer rows than ``MIN_SHARE_OF_CURRENT`` of the current dataset's,
    unless ``accept_shrink``) gets status ``"quarantined"``: its rows and rejects are stored, not
    made current, the reason is in ``datasets.error`` (and ``"error"`` of the result).
    """
    registered = PARSERS[parser]
    sha256 = hashlib.sha256(data).hexdigest()
    current = unchanged_dataset(db, source=source, url=url, sha256=sha256, current_only=True)
    if current is not None:
        logger.info("%s: %s unchanged (dataset %s): not loaded again", source, url, current["id"])
        return {
            "dataset_id": current["id"],
            "status": "unchanged",
            "rows_read": current["rows_read"],
            "rows_stored": 0,
            "rows_rejected": 0,
        }
    held = None if accept_shrink else refused_dataset(db, source=source, url=url, sha256=sha256)
    if held is not None:  # the same bytes were refused before: refused again, not stored a second time
        logger.error(
            "%s: %s is the file quarantined as dataset %s (%s): not stored again",
            source,
            url,
            held["id"],
            held["error"],
        )
        return {
            "dataset_id": held["id"],
            "status": QUARANTINED,
            "rows_read": held["rows_read"],
            "rows_stored": 0,
            "rows_rejected": 0,
            "error": held["error"],
        }
    fetched_at = fetched_at or iso_utc()
    with (
        loading(
            db,
            source=source,
            url=url,
            fetched_at=fetched_at,
            sha256=sha256,
            byte_size=len(data),
            crawl_run_id=crawl_run_id,
            warc_record_id=warc_record_id,
        ) as load,
        db.atomic(),
    ):
        load.schema_version = registered.schema_version(data)
        db["datasets"].update(load.dataset_id, {"schema_version": load.schema_version})  # settle_overlaps reads it
        problems = file_problems(parser, data, announced_size=announced_size, source_url=url)
        locations = set()
        batches: dict[str, list[dict]] = defaultdict(list)
        for location, row in checked(registered.parse(data, source_url=url), fetched_at=fetched_at):
            if isinstance(row, Reject) or "_table" not in row:
                locations.add(location)  # a data line (not a per-file aggregate such as a global count)
            if isinstance(row, Reject):
                insert_reject(
                    db,
                    url=url,
                    reason=row.reason,
                    excerpt=row.excerpt,
                    spider=spider,
                    crawl_run_id=crawl_run_id,
                    fetched_at=fetched_at,
                    warc_record_id=warc_record_id,
                    dataset_id=load.dataset_id,
                    location=location,
                )
                load.rows_rejected += 1
                continue
            table = row.pop("_table", "removal_requests")
            batches[table].append({**row, "dataset_id": load.dataset_id, "location": location, "is_current": 0})
            load.rows_stored += 1
            if len(batches[table]) >= BATCH_SIZE:
                _flush(db, table, batches)
        for table in list(batches):
            _flush(db, table, batches)
        if shrunk := shrink_problem(
            load.rows_stored,
            current_dataset(db, source),
            accept_shrink=accept_shrink,
            schema_version=load.schema_version,
        ):
            problems.append(shrunk)
        if load.rows_stored and not problems:  # an empty, partial or garbage file never replaces the current rows
            for table in registered.tables:
                replace_current(db, table, source, load.dataset_id)
            for (platform,) in db.execute(
                "select distinct platform from removal_requests where dataset_id = ? and platform is not null",
                [load.dataset_id],
            ).fetchall():
                settle_overlaps(db, platform)  # a half-year from two files counts once
        load.rows_read = len(locations)
    if load.rows_stored and problems:
        reason = "; ".join(problems)
        quarantine_dataset(db, load.dataset_id, reason)
        logger.error(
            "%s: dataset %s from %s quarantined (the current rows stay current): %s",
            source,
            load.dataset_id,
            url,
            reason,
        )
        return {
            "dataset_id": load.dataset_id,
            "status": QUARANTINED,
            "rows_read": load.rows_read,
            "rows_stored": load.rows_stored,
            "rows_rejected": load.rows_rejected,
            "error": reason,
        }
    if not load.rows_stored:
        reason = (
            f"no rows stored ({load.rows_rejected} rejected): not made current, "
            f"the previous dataset of {source} stays current"
        )
        fail_dataset(db, load.dataset_id, reason)
        logger.warning("%s: dataset %s from %s: %s", source, load.dataset_id, url, reason)
        return {
            "dataset_id": load.dataset_id,
            "status": "empty",
            "rows_read": load.rows_read,
            "rows_stored": 0,
            "rows_rejected": load.rows_rejected,
        }
    logger.info(
        "%s: dataset %s from %s: %d rows stored, %d rejected",
        source,
        load.dataset_id,
        url,
        load.rows_stored,
        load.rows_rejected,
    )
    return {
        "dataset_id": load.dataset_id,
        "status": "loaded",
        "rows_read": load.rows_read,
        "rows_stored": load.rows_stored,
        "rows_rejected": load.rows_rejected,
    }


def _flush(db, table, batches):
    # tables are created by the migrations: insert_all never alters them (alter=False)
    db[table].insert_all(batches.pop(table), batch_size=BATCH_SIZE)
    batches[table] = []
