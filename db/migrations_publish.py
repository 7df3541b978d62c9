"""Migrations for publishing: columns Datasette facets on that the crawl never writes.

``articles.published_year``
    ``CAST(substr(published_at, 1, 4) AS INTEGER)``, a VIRTUAL generated column (computed on
    read, no storage, never written by the pipeline), so Datasette can facet articles by year
    (``datasette/metadata.yml`` lists it in the default facets). NULL when ``published_at`` is.
    SQLite allows adding a VIRTUAL (not a STORED) generated column with ``ALTER TABLE``.
"""

from sqlite_utils.migrations import Migrations

migrations = Migrations("modwatch-publish")


@migrations()
def m001_articles_published_year(db):
    columns = {row[1] for row in db.execute("PRAGMA table_xinfo(articles)").fetchall()}
    if "published_year" not in columns:
        db.execute(
            "ALTER TABLE articles ADD COLUMN published_year INTEGER "
            "GENERATED ALWAYS AS (CAST(substr(published_at, 1, 4) AS INTEGER)) VIRTUAL"
        )
