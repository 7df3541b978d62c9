"""SQL of the history area: unchanged articles, URL re-checks, versions (tables in
:mod:`db.migrations_history`).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping

import sqlite_utils

from db.timestamps import iso_utc

#: ``url_checks`` columns filled from a UrlCheckItem (:class:`items.UrlCheckItem`).
URL_CHECK_COLUMNS = (
    "checked_at",
    "article_id",
    "url",
    "http_status",
    "location",
    "final_url",
    "gone",
    "reason",
    "warc_record_id",
    "warc_filename",
)


def unchanged_article(db: sqlite_utils.Database, url: str, body_sha256: str) -> int | None:
    """Id of the stored article fetched from (or canonical at) ``url`` whose ``body_sha256``
    (hex sha256 of the raw response body) equals ``body_sha256``; None if none.
    """
    row = db.execute(
        "SELECT id FROM articles WHERE (fetched_url = ? OR url = ?) AND body_sha256 = ? LIMIT 1",
        [url, url, body_sha256],
    ).fetchone()
    return row[0] if row else None


def touch_article(db: sqlite_utils.Database, article_id: int, seen_at: str | None = None) -> None:
    """Set ``last_seen_at`` of the article to ``seen_at`` (UTC ISO 8601, default now)."""
    db.execute("UPDATE articles SET last_seen_at = ? WHERE id = ?", [seen_at or iso_utc(), article_id])


def articles_to_check(
    db: sqlite_utils.Database, *, checked_before: str, limit: int | None = None, sources: list[str] | None = None
) -> list[dict]:
    """Stored articles whose URL was never checked, or last checked before ``checked_before``.

    ``checked_before``: UTC ISO 8601. Never-checked first, then oldest check first; then
    article id. Returns dicts with ``id``, ``url``, ``source``, ``base_url`` (of its source).
    """
    where, params = "", [checked_before]
    if sources:
        where = f"AND a.source IN ({', '.join('?' for _ in sources)})"
        params += list(sources)
    sql = f"""
        SELECT a.id, a.url, a.source, s.base_url,
               (SELECT max(checked_at) FROM url_checks c WHERE c.article_id = a.id) AS last_checked_at
        FROM articles a LEFT JOIN sources s ON s.key = a.source
        WHERE coalesce((SELECT max(checked_at) FROM url_checks c WHERE c.article_id = a.id), '') < ? {where}
        ORDER BY last_checked_at IS NOT NULL, last_checked_at, a.id
    """
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    return [dict(row) for row in db.query(sql, params)]


def takedown_counts(db: sqlite_utils.Database) -> list[tuple[str, int]]:
    """``(reason, number of articles)`` of the ``takedowns`` view, most frequent first."""
    return [
        tuple(row)
        for row in db.execute(
            "SELECT reason, count(*) AS n FROM takedowns GROUP BY reason ORDER BY n DESC, reason"
        ).fetchall()
    ]


def insert_url_check(db: sqlite_utils.Database, check: Mapping, crawl_run_id: int | None = None) -> int:
    """Insert one ``url_checks`` row (keys :data:`URL_CHECK_COLUMNS`) and return its id.

    The trigger ``url_checks_gone_ai`` then sets or clears ``articles.gone_at``.
    """
    row = {column: check.get(column) for column in URL_CHECK_COLUMNS}
    row["gone"] = 1 if row["gone"] else 0
    row["checked_at"] = row["checked_at"] or iso_utc()
    row["crawl_run_id"] = crawl_run_id
    columns = list(row)
    cursor = db.execute(
        f"INSERT INTO url_checks ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
        [row[c] for c in columns],
    )
    return cursor.lastrowid


def versions(db: sqlite_utils.Database, article_id: int) -> list[dict]:
    """Every text of the article, oldest first (rows of the ``article_history`` view)."""
    return [
        dict(r) for r in db.query("SELECT * FROM article_history WHERE article_id = ? ORDER BY version", [article_id])
    ]


def version_diff(db: sqlite_utils.Database, article_id: int, version: int) -> str:
    """Unified diff (title + body, line by line) from ``version`` to the one that replaced it.

    Raises ``LookupError`` if the article has no such earlier version.
    """
    texts = {v["version"]: v for v in versions(db, article_id)}
    if version not in texts or version + 1 not in texts:
        raise LookupError(f"article {article_id} has no version {version} followed by another")
    old, new = texts[version], texts[version + 1]

    def lines(v):
        return [v["title"] or "", ""] + (v["body"] or "").splitlines()

    return "\n".join(
        difflib.unified_diff(
            lines(old),
            lines(new),
            f"version {version} ({old['fetched_at']})",
            f"version {version + 1} ({new['fetched_at']})",
            lineterm="",
        )
    )


def warc_filename_of(db: sqlite_utils.Database, record_id: str) -> str | None:
    """The WARC file name stored with ``record_id`` in any table that keeps provenance."""
    for table in ("articles", "article_versions", "url_checks", "rejects"):
        if not db[table].exists() or "warc_filename" not in db[table].columns_dict:
            continue
        row = db.execute(
            f"SELECT warc_filename FROM [{table}] WHERE warc_record_id = ? AND warc_filename IS NOT NULL LIMIT 1",
            [record_id],
        ).fetchone()
        if row:
            return row[0]
    return None
