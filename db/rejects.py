"""Store rejected input (``rejects`` rows): what could not be parsed, why, and its start."""

import sqlite_utils

from db.timestamps import iso_utc

#: What makes two rejects the same one: seen again (a re-crawl of the same input), the row's
#: ``times_seen``, ``last_seen_at`` and ``last_crawl_run_id`` are updated instead of a row added.
IDENTITY = "ifnull(spider, ''), ifnull(url, ''), reason, ifnull(location, ''), ifnull(dataset_id, 0)"

#: Longest excerpt stored, in characters (the full input stays in the WARC archive).
MAX_EXCERPT_CHARS = 16_384


def printable(text: str | None) -> str | None:
    """``text`` storable as UTF-8: bytes that were not UTF-8 (kept by ``surrogateescape``
    decoding as lone surrogates, which SQLite cannot store) written as ``\\xNN``."""
    if text is None:
        return None
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def cut_excerpt(excerpt: str | bytes) -> str:
    """The start of a raw input, as a reject keeps it: bytes decoded as UTF-8 (``errors="replace"``),
    cut to :data:`MAX_EXCERPT_CHARS` characters."""
    if isinstance(excerpt, bytes):
        excerpt = excerpt[: MAX_EXCERPT_CHARS * 4].decode("utf-8", errors="replace")
    return excerpt[:MAX_EXCERPT_CHARS]


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
    """Record one reject and return its ``rejects`` row id.

    The same reject seen again (same spider, URL, reason, location and dataset: see
    :data:`IDENTITY`) keeps its first row, whose ``times_seen``, ``last_seen_at`` and
    ``last_crawl_run_id`` are updated, so re-crawling the same input adds no row.

    ``excerpt`` may be bytes (decoded as UTF-8 with ``errors="replace"``); it is cut to
    :data:`MAX_EXCERPT_CHARS`. ``fetched_at`` defaults to now (UTC ISO 8601). ``location`` says
    where in a bulk input the bad part is (``"line 17"``, ``"$.notices[3].date"``).
    """
    if excerpt is not None:
        excerpt = printable(cut_excerpt(excerpt))
    reason = printable(reason)
    fetched_at = fetched_at or iso_utc()
    db.execute(
        "INSERT INTO rejects (crawl_run_id, spider, url, reason, excerpt, fetched_at, warc_record_id,"
        " dataset_id, location, times_seen, last_seen_at, last_crawl_run_id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)"
        f" ON CONFLICT ({IDENTITY}) DO UPDATE SET times_seen = times_seen + 1,"
        " last_seen_at = excluded.last_seen_at, last_crawl_run_id = excluded.last_crawl_run_id",
        [
            crawl_run_id,
            spider,
            url,
            reason,
            excerpt,
            fetched_at,
            warc_record_id,
            dataset_id,
            location,
            fetched_at,
            crawl_run_id,
        ],
    )
    return db.execute(
        f"SELECT id FROM rejects WHERE ({IDENTITY}) = (ifnull(?, ''), ifnull(?, ''), ?, ifnull(?, ''), ifnull(?, 0))",
        [spider, url, reason, location, dataset_id],
    ).fetchone()[0]
