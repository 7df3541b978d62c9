"""Compact DSA statements (issue 16, smaller rows): a database of the previous schema converts in
place with every public value unchanged; texts and lists are stored once; loads after it; the
view's plans use the indexes."""

import io
import re

import pytest

import db
from db import dsa_summary
from db import migrations_dsa_compact as compact
from modwatch.load.dsa import index_new_statements, load_dump
from modwatch.transparency.dsa import DumpError
from tests.db.previous_layout import previous_database
from tests.transparency.samples import V1, V2, fixture, nested_zip

DAY = "sor-global-2024-03-14-full"


def _other_uuids(data: bytes) -> bytes:
    """The CSV with new uuids (their first 8 digits replaced): statements a database does not hold yet."""
    return re.sub(rb"^[0-9a-f]{8}-", b"ffffffff-", data, flags=re.MULTILINE)


def _distinct_texts(database) -> int:
    texts = " union ".join(f"select {column} as v from statements_of_reasons" for column in compact.TEXT_COLUMNS)
    return database.execute(f"select count(*) from ({texts}) where v is not null").fetchone()[0]


def _public(database) -> dict:
    return {
        "columns": [(row[1], row[2]) for row in database.execute("pragma table_xinfo(statements_of_reasons)")],
        "rows": database.execute("select * from statements_of_reasons order by id").fetchall(),
        "children": [
            database.execute(f"select * from sor_{column} order by 1, 2").fetchall() for column in compact.CHILD_COLUMNS
        ],
        "territories": database.execute("select * from sor_territorial_scope order by 1, value").fetchall(),
        "keywords": database.execute("select * from sor_category_specification_v2 order by 1, value").fetchall(),
        "daily": database.execute("select * from dsa_daily_figures order by 1, 2").fetchall(),
        "search": database.execute(
            "select rowid from statements_of_reasons_fts where statements_of_reasons_fts match 'account' order by rowid"
        ).fetchall(),
    }


def test_migration_converts_a_database_of_the_previous_schema(tmp_path):
    path = tmp_path / "old.db"
    old = previous_database(path, [(V1, fixture(V1)), (V2, fixture(V2))])
    assert "statements_of_reasons" in old.table_names()
    before = _public(old)
    old.close()
    assert len(before["rows"]) == 32 and len(before["search"]) == 22
    assert sum(len(rows) for rows in before["children"]) == 67

    migrated = db.connect(path)
    assert "statements_of_reasons" in migrated.view_names()
    assert "statements_of_reasons" not in migrated.table_names()
    assert _public(migrated) == before
    assert dsa_summary.check(migrated) == []
    # each distinct text once, whatever the column it came from
    assert migrated.execute("select count(*) from sor_texts").fetchone()[0] == _distinct_texts(migrated) == 49
    # each distinct list once per column
    for column in compact.SET_COLUMNS:
        lists = migrated.execute(
            f"select count(distinct {column}) from statements_of_reasons where {column} is not null"
        ).fetchone()[0]
        assert migrated.execute("select count(*) from sor_value_sets where kind = ?", [column]).fetchone()[0] == lists
    assert migrated.execute("select count(*) from sor_value_sets where kind = 'territorial_scope'").fetchone()[0] == 5

    # a load after the migration: new statements readable, summary and search index up to date
    fresh = _other_uuids(fixture(V2))
    result = load_dump(migrated, io.BytesIO(fresh), url="https://example.org/new.csv", name="new.csv", fetched_at="x")
    assert result["rows_stored"] == 4
    assert migrated["statements_of_reasons"].count == 36
    assert dsa_summary.check(migrated) == []
    assert index_new_statements(migrated) == 4
    assert migrated.execute("select count(*) from sor_texts").fetchone()[0] == _distinct_texts(migrated) == 49
    new = migrated.execute("select * from statements_of_reasons where id > 32 order by id").fetchall()
    # the same values but id, uuid, dataset_id and location
    assert [row[2:-4] + row[-2:] for row in new] == [row[2:-4] + row[-2:] for row in before["rows"][28:]]


def test_load_stores_texts_once_and_a_failed_load_keeps_no_statement(memory_db):
    load_dump(memory_db, io.BytesIO(fixture(V1)), url="https://example.org/a.csv", name=V1, fetched_at="x")
    facts = memory_db.execute("select count(distinct decision_facts) from statements_of_reasons").fetchone()[0]
    assert facts == 6
    stored = memory_db.execute(
        "select count(*) from sor_texts where id in (select decision_facts_text from sor_statements)"
    ).fetchone()[0]
    assert stored == facts
    assert memory_db.execute("select count(*), count(distinct hash) from sor_texts").fetchone() == (40, 40)
    assert _distinct_texts(memory_db) == 40

    broken = fixture(V2).replace(b"uuid,", b"id,", 1)
    fresh = _other_uuids(fixture(V2))
    failing = nested_zip({f"{DAY}-00000-00000.csv": fresh, f"{DAY}-00001-00000.csv": broken})
    with pytest.raises(DumpError, match="header without a uuid column"):
        load_dump(memory_db, io.BytesIO(failing), url="https://example.org/c.zip", name=f"{DAY}.zip", fetched_at="x")
    assert memory_db["statements_of_reasons"].count == memory_db["sor_statements"].count == 28
    assert dsa_summary.check(memory_db) == []
    # the failed load's new texts stay, unused (documented in db/dsa_compact.py)
    assert memory_db.execute("select count(*) from sor_texts").fetchone()[0] == 49
    assert _distinct_texts(memory_db) == 40


def test_a_text_hash_collision_keeps_both_texts(memory_db, monkeypatch):
    from db import dsa_compact

    monkeypatch.setattr(dsa_compact, "text_hash", lambda text: 7)
    compactor = dsa_compact.Compactor(memory_db)
    first, second = compactor.text_id("Minimum age"), compactor.text_id("Spam")
    assert first != second
    assert dsa_compact.Compactor(memory_db).text_id("Spam") == second
    assert memory_db.execute("select hash, value from sor_texts order by id").fetchall() == [
        (7, "Minimum age"),
        (7, "Spam"),
    ]


def _plan(database, sql: str) -> str:
    return " | ".join(row[3] for row in database.execute(f"explain query plan {sql}").fetchall())


def test_the_view_uses_the_indexes_and_counts_read_no_text(memory_db):
    load_dump(memory_db, io.BytesIO(fixture(V1)), url="https://example.org/a.csv", name=V1, fetched_at="x")
    page = _plan(memory_db, "select * from statements_of_reasons order by created_at desc, id limit 101")
    assert page.startswith("SCAN s USING INDEX sor_created_at_desc") and "TEMP B-TREE" not in page, page
    where = "platform_name = 'TikTok' and created_at >= '2024-03-14 06:00:00'"
    filtered = _plan(memory_db, f"select * from statements_of_reasons where {where} order by created_at desc, id")
    assert filtered.startswith("SEARCH s USING INDEX sor_platform_name_created_at (platform_name=? AND created_at>?)")
    assert "TEMP B-TREE" not in filtered, filtered
    count = _plan(memory_db, f"select count(*) from statements_of_reasons where {where}")
    assert count == "SEARCH s USING COVERING INDEX sor_platform_name_created_at (platform_name=? AND created_at>?)"
    assert _plan(memory_db, "select count(*) from statements_of_reasons") == (
        "SCAN sor_statements USING COVERING INDEX sor_dataset_id"
    )
    facet = _plan(memory_db, "select category_v2, count(*) from statements_of_reasons group by category_v2")
    assert facet == "SCAN s USING INDEX sor_category_v2_created_at", facet
