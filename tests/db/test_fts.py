"""Article full-text search: Vietnamese without accents, sync by triggers, after transform(), in Datasette."""

import json
import subprocess
import sys
import types

import feedparser
import pytest
from bs4 import BeautifulSoup
from sqlite_utils.migrations import Migrations

import db
from db import fts
from db.articles import upsert_article
from tests.helpers import VI_FEED

FEED = VI_FEED


def feed_article() -> dict:
    """The one real Vietnamese article of the fixture feed (title + text of content:encoded)."""
    entry = feedparser.parse(FEED.read_bytes()).entries[0]
    body = BeautifulSoup(entry.content[0].value, "lxml").get_text("\n", strip=True)
    return {"url": entry.link, "source": "doancuoiki", "title": entry.title, "body": body, "language": "vi"}


# Vietnamese news sentences with the three words of the issue (Việt Nam, kiểm duyệt, đường)
NEWS = {
    "url": "https://thevietnamese.org/2021/06/kiem-duyet/",
    "source": "thevietnamese",
    "title": "Việt Nam siết chặt kiểm duyệt trên mạng xã hội",
    "body": "Chính quyền Việt Nam yêu cầu gỡ bỏ nội dung.\nNhiều người xuống đường phản đối.",
    "language": "vi",
}


def search(database, query) -> list[int]:
    """Ids found by the same query Datasette's ``?_search=`` runs."""
    sql = "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid"
    return [row[0] for row in database.execute(sql, [query])]


@pytest.fixture
def articles(memory_db):
    pet = upsert_article(memory_db, feed_article())
    news = upsert_article(memory_db, NEWS)
    return memory_db, pet, news


@pytest.mark.parametrize(
    "query, finds",
    [
        ("Viet Nam", {"news"}),
        ("kiem duyet", {"news"}),
        ("duong", {"news", "pet"}),  # đường in both
        ("Việt Nam", {"news"}),
        ("đường", {"news", "pet"}),
        ("kiểm duyệt", {"news"}),
        ("xuong duong", {"news"}),
        ("dinh duong", {"pet"}),  # "dinh dưỡng" in the real feed article
        ("dam bao", {"pet"}),  # "đảm bảo"
        ("DONG HANH", {"pet"}),  # "Đồng Hành" in the real title
        ("thu cung", {"pet"}),  # "thú cưng"
        ("Đồng Hành", {"pet"}),
        ("facebook", set()),
    ],
)
def test_vietnamese_found_with_and_without_accents(articles, query, finds):
    database, pet, news = articles
    assert search(database, query) == sorted({"pet": pet, "news": news}[name] for name in finds)


def test_sqlite_utils_detects_the_fts_table(articles):
    database, pet, news = articles
    assert database["articles"].detect_fts() == "articles_fts"
    assert [row["id"] for row in database["articles"].search("kiem duyet")] == [news]


def test_index_follows_updates_and_deletes(articles):
    database, pet, news = articles
    upsert_article(database, {**NEWS, "title": "Tin mới", "body": "Không còn nội dung cũ."})
    assert search(database, "kiem duyet") == []
    assert search(database, "noi dung") == [news]
    database["articles"].delete(pet)
    assert search(database, "thu cung") == []
    assert search(database, "duong") == []


def test_index_keeps_original_text_in_the_content_table(articles):
    database, pet, news = articles
    assert database.execute("SELECT title FROM articles_fts WHERE rowid = ?", [news]).fetchone()[0] == NEWS["title"]


def transform_migrations():
    """A later migration of another area that rebuilds ``articles`` with transform()."""
    migrations = Migrations("test-transform")

    @migrations()
    def m001_add_column_with_transform(database):
        database["articles"].add_column("word_count", int)
        database["articles"].transform(types={"word_count": float}, column_order=["id", "url", "title"])

    return migrations


def test_rows_inserted_after_a_transform_migration_are_found(db_path, monkeypatch):
    database = db.connect(db_path)
    before = upsert_article(database, NEWS)
    database.close()

    module = types.ModuleType("tests_transform_migration")
    module.migrations = transform_migrations()
    monkeypatch.setitem(sys.modules, "tests_transform_migration", module)
    # transform() really drops the triggers (this is what connect() must repair)
    raw = db.connect(db_path)
    raw.execute("PRAGMA foreign_keys = OFF")  # as connect() migrates
    module.migrations.apply(raw)
    assert {t.name for t in raw.triggers} & set(fts.TRIGGERS) == set()
    raw.close()

    monkeypatch.setattr(db, "MIGRATION_MODULES", [*db.MIGRATION_MODULES, "tests_transform_migration"])
    database = db.connect(db_path)
    assert {t.name for t in database.triggers} >= set(fts.TRIGGERS)
    assert database["articles"].columns_dict["word_count"] is float
    after = upsert_article(database, feed_article())
    assert search(database, "kiem duyet") == [before]
    assert search(database, "thu cung") == [after]
    assert search(database, "duong") == sorted([before, after])


def test_connect_repairs_triggers_and_reindexes_rows_written_meanwhile(db_path):
    database = db.connect(db_path)
    for name in fts.TRIGGERS:
        database.execute(f"DROP TRIGGER {name}")
    article_id = upsert_article(database, NEWS)  # written while the triggers were missing
    assert search(database, "kiem duyet") == []
    database.close()
    database = db.connect(db_path)
    assert search(database, "kiem duyet") == [article_id]


def test_datasette_search_finds_unaccented_words(db_path):
    database = db.connect(db_path)
    news = upsert_article(database, NEWS)
    pet = upsert_article(database, feed_article())
    database.close()
    found = {}
    for query in ("duong", "kiem%20duyet", "Viet%20Nam"):
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "datasette",
                str(db_path),
                "--get",
                f"/modwatch/articles.json?_search={query}&_shape=array",
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        found[query] = sorted(row["id"] for row in json.loads(result.stdout))
    assert found == {"duong": sorted([news, pet]), "kiem%20duyet": [news], "Viet%20Nam": [news]}
