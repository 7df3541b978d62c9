"""Migrations for article dates as the page shows them.

``articles.published_local``
    The publication date in the source's own time, as the page shows it, with its UTC offset
    (``2015-08-03T12:45:00-04:00``; a day, month or year as written; the wall-clock time when the
    page gives no offset). Written by the article pipeline (``ParsedDate.local_iso``) beside
    ``published_at``, the UTC instant: for a page dated 23:30 in Hanoi the UTC day is the day before.

``articles.published_day``
    ``YYYY-MM-DD`` of ``published_local`` (the calendar day a reader of the page saw), a VIRTUAL
    generated column so Datasette can facet on it (``datasette/metadata.yml``); NULL when the date is
    coarser than a day or unknown.
"""

from sqlite_utils.migrations import Migrations

migrations = Migrations("modwatch-dates")


def _columns(db, table: str) -> set[str]:
    return {row[1] for row in db.execute(f"PRAGMA table_xinfo([{table}])").fetchall()}


@migrations()
def m001_articles_published_local(db):
    if "articles" not in db.table_names():
        return
    if "published_local" not in _columns(db, "articles"):
        db.execute("ALTER TABLE articles ADD COLUMN published_local TEXT")
    if "published_day" not in _columns(db, "articles"):
        db.execute(
            "ALTER TABLE articles ADD COLUMN published_day TEXT GENERATED ALWAYS AS ("
            "CASE WHEN published_local GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]*' "
            "THEN substr(published_local, 1, 10) END) VIRTUAL"
        )
