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


def decoded(row: Mapping) -> dict:
    """A ``crawl_runs`` row as a dict with ``stats``: its ``stats_json`` decoded (``{}`` if unreadable)."""
    row = dict(row)
    try:
        row["stats"] = json.loads(row.get("stats_json") or "{}")
    except ValueError:
        row["stats"] = {}
    return row


def last_run_id(db: sqlite_utils.Database) -> int:
    """The highest ``crawl_runs.id`` (0 for a database without runs)."""
    return db.execute("SELECT coalesce(max(id), 0) FROM crawl_runs").fetchone()[0]


def latest_run(db: sqlite_utils.Database, spider: str, *, after_id: int = 0) -> dict | None:
    """The spider's newest crawl run with ``id > after_id`` (:func:`decoded`), or None."""
    rows = list(
        db.query("SELECT * FROM crawl_runs WHERE spider = ? AND id > ? ORDER BY id DESC LIMIT 1", [spider, after_id])
    )
    return decoded(rows[0]) if rows else None


def previous_finished_run(db: sqlite_utils.Database, spider: str, before_id: int) -> dict | None:
    """The spider's last crawl run closed with ``finished`` before ``before_id`` (:func:`decoded`), or None."""
    rows = list(
        db.query(
            "SELECT * FROM crawl_runs WHERE spider = ? AND id < ? AND finish_reason = 'finished' ORDER BY id DESC LIMIT 1",
            [spider, before_id],
        )
    )
    return decoded(rows[0]) if rows else None


def summary(db: sqlite_utils.Database, first_run_id: int) -> dict:
    """What the crawl runs with ``id >= first_run_id`` did, and what the database holds.

    Returns ``{"runs": [crawl_runs rows: id, spider, finish_reason, items_scraped, errors,
    rejects, requests], "articles": [{"source", "n", "dated", "authored"}] (whole database),
    "articles_total": int, "removal_requests": [{"platform", "n", "files"}] (current rows, whole
    database; ``[]`` without the table), "rejects": [{"url", "reason", "times_seen"}]}``.
    ``rejects`` lists the rejects *seen* in those runs (``last_crawl_run_id``): a reject first
    recorded by an earlier run and met again counts, as the ``rejects`` table keeps one row per
    distinct reject (:mod:`db.rejects`).
    """
    runs = list(
        db.query(
            "SELECT id, spider, finish_reason, items_scraped, errors, rejects, requests FROM crawl_runs "
            "WHERE id >= ? ORDER BY id",
            [first_run_id],
        )
    )
    articles = list(
        db.query(
            "SELECT source, count(*) AS n, sum(published_at IS NOT NULL) AS dated, "
            "sum(exists(SELECT 1 FROM article_authors aa WHERE aa.article_id = articles.id)) AS authored "
            "FROM articles GROUP BY source ORDER BY source"
        )
    )
    removal_requests = []
    if "removal_requests" in db.table_names():
        removal_requests = list(
            db.query(
                "SELECT platform, count(*) AS n, count(DISTINCT dataset_id) AS files FROM removal_requests "
                "WHERE is_current = 1 GROUP BY platform ORDER BY platform"
            )
        )
    rejects = list(
        db.query("SELECT url, reason, times_seen FROM rejects WHERE last_crawl_run_id >= ? ORDER BY id", [first_run_id])
    )
    return {
        "runs": runs,
        "articles": articles,
        "articles_total": sum(row["n"] for row in articles),
        "removal_requests": removal_requests,
        "rejects": rejects,
    }
