"""One FTS design (``db.fts.Index``) for articles, Lumen notices and DSA statements of reasons (review #9).

``"tieu duong"`` finds ``tiểu đường`` in every index: notices through their triggers (also after migrating an
index made by sqlite-utils' ``enable_fts``), statements through the bulk fill after a load.
The Vietnamese text is real: the title and a sentence of the pet-food article of the demo feed
(``demo/files/99hainnguyen.github.io/category-tin-tuc-feed.xml``); the notice is a real 2015
Lumen notice (``tests/fixtures/lumen``) carrying them.
"""

import csv
import io
import json

import pytest

import db
from db import fts
from modwatch.load.dsa import index_new_statements, load_dump
from modwatch.load.notices import store_notice_page
from tests.transparency.samples import NOTICES, V1, fixture, nested_zip

TITLE = "Thức Ăn Cho Thú Cưng Tự Tin Chăm Sóc Và Nuôi Dưỡng Bạn Đồng Hành Đáng Yêu Của Bạn"
SENTENCE = "quản lý và điều trị các vấn đề sức khỏe như dị ứng hoặc tiểu đường"
PAGE_URL = "https://lumendatabase.org/notices/search.json?page=1"


def vietnamese_notice_page() -> tuple[bytes, int]:
    """A search page of one real notice whose title and body are the real Vietnamese texts; its id."""
    notice = json.loads(next(iter(sorted(NOTICES.glob("*/*/*.json")))).read_bytes())
    ((root, attrs),) = notice.items()
    attrs.update(title=TITLE, body=SENTENCE)
    page = {
        "notices": [{"type": attrs.get("type") or root.title().replace("_", ""), **attrs}],
        "meta": {"current_page": 1, "per_page": 50, "total_entries": 1, "total_pages": 1},
    }
    return json.dumps(page).encode(), attrs["id"]


def search(database, index: fts.Index, query: str) -> list[int]:
    return [
        row[0] for row in database.execute(f"select rowid from [{index.name}] where [{index.name}] match ?", [query])
    ]


# "duong" alone would also find "Dưỡng" of the title (ư, ỡ are folded by the tokenizer itself)
@pytest.mark.parametrize(
    "query", ['"tieu duong"', "body:duong", '"TIEU DUONG"', "DONG HANH", '"tiểu đường"', "thu cung"]
)
def test_notices_found_with_and_without_accents(memory_db, query):
    body, notice_id = vietnamese_notice_page()
    store_notice_page(memory_db, body, url=PAGE_URL, fetched_at="2026-11-29T12:00:00Z")
    assert search(memory_db, fts.NOTICES, query) == [notice_id]
    assert memory_db["notices"].detect_fts() == "notices_fts"  # what Datasette's ?_search= uses


def test_notice_index_follows_updates(memory_db):
    body, notice_id = vietnamese_notice_page()
    store_notice_page(memory_db, body, url=PAGE_URL, fetched_at="2026-11-29T12:00:00Z")
    memory_db["notices"].update(notice_id, {"body": "Không còn nội dung cũ."})
    assert search(memory_db, fts.NOTICES, '"tieu duong"') == []
    assert search(memory_db, fts.NOTICES, '"noi dung"') == [notice_id]


def test_a_notice_index_made_by_enable_fts_is_migrated_to_the_folded_one(db_path):
    """A database from before m002: sqlite-utils' notices_fts (raw text, its own triggers)."""
    database = db.connect(db_path)
    database["notices"].disable_fts()
    database["notices"].enable_fts(["title", "body"], create_triggers=True, tokenize=fts.TOKENIZE)
    database.execute("delete from _sqlite_migrations where name = 'm002_notices_fts_folded'")
    body, notice_id = vietnamese_notice_page()
    store_notice_page(database, body, url=PAGE_URL, fetched_at="2026-11-29T12:00:00Z")
    assert search(database, fts.NOTICES, "body:duong") == []  # the old index: đ not folded
    database.close()
    database = db.connect(db_path)
    assert search(database, fts.NOTICES, "body:duong") == [notice_id]
    assert {t.name for t in database.triggers if t.table == "notices"} == set(fts.NOTICES.trigger_names)


def test_statements_filled_in_bulk_with_the_folded_shadow(memory_db):
    rows = list(csv.reader(io.StringIO(fixture(V1).decode())))
    facts = rows[0].index("decision_facts")
    rows[1][facts] = SENTENCE
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    data = nested_zip({"sor-global-2024-03-14-full-00000-00000.csv": out.getvalue().encode()})
    load_dump(
        memory_db,
        io.BytesIO(data),
        url="https://example.org/sor-global-2024-03-14-full.zip",
        name="sor-global-2024-03-14-full.zip",
        fetched_at="2026-11-29T12:00:00Z",
    )
    assert index_new_statements(memory_db) == 28
    assert not {t.name for t in memory_db.triggers if t.table == "statements_of_reasons"}  # bulk, no triggers
    (statement_id,) = memory_db.execute(
        "select id from statements_of_reasons where decision_facts = ?", [SENTENCE]
    ).fetchone()
    assert (
        search(memory_db, fts.STATEMENTS, '"tieu duong"')
        == search(memory_db, fts.STATEMENTS, '"tiểu đường"')
        == [statement_id]
    )
    assert index_new_statements(memory_db) == 0  # nothing new
