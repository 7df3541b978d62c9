"""Store the EC's daily aggregates files into ``sor_daily_counts`` (origin ``aggregates``): light mode.

Parsing is :mod:`modwatch.transparency.dsa_aggregates` (layout assumed from the EC's code). One
file = one ``datasets`` row (source ``dsa_aggregates/<day>``); its rows replace the aggregates
rows of that day (a corrected file replaces, an identical one is ``unchanged``), in one
transaction; a bad row is a ``rejects`` row, a file of another layout fails the dataset and
changes nothing. The views ``sor_counts`` / ``sor_counts_by_territory`` count a day and platform
from the statements when any of its statements were loaded, from the aggregates otherwise;
aggregates carry no territorial scope (``territorial_scope_set`` 0, territory NULL).
"""

from __future__ import annotations

import hashlib

import sqlite_utils

from db.datasets import loading, unchanged_dataset
from db.dsa_summary import add_value_sets
from db.rejects import insert_reject
from modwatch.transparency import dsa_aggregates
from modwatch.transparency.dsa import Reject


def load_aggregates(
    db: sqlite_utils.Database,
    data: bytes,
    *,
    name: str,
    url: str,
    fetched_at: str,
    crawl_run_id: int | None = None,
    spider: str | None = None,
) -> dict:
    """Load one ``aggregates-<day>.csv|json`` file; returns ``{"dataset_id", "status", "day",
    "rows_read", "rows_stored", "rows_rejected", "statements"}``.

    Raises :class:`~modwatch.transparency.dsa_aggregates.AggregatesError` for a file of another
    layout (its dataset is marked failed; the summary is unchanged).
    """
    day = dsa_aggregates.day_of(name)
    source = f"dsa_aggregates/{day}"
    sha256 = hashlib.sha256(data).hexdigest()
    earlier = unchanged_dataset(db, source=source, url=url, sha256=sha256)
    if earlier is not None:
        return {
            "dataset_id": earlier["id"],
            "status": "unchanged",
            "day": day,
            "rows_read": earlier["rows_read"],
            "rows_stored": 0,
            "rows_rejected": 0,
            "statements": 0,
        }
    read = rejected = statements = 0
    with (
        loading(
            db,
            source=source,
            url=url,
            fetched_at=fetched_at,
            sha256=sha256,
            byte_size=len(data),
            crawl_run_id=crawl_run_id,
            schema_version="ec-aggregates-assumed",
        ) as load,
        db.conn,
    ):
        db.execute("delete from sor_daily_counts where origin = 'aggregates' and day = ?", [day])
        for row in dsa_aggregates.iter_rows(data, name):
            read += 1
            if isinstance(row, Reject):
                insert_reject(
                    db,
                    reason=row.reason,
                    excerpt=row.excerpt,
                    dataset_id=load.dataset_id,
                    location=row.location,
                    url=url,
                    spider=spider,
                    crawl_run_id=crawl_run_id,
                    fetched_at=fetched_at,
                )
                rejected += 1
                continue
            content_type_set = 0
            if row["content_type"]:
                add_value_sets(db, "content_type", "select ? as v", [row["content_type"]])
                content_type_set = db.execute(
                    "select id from sor_value_sets where kind = 'content_type' and value = ?", [row["content_type"]]
                ).fetchone()[0]
            db.execute(
                """
                insert into sor_daily_counts(origin, day, platform_name, category, decision_ground,
                    automated_detection, automated_decision, content_type_set, territorial_scope_set, statements,
                    dataset_id)
                values ('aggregates', :day, :platform_name, :category, :decision_ground, :automated_detection,
                        :automated_decision, :content_type_set, 0, :statements, :dataset_id)
                on conflict do update set statements = statements + excluded.statements""",
                {**row, "content_type_set": content_type_set, "dataset_id": load.dataset_id},
            )
            statements += row["statements"]
        load.rows_read, load.rows_stored, load.rows_rejected = read, read - rejected, rejected
    return {
        "dataset_id": load.dataset_id,
        "status": "loaded",
        "day": day,
        "rows_read": read,
        "rows_stored": read - rejected,
        "rows_rejected": rejected,
        "statements": statements,
    }
