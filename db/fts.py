"""Full-text search on ``articles`` (SQLite FTS5) that finds Vietnamese words without accents.

``articles_fts`` is an FTS5 *external content* table over ``articles(title, body)``
(``content=[articles]``, ``content_rowid=[id]``), so Datasette's ``?_search=`` and
sqlite-utils' ``table.search()`` detect and use it.

Folding, both ways:

- the ``unicode61 remove_diacritics 2`` tokenizer folds the accents and tone marks of the
  index *and* of the query (``Việt Nam`` -> ``viet nam``, ``kiểm duyệt`` -> ``kiem duyet``);
- ``đ``/``Đ`` (U+0111/U+0110) is a letter of its own, not a letter plus a combining mark, so the
  tokenizer keeps it. For a title or body that contains it, the triggers index the text
  followed by a copy where ``đ``->``d`` and ``Đ``->``D`` (the "folded shadow"). ``duong`` then
  finds ``đường`` through the copy and ``đường`` still finds it through the original. The
  shadow lives only in the index: the content table keeps the article text unchanged, and
  the folding is plain SQL (``replace()``), so any SQLite client (sqlite-utils CLI, Datasette
  writes) keeps the index in sync without a custom function.

Because the indexed text differs from the content table's columns, rebuild the index with
:func:`rebuild` (never FTS5's ``'rebuild'`` command, which would index the raw text).

Triggers do not survive ``Table.transform()`` (it drops and renames the table). :func:`ensure`
runs at the end of every :func:`db.connect`: it re-creates missing triggers and, if any was
missing, rebuilds the index so rows written meanwhile are searchable.
"""

import sqlite_utils

FTS_TABLE = "articles_fts"
TOKENIZE = "unicode61 remove_diacritics 2"
TRIGGERS = ("articles_fts_ai", "articles_fts_ad", "articles_fts_au")


def indexed_text_sql(column: str) -> str:
    """SQL expression for the text indexed from ``column`` (e.g. ``new.title``).

    The text itself, plus a newline and its đ-folded copy when folding changes it.
    """
    folded = f"replace(replace(coalesce({column}, ''), 'đ', 'd'), 'Đ', 'D')"
    return f"CASE WHEN {folded} = coalesce({column}, '') THEN {column} ELSE {column} || char(10) || {folded} END"


def _trigger_sql() -> dict[str, str]:
    def values(ref: str) -> str:
        return f"{ref}.id, {indexed_text_sql(ref + '.title')}, {indexed_text_sql(ref + '.body')}"

    delete = f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, body) VALUES ('delete', {values('old')});"
    insert = f"INSERT INTO {FTS_TABLE}(rowid, title, body) VALUES ({values('new')});"
    return {
        "articles_fts_ai": f"CREATE TRIGGER IF NOT EXISTS articles_fts_ai AFTER INSERT ON articles BEGIN {insert} END",
        "articles_fts_ad": f"CREATE TRIGGER IF NOT EXISTS articles_fts_ad AFTER DELETE ON articles BEGIN {delete} END",
        "articles_fts_au": (
            "CREATE TRIGGER IF NOT EXISTS articles_fts_au AFTER UPDATE OF id, title, body ON articles "
            "WHEN old.id IS NOT new.id OR old.title IS NOT new.title OR old.body IS NOT new.body "
            f"BEGIN {delete} {insert} END"
        ),
    }


def create(db: sqlite_utils.Database) -> None:
    """Create ``articles_fts`` (if missing) and its triggers; index existing rows."""
    db.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS [{FTS_TABLE}] USING FTS5 ("
        f"title, body, content=[articles], content_rowid=[id], tokenize='{TOKENIZE}')"
    )
    ensure(db, force_rebuild=True)


def ensure(db: sqlite_utils.Database, *, force_rebuild: bool = False) -> bool:
    """Re-create missing FTS triggers; rebuild the index if any was missing.

    Idempotent and cheap when nothing is missing. Returns True if the index was rebuilt.
    Does nothing if ``articles_fts`` does not exist (before the core migrations ran).
    """
    if not db[FTS_TABLE].exists():
        return False
    existing = {t.name for t in db.triggers}
    missing = [name for name in TRIGGERS if name not in existing]
    if not missing and not force_rebuild:
        return False
    with db.atomic():
        for name, sql in _trigger_sql().items():
            if name in missing:
                db.execute(sql)
        rebuild(db)
    return True


def rebuild(db: sqlite_utils.Database) -> None:
    """Re-index every article (with the đ-folded shadow), replacing the whole index."""
    db.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')")
    db.execute(
        f"INSERT INTO {FTS_TABLE}(rowid, title, body) "
        f"SELECT id, {indexed_text_sql('title')}, {indexed_text_sql('body')} FROM articles"
    )


def optimize(db: sqlite_utils.Database) -> None:
    """Merge the index's segments into one (FTS5 ``'optimize'``).

    Each transaction that changes articles adds a small segment; after a crawl (one
    transaction per item) searches get faster once merged. Cost grows with the index size
    (seconds for ~100 MB).
    """
    db.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")
