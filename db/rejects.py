"""Store rejected input (``rejects`` rows): what could not be parsed, why, and its start."""

import sqlite_utils

from db.timestamps import iso_utc

#: Longest excerpt stored, in characters (the full input stays in the WARC archive).
MAX_EXCERPT_CHARS = 16_384


def insert_reject(
    db: sqlite_utils.Database,
    *,
    url: str | None,
    reason: str,
    excerpt: str | bytes | None = None,
    spider: str | None = None,
    crawl_run_id: int | None = None,
    fetched_at: str | None = None,
    warc_record_id: str | None = None,
    dataset_id: int | None = None,
    location: str | None = None,
) -> int:
    """Insert one ``rejects`` row and return its id.

    ``excerpt`` may be bytes (decoded as UTF-8 with ``errors="replace"``); it is cut to
    :data:`MAX_EXCERPT_CHARS`. ``fetched_at`` defaults to now (UTC ISO 8601). ``location`` says
    where in a bulk input the bad part is (``"line 17"``, ``"$.notices[3].date"``).
    """
    if isinstance(excerpt, bytes):
        excerpt = excerpt[: MAX_EXCERPT_CHARS * 4].decode("utf-8", errors="replace")
    if excerpt is not None:
        excerpt = excerpt[:MAX_EXCERPT_CHARS]
    cursor = db.execute(
        "INSERT INTO rejects (crawl_run_id, spider, url, reason, excerpt, fetched_at, warc_record_id,"
        " dataset_id, location) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [crawl_run_id, spider, url, reason, excerpt, fetched_at or iso_utc(), warc_record_id, dataset_id, location],
    )
    return cursor.lastrowid
