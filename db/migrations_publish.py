"""Migrations for publishing: columns Datasette facets on that the crawl never writes.

``articles.published_year``
    ``CAST(substr(published_at, 1, 4) AS INTEGER)``, a VIRTUAL generated column (computed on
    read, no storage, never written by the pipeline), so Datasette can facet articles by year
    (``datasette/metadata.yml`` lists it in the default facets). NULL when ``published_at`` is.
    SQLite allows adding a VIRTUAL (not a STORED) generated column with ``ALTER TABLE``.

``statements_of_reasons_fts``
    FTS5 external-content index (``content=[statements_of_reasons]``, so Datasette's
    ``?_search=`` detects it) over the statement texts, accents folded
    (``unicode61 remove_diacritics 2``: ``estaticas`` finds ``estáticas``). **No triggers**:
    indexing inside the DSA ingest made it 3.5 times slower (60,000 real rows: 5.4 s -> 19.1 s),
    so the index is filled in bulk after each dump is loaded, by :func:`modwatch.load.dsa.index_new_statements`
    (the ``dsa_sor`` pipeline and ``dsa-load`` call it; ``python -m modwatch serve`` too, before it
    serves or publishes). Statements are insert-only (a uuid is final), so the
    update indexes the rows whose ``id`` is above the highest indexed one. Since m003 the index
    is :data:`db.fts.STATEMENTS`: the đ-folded shadow too (Croatian ``međunarodni`` is found by
    ``medunarodni``), as for articles and notices.
"""

from sqlite_utils.migrations import Migrations

from db import fts

#: Columns of ``statements_of_reasons`` indexed in ``statements_of_reasons_fts``.
SOR_FTS_COLUMNS = fts.STATEMENTS.columns

migrations = Migrations("modwatch-publish")


@migrations()
def m001_articles_published_year(db):
    columns = {row[1] for row in db.execute("PRAGMA table_xinfo(articles)").fetchall()}
    if "published_year" not in columns:
        db.execute(
            "ALTER TABLE articles ADD COLUMN published_year INTEGER "
            "GENERATED ALWAYS AS (CAST(substr(published_at, 1, 4) AS INTEGER)) VIRTUAL"
        )


@migrations()
def m002_statements_of_reasons_fts(db):
    if "statements_of_reasons" not in db.table_names():
        return
    db.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS [statements_of_reasons_fts] USING FTS5 ({', '.join(SOR_FTS_COLUMNS)}, "
        "content=[statements_of_reasons], content_rowid=[id], tokenize='unicode61 remove_diacritics 2')"
    )


@migrations()
def m003_statements_of_reasons_fts_folded(db):
    """Re-index the statements with the đ-folded shadow (:data:`db.fts.STATEMENTS`)."""
    if db["statements_of_reasons_fts"].exists():
        fts.rebuild(db, fts.STATEMENTS)
