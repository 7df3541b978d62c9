"""Store EU DSA statements of reasons from a daily dump, as a stream, in batched transactions.

Reading is :mod:`modwatch.transparency.dsa` (pure); this module only writes. One dump file =
one ``datasets`` row (source ``dsa_sor/<slug>``); statements go to ``sor_statements``, their texts and
lists stored once (:mod:`db.dsa_compact`; analysts read the view ``statements_of_reasons``), with ``INSERT OR IGNORE`` on ``uuid`` (exact duplicates are counted, not stored twice; a uuid
seen again with different content is a reject holding the new version, the first stays stored,
see :func:`_reused_uuids`); bad CSV
records go to ``rejects`` with their raw text and ``member.csv:line``. Each inner CSV is
inserted with ``executemany`` in batches of ``batch_size`` rows and committed every
``commit_rows`` rows, so memory stays flat. The load stays in WAL mode, so readers (Datasette
``--live``, ``serve`` starting meanwhile) are never locked out: a rollback journal, ~25 % cheaper
in CPU, locked every reader out while its transactions spilled and committed. The load runs inside
:func:`db.datasets.loading`: an exception (a broken member after committed batches) deletes the
day's statements and rejects and marks its dataset ``failed``; a hard crash (kill -9) leaves the
dataset ``loading`` until the next load of the same family of sources marks it ``failed`` and
deletes its statements (:func:`db.datasets.fail_dead_loads`).
"""

from __future__ import annotations

import hashlib
import json
import logging
from contextlib import contextmanager
from typing import BinaryIO

import sqlite_utils

from db import dsa_compact, dsa_summary, fts
from db.datasets import loading, unchanged_dataset
from db.rejects import insert_reject
from modwatch.transparency import dsa

logger = logging.getLogger(__name__)

#: rows per ``executemany`` call, and rows per transaction (a crash loses at most one transaction).
#: Small batches are faster: 5,000 rows of ~40 strings each (~20 MB) cost 12 % more CPU than 200
#: (``benchmarks/dsa_ingest.py``), the rows no longer fitting the CPU caches.
BATCH_SIZE = 200
COMMIT_ROWS = 100_000


def insert_sql(dataset_id: int) -> str:
    """The INSERT of one statement into ``sor_statements`` (cells from :meth:`db.dsa_compact.Compactor.stored_row`,
    then ``location``): ``""`` label cells become NULL in SQL (cheaper than in Python); ``dataset_id``
    (an int) is a literal so that rows need not be copied to append it."""
    values = ", ".join(["NULLIF(?, '')"] * len(dsa_compact.STORED_COLUMNS) + ["?", str(int(dataset_id))])
    return (
        f"INSERT OR IGNORE INTO {dsa_compact.TABLE} ({', '.join(dsa_compact.STORED_COLUMNS)}, location, dataset_id) "
        f"VALUES ({values})"
    )


def file_digest(fileobj: BinaryIO, algorithm=hashlib.sha256) -> tuple[str, int]:
    """``(hex digest, byte size)`` of a seekable binary file (sha256 unless ``algorithm``, a
    ``hashlib`` constructor), read in 1 MiB chunks; rewinds it."""
    digest, size = algorithm(), 0
    fileobj.seek(0)
    while chunk := fileobj.read(1024 * 1024):
        digest.update(chunk)
        size += len(chunk)
    fileobj.seek(0)
    return digest.hexdigest(), size


def load_dump(
    db: sqlite_utils.Database,
    fileobj: BinaryIO,
    *,
    url: str,
    fetched_at: str,
    name: str = "",
    slug: str = "global",
    platforms: set[str] | None = None,
    territorial_scope: set[str] | None = None,
    crawl_run_id: int | None = None,
    warc_record_id: str | None = None,
    spider: str | None = None,
    sha256: str | None = None,
    byte_size: int | None = None,
    sha1: str | None = None,
    expected_sha1: str | None = None,
    batch_size: int = BATCH_SIZE,
    commit_rows: int = COMMIT_ROWS,
) -> dict:
    """Load one dump (nested zip, or a bare CSV when ``name`` ends in ``.csv``) from ``fileobj``.

    ``fileobj``: seekable binary file. ``url``: where it was downloaded from (datasets.url).
    Returns ``{"dataset_id", "status", "rows_read", "rows_stored", "rows_rejected", "duplicates",
    "rows_filtered", "csv_files", "schema_version"}``. ``status`` is ``"loaded"``, or
    ``"unchanged"`` when URL, sha256 and filters (``platforms``, ``territorial_scope``, kept in
    ``datasets.filters``) equal those of a loaded dataset of the same source
    (:func:`db.datasets.unchanged_dataset`): then nothing is written, ``dataset_id`` and
    ``rows_read`` are that dataset's and the other counts 0. Raises ``dsa.DumpError`` for a file
    that is not a dump (the dataset is marked failed first and keeps no statements).

    ``expected_sha1``: the SHA-1 published beside the dump (``.zip.sha1``); when given, the
    file's SHA-1 (``sha1``, computed here when None) must equal it, else ``dsa.ChecksumError``
    is raised with the dataset marked ``failed`` and nothing read from the file (earlier
    datasets, of that day or others, keep their statements).
    """
    if sha256 is None or byte_size is None:
        sha256, byte_size = file_digest(fileobj)
    source = f"dsa_sor/{slug}"
    filters = {
        name: sorted(value)
        for name, value in (("platforms", platforms), ("territorial_scope", territorial_scope))
        if value
    }
    filters = json.dumps(filters) if filters else None
    if expected_sha1 is not None:
        sha1 = sha1 or file_digest(fileobj, hashlib.sha1)[0]
        if sha1.lower() != expected_sha1.lower():
            with loading(
                db,
                source=source,
                url=url,
                fetched_at=fetched_at,
                sha256=sha256,
                byte_size=byte_size,
                crawl_run_id=crawl_run_id,
                warc_record_id=warc_record_id,
                filters=filters,
            ):
                raise dsa.ChecksumError(f"SHA-1 {sha1} of the download differs from the published {expected_sha1}")
    earlier = unchanged_dataset(db, source=source, url=url, sha256=sha256, filters=filters)
    if earlier is not None:
        return {
            "dataset_id": earlier["id"],
            "status": "unchanged",
            "rows_read": earlier["rows_read"],
            "rows_stored": 0,
            "rows_rejected": 0,
            "duplicates": 0,
            "rows_filtered": 0,
            "csv_files": 0,
            "schema_version": earlier["schema_version"],
        }
    counts = {"rows_stored": 0, "rows_rejected": 0, "csv_files": 0}
    stats = {"read": 0, "filtered": 0}
    versions = set()
    conn = db.conn
    with (
        _bulk_pragmas(db),
        loading(
            db,
            source=source,
            url=url,
            fetched_at=fetched_at,
            sha256=sha256,
            byte_size=byte_size,
            tables=(dsa_compact.TABLE,),
            crawl_run_id=crawl_run_id,
            warc_record_id=warc_record_id,
            filters=filters,
        ) as load,
    ):
        for member, text in dsa.iter_csv_members(fileobj, name or url.rsplit("/", 1)[-1]):
            header, reader = dsa.open_csv(text)
            counts["csv_files"] += 1
            if header is None:
                continue  # empty inner CSVs are normal (issue #361 of the transparency database)
            versions.add(dsa.schema_version(header))
            rows = dsa.iter_statements(
                text,
                member,
                platforms=platforms,
                territorial_scope=territorial_scope,
                opened=(header, reader),
                stats=stats,
            )
            _store_member(
                db,
                conn,
                rows,
                load.dataset_id,
                counts,
                batch_size,
                commit_rows,
                url=url,
                spider=spider,
                crawl_run_id=crawl_run_id,
                fetched_at=fetched_at,
                warc_record_id=warc_record_id,
            )
        counts["rows_read"], counts["rows_filtered"] = stats["read"], stats["filtered"]
        with conn:  # the summary and child tables, in the load's last transaction (db/dsa_summary.py)
            dsa_summary.add_dataset(db, load.dataset_id)
        load.rows_read, load.rows_stored, load.rows_rejected = (
            counts["rows_read"],
            counts["rows_stored"],
            counts["rows_rejected"],
        )
        load.schema_version = ",".join(sorted(versions)) or None
    duplicates = counts["rows_read"] - counts["rows_filtered"] - counts["rows_stored"] - counts["rows_rejected"]
    return {
        "dataset_id": load.dataset_id,
        "status": "loaded",
        **counts,
        "duplicates": duplicates,
        "schema_version": load.schema_version,
    }


def _store_member(db, conn, rows, dataset_id, counts, batch_size, commit_rows, **reject_fields) -> None:
    """Insert one CSV's statements: ``executemany`` per ``batch_size`` rows, a commit per ``commit_rows``."""
    sql = insert_sql(dataset_id)
    compactor = dsa_compact.Compactor(db)
    batch = []
    uncommitted = 0

    def insert(batch):
        stored = [[*compactor.stored_row(row[:-1]), row[-1]] for row in batch]
        changes = conn.total_changes
        conn.executemany(sql, stored)
        inserted = conn.total_changes - changes
        counts["rows_stored"] += inserted
        if inserted < len(batch):  # some uuids were already stored
            counts["rows_rejected"] += _reused_uuids(db, batch, dataset_id, **reject_fields)

    for row in rows:
        if isinstance(row, dsa.Reject):
            insert_reject(
                db,
                reason=row.reason,
                excerpt=row.excerpt,
                dataset_id=dataset_id,
                location=row.location,
                **reject_fields,
            )
            counts["rows_rejected"] += 1
            continue
        batch.append(row)
        if len(batch) >= batch_size:
            insert(batch)
            uncommitted += len(batch)
            batch = []
            if uncommitted >= commit_rows:
                conn.commit()
                uncommitted = 0
    if batch:
        insert(batch)
    conn.commit()


_STORED = ", ".join(dsa.COLUMNS)


def _reused_uuids(db, batch, dataset_id, **reject_fields) -> int:
    """Rejects for rows of ``batch`` whose uuid is stored with different content; returns how many.

    A row whose uuid is stored with the same values is a plain duplicate (counted by the caller,
    not rejected). Otherwise the stored statement stays (the first version seen) and the new
    version is a reject naming where the stored one came from, its excerpt the new row as CSV.
    """
    rejected = 0
    for row in batch:
        stored = db.execute(
            f"select {_STORED}, location, dataset_id from statements_of_reasons where uuid = ?", [row[0]]
        ).fetchone()
        if stored is None or (stored[-1] == dataset_id and stored[-2] == row[-1]):
            continue  # inserted just now
        if [value or None for value in row[:-1]] == [value for value in stored[:-2]]:
            continue  # the same statement again
        insert_reject(
            db,
            reason=f"uuid {row[0]} reused with different content (stored version: dataset {stored[-1]}, {stored[-2]})",
            excerpt=dsa.csv_line(row[:-1]),
            dataset_id=dataset_id,
            location=row[-1],
            **reject_fields,
        )
        rejected += 1
    return rejected


@contextmanager
def _bulk_pragmas(db):
    """Bulk-load settings for this connection, restored afterwards: a 64 MiB page cache, fewer
    WAL checkpoints and no foreign-key lookup per row (the only foreign key, ``dataset_id``, is
    the dataset row this load has just created). The journal stays WAL: readers keep reading."""
    names = {"cache_size": -65536, "wal_autocheckpoint": 25_000, "foreign_keys": 0}
    old = {name: db.execute(f"PRAGMA {name}").fetchone()[0] for name in names}
    for name, value in names.items():
        db.execute(f"PRAGMA {name} = {int(value)}")
    try:
        yield
    finally:
        for name, value in old.items():
            db.execute(f"PRAGMA {name} = {int(value)}")


def index_new_statements(db: sqlite_utils.Database) -> int:
    """Add the statements loaded since the last call to ``statements_of_reasons_fts``; return how many.

    The search index has no triggers (indexing inside the bulk load made it 3.5 times slower, see
    ``db/migrations_publish.py``): it is filled after each load, in one transaction, with every
    statement whose ``id`` is above the highest one indexed (statements are insert-only). Called
    by the ``dsa_sor`` pipeline and ``python -m modwatch dsa-load`` after each dump, and by
    ``python -m modwatch serve`` before serving. A database without the index returns 0.
    """
    return fts.fill_new(db, fts.STATEMENTS)
