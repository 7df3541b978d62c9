"""Article upserts: idempotent, authors/tags replaced, first_seen_at kept, content hash."""

import hashlib

import pytest

from db.articles import InvalidArticle, content_sha256, upsert_article, upsert_source

# Real values from demo/files/wikimediafoundation.org/access-to-wikipedia-restored-in-turkey.html
WIKIMEDIA = {
    "url": "https://wikimediafoundation.org/news/2020/01/15/access-to-wikipedia-restored-in-turkey-after-more-than-two-and-a-half-years/",
    "source": "wikimediafoundation",
    "title": "Access to Wikipedia restored in Turkey after more than two and a half years",
    "authors": ["Wikimedia Foundation"],
    "published_at": "2020-01-15T01:01:01Z",
    "published_at_raw": "2020-01-15T01:01:01+00:00",
    "published_at_offset": "+00:00",
    "published_at_precision": "second",
    "section": "News",
    "tags": ["Turkey", "Wikipedia", "Access to knowledge"],
    "body": "Access to Wikipedia has been restored in Turkey.\nWe welcome this decision.",
    "language": "en",
    "fetched_url": "https://wikimediafoundation.org/news/2020/01/15/access-to-wikipedia-restored-in-turkey-after-more-than-two-and-a-half-years/",
    "fetched_at": "2026-11-29T16:00:00Z",
    "http_status": 200,
    "body_sha256": "0" * 64,
    "warc_record_id": "<urn:uuid:00000000-0000-0000-0000-000000000001>",
    "warc_filename": "news-1-20261129T160000Z.warc.gz",
    "discovered_via": "start-url",
}

TABLES = ["sources", "articles", "authors", "article_authors", "tags", "article_tags"]

TIME_COLUMNS = {"first_seen_at", "last_seen_at"}


def snapshot(database):
    rows = {t: [dict(r) for r in database[t].rows] for t in TABLES}
    for row in rows["articles"]:
        for column in TIME_COLUMNS:
            row.pop(column)
    return rows


def test_same_article_twice_leaves_same_rows(memory_db):
    first_id = upsert_article(memory_db, WIKIMEDIA)
    before = snapshot(memory_db)
    second_id = upsert_article(memory_db, WIKIMEDIA)
    assert second_id == first_id
    assert snapshot(memory_db) == before
    assert {t: len(rows) for t, rows in before.items()} == {
        "sources": 1,
        "articles": 1,
        "authors": 1,
        "article_authors": 1,
        "tags": 3,
        "article_tags": 3,
    }


def test_update_keeps_first_seen_and_replaces_authors_and_tags(memory_db):
    article_id = upsert_article(memory_db, WIKIMEDIA)
    memory_db.execute(
        "UPDATE articles SET first_seen_at = '2020-01-01T00:00:00Z', last_seen_at = '2020-01-01T00:00:00Z'"
    )
    changed = {**WIKIMEDIA, "authors": ["Jane Doe", "Wikimedia Foundation"], "tags": ["Turkey"], "title": "Updated"}
    assert upsert_article(memory_db, changed, crawl_run_id=None) == article_id
    row = memory_db["articles"].get(article_id)
    assert row["first_seen_at"] == "2020-01-01T00:00:00Z"
    assert row["last_seen_at"] > "2026-"
    assert row["title"] == "Updated"
    authors = memory_db.execute(
        "SELECT a.name, aa.position FROM article_authors aa JOIN authors a ON a.id = aa.author_id ORDER BY position"
    ).fetchall()
    assert authors == [("Jane Doe", 1), ("Wikimedia Foundation", 2)]
    assert memory_db.execute("SELECT count(*) FROM article_tags").fetchone()[0] == 1
    assert memory_db["authors"].count == 2  # names are kept for other articles


def test_row_carries_provenance_and_content_hash(memory_db):
    article_id = upsert_article(memory_db, WIKIMEDIA)
    row = memory_db["articles"].get(article_id)
    assert row["http_status"] == 200
    assert row["warc_record_id"] == "<urn:uuid:00000000-0000-0000-0000-000000000001>"
    assert row["fetched_at"] == "2026-11-29T16:00:00Z"
    expected = hashlib.sha256((WIKIMEDIA["title"] + "\n" + WIKIMEDIA["body"]).encode()).hexdigest()
    assert row["content_sha256"] == expected == content_sha256(WIKIMEDIA["title"], WIKIMEDIA["body"])
    assert memory_db["sources"].get("wikimediafoundation") == {
        "key": "wikimediafoundation",
        "name": "wikimediafoundation",
        "base_url": "https://wikimediafoundation.org/",
        "language": "en",
    }


def test_site_description_is_not_overwritten_by_the_guess_from_an_article_url(memory_db):
    upsert_source(memory_db, "wikimediafoundation", name="Wikimedia Foundation News", language=None)
    upsert_article(memory_db, WIKIMEDIA)  # guesses name = key, base_url from the URL, language "en"
    assert memory_db["sources"].get("wikimediafoundation") == {
        "key": "wikimediafoundation",
        "name": "Wikimedia Foundation News",
        "base_url": "https://wikimediafoundation.org/",
        "language": "en",
    }
    # a new site description replaces stored values; None and "" leave them alone
    upsert_source(memory_db, "wikimediafoundation", name="Wikimedia Foundation", base_url="", language=None)
    assert memory_db["sources"].get("wikimediafoundation") == {
        "key": "wikimediafoundation",
        "name": "Wikimedia Foundation",
        "base_url": "https://wikimediafoundation.org/",
        "language": "en",
    }


def test_author_and_tag_ids_are_reused_without_adding_indexes(memory_db):
    indexes = {t: [i.name for i in memory_db[t].indexes] for t in ("authors", "tags")}
    first = upsert_article(memory_db, WIKIMEDIA)
    second = upsert_article(memory_db, {**WIKIMEDIA, "url": WIKIMEDIA["url"] + "?amp", "tags": ["Wikipedia"]})
    pairs = memory_db.execute("SELECT article_id, author_id FROM article_authors ORDER BY article_id").fetchall()
    assert [article for article, _ in pairs] == [first, second] and pairs[0][1] == pairs[1][1]
    assert memory_db["tags"].count == 3
    assert {t: [i.name for i in memory_db[t].indexes] for t in ("authors", "tags")} == indexes


def test_duplicate_and_blank_author_names_stored_once(memory_db):
    upsert_article(memory_db, {**WIKIMEDIA, "authors": ["  Ana  Ruiz ", "Ana Ruiz", ""], "tags": None})
    assert [r["name"] for r in memory_db["authors"].rows] == ["Ana Ruiz"]
    assert memory_db["article_tags"].count == 0


@pytest.mark.parametrize("missing", ["url", "source"])
def test_article_without_url_or_source_is_refused(memory_db, missing):
    with pytest.raises(InvalidArticle, match=missing):
        upsert_article(memory_db, {**WIKIMEDIA, missing: None})
    assert memory_db["articles"].count == 0


def test_the_same_reject_seen_again_updates_its_row_instead_of_adding_one(memory_db):
    """A re-crawl of the same bad input (real reason from the Lumen sample) adds no rejects row."""
    from db.rejects import insert_reject

    database = memory_db
    reason = "notice 6335: date_sent: impossible date '2911-06-28T04:00:00Z'; rest of the notice stored"
    url = "https://lumendatabase.org/notices/search.json?page=1"
    first = insert_reject(database, url=url, reason=reason, spider="lumen", fetched_at="2026-11-01T00:00:00Z")
    again = insert_reject(database, url=url, reason=reason, spider="lumen", fetched_at="2026-11-02T00:00:00Z")
    other = insert_reject(database, url=url, reason="notice 6335: date_received: impossible date", spider="lumen")
    rows = list(database.query("select id, times_seen, fetched_at, last_seen_at from rejects order by id"))
    assert first == again != other
    assert rows[0] == {
        "id": first,
        "times_seen": 2,
        "fetched_at": "2026-11-01T00:00:00Z",
        "last_seen_at": "2026-11-02T00:00:00Z",
    }
    assert len(rows) == 2
