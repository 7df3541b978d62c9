"""A filtered DSA page counted and faceted from the summary per hour (issue 16,
``datasette/plugins/modwatch_summary_facets.py``).

The real statements of the site database (``sitedb.py``: the first rows of the real 2024-03-14
dump, all submitted in its first two minutes) are moved to other hours of the day, minutes and
seconds kept (statement ``id``: hour ``3 * (id % 8)``), one TikTok statement to exactly 12:00:00, and
the summary recounted. Every page is asked of two sites over that database: the site as
configured, and the same site without the table's ``summary`` metadata, which computes counts
and facets from the rows as Datasette does. Their JSON must be equal, and the SQL each page
ran (Datasette's trace) says which one read the summary.
"""

import asyncio
import shutil
import sqlite3

import pytest
import sqlite_utils

from db import dsa_summary
from tests.datasette.sitedb import statements_site

WINDOW = "created_at__gte=2024-03-14+06:00:00&created_at__lt=2024-03-14+12:00:00"
TABLE = "/modwatch/statements_of_reasons.json?_size=0&_facet_array=territorial_scope&_facet_array=content_type&"


@pytest.fixture(scope="module")
def hourly_db(site_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("hourly") / "modwatch.db"
    shutil.copy(site_db, path)
    database = sqlite_utils.Database(path)
    with database.conn:
        database.execute(
            "update sor_statements set created_at = "
            "substr(created_at, 1, 11) || printf('%02d', 3 * (id % 8)) || substr(created_at, 14)"
        )
        database.execute(
            "update sor_statements set created_at = '2024-03-14 12:00:00' where id = ("
            "select min(id) from sor_statements where platform_name = 'TikTok')"
        )
        dsa_summary.recount(database)
    assert dsa_summary.check(database) == []
    database.execute("pragma wal_checkpoint(truncate)")  # Datasette opens it immutable: no WAL read
    database.close()
    return path


@pytest.fixture(scope="module")
def pages(hourly_db):
    """``pages(query) -> ((summary json, its SQL), (rows json, its SQL))``."""
    sites = (statements_site(hourly_db), statements_site(hourly_db, summary=None))

    def get(query):
        answers = []
        for site in sites:
            response = asyncio.run(site.client.get(f"{TABLE}{query}&_trace=1"))
            assert response.status_code == 200, response.text[:300]
            data = response.json()
            answers.append((data, [t["sql"] for t in data.pop("_trace")["traces"] if "sql" in t]))
        return answers

    return get


def rows_count(path, where: str) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute(f"select count(*) from statements_of_reasons where {where}").fetchone()[0]


def _facets(data) -> dict:
    return {name: {r["value"]: r["count"] for r in f["results"]} for name, f in data["facet_results"].items()}


@pytest.mark.parametrize(
    "query, where",
    [
        (
            f"platform_name=TikTok&{WINDOW}",
            "platform_name = 'TikTok' and created_at >= '2024-03-14 06:00:00' and created_at < '2024-03-14 12:00:00'",
        ),
        ("created_at__gte=2024-03-14+12:00:00", "created_at >= '2024-03-14 12:00:00'"),
        (
            "decision_ground=DECISION_GROUND_INCOMPATIBLE_CONTENT&created_at__lt=2024-03-14+09:00:00",
            "created_at < '2024-03-14 09:00:00'",
        ),
        (
            "category_v2__exact=STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE&automated_detection=Yes"
            "&automated_decision=AUTOMATED_DECISION_FULLY&created_at__gte=2024-03-14",
            "category_v2 = 'STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE' and automated_detection = 'Yes' "
            "and automated_decision = 'AUTOMATED_DECISION_FULLY'",
        ),
        ("created_at__lt=2024-03-14", "0"),
    ],
)
def test_a_filter_on_whole_hours_is_counted_and_faceted_from_the_summary(pages, hourly_db, query, where):
    (summary, summary_sql), (rows, rows_sql) = pages(query)
    assert summary["filtered_table_rows_count"] == rows["filtered_table_rows_count"] == rows_count(hourly_db, where)
    assert summary["facet_results"] == rows["facet_results"]
    assert set(summary["facet_results"]) == {
        "platform_name",
        "category_v2",
        "decision_ground",
        "automated_decision",
        "territorial_scope",
        "content_type",
    }
    # the summary site reads the statements once: the page's rows (none: _size=0), never to count
    assert [sql for sql in summary_sql if "statements_of_reasons " in sql + " "] == [
        next(sql for sql in rows_sql if sql.startswith("select id,"))
    ]
    assert sum("from sor_daily_counts" in sql for sql in summary_sql) == 7  # count, 4 facets, 2 array facets
    assert any(sql.startswith("select count(*) from statements_of_reasons where") for sql in rows_sql)


def test_the_tiktok_window_holds_real_counts(pages, hourly_db):
    """The window of the benchmark's request: TikTok's statement of 06:00:27, not those of 00:00:32 or 12:00:00."""
    (summary, _), _ = pages(f"platform_name=TikTok&{WINDOW}")
    assert summary["filtered_table_rows_count"] == 1
    facets = _facets(summary)
    assert facets["platform_name"] == {"TikTok": 1} and sum(facets["category_v2"].values()) == 1
    assert facets["content_type"] == {"CONTENT_TYPE_VIDEO": 1} and facets["territorial_scope"]["FR"] == 1


@pytest.mark.parametrize(
    "query, where",
    [
        # 12:00:00 itself is in hour 12: <= and > on a whole hour are not whole hours
        (
            "platform_name=TikTok&created_at__lte=2024-03-14+12:00:00",
            "platform_name = 'TikTok' and created_at <= '2024-03-14 12:00:00'",
        ),
        (
            "platform_name=TikTok&created_at__gt=2024-03-14+12:00:00",
            "platform_name = 'TikTok' and created_at > '2024-03-14 12:00:00'",
        ),
        ("created_at=2024-03-14+12:00:00", "created_at = '2024-03-14 12:00:00'"),
        ("created_at__gte=2024-03-14+06:30:00", "created_at >= '2024-03-14 06:30:00'"),
        ("created_at__lt=2024-03-14+21:00:01", "created_at < '2024-03-14 21:00:01'"),
        ("source_type=SOURCE_VOLUNTARY&created_at__gte=2024-03-14+06:00:00", "created_at >= '2024-03-14 06:00:00'"),
        ("platform_name__not=TikTok", "platform_name != 'TikTok'"),
        ("_search=Pinterest", "platform_name = 'Pinterest'"),
    ],
)
def test_other_filters_fall_back_to_the_rows(pages, hourly_db, query, where):
    (summary, summary_sql), (rows, _) = pages(query)
    assert summary["filtered_table_rows_count"] == rows["filtered_table_rows_count"] == rows_count(hourly_db, where)
    assert summary["facet_results"] == rows["facet_results"]
    assert summary["filtered_table_rows_count"] > 0
    assert not any("from sor_daily_counts" in sql for sql in summary_sql)


def test_lte_a_whole_hour_counts_the_statement_at_that_second(hourly_db):
    """Why ``__lte`` falls back: the hours up to 11 miss the statement of 12:00:00, hour 12 holds a later one."""
    assert rows_count(hourly_db, "platform_name = 'TikTok' and created_at <= '2024-03-14 12:00:00'") == 3
    assert rows_count(hourly_db, "platform_name = 'TikTok' and created_at < '2024-03-14 12:00:00'") == 2
    with sqlite3.connect(hourly_db) as conn:
        hour_12 = conn.execute(
            "select sum(statements) from sor_daily_counts where platform_name = 'TikTok' and hour = '12'"
        ).fetchone()[0]
    assert hour_12 == 2  # 12:00:00 and 12:00:10: neither "hours <= 11" (2) nor "hours <= 12" (4) is 3


@pytest.mark.parametrize(
    "table, summary_table, rows",
    [  # (the real rows have no category_addition: that table's facet is tested in tests/db only)
        ("sor_content_type", "sor_daily_counts", 28),
        ("sor_decision_visibility", "sor_list_value_counts", 28),
        ("sor_category_specification", "sor_list_value_counts", 3),
    ],
)
def test_child_table_facet_from_counts_kept_at_load(hourly_db, table, summary_table, rows):
    site = statements_site(hourly_db)
    with sqlite3.connect(hourly_db) as conn:
        expected = dict(conn.execute(f"select value, count(*) from {table} group by value").fetchall())
    assert sum(expected.values()) == rows
    data = asyncio.run(site.client.get(f"/modwatch/{table}.json?_size=0&_trace=1")).json()
    assert _facets(data) == {"value": expected} and data["facet_results"]["value"]["type"] == "summary"
    top = data["facet_results"]["value"]["results"][0]
    assert top["count"] == max(expected.values()) and top["toggle_url"].endswith(f"&value={top['value']}")
    sql = [t["sql"] for t in data["_trace"]["traces"] if "sql" in t]
    assert any(f"from {summary_table}" in s for s in sql)
    assert not any("group by" in s and f"from {table}" in s for s in sql)
    # filtered: Datasette's column facet over the rows
    filtered = asyncio.run(site.client.get(f"/modwatch/{table}.json?_size=0&value={top['value']}")).json()
    assert _facets(filtered) == {"value": {top["value"]: top["count"]}}
    assert filtered["filtered_table_rows_count"] == top["count"]


def test_a_facet_from_another_summary_table_falls_back_on_a_filter(hourly_db):
    """The filter is expressed on the table's own summary: a facet that reads another table is computed from the rows."""
    facet = {"column": "platform_name", "summary_table": "sor_counts", "count": "statements", "where": "origin = ''"}
    site = statements_site(hourly_db, facets=[{"summary": facet}])

    def platforms(query):
        data = asyncio.run(site.client.get(f"/modwatch/statements_of_reasons.json?_size=0{query}")).json()
        return {r["value"]: r["count"] for r in data["facet_results"]["platform_name"]["results"]}

    assert platforms("") == {}  # unfiltered: read from sor_counts (no row has origin '')
    assert platforms(f"&platform_name=TikTok&{WINDOW}") == {"TikTok": 1}
