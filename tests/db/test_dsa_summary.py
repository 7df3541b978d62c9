"""DSA summary tables and child tables (issue 16): equal to ``count(*)`` after a load, a re-load
of the same day and a failed load; every default sort and filter of the site is an index."""

import csv
import io

import pytest
import yaml

import db
from db import dsa_summary
from modwatch.load.dsa import load_dump
from modwatch import publish
from modwatch.transparency.dsa import DumpError
from tests.db.previous_layout import previous_database
from tests.transparency.samples import V1, V2, fixture, nested_zip

DAY = "sor-global-2024-03-14-full"


def _load(database, data: bytes, name: str, url: str):
    return load_dump(
        database, io.BytesIO(data), url=url, name=name, fetched_at="2026-12-07T04:00:00Z", batch_size=2, commit_rows=4
    )


def _summary_total(database) -> int:
    return database.execute(
        "select coalesce(sum(statements), 0) from sor_daily_counts where origin = 'statements'"
    ).fetchone()[0]


def _by_platform(database) -> dict:
    return dict(database.execute("select platform_name, sum(statements) from sor_counts group by 1").fetchall())


def test_summary_equals_count_after_load_reload_and_failed_load(memory_db):
    _load(memory_db, fixture(V1), V1, "https://example.org/a.csv")
    assert _summary_total(memory_db) == memory_db["statements_of_reasons"].count == 28
    assert dsa_summary.check(memory_db) == []
    assert _by_platform(memory_db) == {"AliExpress": 1, "Google Shopping": 17, "Pinterest": 3, "TikTok": 7}

    # the same day again, in a dump that also holds 4 new statements: only those are counted
    both = nested_zip({f"{DAY}-00000-00000.csv": fixture(V1), f"{DAY}-00001-00000.csv": fixture(V2)})
    result = _load(memory_db, both, f"{DAY}.zip", "https://example.org/b.zip")
    assert (result["rows_stored"], result["duplicates"]) == (4, 29)
    assert _summary_total(memory_db) == memory_db["statements_of_reasons"].count == 32
    assert dsa_summary.check(memory_db) == []

    # a load that fails after committed batches counts nothing and keeps nothing
    broken = fixture(V2).replace(b"uuid,", b"id,", 1)
    fresh = fixture(V2).replace(b"-", b"f", 8)  # other uuids: would be stored
    failing = nested_zip({f"{DAY}-00000-00000.csv": fresh, f"{DAY}-00001-00000.csv": broken})
    with pytest.raises(DumpError, match="header without a uuid column"):
        _load(memory_db, failing, f"{DAY}.zip", "https://example.org/c.zip")
    assert _summary_total(memory_db) == memory_db["statements_of_reasons"].count == 32
    assert dsa_summary.check(memory_db) == []
    per_day = dict(memory_db.execute("select day, sum(statements) from sor_counts group by day").fetchall())
    assert per_day == {"2024-03-14": 28, "2025-07-01": 4}


def test_summary_check_finds_a_drift(memory_db):
    _load(memory_db, fixture(V1), V1, "https://example.org/a.csv")
    memory_db.execute("update sor_daily_counts set statements = statements + 1 where platform_name = 'Pinterest'")
    drift = dsa_summary.check(memory_db)
    assert len(drift) == 2 and {row[2] for row in drift} == {"Pinterest"}


def test_child_tables_hold_the_list_elements(memory_db):
    _load(memory_db, fixture(V1), V1, "https://example.org/a.csv")
    by_type = dict(memory_db.execute("select value, count(*) from sor_content_type group by value").fetchall())
    assert by_type == {
        "CONTENT_TYPE_VIDEO": 5,
        "CONTENT_TYPE_OTHER": 3,
        "CONTENT_TYPE_PRODUCT": 18,
        "CONTENT_TYPE_IMAGE": 2,
    }
    visibility = memory_db.execute(
        "select count(*) from sor_decision_visibility where value = 'DECISION_VISIBILITY_CONTENT_REMOVED'"
    ).fetchone()[0]
    assert (
        visibility
        == memory_db.execute(
            "select count(*) from statements_of_reasons "
            "where decision_visibility like '%DECISION_VISIBILITY_CONTENT_REMOVED%'"
        ).fetchone()[0]
        > 0
    )
    countries = dict(
        memory_db.execute(
            "select territory, sum(statements) from sor_counts_by_territory group by territory"
        ).fetchall()
    )
    assert countries["NL"] == 28 and countries["DE"] == 27  # AliExpress's scope is NL alone


def _plan(database, sql: str) -> str:
    return " | ".join(row[3] for row in database.execute(f"explain query plan {sql}").fetchall())


def test_every_default_sort_facet_and_filter_is_an_index(memory_db):
    meta = yaml.safe_load(publish.METADATA.read_text())["databases"]["modwatch"]["tables"]["statements_of_reasons"]
    for limit in (1, 101):  # the site's order: ties by id ascending (Datasette's keyset pages); ?_size=0 is limit 1
        plan = _plan(
            memory_db, f"select * from statements_of_reasons order by {meta['sort_desc']} desc, id limit {limit}"
        )
        assert "USING INDEX sor_created_at_desc" in plan and "TEMP B-TREE" not in plan, plan
    ascending = _plan(memory_db, "select * from statements_of_reasons order by created_at, id limit 101")
    assert "USING INDEX sor_created_at" in ascending and "TEMP B-TREE" not in ascending, ascending
    for column in (
        "platform_name",
        "category_v2",
        "decision_ground",
        "automated_detection",
        "automated_decision",
        "source_type",
        "content_language",
    ):
        facet = _plan(memory_db, f"select {column}, count(*) from statements_of_reasons group by {column}")
        # category_v2 is a virtual generated column: SQLite 3.40 reads the rows to compute it
        covering = "INDEX" if column == "category_v2" else "COVERING INDEX"
        assert f"{covering} sor_{column}_created_at" in facet, facet
        ranged = _plan(
            memory_db,
            f"select * from statements_of_reasons where {column} = 'x' "
            "and created_at >= '2024-03-14 00:00:00' and created_at < '2024-03-14 06:00:00' "
            "order by created_at desc, id limit 101",
        )
        assert f"sor_{column}_created_at ({column}=? AND created_at>? AND created_at<?)" in ranged, ranged
        assert "TEMP B-TREE" not in ranged
    for column in dsa_summary.CHILD_COLUMNS:
        facet = _plan(memory_db, f"select value, count(*) from sor_{column} group by value")
        assert f"COVERING INDEX sor_{column}_value" in facet, facet


def test_a_summary_that_cannot_be_written_undoes_the_load(memory_db):
    """The summary is written in the load's last transaction: if it fails, the statements go too."""
    import sqlite3

    _load(memory_db, fixture(V1), V1, "https://example.org/a.csv")
    memory_db.execute("alter table sor_content_type rename to sor_content_type_gone")
    with pytest.raises(sqlite3.OperationalError, match="no such table: sor_content_type"):
        _load(memory_db, fixture(V2), V2, "https://example.org/b.csv")
    assert _summary_total(memory_db) == memory_db["statements_of_reasons"].count == 28
    assert memory_db["datasets"].get(2)["status"] == "failed"


def _spread_over_hours(data: bytes) -> bytes:
    """The real rows with ``created_at`` moved to other hours of the day (row i: hour 3 * (i % 8)),
    minutes and seconds kept, so the summary has several hours to tell apart."""
    rows = list(csv.reader(io.StringIO(data.decode())))
    created = rows[0].index("created_at")
    for i, row in enumerate(rows[1:]):
        row[created] = f"{row[created][:11]}{3 * (i % 8):02d}{row[created][13:]}"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode()


def _per_hour(database) -> tuple[dict, dict]:
    summary = dict(
        database.execute(
            "select day || ' ' || hour, sum(statements) from sor_daily_counts where origin = 'statements' group by 1"
        ).fetchall()
    )
    actual = dict(
        database.execute("select substr(created_at, 1, 13), count(*) from statements_of_reasons group by 1").fetchall()
    )
    return summary, actual


def test_summary_counts_per_hour(memory_db):
    _load(memory_db, _spread_over_hours(fixture(V1)), V1, "https://example.org/a.csv")
    summary, actual = _per_hour(memory_db)
    assert summary == actual and len(summary) == 8 and sum(summary.values()) == 28
    assert (
        summary["2024-03-14 21"]
        == memory_db.execute(
            "select count(*) from statements_of_reasons "
            "where created_at >= '2024-03-14 21:00:00' and created_at < '2024-03-14 22:00:00'"
        ).fetchone()[0]
    )
    assert dsa_summary.check(memory_db) == []
    # a count moved to another hour of the same day is a drift check() finds
    memory_db.execute("update sor_daily_counts set hour = '01' where hour = '21'")
    moved = dsa_summary.check(memory_db)
    assert {row[1] for row in moved} == {"01", "21"}


def test_a_database_summarised_per_day_is_recounted_per_hour(db_path, monkeypatch):
    """A database from before m005 (``sor_daily_counts`` per day, with statements and an aggregates
    file loaded by that version) comes out per hour, equal to ``count(*)``, aggregates kept; m006
    counts its child tables per value."""
    from modwatch.load.dsa_aggregates import load_aggregates

    # an aggregates file of 2024-03-15 in the assumed layout (tests/db/test_dsa_aggregates.py): 28 statements
    aggregates = (
        b"automated_decision,automated_detection,category,content_type_single,decision_account,decision_ground,"
        b"decision_monetary,decision_provision,decision_visibility_single,received_date,source_type,platform_name,"
        b"total\nAUTOMATED_DECISION_FULLY,true,STATEMENT_CATEGORY_SCAMS_AND_FRAUD,CONTENT_TYPE_PRODUCT,,"
        b"DECISION_GROUND_INCOMPATIBLE_CONTENT,,,DECISION_VISIBILITY_CONTENT_REMOVED,2024-03-15,SOURCE_VOLUNTARY,"
        b"AliExpress,20\nAUTOMATED_DECISION_FULLY,false,STATEMENT_CATEGORY_SCAMS_AND_FRAUD,CONTENT_TYPE_PRODUCT,,"
        b"DECISION_GROUND_INCOMPATIBLE_CONTENT,,,DECISION_VISIBILITY_CONTENT_REMOVED,2024-03-15,SOURCE_VOLUNTARY,"
        b"AliExpress,8\n"
    )

    db_path.parent.mkdir(parents=True)
    old = previous_database(db_path, [(V1, _spread_over_hours(fixture(V1)))])
    assert "hour" not in old["sor_daily_counts"].columns_dict
    load_aggregates(old, aggregates, name="aggregates-2024-03-15.csv", url="https://example.org/g.csv", fetched_at="x")
    per_day_before = dict(old.execute("select day, sum(statements) from sor_counts group by day").fetchall())
    assert per_day_before == {"2024-03-14": 28, "2024-03-15": 28}
    old.close()

    migrated = db.connect(db_path)
    assert migrated["sor_daily_counts"].pks[:3] == ["origin", "day", "hour"]
    summary, actual = _per_hour(migrated)
    assert summary == actual and len(summary) == 8
    assert dsa_summary.check(migrated) == []
    assert dict(migrated.execute("select day, sum(statements) from sor_counts group by day").fetchall()) == (
        per_day_before
    )
    hours = migrated.execute("select distinct hour from sor_daily_counts where origin = 'aggregates'").fetchall()
    assert hours == [("",)]
    assert (
        migrated.execute(
            "select statements from sor_list_value_counts "
            "where list_column = 'decision_visibility' and value = 'DECISION_VISIBILITY_CONTENT_REMOVED'"
        ).fetchone()[0]
        == migrated.execute(
            "select count(*) from statements_of_reasons where decision_visibility like '%_CONTENT_REMOVED%'"
        ).fetchone()[0]
        > 0
    )
    # the next loads count per hour too
    _load(migrated, fixture(V2), V2, "https://example.org/b.csv")
    assert dsa_summary.check(migrated) == [] and _summary_total(migrated) == 32


def test_list_value_counts_equal_the_child_tables(memory_db):
    _load(memory_db, fixture(V1), V1, "https://example.org/a.csv")
    _load(memory_db, fixture(V2), V2, "https://example.org/b.csv")
    counted = dict(
        memory_db.execute(
            "select value, statements from sor_list_value_counts where list_column = 'decision_visibility'"
        ).fetchall()
    )
    rows = dict(memory_db.execute("select value, count(*) from sor_decision_visibility group by value").fetchall())
    assert counted == rows and sum(rows.values()) >= 32 - 5
    assert dsa_summary.check(memory_db) == []
    memory_db.execute(
        "update sor_list_value_counts set statements = statements + 1 "
        "where list_column = 'decision_visibility' and value = 'DECISION_VISIBILITY_CONTENT_REMOVED'"
    )
    removed = rows["DECISION_VISIBILITY_CONTENT_REMOVED"]
    assert dsa_summary.check(memory_db) == [
        ("decision_visibility", "DECISION_VISIBILITY_CONTENT_REMOVED", removed + 1, removed)
    ]
