"""Export the loaded DSA statements of reasons as Parquet, partitioned by day and platform.

For analyses past one SQLite file: DuckDB on one machine, Spark (or any Parquet engine) on a
cluster read the same folder::

    <out>/day=2024-03-14/platform=tiktok/part-0.parquet

Hive-style partitions: ``day`` (``YYYY-MM-DD`` of ``created_at``, UTC) and ``platform`` (the
:func:`platform_slug` of ``platform_name``; the name itself stays a column). Each file holds
the columns of ``statements_of_reasons`` with the same names and types (SQLite TEXT -> Parquet
string, INTEGER -> int64; dates stay ``YYYY-MM-DD HH:MM:SS`` strings, ``platform_uid`` keeps its
leading zeros, JSON lists stay their JSON text). Rows are read in keyset order of ``id`` in
batches of :data:`BATCH_ROWS` (memory stays flat) and written by ``pyarrow.dataset``; exporting a
partition again replaces its files (``existing_data_behavior="delete_matching"``).
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from pathlib import Path
from typing import Iterator

import pyarrow as pa
import pyarrow.dataset as ds

BATCH_ROWS = 50_000
TABLE = "statements_of_reasons"


def platform_slug(name: str | None) -> str:
    """``Google Shopping`` -> ``google-shopping``: a partition value safe in every file system and engine."""
    slug = re.sub(r"[^a-z0-9]+", "-", (name or "").lower()).strip("-")
    return slug or "unknown"


def arrow_schema(conn) -> pa.Schema:
    """The Parquet schema of the statements table: its columns (generated ones included) in order."""
    fields = []
    for _cid, name, declared, *_rest in conn.execute(f"pragma table_xinfo({TABLE})").fetchall():
        fields.append(pa.field(name, pa.int64() if "INT" in (declared or "").upper() else pa.string()))
    return pa.schema(fields)


def _batches(conn, schema: pa.Schema, where: str, params: list) -> Iterator[pa.RecordBatch]:
    columns = ", ".join(schema.names)
    full = schema.append(pa.field("day", pa.string())).append(pa.field("platform", pa.string()))
    last = 0
    while True:
        rows = conn.execute(
            f"select {columns} from {TABLE} where id > ? {where} order by id limit {BATCH_ROWS}", [last, *params]
        ).fetchall()
        if not rows:
            return
        last = rows[-1][0]
        data = list(zip(*rows))
        created = data[schema.names.index("created_at")]
        platforms = data[schema.names.index("platform_name")]
        arrays = [pa.array(values, type=field.type) for values, field in zip(data, schema)]
        arrays.append(pa.array([(c or "")[:10] or "unknown" for c in created], pa.string()))
        arrays.append(pa.array([platform_slug(p) for p in platforms], pa.string()))
        yield pa.RecordBatch.from_arrays(arrays, schema=full)


def export(
    db_path: str | Path,
    out: str | Path,
    *,
    since: str | None = None,
    until: str | None = None,
    platforms: list[str] | None = None,
) -> dict:
    """Write the statements of the database at ``db_path`` (optionally of days ``since``..``until``,
    ``YYYY-MM-DD``, and of ``platforms``) under ``out``; returns ``{"rows", "files", "out"}``.

    The database is opened read-only (pyarrow reads the batches from its own thread). Raises
    ValueError for a database without statements of reasons, a day that is no date or ``since`` after ``until``.
    """
    since, until = _day("since", since), _day("until", until)
    if since and until and since > until:
        raise ValueError(f"--since {since} is later than --until {until}")
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, check_same_thread=False)
    try:
        return _export(conn, Path(out), since=since, until=until, platforms=platforms)
    finally:
        conn.close()


def _day(name: str, value: str | None) -> str | None:
    """``value`` as stored (``YYYY-MM-DD``), compared as text with ``created_at``; ValueError if it is no date."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise ValueError(f"--{name} must be a date YYYY-MM-DD, not {value!r}") from None


def _export(conn, out: Path, *, since, until, platforms) -> dict:
    if "id" not in [r[1] for r in conn.execute(f"pragma table_xinfo({TABLE})").fetchall()]:
        raise ValueError(f"no {TABLE} table in this database")
    where, params = [], []
    if since:
        where.append("created_at >= ?")
        params.append(since)
    if until:
        where.append("created_at < ?")
        params.append(until + "~")  # every time of that day ('~' sorts after digits and spaces)
    if platforms:
        where.append(f"platform_name in ({', '.join('?' * len(platforms))})")
        params.extend(platforms)
    schema = arrow_schema(conn)
    batches = _batches(conn, schema, "".join(f" and {w}" for w in where), params)
    full = schema.append(pa.field("day", pa.string())).append(pa.field("platform", pa.string()))
    counted = {"rows": 0}

    def counting():
        for batch in batches:
            counted["rows"] += batch.num_rows
            yield batch

    written: list[str] = []
    ds.write_dataset(
        pa.RecordBatchReader.from_batches(full, counting()),
        out,
        format="parquet",
        partitioning=ds.partitioning(pa.schema([("day", pa.string()), ("platform", pa.string())]), flavor="hive"),
        existing_data_behavior="delete_matching",
        basename_template="part-{i}.parquet",
        max_rows_per_group=BATCH_ROWS,
        file_visitor=lambda f: written.append(f.path),
    )
    return {"rows": counted["rows"], "files": len(written), "out": str(out)}
