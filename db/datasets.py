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

Table definition: ``db/migrations_transparency.py``.
"""

from __future__ import annotations

import re

import sqlite_utils

#: ``datasets.status`` values
LOADING, LOADED, FAILED = "loading", "loaded", "failed"

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
) -> int:
    """Insert a ``datasets`` row with status ``'loading'`` and return its id.

    ``fetched_at`` is UTC ISO 8601; ``sha256`` the hex digest of the file bytes as downloaded;
    ``byte_size`` their length in bytes; ``schema_version`` names the header layout recognised
    (e.g. ``"meta-2018h2"``). The row is not current until :func:`replace_current` runs.
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
                "status": LOADING,
                "is_current": 0,
            }
        )
        return table.last_pk


def finish_dataset(db: sqlite_utils.Database, dataset_id: int, *, rows_read: int, rows_stored: int,
                   rows_rejected: int) -> None:
    """Record the row counts of a dataset and set its status to ``'loaded'``.

    ``rows_read`` counts data rows read from the file (header and separator lines excluded),
    ``rows_stored`` rows written to data tables, ``rows_rejected`` rows written to ``rejects``.
    """
    with db.atomic():
        db["datasets"].update(
            dataset_id,
            {"rows_read": rows_read, "rows_stored": rows_stored, "rows_rejected": rows_rejected,
             "status": LOADED},
        )


def fail_dataset(db: sqlite_utils.Database, dataset_id: int, error: str) -> None:
    """Mark a dataset ``'failed'`` with the error text; its rows (if any) never become current."""
    with db.atomic():
        db["datasets"].update(dataset_id, {"status": FAILED, "error": error})


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
