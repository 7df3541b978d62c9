"""The DSA loader over altered copies of the real dump CSVs (``tests/fixtures/dsa/``), made inside each test.

A huge cell, a BOM, a missing required column, a reused uuid with other content, impossible dates,
a load killed with SIGKILL: each either loads with only the bad record rejected or is refused with
the reason, and nothing of a dead load stays.
"""

import csv
import io
import os
import signal
import subprocess
import sys

import pytest

import db
from modwatch.load.dsa import load_dump
from modwatch.transparency.dsa import DumpError
from tests.helpers import ROOT
from tests.transparency.samples import V1, V2, fixture

DAY_URL = "https://dsa-sor-data-dumps.s3.eu-central-1.amazonaws.com/sor-global-2024-03-14-full-00000-00000.csv"
FIRST_UUID = "03b1b1c9-a860-4bf6-afff-0d8f0d944871"


def rows_of(name: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(fixture(name).decode("utf-8"), newline="")))


def as_csv(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def load(database, data: bytes, url: str = DAY_URL):
    return load_dump(
        database,
        io.BytesIO(data),
        url=url,
        name=url.rsplit("/", 1)[-1],
        fetched_at="2026-11-29T12:00:00Z",
        batch_size=4,
        commit_rows=8,
    )


def rejects(database):
    return [tuple(r) for r in database.execute("select reason, location from rejects order by id")]


def test_a_cell_over_the_csv_default_limit_is_read(memory_db):
    rows = rows_of(V1)
    facts = rows[0].index("decision_facts")
    rows[5][facts] = "Ü" * 200_000 + "\nend"  # over the csv module's default 131,072 characters
    result = load(memory_db, as_csv(rows))
    assert (result["rows_stored"], result["rows_rejected"]) == (28, 0)
    stored = memory_db.execute(
        "select length(decision_facts) from statements_of_reasons where uuid = ?", [rows[5][0]]
    ).fetchone()[0]
    assert stored == 200_004


def test_a_cell_over_the_field_limit_rejects_only_its_record(memory_db):
    rows = rows_of(V1)
    facts = rows[0].index("decision_facts")
    rows[5][facts] = "x" * 5_000
    previous = csv.field_size_limit(4_096)  # a smaller limit stands in for a cell over MAX_CELL_CHARS
    try:
        result = load(memory_db, as_csv(rows))
    finally:
        csv.field_size_limit(previous)
    assert (result["rows_stored"], result["rows_rejected"]) == (27, 1)
    ((reason, location),) = rejects(memory_db)
    assert reason == "unreadable CSV record: field larger than field limit (4096)"
    assert location == "sor-global-2024-03-14-full-00000-00000.csv:6"


def test_a_bom_is_accepted(memory_db):
    result = load(memory_db, b"\xef\xbb\xbf" + fixture(V2))
    assert (result["rows_stored"], result["rows_rejected"]) == (4, 0)
    assert (
        memory_db.execute("select count(*) from statements_of_reasons where platform_name is null").fetchone()[0] == 0
    )


def test_a_missing_required_column_rejects_the_file_listing_it(memory_db):
    rows = rows_of(V2)
    drop = {rows[0].index("platform_name"), rows[0].index("created_at")}
    altered = as_csv([[cell for i, cell in enumerate(row) if i not in drop] for row in rows])
    with pytest.raises(DumpError, match=r"header lacks required column\(s\): platform_name, created_at$"):
        load(memory_db, altered)
    assert memory_db.execute("select count(*) from statements_of_reasons").fetchone()[0] == 0
    assert memory_db.execute("select status from datasets").fetchone()[0] == "failed"


def test_a_reused_uuid_with_other_content_is_a_reject_keeping_both_versions(memory_db):
    rows = rows_of(V1)
    load(memory_db, as_csv(rows))
    facts = rows[0].index("decision_facts")
    changed = list(rows[1])
    changed[facts] = "a different statement under the same uuid"
    same = list(rows[2])
    next_day = DAY_URL.replace("2024-03-14", "2024-03-15")
    result = load(memory_db, as_csv([rows[0], changed, same]), url=next_day)
    assert (result["rows_stored"], result["rows_rejected"], result["duplicates"]) == (0, 1, 1)
    ((reason, excerpt, location),) = memory_db.execute(
        "select reason, excerpt, location from rejects where dataset_id = ?", [result["dataset_id"]]
    ).fetchall()
    assert reason == (
        f"uuid {FIRST_UUID} reused with different content (stored version: dataset 1, "
        "sor-global-2024-03-14-full-00000-00000.csv:2)"
    )
    assert "a different statement under the same uuid" in excerpt
    assert location == "sor-global-2024-03-15-full-00000-00000.csv:2"
    stored = memory_db.execute(
        "select decision_facts from statements_of_reasons where uuid = ?", [FIRST_UUID]
    ).fetchone()
    assert stored[0] == rows[1][facts]  # the first version stays stored


@pytest.mark.parametrize(
    "cell, reason",
    [
        ("2023-02-30 00:00:00", "application_date: not a real date: '2023-02-30 00:00:00'"),
        ("0000-01-01 00:00:00", "application_date: not a real date: '0000-01-01 00:00:00'"),
        ("not a date", "application_date: not a real date: 'not a date'"),
    ],
)
def test_an_impossible_date_rejects_its_record(memory_db, cell, reason):
    rows = rows_of(V2)
    rows[3][rows[0].index("application_date")] = cell
    result = load(memory_db, as_csv(rows))
    assert (result["rows_stored"], result["rows_rejected"]) == (3, 1)
    assert rejects(memory_db) == [(reason, "sor-global-2024-03-14-full-00000-00000.csv:4")]


KILLED_LOAD = """
import io, os, signal, sys
import db
from modwatch.load import dsa as store
from modwatch.transparency import dsa

real = dsa.iter_statements

def dying(*args, **kwargs):
    for number, row in enumerate(real(*args, **kwargs)):
        if number == 20:  # two commits (8 rows each) done: kill -9 ourselves
            os.kill(os.getpid(), signal.SIGKILL)
        yield row

store.dsa.iter_statements = dying
database = db.connect(sys.argv[1])
store.load_dump(database, open(sys.argv[2], "rb"), url=sys.argv[3], name=sys.argv[3].rsplit("/", 1)[-1],
                fetched_at="2026-11-29T12:00:00Z", batch_size=4, commit_rows=8)
"""


def test_a_load_killed_with_sigkill_is_marked_failed_by_the_next_load(tmp_path):
    data_file = tmp_path / "day.csv"
    data_file.write_bytes(fixture(V1))
    db_path = tmp_path / "m.db"
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_LOAD, str(db_path), str(data_file), DAY_URL],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        timeout=120,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    database = db.connect(db_path)
    try:
        assert database.execute("select status from datasets").fetchall() == [("loading",)]
        # two commits of 8 records were done (rows 2 and 3 of the file are one statement twice)
        assert database.execute("select count(*) from statements_of_reasons").fetchone()[0] == 15
        result = load(database, fixture(V1))
        assert (result["status"], result["rows_stored"]) == ("loaded", 28)
        dead = database.execute("select status, error from datasets where id = 1").fetchone()
        assert dead[0] == "failed" and dead[1].startswith("interrupted: the load died")
        assert database.execute("select count(*) from statements_of_reasons where dataset_id = 1").fetchone()[0] == 0
    finally:
        database.close()
