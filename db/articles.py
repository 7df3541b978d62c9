"""Store articles (with their authors and tags) idempotently.

One row per canonical URL. Storing the same article again updates it in place: the
``first_seen_at`` of the first store is kept, ``last_seen_at`` moves on, the author and tag
lists are replaced (no duplicates), so crawling the same input twice leaves the same rows.
"""

import hashlib
from collections.abc import Mapping
from urllib.parse import urlsplit

import sqlite_utils

from db.timestamps import iso_utc

#: ``articles`` columns filled straight from the ArticleItem field of the same name.
ITEM_COLUMNS = (
    "url",
    "source",
    "title",
    "published_at",
    "published_at_raw",
    "published_at_offset",
    "published_at_precision",
    "modified_at",
    "modified_at_raw",
    "modified_at_offset",
    "section",
    "image_url",
    "body",
    "language",
    "fetched_url",
    "fetched_at",
    "http_status",
    "body_sha256",
    "warc_record_id",
    "warc_filename",
    "discovered_via",
    "published_local",
)

#: Columns an update never changes.
_KEEP_ON_UPDATE = {"url", "first_seen_at"}


class InvalidArticle(ValueError):
    """The article lacks what the ``articles`` table requires (a URL and a source)."""


def content_sha256(title: str | None, body: str | None) -> str:
    """Hex sha256 of ``title + "\\n" + body`` (UTF-8): changes iff the text shown changes."""
    return hashlib.sha256(f"{title or ''}\n{body or ''}".encode("utf-8")).hexdigest()


def upsert_source(
    db: sqlite_utils.Database, key: str, *, name=None, base_url=None, language=None, keep_stored: bool = False
) -> None:
    """Insert or update the ``sources`` row ``key``.

    By default (a site description from the sites file) the values given replace stored ones.
    With ``keep_stored=True`` (a guess made from an article URL) they only fill empty fields,
    so a richer description stored before is not overwritten. ``None`` or ``""`` never replaces
    a stored value.
    """
    if (
        keep_stored
        and db.execute(
            "SELECT 1 FROM sources WHERE key = ? AND name IS NOT NULL AND base_url IS NOT NULL AND language IS NOT NULL",
            [key],
        ).fetchone()
    ):
        return  # every field already filled: nothing a guess may change (one read instead of a write per article)
    first, second = ("sources", "excluded") if keep_stored else ("excluded", "sources")
    db.execute(
        f"""
        INSERT INTO sources (key, name, base_url, language) VALUES (?, ?, ?, ?)
        ON CONFLICT(key) DO UPDATE SET
            name = coalesce({first}.name, {second}.name),
            base_url = coalesce({first}.base_url, {second}.base_url),
            language = coalesce({first}.language, {second}.language)
        """,
        [key, name or None, base_url or None, language or None],
    )


def upsert_article(db: sqlite_utils.Database, item: Mapping, crawl_run_id: int | None = None) -> int:
    """Insert or update the article ``item`` (ArticleItem fields) and return its ``articles.id``.

    Also ensures its ``sources`` row, and replaces its ``article_authors`` (``item["authors"]``,
    a list of names in page order) and ``article_tags`` (``item["tags"]``). Runs in one
    transaction. Raises :class:`InvalidArticle` if ``url`` or ``source`` is missing.
    """
    url, source = item.get("url"), item.get("source")
    if not url or not source:
        raise InvalidArticle(f"article needs a url and a source, got url={url!r} source={source!r}")
    now = iso_utc()
    row = {column: item.get(column) for column in ITEM_COLUMNS}
    row.update(
        content_sha256=content_sha256(item.get("title"), item.get("body")),
        crawl_run_id=crawl_run_id,
        first_seen_at=now,
        last_seen_at=now,
    )
    columns = list(row)
    updates = ", ".join(f"[{c}] = excluded.[{c}]" for c in columns if c not in _KEEP_ON_UPDATE)
    sql = (
        f"INSERT INTO articles ({', '.join(f'[{c}]' for c in columns)}) "
        f"VALUES ({', '.join('?' for _ in columns)}) "
        f"ON CONFLICT(url) DO UPDATE SET {updates} RETURNING id"
    )
    with db.atomic():
        parts = urlsplit(url)
        upsert_source(
            db,
            source,
            name=source,
            base_url=f"{parts.scheme}://{parts.netloc}/",
            language=item.get("language"),
            keep_stored=True,
        )
        article_id = db.execute(sql, [row[c] for c in columns]).fetchone()[0]
        _replace_authors(db, article_id, item.get("authors") or [])
        _replace_tags(db, article_id, item.get("tags") or [])
    return article_id


def _names(values) -> list[str]:
    """Stripped, non-empty, first occurrence only (page order kept)."""
    seen: dict[str, None] = {}
    for value in values:
        name = " ".join(str(value).split())
        if name:
            seen.setdefault(name, None)
    return list(seen)


def _id_for(db: sqlite_utils.Database, table: str, name: str) -> int:
    """``id`` of ``name`` in the lookup table ``authors`` or ``tags`` (inserted if new).

    Plain SQL on the unique ``name`` index: sqlite-utils' ``Table.lookup`` re-reads the table's
    schema and indexes on every call (about 3 ms each, several times per article)."""
    row = db.execute(f"SELECT id FROM [{table}] WHERE name = ?", [name]).fetchone()
    if row is not None:
        return row[0]
    return db.execute(f"INSERT INTO [{table}] (name) VALUES (?)", [name]).lastrowid


def _replace_authors(db: sqlite_utils.Database, article_id: int, authors) -> None:
    db.execute("DELETE FROM article_authors WHERE article_id = ?", [article_id])
    for position, name in enumerate(_names(authors), start=1):
        db.execute(
            "INSERT INTO article_authors (article_id, author_id, position) VALUES (?, ?, ?)",
            [article_id, _id_for(db, "authors", name), position],
        )


def _replace_tags(db: sqlite_utils.Database, article_id: int, tags) -> None:
    db.execute("DELETE FROM article_tags WHERE article_id = ?", [article_id])
    for name in _names(tags):
        db.execute(
            "INSERT INTO article_tags (article_id, tag_id) VALUES (?, ?)",
            [article_id, _id_for(db, "tags", name)],
        )
