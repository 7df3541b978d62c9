"""``crawl_runs`` rows: one per spider run, opened at start and completed at close."""

import json
from datetime import date, datetime
from collections.abc import Mapping

import sqlite_utils

from db.timestamps import iso_utc


def start_crawl_run(db: sqlite_utils.Database, spider: str, *, replay_source: str | None = None) -> int:
    """Insert a ``crawl_runs`` row started now (UTC) and return its id."""
    cursor = db.execute(
        "INSERT INTO crawl_runs (spider, started_at, replay_source) VALUES (?, ?, ?)",
        [spider, iso_utc(), replay_source or None],
    )
    return cursor.lastrowid


def _json_default(value):
    if isinstance(value, datetime):
        return iso_utc(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def stats_json(stats: Mapping) -> str:
    """Scrapy stats as a JSON object (keys sorted; datetimes as UTC ISO 8601)."""
    return json.dumps(dict(stats), default=_json_default, sort_keys=True, ensure_ascii=False)


def finish_crawl_run(
    db: sqlite_utils.Database,
    crawl_run_id: int,
    *,
    finish_reason: str,
    items_scraped: int,
    errors: int,
    rejects: int,
    requests: int,
    responses: int,
    stats: Mapping,
    warc_filename: str | None = None,
) -> None:
    """Complete the crawl run: ``finished_at`` now (UTC), the counts, and all stats as JSON."""
    db["crawl_runs"].update(
        crawl_run_id,
        {
            "finished_at": iso_utc(),
            "finish_reason": finish_reason,
            "items_scraped": items_scraped,
            "errors": errors,
            "rejects": rejects,
            "requests": requests,
            "responses": responses,
            "stats_json": stats_json(stats),
            "warc_filename": warc_filename,
        },
    )
