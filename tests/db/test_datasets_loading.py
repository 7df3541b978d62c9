"""``db.datasets.loading``: the one begin/finish/fail of every dataset load (review #8).

A DSA day commits its statements in batches; when a later part of the file turns out broken, the
statements already committed must not stay behind as if the day had loaded.
"""

import io
import zipfile

import pytest

from db.datasets import loading
from modwatch.load.datasets import load_dataset
from modwatch.load.dsa import load_dump
from db.rejects import insert_reject
from modwatch.transparency.dsa import DumpError
from tests.transparency.samples import V1, V2, fixture, nested_zip

URL = "https://dsa-sor-data-dumps.s3.eu-central-1.amazonaws.com/sor-global-2024-03-14-full.zip"


def test_a_dsa_day_broken_after_committed_batches_keeps_no_statements(memory_db):
    # part 0: the 29 real 2024 rows (committed 2 by 2); part 1: a CSV without a uuid column
    broken = fixture(V2).replace(b"uuid,", b"id,", 1)
    data = nested_zip(
        {
            "sor-global-2024-03-14-full-00000-00000.csv": fixture(V1),
            "sor-global-2024-03-14-full-00001-00000.csv": broken,
        }
    )
    with pytest.raises(DumpError, match="header without a uuid column"):
        load_dump(
            memory_db,
            io.BytesIO(data),
            url=URL,
            name=URL.rsplit("/", 1)[-1],
            fetched_at="2026-11-29T12:00:00Z",
            batch_size=2,
            commit_rows=2,
        )
    assert memory_db["statements_of_reasons"].count == 0
    assert memory_db.execute("select count(*) from rejects where dataset_id = 1").fetchone()[0] == 0
    dataset = memory_db["datasets"].get(1)
    assert (dataset["status"], dataset["rows_stored"]) == ("failed", None)
    assert dataset["error"].startswith("DumpError: sor-global-2024-03-14-full-00001-00000.csv: header without a uuid")


def test_the_same_day_loads_once_fixed(memory_db):
    data = nested_zip({"sor-global-2024-03-14-full-00000-00000.csv": fixture(V1)})
    result = load_dump(
        memory_db,
        io.BytesIO(data),
        url=URL,
        name=URL.rsplit("/", 1)[-1],
        fetched_at="2026-11-29T12:00:00Z",
        batch_size=2,
        commit_rows=2,
    )
    dataset = memory_db["datasets"].get(result["dataset_id"])
    assert (dataset["status"], dataset["rows_read"], dataset["rows_stored"], dataset["schema_version"]) == (
        "loaded",
        29,
        28,
        "v1-full",
    )


def test_loading_finishes_or_undoes_a_dataset(memory_db):
    kwargs = dict(
        source="google_removals",
        url="https://example.org/f.csv",
        fetched_at="2026-11-29T12:00:00Z",
        sha256="0" * 64,
        byte_size=3,
    )
    with loading(memory_db, **kwargs) as load:
        load.rows_read, load.rows_stored, load.schema_version = 2, 2, "test-v1"
    row = memory_db["datasets"].get(load.dataset_id)
    assert (row["status"], row["rows_read"], row["rows_stored"], row["schema_version"]) == ("loaded", 2, 2, "test-v1")
    with pytest.raises(RuntimeError, match="disk full"):
        with loading(memory_db, tables=("sor_statements",), **kwargs) as failed:
            memory_db["sor_statements"].insert(
                {"uuid": "03b1b1c9-a860-4bf6-afff-0d8f0d944871", "dataset_id": failed.dataset_id}
            )  # committed
            insert_reject(memory_db, url=kwargs["url"], reason="bad line", dataset_id=failed.dataset_id)
            raise RuntimeError("disk full")
    assert memory_db.execute("select count(*) from statements_of_reasons").fetchone()[0] == 0
    assert memory_db.execute("select count(*) from rejects").fetchone()[0] == 0
    row = memory_db["datasets"].get(failed.dataset_id)
    assert (row["status"], row["error"]) == ("failed", "RuntimeError: disk full")


def test_transparency_files_load_through_it(memory_db):
    """An error page instead of the file: the dataset is failed, nothing else stored."""
    with pytest.raises(
        zipfile.BadZipFile, match="neither a zip nor a Google removals CSV with a known header"
    ) as error:
        load_dataset(
            memory_db,
            parser="google_removals",
            source="google_removals",
            url="https://storage.googleapis.com/transparencyreport/google-government-removals.zip",
            data=b"<html>Service Unavailable</html>",
            fetched_at="2026-11-29T12:00:00Z",
        )
    assert [(r["status"], r["error"]) for r in memory_db["datasets"].rows] == [
        ("failed", f"{type(error.value).__name__}: {error.value}")
    ]
    assert memory_db.execute("select count(*) from removal_requests").fetchone()[0] == 0
