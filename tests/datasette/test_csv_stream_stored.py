"""The fast CSV stream of the statements view read from its stored table (``csv_stored`` in the
metadata, ``modwatch_csv_stream._stored_plan``): the same bytes as Datasette's own CSV of the view.

The database: the site's (28 real statements of 2024-03-14) plus the 4 real statements of the
2025-07-01 dump (the later schema), a few statements pointed at texts a CSV must quote (quotes,
commas, line ends), non-ASCII, an empty text, a text holding a NUL, and a REAL label (written
from the view's row, as Datasette writes a float).
"""

import asyncio
import shutil
import sqlite3
import sys
from urllib.parse import quote

import pytest
import yaml
from datasette.app import Datasette

import db
from db.migrations_dsa_compact import text_hash
from modwatch import publish
from modwatch.load.dsa import load_dump
from tests.datasette.sitedb import DSA_CSV

sys.path.insert(0, str(publish.PLUGINS_DIR))
import modwatch_csv_stream  # noqa: E402

LATER_DUMP = DSA_CSV.parent / "sor-global-2025-07-01-full-00000-00000.head4.csv"
QUOTED = 'He said "remove it", twice\nthen left\r\nagain'
NON_ASCII = "Löschung – Thức Ăn Cho Thú Cưng, Đồng Hành 🙂"
TEXTS = {  # statement id: {stored text column: text}
    3: {"decision_facts_text": QUOTED, "illegal_content_explanation_text": NON_ASCII},
    4: {"decision_facts_text": "", "source_identity_text": "nul\x00inside"},
    5: {"decision_facts_text": NON_ASCII, "incompatible_content_ground_text": QUOTED},
}


@pytest.fixture(scope="module")
def site(site_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("csv_stored") / "modwatch.db"
    shutil.copy(site_db, path)
    database = db.connect(path)
    with open(LATER_DUMP, "rb") as f:
        load_dump(
            database,
            f,
            url="https://dsa-sor-data-dumps.s3.eu-central-1.amazonaws.com/sor-global-2025-07-01-full.zip",
            fetched_at="2026-11-29T10:09:00Z",
            name=LATER_DUMP.name,
        )
    for statement, texts in TEXTS.items():
        for column, text in texts.items():
            text_id = database.conn.execute(
                "insert into sor_texts(hash, value) values (?, ?)", [text_hash(text), text]
            ).lastrowid
            database.conn.execute(f"update sor_statements set {column} = ? where id = ?", [text_id, statement])
    database.conn.execute("update sor_statements set platform_uid = 1.5 where id = 6")
    database.conn.commit()
    database.conn.execute("pragma wal_checkpoint(truncate)")
    database.conn.close()
    ds = Datasette(
        immutables=[str(path)],
        metadata=yaml.safe_load(publish.METADATA.read_text(encoding="utf-8")),
        plugins_dir=str(publish.PLUGINS_DIR),
        settings=publish.SETTINGS,
    )
    asyncio.run(ds.invoke_startup())
    return ds, path


def _get(ds, path):
    return asyncio.run(ds.client.get(path))


def _sql(ds, query: str) -> str:
    scope = {"path": "/modwatch/statements_of_reasons.csv", "query_string": query.encode()}
    return asyncio.run(modwatch_csv_stream._plan(ds, scope))["sql"]


STORED = [
    "",
    "_stream=1",
    "platform_name=TikTok",
    "_header=off&created_at__gte=2024-03-14",
    "_sort=platform_uid",
    "_sort_desc=id&_dl=1",
    "id__in=3,4,5,6&_sort=id",
    "category_v2=STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
]
FROM_THE_VIEW = [
    f"decision_facts={quote(NON_ASCII)}",
    "decision_facts__contains=remove",
    "_sort=decision_facts",
    "territorial_scope__arraycontains=DE",
]


@pytest.mark.parametrize("query", STORED + FROM_THE_VIEW)
def test_stream_gives_datasettes_bytes(site, query):
    ds, _ = site
    fast = _get(ds, f"/modwatch/statements_of_reasons.csv?{query}")
    slow = _get(ds, f"/modwatch/statements_of_reasons.csv?{query}&_nosuggest=1")
    assert fast.status_code == slow.status_code == 200
    assert fast.content == slow.content
    assert (fast.headers["content-type"], fast.headers.get("content-disposition")) == (
        slow.headers["content-type"],
        slow.headers.get("content-disposition"),
    )
    assert len(fast.content.splitlines()) > 1
    stored = " from sor_statements " in _sql(ds, query)
    assert stored is (query in STORED)


def test_unfiltered_stream_holds_every_statement_and_the_hard_texts(site):
    ds, path = site
    text = _get(ds, "/modwatch/statements_of_reasons.csv?_sort=id").content.decode("utf-8")
    with sqlite3.connect(path) as conn:
        assert conn.execute("select count(*) from sor_statements").fetchone()[0] == 32
    assert text.count("\r\n") == 33 + QUOTED.count("\r\n") * 2
    assert '"He said ""remove it"", twice\nthen left\r\nagain"' in text
    assert f'"{NON_ASCII}"' in text and "nul\x00inside" in text
    assert ",1.5," in text  # the REAL label, written from the view's row


def test_cache_of_cells_stays_bounded_and_gives_the_same_bytes(site, monkeypatch):
    """With 3 cells a table and 5 rows a chunk the cache empties itself many times: same bytes."""
    ds, path = site
    monkeypatch.setattr(modwatch_csv_stream, "CACHE_CELLS", 3)
    monkeypatch.setattr(modwatch_csv_stream, "CHUNK_ROWS", 5)
    scope = {"path": "/modwatch/statements_of_reasons.csv", "query_string": b""}
    plan = asyncio.run(modwatch_csv_stream._plan(ds, scope))
    conn = plan["database"].connect()
    cursor, rows = modwatch_csv_stream._first_rows(conn, plan["sql"], plan["params"], 10_000)
    parts = [modwatch_csv_stream._csv_bytes(conn, plan, rows, plan["columns"])]
    while rows:
        rows, chunk = modwatch_csv_stream._next_chunk(conn, plan, cursor)
        parts.append(chunk)
        assert all(len(cells) <= 11 * 5 + 1 for cells in plan["cells"].values())  # 11 text columns, 5 rows
    conn.close()
    with sqlite3.connect(path) as stored:
        distinct = stored.execute("select count(*) from sor_texts").fetchone()[0]
        distinct += 2 * stored.execute("select count(*) from sor_value_sets").fetchone()[0]
    assert plan["cells_read"] > distinct  # read again after the cache was emptied
    assert b"".join(parts) == _get(ds, "/modwatch/statements_of_reasons.csv?_nosuggest=1").content
    assert set(plan["cells"]) == {("sor_texts", "value"), ("sor_value_sets", "value"), ("sor_value_sets", "value_v2")}
