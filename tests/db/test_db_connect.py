"""db.connect: WAL, foreign keys, declared column types, idempotent migrations."""

import sqlite3

import pytest

import db


def column_types(database, table):
    return {c.name: c.type for c in database[table].columns}


def test_file_database_is_wal_with_foreign_keys(db_path):
    database = db.connect(db_path)
    assert db_path.exists()
    assert database.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert database.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_foreign_keys_are_enforced(memory_db):
    with pytest.raises(sqlite3.IntegrityError):
        memory_db.execute("INSERT INTO article_authors (article_id, author_id, position) VALUES (99, 98, 1)")


@pytest.mark.parametrize(
    "table, expected",
    [
        (
            "articles",
            {
                "id": "INTEGER",
                "url": "TEXT",
                "http_status": "INTEGER",
                "crawl_run_id": "INTEGER",
                "published_at": "TEXT",
                "content_sha256": "TEXT",
                "warc_record_id": "TEXT",
            },
        ),
        (
            "crawl_runs",
            {
                "items_scraped": "INTEGER",
                "errors": "INTEGER",
                "rejects": "INTEGER",
                "requests": "INTEGER",
                "responses": "INTEGER",
                "stats_json": "TEXT",
            },
        ),
        ("rejects", {"crawl_run_id": "INTEGER", "dataset_id": "INTEGER", "location": "TEXT", "excerpt": "TEXT"}),
        ("article_authors", {"article_id": "INTEGER", "author_id": "INTEGER", "position": "INTEGER"}),
        ("sources", {"key": "TEXT", "name": "TEXT", "base_url": "TEXT", "language": "TEXT"}),
    ],
)
def test_column_types_declared_before_any_row(memory_db, table, expected):
    assert memory_db[table].count == 0
    types = column_types(memory_db, table)
    assert {name: types[name] for name in expected} == expected


def test_articles_url_is_unique_and_required(memory_db):
    assert any(index.unique and index.columns == ["url"] for index in memory_db["articles"].indexes)
    assert memory_db["articles"].columns_dict["url"] is str
    assert "NOT NULL" in memory_db["articles"].schema.split('"url"')[1].split(",")[0]


def test_reconnect_applies_nothing_new(db_path):
    first = db.connect(db_path)
    applied = [tuple(r) for r in first.execute("SELECT migration_set, name FROM _sqlite_migrations ORDER BY id")]
    first.close()
    second = db.connect(db_path)
    again = [tuple(r) for r in second.execute("SELECT migration_set, name FROM _sqlite_migrations ORDER BY id")]
    assert again == applied
    assert ("modwatch-core", "m004_articles_fts") in applied
    assert {t.name for t in second.triggers} >= {"articles_fts_ai", "articles_fts_ad", "articles_fts_au"}


def test_migration_leaving_dangling_foreign_keys_is_an_error(db_path, monkeypatch):
    import sys
    import types

    from sqlite_utils.migrations import Migrations

    bad = Migrations("test-dangling")

    @bad()
    def m001_orphan_author_link(database):
        database.execute("INSERT INTO article_authors (article_id, author_id, position) VALUES (41, 42, 1)")

    module = types.ModuleType("tests_dangling_migration")
    module.migrations = bad
    monkeypatch.setitem(sys.modules, "tests_dangling_migration", module)
    monkeypatch.setattr(db, "MIGRATION_MODULES", [*db.MIGRATION_MODULES, "tests_dangling_migration"])
    with pytest.raises(db.ForeignKeyError, match="article_authors"):
        db.connect(db_path)
