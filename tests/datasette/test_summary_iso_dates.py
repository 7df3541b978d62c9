"""Pages filtered on whole hours of ``created_at`` answered from the summary count what the rows count,
also for statements whose ``created_at`` came in another ISO form than the dumps' ``YYYY-MM-DD HH:MM:SS``
(``2024-03-14T06:30:00``, ``...Z``, ``2024-03-14 06``): the parser writes them in the dumps' form, else the summary
would put them in hour ``06`` (characters 12-13) while SQL compares the text, where ``T`` sorts after the space.

The database: the 28 real statements of the 2024-03-14 dump (``tests/fixtures/dsa``), four of them
given such a ``created_at``.
"""

import csv
import io
import sqlite3
from urllib.parse import urlencode

import pytest

import db
from modwatch.load.dsa import index_new_statements, load_dump
from tests.datasette.sitedb import DSA_CSV, DSA_URL, statements_site

CREATED_AT = ["2024-03-14T06:30:00Z", "2024-03-14T06:30:00", "2024-03-14 06", "2024-03-14T07:00:00"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    records = list(csv.reader(io.StringIO(DSA_CSV.read_text(encoding="utf-8"), newline="")))
    at = records[0].index("created_at")
    for record, created_at in zip(records[1:], CREATED_AT):
        record[at] = created_at
    out = io.StringIO(newline="")
    csv.writer(out).writerows(records)
    path = tmp_path_factory.mktemp("iso_dates") / "modwatch.db"
    database = db.connect(path)
    load_dump(
        database, io.BytesIO(out.getvalue().encode()), url=DSA_URL, fetched_at="2026-11-29T10:00:00Z", name=DSA_CSV.name
    )
    index_new_statements(database)
    database.conn.commit()
    database.conn.execute("pragma wal_checkpoint(truncate)")
    database.conn.close()
    return statements_site(path), path


BOUNDS = [
    [("created_at__gte", "2024-03-14 06:00:00")],
    [("created_at__lt", "2024-03-14 07:00:00")],
    [("created_at__gte", "2024-03-14 06:00:00"), ("created_at__lt", "2024-03-14 07:00:00")],
    [("platform_name", "TikTok"), ("created_at__gte", "2024-03-14 07:00:00")],
]


@pytest.mark.parametrize("filters", BOUNDS)
def test_hour_bounds_count_what_the_rows_hold(site, filters):
    import asyncio

    ds, path = site
    where = " and ".join(
        f"{name.split('__')[0]} {'>=' if name.endswith('__gte') else '<' if name.endswith('__lt') else '='} ?"
        for name, _ in filters
    )
    with sqlite3.connect(path) as conn:
        rows = conn.execute(f"select count(*) from statements_of_reasons where {where}", [v for _, v in filters])
        expected = rows.fetchone()[0]
    query = urlencode([*filters, ("_facet", "platform_name")])
    page = asyncio.run(ds.client.get(f"/modwatch/statements_of_reasons.json?{query}")).json()
    assert page["filtered_table_rows_count"] == expected
    facet = page["facet_results"]["platform_name"]["results"]
    assert sum(value["count"] for value in facet) == expected
