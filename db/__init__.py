"""The modwatch SQLite database: opening, migrating, and the SQL the pipelines need.

:func:`connect` is the only way code should open the database. It applies every registered
migration set (sqlite-utils ``Migrations``, one module per area listed in
:data:`MIGRATION_MODULES`), then re-creates the article FTS triggers if a migration dropped
them (see :mod:`db.fts`).

To add tables for a new area: write ``db/migrations_<area>.py`` exposing
``migrations = Migrations("modwatch-<area>")`` and append its module name below.
"""

import importlib
from pathlib import Path

import sqlite_utils

from db import fts

#: Modules exposing ``migrations: sqlite_utils.migrations.Migrations``, applied in this order.
MIGRATION_MODULES = [
    "db.migrations_core",
    "db.migrations_transparency",
    "db.migrations_notices",
    "db.migrations_dsa",
    "db.migrations_publish",
    "db.migrations_tagging",
]


class ForeignKeyError(RuntimeError):
    """The database has rows whose foreign keys point nowhere (after migrating)."""


def migration_sets():
    """The registered ``Migrations`` objects, in application order."""
    return [importlib.import_module(name).migrations for name in MIGRATION_MODULES]


def connect(path: str | Path = ":memory:") -> sqlite_utils.Database:
    """Open (creating if needed) and migrate the database at ``path``.

    ``":memory:"`` gives a private in-memory database (for tests). A file database is put in
    WAL journal mode, so Datasette can read while a crawl writes. The parent folder is
    created if missing. Migrations run with foreign keys off (``transform()`` rebuilds tables);
    afterwards ``PRAGMA foreign_keys`` is on for the connection.

    Raises :class:`ForeignKeyError` if a migration left dangling foreign keys.
    """
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = sqlite_utils.Database(path)
    if str(path) != ":memory:":
        db.enable_wal()
    db.execute("PRAGMA busy_timeout = 10000")
    db.execute("PRAGMA foreign_keys = OFF")
    for migrations in migration_sets():
        migrations.apply(db)
    fts.ensure(db)
    dangling = db.execute("PRAGMA foreign_key_check").fetchall()
    if dangling:
        raise ForeignKeyError(f"dangling foreign keys after migrating {path}: {dangling[:5]}")
    db.execute("PRAGMA foreign_keys = ON")
    return db
