"""Provenance of downloaded data files: the ``datasets`` table and current-row replacement.

One ``datasets`` row describes one downloaded file (a CSV, a zip, an xlsx, one JSON page of an
API ...). Every data row loaded from it carries ``dataset_id`` (-> ``datasets.id``), its
``location`` inside the file (``member.csv:17`` for a CSV line, a JSON path for JSON) and
``is_current`` (1 for rows of the newest loaded dataset of their source, 0 for rows kept from
earlier downloads).

``source`` is the *replacement scope*: the unit that a new download fully replaces. A source
published as one file with the full history uses one key (``google_removals``); a source
published as one file per period uses one key per file (``meta_restrictions/2018-H2``).
Loading a new dataset of a source and calling :func:`replace_current` makes its rows current
and keeps the rows of earlier datasets (``is_current = 0``), so silently revised figures stay
visible::

    dataset_id = begin_dataset(db, source="google_removals", url=url, fetched_at=now,
                               sha256=digest, byte_size=len(body))
    ...insert rows with dataset_id=dataset_id, is_current=0...
    with db.atomic():
        replace_current(db, "removal_requests", "google_removals", dataset_id)
        finish_dataset(db, dataset_id, rows_read=n, rows_stored=k, rows_rejected=n - k)

Loading a file is always :func:`loading`, which begins the ``datasets`` row, lets the loader
store its rows (in one transaction, or committed in batches for a multi-GiB DSA day) and finishes
it, or on any exception undoes it: a failed dataset keeps no data rows and no rejects, only its
``datasets`` row with status ``failed`` and the error. The three loaders: :func:`modwatch.load.datasets.load_dataset`
(transparency report files), :func:`modwatch.load.notices.store_notice_page` (Lumen pages) and
:func:`modwatch.load.dsa.load_dump` (DSA daily dumps).

Table definition: ``db/migrations_transparency.py``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import sqlite_utils

from db.rejects import printable

logger = logging.getLogger(__name__)

#: ``datasets.status`` values (``quarantined``: stored, never made current; see
#: :mod:`modwatch.transparency.validate` and ``db/migrations_figures.py``)
LOADING, LOADED, FAILED, QUARANTINED = "loading", "loaded", "failed", "quarantined"

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def begin_dataset(
    db: sqlite_utils.Database,
    *,
    source: str,
    url: str,
    fetched_at: str,
    sha256: str,
    byte_size: int,
    schema_version: str | None = None,
    crawl_run_id: int | None = None,
    warc_record_id: str | None = None,
    filters: str | None = None,
) -> int:
    """Insert a ``datasets`` row with status ``'loading'`` and return its id.

    ``fetched_at`` is UTC ISO 8601; ``sha256`` the hex digest of the file bytes as downloaded;
    ``byte_size`` their length in bytes; ``schema_version`` names the header layout recognised
    (e.g. ``"meta-2018h2"``); ``filters`` the JSON of the row filters applied (``None``: every
    row). The row is not current until :func:`replace_current` runs.
    """
    with db.atomic():
        table = db["datasets"]
        table.insert(
            {
                "source": source,
                "url": url,
                "fetched_at": fetched_at,
                "sha256": sha256,
                "byte_size": byte_size,
                "schema_version": schema_version,
                "crawl_run_id": crawl_run_id,
                "warc_record_id": warc_record_id,
                "filters": filters,
                "status": LOADING,
                "is_current": 0,
            }
        )
        return table.last_pk


def finish_dataset(
    db: sqlite_utils.Database, dataset_id: int, *, rows_read: int, rows_stored: int, rows_rejected: int
) -> None:
    """Record the row counts of a dataset and set its status to ``'loaded'``.

    ``rows_read`` counts data rows read from the file (header and separator lines excluded),
    ``rows_stored`` rows written to data tables, ``rows_rejected`` rows written to ``rejects``.
    """
    with db.atomic():
        db["datasets"].update(
            dataset_id,
            {"rows_read": rows_read, "rows_stored": rows_stored, "rows_rejected": rows_rejected, "status": LOADED},
        )


def fail_dataset(db: sqlite_utils.Database, dataset_id: int, error: str) -> None:
    """Mark a dataset ``'failed'`` with the error text; its rows (if any) never become current."""
    with db.atomic():
        db["datasets"].update(dataset_id, {"status": FAILED, "error": printable(error)})


def quarantine_dataset(db: sqlite_utils.Database, dataset_id: int, reason: str) -> None:
    """Mark a loaded dataset ``'quarantined'`` with the reason: its rows stay stored (``is_current = 0``)
    for inspection and the source's current dataset stays current."""
    with db.atomic():
        db["datasets"].update(dataset_id, {"status": QUARANTINED, "error": printable(reason), "is_current": 0})


def replace_current(db: sqlite_utils.Database, table: str, source: str, dataset_id: int) -> None:
    """Make the rows of ``dataset_id`` in ``table`` the current rows of ``source``.

    In one transaction: rows of ``table`` that belong to any dataset of ``source`` get
    ``is_current = 1`` if they come from ``dataset_id`` and ``0`` otherwise (earlier rows are
    kept), and the ``datasets`` row of ``dataset_id`` becomes the current one of its source.
    Call it once per table the dataset filled (nesting inside ``db.atomic()`` is fine).

    Raises ``ValueError`` for a table name that is not a plain SQL identifier or a dataset id
    that does not belong to ``source``.
    """
    if not _IDENTIFIER.match(table):
        raise ValueError(f"not a table name: {table!r}")
    with db.atomic():
        row = db.execute("select source from datasets where id = ?", [dataset_id]).fetchone()
        if row is None or row[0] != source:
            raise ValueError(f"dataset {dataset_id} is not a dataset of source {source!r}")
        db.execute(
            f"update [{table}] set is_current = (dataset_id = ?) "
            "where dataset_id in (select id from datasets where source = ?)",
            [dataset_id, source],
        )
        db.execute("update datasets set is_current = (id = ?) where source = ?", [dataset_id, source])


def current_dataset(db: sqlite_utils.Database, source: str) -> dict | None:
    """The current ``datasets`` row of ``source`` as a dict, or ``None`` if none was loaded."""
    rows = list(db["datasets"].rows_where("source = ? and is_current = 1", [source], limit=1))
    return rows[0] if rows else None


def unchanged_dataset(
    db: sqlite_utils.Database,
    *,
    source: str,
    url: str,
    sha256: str,
    filters: str | None = None,
    current_only: bool = False,
) -> dict | None:
    """The ``loaded`` dataset of ``source`` downloaded from ``url`` with the same bytes (``sha256``)
    and loaded with the same ``filters`` (JSON, ``None`` for none), or ``None``.

    The loaders skip such an input (status ``"unchanged"``, nothing stored, no ``datasets`` row),
    so a re-run of a crawl adds no dataset and no reject. ``current_only``: only the current
    dataset of ``source`` counts (a transparency report file that reverts to an earlier download
    is loaded again so that it becomes current). Returns the newest matching row as a dict.
    """
    where = "source = ? and url = ? and sha256 = ? and ifnull(filters, '') = ifnull(?, '') and status = ?" + (
        " and is_current = 1" if current_only else ""
    )
    rows = list(db["datasets"].rows_where(where, [source, url, sha256, filters, LOADED], order_by="id desc", limit=1))
    return rows[0] if rows else None


def refused_dataset(db: sqlite_utils.Database, *, source: str, url: str, sha256: str) -> dict | None:
    """The newest ``quarantined`` dataset of ``source`` downloaded from ``url`` with the same bytes, or None:
    a file refused once is refused again without storing its rows a second time (``accept_shrink``
    loads it anew)."""
    rows = list(
        db["datasets"].rows_where(
            "source = ? and url = ? and sha256 = ? and status = ?",
            [source, url, sha256, QUARANTINED],
            order_by="id desc",
            limit=1,
        )
    )
    return rows[0] if rows else None


def fail_dead_loads(db: sqlite_utils.Database, source: str, tables: tuple[str, ...] = ()) -> list[int]:
    """Mark ``failed`` the datasets of ``source``'s family left ``loading`` by a load that died.

    A process killed hard (kill -9, out of memory, power cut) during a load leaves its dataset
    ``loading`` and, for a DSA day committed in batches, some of its rows. Loads of one family
    of sources (the text before the first ``/``: ``dsa_sor``, ``meta_restrictions``) run one
    at a time, so one still ``loading`` when the next begins is dead: its rows in ``tables`` and
    its rejects are deleted (they were never current), the dataset gets status ``failed`` and
    the error ``interrupted: ...``. Returns the ids marked. Called by :func:`loading`.
    """
    family = source.split("/", 1)[0]
    dead = [
        row[0]
        for row in db.execute(
            "select id from datasets where status = ? and (source = ? or source like ?)",
            [LOADING, family, family + "/%"],
        ).fetchall()
    ]
    for dataset_id in dead:
        with db.atomic():
            for table in (*tables, "rejects"):
                if not _IDENTIFIER.match(table):
                    raise ValueError(f"not a table name: {table!r}")
                db.execute(f"delete from [{table}] where dataset_id = ?", [dataset_id])
            db.execute(
                "update datasets set status = ?, is_current = 0, error = ? where id = ?",
                [
                    FAILED,
                    "interrupted: the load died (left 'loading'); marked failed by the next load "
                    f"of {family}, its rows deleted",
                    dataset_id,
                ],
            )
        logger.warning("%s: dataset %s was left loading by a load that died: marked failed", source, dataset_id)
    return dead


@dataclass
class DatasetLoad:
    """A dataset being loaded by :func:`loading`: its id, and the figures the loader sets."""

    dataset_id: int
    rows_read: int = 0
    rows_stored: int = 0
    rows_rejected: int = 0
    schema_version: str | None = None


@contextmanager
def loading(
    db: sqlite_utils.Database,
    *,
    source: str,
    url: str,
    fetched_at: str,
    sha256: str,
    byte_size: int,
    tables: tuple[str, ...] = (),
    schema_version: str | None = None,
    crawl_run_id: int | None = None,
    warc_record_id: str | None = None,
    filters: str | None = None,
) -> Iterator[DatasetLoad]:
    """Begin a ``datasets`` row, yield its :class:`DatasetLoad`, finish or fail it.

    The loader stores rows with ``dataset_id = load.dataset_id`` and sets the counts (and
    ``schema_version``) on ``load``. On a normal exit the row gets them and status ``loaded``.
    On an exception: the open transaction is rolled back, rows of the dataset still in
    ``tables`` (committed batches) and in ``rejects`` are deleted, the row is marked ``failed``
    with the error, and the exception propagates. Arguments as for :func:`begin_dataset`.
    First, datasets of the same family left ``loading`` by a load that died are marked failed
    (:func:`fail_dead_loads`).
    """
    fail_dead_loads(db, source, tables)
    load = DatasetLoad(
        begin_dataset(
            db,
            source=source,
            url=url,
            fetched_at=fetched_at,
            sha256=sha256,
            byte_size=byte_size,
            schema_version=schema_version,
            crawl_run_id=crawl_run_id,
            warc_record_id=warc_record_id,
            filters=filters,
        )
    )
    try:
        yield load
    except BaseException as error:
        if db.conn.in_transaction:
            db.conn.rollback()
        with db.atomic():
            for table in (*tables, "rejects"):
                if not _IDENTIFIER.match(table):
                    raise ValueError(f"not a table name: {table!r}") from error
                db.execute(f"delete from [{table}] where dataset_id = ?", [load.dataset_id])
        fail_dataset(db, load.dataset_id, f"{type(error).__name__}: {error}")
        raise
    with db.atomic():
        if load.schema_version is not None:
            db["datasets"].update(load.dataset_id, {"schema_version": load.schema_version})
        finish_dataset(
            db,
            load.dataset_id,
            rows_read=load.rows_read,
            rows_stored=load.rows_stored,
            rows_rejected=load.rows_rejected,
        )
