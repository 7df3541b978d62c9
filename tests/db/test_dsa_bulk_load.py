"""``modwatch.load.dsa.load_dump`` on a database file: the bulk load stays in WAL mode (issue 13; issue 7 had
switched it to a rollback journal, which locked readers out), and a failed load keeps nothing.
"""

import io
import sqlite3

import pytest

import db
from modwatch.load.dsa import load_dump
from modwatch.transparency.dsa import DumpError
from tests.transparency.samples import V1, V2, fixture, nested_zip

URL = "https://dsa-sor-data-dumps.s3.eu-central-1.amazonaws.com/sor-global-2024-03-14-full.zip"


def _load(database, data: bytes):
    return load_dump(
        database,
        io.BytesIO(data),
        url=URL,
        name=URL.rsplit("/", 1)[-1],
        fetched_at="2026-11-29T12:00:00Z",
        batch_size=2,
        commit_rows=4,
    )


def _wal_bytes(db_path) -> int:
    wal = db_path.with_name(db_path.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0


@pytest.fixture
def file_db(db_path):
    database = db.connect(db_path)
    database.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # migrations' pages out of the WAL
    yield database
    database.close()


def test_a_load_alone_stays_in_wal(file_db, db_path):
    result = _load(file_db, nested_zip({"sor-global-2024-03-14-full-00000-00000.csv": fixture(V1)}))
    assert (result["rows_read"], result["rows_stored"], result["duplicates"]) == (29, 28, 1)
    assert file_db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert file_db.execute("PRAGMA busy_timeout").fetchone()[0] == 10000
    assert file_db.execute("PRAGMA cache_size").fetchone()[0] == -2000  # the load's settings are restored
    assert _wal_bytes(db_path) > 0
    row = file_db.execute(
        "select platform_uid, territorial_scope from statements_of_reasons "
        "where uuid = '03b1b1c9-a860-4bf6-afff-0d8f0d944871'"
    ).fetchone()
    assert row is not None and row[1].startswith('["AT","BE",')
    assert file_db["datasets"].get(result["dataset_id"])["status"] == "loaded"


def test_with_a_reader_open_the_load_stays_in_wal(file_db, db_path):
    reader = sqlite3.connect(db_path)
    try:
        assert reader.execute("select count(*) from statements_of_reasons").fetchone() == (0,)
        result = _load(file_db, nested_zip({"sor-global-2024-03-14-full-00000-00000.csv": fixture(V1)}))
        assert result["rows_stored"] == 28
        assert file_db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert _wal_bytes(db_path) > 0
        assert reader.execute("select count(*) from statements_of_reasons").fetchone() == (28,)
    finally:
        reader.close()


def test_a_failed_load_keeps_no_statements(file_db, db_path):
    broken = fixture(V2).replace(b"uuid,", b"id,", 1)
    data = nested_zip(
        {
            "sor-global-2024-03-14-full-00000-00000.csv": fixture(V1),
            "sor-global-2024-03-14-full-00001-00000.csv": broken,
        }
    )
    with pytest.raises(DumpError, match="header without a uuid column"):
        _load(file_db, data)
    assert file_db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert file_db["statements_of_reasons"].count == 0
    assert file_db["datasets"].get(1)["status"] == "failed"
    file_db.close()
    reopened = sqlite3.connect(db_path)
    assert reopened.execute("select count(*) from statements_of_reasons").fetchone() == (0,)
    reopened.close()
