"""Full-text search (SQLite FTS5) that finds words without their accents, Vietnamese ``đ`` included.

One design for every searchable table, described by an :class:`Index`:

- :data:`ARTICLES` ``articles_fts`` over ``articles(title, body)`` and :data:`NOTICES`
  ``notices_fts`` over ``notices(title, body)``: kept in sync by triggers;
- :data:`STATEMENTS` ``statements_of_reasons_fts`` over six texts of the DSA statements of
  reasons: **no triggers** (indexing inside the DSA bulk load made it 3.5 times slower, see
  ``db/migrations_publish.py``); filled in bulk after each load by :func:`fill_new`
  (statements are insert-only, so it indexes the rows above the highest indexed ``id``).

Each is an FTS5 *external content* table (``content=[table]``, ``content_rowid=[id]``), so
Datasette's ``?_search=`` and sqlite-utils' ``table.search()`` detect and use it.

Folding, both ways:

- the ``unicode61 remove_diacritics 2`` tokenizer folds the accents and tone marks of the
  index *and* of the query (``Việt Nam`` -> ``viet nam``, ``kiểm duyệt`` -> ``kiem duyet``);
- ``đ``/``Đ`` (U+0111/U+0110, Vietnamese, Croatian) is a letter of its own, not a letter plus a
  combining mark, so the tokenizer keeps it. For a text that contains it, the index gets the
  text followed by a copy where ``đ``->``d`` and ``Đ``->``D`` (the "folded shadow"). ``duong``
  then finds ``đường`` through the copy and ``đường`` still finds it through the original. The
  shadow lives only in the index: the content table keeps the text unchanged, and the folding
  is plain SQL (``replace()``), so any SQLite client (sqlite-utils CLI, Datasette writes) keeps
  a triggered index in sync without a custom function.

Because the indexed text differs from the content table's columns, rebuild an index with
:func:`rebuild` (never FTS5's ``'rebuild'`` command, which would index the raw text).

Triggers do not survive ``Table.transform()`` (it drops and renames the table). :func:`ensure`
runs at the end of every :func:`db.connect` (the migration modules expose it): it re-creates
missing triggers and, if any was missing, rebuilds the index so rows written meanwhile are
searchable.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

TOKENIZE = "unicode61 remove_diacritics 2"


@dataclass(frozen=True)
class Index:
    """An FTS5 index over ``columns`` of ``table`` (integer primary key ``id``), named ``<table>_fts``.

    ``triggers``: kept in sync by triggers (else filled by :func:`fill_new`); ``fold``: index the
    đ-folded shadow too.
    """

    table: str
    columns: tuple[str, ...]
    triggers: bool = True
    fold: bool = True

    @property
    def name(self) -> str:
        return f"{self.table}_fts"

    @property
    def trigger_names(self) -> tuple[str, ...]:
        return tuple(f"{self.name}_{suffix}" for suffix in ("ai", "ad", "au")) if self.triggers else ()


ARTICLES = Index("articles", ("title", "body"))
NOTICES = Index("notices", ("title", "body"))
STATEMENTS = Index(
    "statements_of_reasons",
    (
        "platform_name",
        "decision_facts",
        "illegal_content_legal_ground",
        "illegal_content_explanation",
        "incompatible_content_ground",
        "incompatible_content_explanation",
    ),
    triggers=False,
)

#: the article index (names kept for callers and tests)
FTS_TABLE = ARTICLES.name
TRIGGERS = ARTICLES.trigger_names


def indexed_text_sql(column: str, fold: bool = True) -> str:
    """SQL expression for the text indexed from ``column`` (e.g. ``new.title``).

    The text itself, plus a newline and its đ-folded copy when folding changes it.
    """
    if not fold:
        return column
    folded = f"replace(replace(coalesce({column}, ''), 'đ', 'd'), 'Đ', 'D')"
    return f"CASE WHEN {folded} = coalesce({column}, '') THEN {column} ELSE {column} || char(10) || {folded} END"


def _values(index: Index, ref: str = "") -> str:
    prefix = f"{ref}." if ref else ""
    texts = ", ".join(indexed_text_sql(prefix + column, index.fold) for column in index.columns)
    return f"{prefix}id, {texts}"


def _trigger_sql(index: Index) -> dict[str, str]:
    fts, table, columns = index.name, index.table, ", ".join(index.columns)
    delete = f"INSERT INTO [{fts}]([{fts}], rowid, {columns}) VALUES ('delete', {_values(index, 'old')});"
    insert = f"INSERT INTO [{fts}](rowid, {columns}) VALUES ({_values(index, 'new')});"
    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in ("id", *index.columns))
    ai, ad, au = index.trigger_names
    return {
        ai: f"CREATE TRIGGER IF NOT EXISTS [{ai}] AFTER INSERT ON [{table}] BEGIN {insert} END",
        ad: f"CREATE TRIGGER IF NOT EXISTS [{ad}] AFTER DELETE ON [{table}] BEGIN {delete} END",
        au: (
            f"CREATE TRIGGER IF NOT EXISTS [{au}] AFTER UPDATE OF id, {columns} ON [{table}] "
            f"WHEN {changed} BEGIN {delete} {insert} END"
        ),
    }


def create(db: sqlite_utils.Database, index: Index = ARTICLES) -> None:
    """Create the index (if missing) and its triggers; index the existing rows."""
    db.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS [{index.name}] USING FTS5 ({', '.join(index.columns)}, "
        f"content=[{index.table}], content_rowid=[id], tokenize='{TOKENIZE}')"
    )
    if index.triggers:
        ensure(db, index, force_rebuild=True)
    else:
        with db.atomic():
            rebuild(db, index)


def ensure(db: sqlite_utils.Database, index: Index = ARTICLES, *, force_rebuild: bool = False) -> bool:
    """Re-create missing triggers of ``index``; rebuild it if any was missing (or ``force_rebuild``).

    Idempotent and cheap when nothing is missing. Returns True if the index was rebuilt.
    Does nothing if the index does not exist (before its migration ran).
    """
    if not db[index.name].exists():
        return False
    existing = {t.name for t in db.triggers}
    missing = [name for name in index.trigger_names if name not in existing]
    if not missing and not force_rebuild:
        return False
    with db.atomic():
        for name, sql in _trigger_sql(index).items() if index.triggers else ():
            if name in missing:
                db.execute(sql)
        rebuild(db, index)
    return True


def rebuild(db: sqlite_utils.Database, index: Index = ARTICLES) -> None:
    """Re-index every row of the table (with the đ-folded shadow), replacing the whole index."""
    db.execute(f"INSERT INTO [{index.name}]([{index.name}]) VALUES ('delete-all')")
    db.execute(
        f"INSERT INTO [{index.name}](rowid, {', '.join(index.columns)}) SELECT {_values(index)} FROM [{index.table}]"
    )


def fill_new(db: sqlite_utils.Database, index: Index) -> int:
    """Index, in one transaction, the rows whose ``id`` is above the highest indexed one; return how many.

    For an insert-only table (or view: ``statements_of_reasons``) indexed without triggers
    (:data:`STATEMENTS`). A database without the table or its index returns 0.
    """
    if not {index.table, index.name} <= {*db.table_names(), *db.view_names()}:
        return 0
    last = db.execute(f"SELECT coalesce(max(id), 0) FROM [{index.name}_docsize]").fetchone()[0]
    with db.conn:
        cursor = db.execute(
            f"INSERT INTO [{index.name}](rowid, {', '.join(index.columns)}) "
            f"SELECT {_values(index)} FROM [{index.table}] WHERE id > ? ORDER BY id",
            [last],
        )
    return cursor.rowcount


def optimize(db: sqlite_utils.Database, index: Index = ARTICLES) -> None:
    """Merge the index's segments into one (FTS5 ``'optimize'``).

    Each transaction that changes rows adds a small segment; after a crawl (one transaction
    per item) searches get faster once merged. Cost grows with the index size (seconds for
    ~100 MB).
    """
    db.execute(f"INSERT INTO [{index.name}]([{index.name}]) VALUES ('optimize')")
