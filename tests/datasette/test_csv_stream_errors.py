"""The fast CSV stream answers a query SQLite refuses as Datasette does: a filter
``territorial_scope__arraycontains`` over a statement whose list is not JSON (``[not json]``, which
the loader stores: it only checks the brackets) raised ``malformed JSON`` out of the stream (an
exception for the server, no response) where Datasette's CSV answers 400 "Invalid SQL"; and a filter
no statement matches gives Datasette's header line (the stream sent an empty body).

The database: the 28 real statements of the 2024-03-14 dump (``tests/fixtures/dsa``), the first's
``territorial_scope`` replaced by ``[not json]``.
"""

import asyncio
import csv
import io

import pytest

import db
from modwatch.load.dsa import load_dump
from tests.datasette.sitedb import DSA_CSV, DSA_URL, statements_site


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    records = list(csv.reader(io.StringIO(DSA_CSV.read_text(encoding="utf-8"), newline="")))
    records[1][records[0].index("territorial_scope")] = "[not json]"
    out = io.StringIO(newline="")
    csv.writer(out).writerows(records)
    path = tmp_path_factory.mktemp("csv_errors") / "modwatch.db"
    database = db.connect(path)
    load_dump(
        database, io.BytesIO(out.getvalue().encode()), url=DSA_URL, fetched_at="2026-11-29T10:00:00Z", name=DSA_CSV.name
    )
    database.conn.execute("pragma wal_checkpoint(truncate)")
    database.conn.close()
    return statements_site(path)


@pytest.mark.parametrize(
    "query", ["territorial_scope__arraycontains=DE", "territorial_scope__arraycontains=DE&_sort=id"]
)
def test_refused_query_is_datasettes_answer(site, query):
    fast = asyncio.run(site.client.get(f"/modwatch/statements_of_reasons.csv?{query}"))
    slow = asyncio.run(site.client.get(f"/modwatch/statements_of_reasons.csv?{query}&_nosuggest=1"))
    assert fast.status_code == slow.status_code == 400
    assert b"malformed JSON" in fast.content


@pytest.mark.parametrize("query", ["platform_name=nosuch", "decision_facts=", "_header=off&platform_name=nosuch"])
def test_no_matching_row_is_datasettes_header(site, query):
    fast = asyncio.run(site.client.get(f"/modwatch/statements_of_reasons.csv?{query}"))
    slow = asyncio.run(site.client.get(f"/modwatch/statements_of_reasons.csv?{query}&_nosuggest=1"))
    assert fast.status_code == slow.status_code == 200
    assert fast.content == slow.content
    assert fast.content.startswith(b"id,uuid,") or "_header=off" in query
