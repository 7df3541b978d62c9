"""DSA statements at scale through the real Datasette app (issue 16): the territorial-scope facet
through the value sets and the summary, and the table's search bounded with its count apart.

The SQL each page runs is read from Datasette's own trace (``?_trace=1``, setting ``trace_debug``)
and its plan checked with ``EXPLAIN QUERY PLAN`` on the real database (``sitedb.py``: 28 real
statements of reasons).
"""

import asyncio
import sqlite3
import sys

import pytest
from datasette.app import Datasette
from datasette.utils import escape_fts

from modwatch import publish
from tests.datasette.sitedb import statements_site

sys.path.insert(0, str(publish.PLUGINS_DIR))
from modwatch_csv_stream import line_sql  # noqa: E402


@pytest.fixture(scope="module")
def traced(site_db):
    """``traced(path) -> (json, [(sql, params), ...])`` from the site configured as ``serve``."""
    ds = statements_site(site_db)

    def get(path, site=ds):
        response = asyncio.run(site.client.get(path + ("&" if "?" in path else "?") + "_trace=1"))
        assert response.status_code == 200, response.text[:300]
        data = response.json()
        return data, [(t["sql"], t.get("params")) for t in data["_trace"]["traces"] if "sql" in t]

    return get


def plan(site_db, sql, params) -> str:
    with sqlite3.connect(site_db) as conn:
        conn.create_function("escape_fts", 1, escape_fts)
        return "\n".join(row[-1] for row in conn.execute("explain query plan " + sql, params or {}))


def json_each_counts(site_db, where="1") -> dict:
    """Datasette's own array facet, computed directly: each code counted once per statement."""
    with sqlite3.connect(site_db) as conn:
        return dict(
            conn.execute(
                f"select j.value, count(distinct s.id) from statements_of_reasons s, "
                f"json_each(s.territorial_scope) j where {where} group by 1"
            ).fetchall()
        )


def test_territorial_scope_facet_of_the_table_reads_the_summary(traced, site_db):
    data, queries = traced("/modwatch/statements_of_reasons.json?_size=0&_facet_array=territorial_scope")
    facet = data["facet_results"]["territorial_scope"]
    expected = json_each_counts(site_db)
    assert len(expected) == 30 and (expected["NL"], expected["DE"], expected["IS"]) == (28, 27, 21)  # the real rows
    assert facet["type"] == "array" and facet["truncated"] is False  # facet size 30 (Datasette's default)
    assert {r["value"]: r["count"] for r in facet["results"]} == expected
    assert facet["results"][0]["toggle_url"].endswith("territorial_scope__arraycontains=NL")  # most first
    sql, params = next(q for q in queries if "sor_value_set_items" in q[0])
    steps = plan(site_db, sql, params)
    assert "sor_daily_counts" in steps and "statements_of_reasons" not in steps.replace("sor_value_set_items", "")


def test_territorial_scope_facet_of_a_filter_expands_each_list_once(traced, site_db):
    """A filter the summary cannot express (``__lte``: see the hourly tests) groups the page's rows by list."""
    data, queries = traced(
        "/modwatch/statements_of_reasons.json?_size=0&platform_name=TikTok&created_at__lte=2024-03-14+23:59:59"
        "&_facet_array=territorial_scope"
    )
    counts = {r["value"]: r["count"] for r in data["facet_results"]["territorial_scope"]["results"]}
    assert counts == json_each_counts(site_db, "s.platform_name = 'TikTok'") and counts["FR"] == 7
    sql, params = next(q for q in queries if "sor_value_set_items" in q[0])
    assert "json_each" not in sql
    steps = plan(site_db, sql, params)
    assert "USING INDEX sor_platform_name_created_at" in steps or "USING COVERING INDEX" in steps, steps
    # a selected code narrows the rows, and the facet still counts through the sets
    narrowed, _ = traced(
        "/modwatch/statements_of_reasons.json?_size=0&territorial_scope__arraycontains=IS"
        "&_facet_array=territorial_scope"
    )
    selected = [r for r in narrowed["facet_results"]["territorial_scope"]["results"] if r["selected"]]
    assert [(r["value"], r["count"]) for r in selected] == [("IS", 21)]


def test_other_array_facets_stay_datasettes(traced, site_db):
    data, _ = traced("/modwatch/statements_of_reasons.json?_size=0&_facet_array=decision_visibility")
    with sqlite3.connect(site_db) as conn:
        expected = dict(
            conn.execute(
                "select j.value, count(distinct s.id) from statements_of_reasons s, "
                "json_each(s.decision_visibility) j group by 1"
            ).fetchall()
        )
    assert {r["value"]: r["count"] for r in data["facet_results"]["decision_visibility"]["results"]} == expected


def test_table_search_walks_the_newest_matches_and_counts_all(traced, site_db):
    data, queries = traced("/modwatch/statements_of_reasons.json?_search=Pinterest&_col=id&_col=uuid&_shape=objects")
    assert [r["id"] for r in data["rows"]] == [27, 20, 2] and data["filtered_table_rows_count"] == 3
    assert "rows from the 10,000 newest matches" in data["human_description_en"]
    page = next(sql for sql, _ in queries if sql.startswith("select id, uuid from statements_of_reasons"))
    assert "match escape_fts(:search) order by rowid desc limit 10000)" in page
    count_sql, params = next(q for q in queries if q[0].startswith("select count(*)"))
    assert count_sql.startswith("select count(*) from statements_of_reasons_fts where")
    assert plan(site_db, count_sql, params).startswith("SCAN statements_of_reasons_fts VIRTUAL TABLE")
    # a bound of 2: the page holds the 2 newest of the 3 matches; the count is still every match
    small = statements_site(site_db, search_bound=2)
    data, _ = traced(
        "/modwatch/statements_of_reasons.json?_search=Pinterest&_col=id&_col=uuid&_shape=objects", site=small
    )
    assert [r["id"] for r in data["rows"]] == [27, 20] and data["filtered_table_rows_count"] == 3
    filtered, _ = traced(
        "/modwatch/statements_of_reasons.json?_search=Pinterest&platform_name=Pinterest&_col=id&_col=uuid&_shape=objects",
        site=small,
    )
    assert [r["id"] for r in filtered["rows"]] == [27, 20] and filtered["filtered_table_rows_count"] == 3
    # the CSV of a search holds every match
    csv_text = asyncio.run(
        small.client.get("/modwatch/statements_of_reasons.csv?_search=Pinterest&_col=id&_col=uuid")
    ).text
    assert [line.split(",")[0] for line in csv_text.splitlines()[1:]] == ["27", "20", "2"]


def test_csv_lines_written_by_sqlite_equal_datasettes_csv(tmp_path):
    """Quotes, commas, line ends, NULL, empty text, a REAL or BLOB value in any column, a NUL in a
    text (``printf`` would cut it), more cells than one ``printf`` takes: the fast stream's bytes
    (lines built in SQL) equal Datasette's own CSV (forced by ``_nosuggest``)."""
    path = tmp_path / "cells.db"
    with sqlite3.connect(path) as conn:
        conn.execute("create table cells (id integer primary key, n integer, t text, u text)")
        conn.executemany(
            "insert into cells values (?, ?, ?, ?)",
            [
                (1, 7, 'say "no", then\nleave', "plain"),
                (2, None, "", "a\r\nb"),
                (3, 2.5, "x,y", None),
                (4, 10**18, "0.1", b"\x00\xff"),
                (5, 1, " spaced ", 0.30000000000000004),
                (6, -3, "ü ç ß 東京", "'q'"),
                (7, 8, "cut\x00here", "after"),
            ],
        )
        wide = [f"c{i}" for i in range(130)]
        conn.execute(f"create table wide (id integer primary key, {', '.join(c + ' text' for c in wide)})")
        conn.executemany(
            f"insert into wide values ({', '.join('?' * 131)})",
            [[n] + [f"{n},{i}" if i % 7 == 0 else f"v{i}" for i in range(130)] for n in range(3)],
        )
    ds = Datasette(immutables=[str(path)], settings=publish.SETTINGS, plugins_dir=str(publish.PLUGINS_DIR))
    asyncio.run(ds.invoke_startup())
    for table, query in (("cells", ""), ("cells", "?_sort_desc=t"), ("cells", "?n__gte=1"), ("wide", "")):
        fast = asyncio.run(ds.client.get(f"/cells/{table}.csv{query}"))
        slow = asyncio.run(ds.client.get(f"/cells/{table}.csv{query}{'&' if query else '?'}_nosuggest=1"))
        assert fast.status_code == slow.status_code == 200
        assert fast.content == slow.content, query
    lines = asyncio.run(ds.client.get("/cells/cells.csv")).text.split("\r\n")
    assert lines[1:6] == [
        '1,7,"say ""no"", then\nleave",plain',
        '2,,,"a',
        'b"',
        '3,2.5,"x,y",',
        "4,1000000000000000000,0.1,http://localhost/cells/cells/4.blob?_blob_column=u",
    ]
    assert lines[6] == "5,1, spaced ,0.3"  # a REAL stored in a TEXT column is its text (SQLite, 15 digits)
    assert lines[8] == "7,8,cut\x00here,after"
    wide = asyncio.run(ds.client.get("/cells/wide.csv")).content
    assert wide.split(b"\r\n")[2].startswith(b'1,"1,0",v1,') and len(wide.split(b"\r\n")) == 5
    with sqlite3.connect(path) as conn:  # the lines are SQLite's: one row odd (NUL), the wide ones whole
        columns = [row[1] for row in conn.execute("pragma table_info(wide)")]
        types = [row[2] for row in conn.execute("pragma table_info(wide)")]
        built = [line for (line,) in conn.execute(f"select {line_sql(columns, types)} from wide order by id")]
        assert b"".join(built) == wide.split(b"\r\n", 1)[1]
        odd = conn.execute(
            f"select id from cells where {line_sql(['id', 'n', 't', 'u'], ['integer', 'integer', 'text', 'text'])} is null"
        ).fetchall()
        assert odd == [(3,), (4,), (7,)]


def test_row_page_of_the_view_redirects_to_its_row(site_db):
    """statements_of_reasons is a view (db/migrations_dsa_compact.py): its former row pages lead to the row."""
    ds = statements_site(site_db)
    response = asyncio.run(ds.client.get("/modwatch/statements_of_reasons/20"))
    assert (response.status_code, response.headers["location"]) == (302, "/modwatch/statements_of_reasons?id=20")
    as_json = asyncio.run(ds.client.get("/modwatch/statements_of_reasons/20.json"))
    assert as_json.headers["location"] == "/modwatch/statements_of_reasons.json?id=20"
    row = asyncio.run(ds.client.get(as_json.headers["location"] + "&_shape=objects")).json()["rows"]
    with sqlite3.connect(site_db) as conn:
        uuid = conn.execute("select uuid from statements_of_reasons where id = 20").fetchone()[0]
    assert [(r["id"], r["uuid"], r["platform_name"]) for r in row] == [(20, uuid, "Pinterest")]
    assert asyncio.run(ds.client.get("/modwatch/datasets/1")).status_code == 200  # a table's own row page


def test_csv_of_the_view_streams_from_one_cursor_in_index_order(site_db):
    """The view names its unique key and its stored table (``csv_stored``), so modwatch_csv_stream
    answers it from ``sor_statements`` in index order, no text looked up by the query (same bytes as
    Datasette: test_site, test_csv_stream_stored); a filter on a text reads the view."""
    from modwatch_csv_stream import _plan

    ds = statements_site(site_db)
    scope = {"path": "/modwatch/statements_of_reasons.csv", "query_string": b"platform_name=TikTok"}
    streamed = asyncio.run(_plan(ds, scope))
    assert streamed["sql"].endswith('from sor_statements where "platform_name" = :p0 order by created_at desc, id')
    steps = plan(site_db, streamed["sql"], streamed["params"])
    assert steps == "SEARCH sor_statements USING INDEX sor_platform_name_created_at (platform_name=?)"
    assert [source for source in streamed["lookups"] if source].count(("sor_texts", "value")) == 11
    fast = asyncio.run(ds.client.get("/modwatch/statements_of_reasons.csv?platform_name=TikTok"))
    slow = asyncio.run(ds.client.get("/modwatch/statements_of_reasons.csv?platform_name=TikTok&_nosuggest=1"))
    assert fast.content == slow.content and len(fast.content.splitlines()) == 8
    text = {"path": scope["path"], "query_string": b"decision_facts__contains=account"}
    from_view = asyncio.run(_plan(ds, text))
    assert from_view["lookups"] is None and from_view["sql"].endswith(
        'from statements_of_reasons where "decision_facts" like :p0 order by created_at desc, id limit -1 offset 0)'
    )
    assert plan(site_db, from_view["sql"], from_view["params"]).startswith(
        "CO-ROUTINE (subquery-1)\nSCAN s USING INDEX"
    )
    # without a stored table the view itself
    viewed = statements_site(site_db, csv_stored=None)
    assert asyncio.run(_plan(viewed, scope))["sql"].endswith(
        'from statements_of_reasons where "platform_name" = :p0 order by created_at desc, id limit -1 offset 0)'
    )
    # without a declared key a view is left to Datasette
    keyless = statements_site(site_db, unique_key=None)
    assert asyncio.run(_plan(keyless, scope)) is None
