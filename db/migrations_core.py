"""Core schema: sources, articles and their authors/tags, crawl runs, rejects, article FTS.

Every table is created here with declared column types, so a column that is NULL in the
first rows still has the right type (``INTEGER`` for counts). Append new migrations at the
end; never edit one that has been released (it is recorded as applied in
``_sqlite_migrations`` and will not run again).
"""

from sqlite_utils.migrations import Migrations

from db import fts, rejects

migrations = Migrations("modwatch-core")

#: Run by :func:`db.connect` after every migration: re-creates the article FTS triggers
#: (and re-indexes) if a ``transform()`` of ``articles`` dropped them.
ensure = fts.ensure


@migrations()
def m001_sources_crawl_runs(db):
    db["sources"].create(
        {"key": str, "name": str, "base_url": str, "language": str},
        pk="key",
    )
    db["crawl_runs"].create(
        {
            "id": int,
            "spider": str,
            "started_at": str,  # UTC ISO 8601
            "finished_at": str,
            "finish_reason": str,  # Scrapy's close reason: finished, shutdown, closespider_* ...
            "items_scraped": int,
            "errors": int,
            "rejects": int,
            "requests": int,
            "responses": int,
            "stats_json": str,  # every Scrapy stat at close, JSON object
            "warc_filename": str,
            "replay_source": str,  # WARC path(s) the run replayed, NULL for a live crawl
        },
        pk="id",
    )
    db["crawl_runs"].create_index(["spider", "started_at"])


@migrations()
def m002_articles(db):
    db["articles"].create(
        {
            "id": int,
            "url": str,
            "source": str,
            "title": str,
            "published_at": str,
            "published_at_raw": str,
            "published_at_offset": str,
            "published_at_precision": str,
            "modified_at": str,
            "modified_at_raw": str,
            "modified_at_offset": str,
            "section": str,
            "image_url": str,
            "body": str,
            "language": str,
            "fetched_url": str,
            "fetched_at": str,
            "http_status": int,
            "body_sha256": str,
            "content_sha256": str,
            "crawl_run_id": int,
            "warc_record_id": str,
            "warc_filename": str,
            "discovered_via": str,
            "first_seen_at": str,
            "last_seen_at": str,
        },
        pk="id",
        not_null={"url"},
        foreign_keys=[("source", "sources", "key"), ("crawl_run_id", "crawl_runs", "id")],
    )
    db["articles"].create_index(["url"], unique=True)
    db["articles"].create_index(["source", "published_at"])
    db["articles"].create_index(["crawl_run_id"])

    db["authors"].create({"id": int, "name": str}, pk="id", not_null={"name"})
    db["authors"].create_index(["name"], unique=True)
    db["article_authors"].create(
        {"article_id": int, "author_id": int, "position": int},
        pk=("article_id", "author_id"),
        foreign_keys=[("article_id", "articles", "id"), ("author_id", "authors", "id")],
    )
    db["article_authors"].create_index(["author_id"])

    db["tags"].create({"id": int, "name": str}, pk="id", not_null={"name"})
    db["tags"].create_index(["name"], unique=True)
    db["article_tags"].create(
        {"article_id": int, "tag_id": int},
        pk=("article_id", "tag_id"),
        foreign_keys=[("article_id", "articles", "id"), ("tag_id", "tags", "id")],
    )
    db["article_tags"].create_index(["tag_id"])


@migrations()
def m003_rejects(db):
    db["rejects"].create(
        {
            "id": int,
            "crawl_run_id": int,
            "spider": str,
            "url": str,  # URL, or file name of a bulk data set
            "reason": str,
            "excerpt": str,  # start of the raw input
            "fetched_at": str,
            "warc_record_id": str,
            "dataset_id": int,  # datasets.id for rows of a transparency data set
            "location": str,  # where in that input: line number or JSON path
        },
        pk="id",
        foreign_keys=[("crawl_run_id", "crawl_runs", "id")],
    )
    db["rejects"].create_index(["crawl_run_id"])
    db["rejects"].create_index(["dataset_id"])


@migrations()
def m004_articles_fts(db):
    fts.create(db)


@migrations()
def m005_rejects_seen_once(db):
    """The same bad input seen again (a re-crawl) updates its row instead of adding one."""
    db["rejects"].add_column("times_seen", int)
    db["rejects"].add_column("last_seen_at", str)
    db["rejects"].add_column("last_crawl_run_id", int)
    db.execute("DELETE FROM rejects WHERE id NOT IN (SELECT min(id) FROM rejects GROUP BY " + rejects.IDENTITY + ")")
    db.execute("UPDATE rejects SET times_seen = 1, last_seen_at = fetched_at, last_crawl_run_id = crawl_run_id")
    db.execute("CREATE UNIQUE INDEX rejects_identity ON rejects (" + rejects.IDENTITY + ")")
