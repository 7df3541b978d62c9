"""Store downloaded transparency report files (``SQLitePipeline`` store function).

:func:`store_dataset_file` is the store function for ``items.DatasetFileItem``
(its route in ``pipelines/routes.py``; the transparency spiders are
``spiders/transparency_base.py``): the whole job is :func:`modwatch.load.datasets.load_dataset` (parse with
the registered parser, one ``datasets`` row, data rows, rejects, replacement of the source's
current rows; a file identical to the current dataset is not loaded again), then the
source's ``source_status`` row (:mod:`db.source_status`: ok / stale / drifted / failed) and the
dataset's copy kind, newest period and notes.
"""

from __future__ import annotations

from db import source_status
from db.datasets import current_dataset
from modwatch.load.datasets import load_dataset
from db.series import carry_absent_series
from modwatch.transparency import PARSERS
from modwatch.transparency.copies import copy_kind
from modwatch.transparency.layouts import LayoutError
from pipelines.rejects import store_failed

#: crawl stat: downloaded files not made current (quarantined, empty or failed to load)
REFUSED_STAT = "modwatch/datasets_refused"


def store_dataset_file(database, item: dict, *, crawl_run_id, spider, stats=None) -> None:
    """``SQLitePipeline`` store function for ``DatasetFileItem``: :func:`load_dataset` it.

    Sets ``dataset_id``, ``status``, ``rows_stored``, ``rows_rejected`` on the item, empties its
    ``body`` (the file stays in the WARC; the ``datasets`` row has its sha256), and counts
    ``modwatch/datasets``, ``modwatch/removal_rows`` and ``modwatch/rejects`` in ``stats``.
    A file that fails to load is stored as a ``rejects`` row (reason and start of the file).
    Every file not made current (failed, quarantined, empty) counts in :data:`REFUSED_STAT`.
    """
    body = item.get("body") or b""
    previous = current_dataset(database, item["source"])
    try:
        result = load_dataset(
            database,
            parser=item["parser"],
            source=item["source"],
            url=item["url"],
            data=body,
            fetched_at=item.get("fetched_at"),
            crawl_run_id=crawl_run_id,
            warc_record_id=item.get("warc_record_id"),
            spider=spider,
            announced_size=item.get("announced_size"),
            accept_shrink=bool(item.get("accept_shrink")),
        )
    except Exception as error:  # a broken file must not stop the crawl: keep it as a reject
        store_failed(
            database, item, error, what="dataset", excerpt=body, crawl_run_id=crawl_run_id, spider=spider, stats=stats
        )
        source_status.record_load_error(
            database,
            source=item["source"],
            url=item["url"],
            error=error,
            layouts_known=PARSERS[item["parser"]].layouts,
            crawl_run_id=crawl_run_id,
            unknown_header=error.header if isinstance(error, LayoutError) else None,
        )
        item["body"] = b""  # kept as a reject (start of the file) and in the WARC
        if stats is not None:
            stats.inc_value(REFUSED_STAT)
        return
    registered = PARSERS[item["parser"]]
    notes = []
    if result["status"] == "loaded":
        notes = registered.notes(body, item["url"]) if registered.notes else []
        notes += carry_absent_series(
            database, dataset_id=result["dataset_id"], previous_id=previous["id"] if previous else None
        )
    source_status.record_dataset(
        database,
        source=item["source"],
        result=result,
        copy_kind=copy_kind(item["parser"], item["url"]),
        layouts_known=registered.layouts,
        notes=notes,
        crawl_run_id=crawl_run_id,
    )
    for key in ("dataset_id", "status", "rows_stored", "rows_rejected"):
        item[key] = result[key]
    item["body"] = b""  # stored: later pipelines and Scrapy's "Scraped from" log line do not carry the file
    if stats is not None and result["status"] in ("quarantined", "empty"):
        stats.inc_value(REFUSED_STAT)  # the crawl's health is then "refused" (cli/crawl.py)
    if stats is not None:
        stats.inc_value("modwatch/datasets")
        stats.inc_value("modwatch/removal_rows", result["rows_stored"])
        stats.inc_value("modwatch/rejects", result["rows_rejected"])
