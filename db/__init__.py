"""The modwatch SQLite database: opening, migrating, and the SQL the pipelines need.

:func:`connect` is the only way code should open the database. It applies every registered
migration set (sqlite-utils ``Migrations``, one module per area listed in
:data:`MIGRATION_MODULES`), then re-creates the article FTS triggers if a migration dropped
them (see :mod:`db.fts`).

Where: :func:`default_path` (``$MODWATCH_DB`` or :data:`DEFAULT_PATH`) for the commands; in a
crawl, the ``MODWATCH_DB`` setting, and every component shares one connection
(:func:`for_crawler` / :func:`release`).

To add tables for a new area: write ``db/migrations_<area>.py`` exposing
``migrations = Migrations("modwatch-<area>")`` and append its module name below. A module
may also expose ``ensure(db) -> None``: an idempotent step run by every :func:`connect` after
all migrations, for what a later ``transform()`` silently drops (triggers on a transformed
table). Migrations that call ``transform()`` need nothing special: they run with foreign keys
off, as SQLite's ALTER TABLE procedure requires (https://sqlite.org/lang_altertable.html).
"""

import importlib
import os
import weakref
from pathlib import Path

import sqlite_utils

#: The database file when neither ``MODWATCH_DB`` nor a ``--db`` option names one.
DEFAULT_PATH = "data/modwatch.db"

#: Modules exposing ``migrations: sqlite_utils.migrations.Migrations``, applied in this order.
MIGRATION_MODULES = [
    "db.migrations_core",
    "db.migrations_transparency",
    "db.migrations_notices",
    "db.migrations_dsa",
    "db.migrations_publish",
    "db.migrations_tagging",
    "db.migrations_history",
    "db.migrations_dsa_notes",
    "db.migrations_sources",
    "db.migrations_figures",
    "db.migrations_dsa_scale",
    "db.migrations_dsa_compact",
    "db.migrations_dates",
]


class ForeignKeyError(RuntimeError):
    """The database has rows whose foreign keys point nowhere (after migrating)."""


def migration_modules():
    """The registered migration modules, in application order."""
    return [importlib.import_module(name) for name in MIGRATION_MODULES]


def migration_sets():
    """The registered ``Migrations`` objects, in application order."""
    return [module.migrations for module in migration_modules()]


def connect(path: str | Path = ":memory:") -> sqlite_utils.Database:
    """Open (creating if needed) and migrate the database at ``path``.

    ``":memory:"`` gives a private in-memory database (for tests). A file database is put in
    WAL journal mode, so Datasette can read while a crawl writes. The parent folder is
    created if missing. Migrations run with foreign keys off (``transform()`` rebuilds tables);
    afterwards ``PRAGMA foreign_keys`` is on for the connection.

    Raises :class:`ForeignKeyError` if the migrations just applied left dangling foreign keys.
    """
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = sqlite_utils.Database(path)
    if str(path) != ":memory:":
        db.enable_wal()
        # WAL + NORMAL: no fsync per transaction (one per checkpoint); never corrupts, a power
        # cut can lose only the last transactions (https://sqlite.org/pragma.html#pragma_synchronous)
        db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA busy_timeout = 10000")
    db.execute("PRAGMA foreign_keys = OFF")
    modules = migration_modules()
    migrated = False
    for module in modules:
        migrated = migrated or bool(module.migrations.pending(db))
        module.migrations.apply(db)
    for module in modules:
        if hasattr(module, "ensure"):
            module.ensure(db)
    if migrated:  # a full scan: only when a migration ran
        dangling = db.execute("PRAGMA foreign_key_check").fetchall()
        if dangling:
            raise ForeignKeyError(f"dangling foreign keys after migrating {path}: {dangling[:5]}")
    db.execute("PRAGMA foreign_keys = ON")
    return db


def default_path() -> str:
    """The database path of the commands: ``$MODWATCH_DB``, else :data:`DEFAULT_PATH`."""
    return os.environ.get("MODWATCH_DB") or DEFAULT_PATH


#: crawler -> [its shared connection, number of components holding it]
_CRAWLS: "weakref.WeakKeyDictionary[object, list]" = weakref.WeakKeyDictionary()


def for_crawler(crawler) -> sqlite_utils.Database:
    """The one connection of a crawl to its ``MODWATCH_DB`` setting (:data:`DEFAULT_PATH` if unset).

    The first component asking opens (and migrates) the database; later ones get the same
    connection, so a crawl opens it once, not once per extension, middleware and pipeline.
    Each caller hands it back with :func:`release` when the spider closes; the last release
    closes it. Scrapy calls components from one thread, the one the connection belongs to.
    Each component commits its own writes.
    """
    shared = _CRAWLS.get(crawler)
    if shared is None:
        shared = _CRAWLS[crawler] = [connect(crawler.settings.get("MODWATCH_DB") or DEFAULT_PATH), 0]
    shared[1] += 1
    return shared[0]


def release(crawler) -> None:
    """Hand back the connection of :func:`for_crawler`; the last holder's release closes it."""
    shared = _CRAWLS.get(crawler)
    if shared is None:
        return
    shared[1] -= 1
    if shared[1] <= 0:
        del _CRAWLS[crawler]
        shared[0].close()
