"""``modwatch.load.dsa.load_dump`` with the SHA-1 published beside a dump: a mismatch loads nothing and replaces nothing."""

import hashlib
import io

import pytest

from modwatch.load.dsa import load_dump
from modwatch.transparency import dsa
from tests.transparency.samples import V1, fixture, nested_zip

URL = dsa.dump_url("2024-03-14")
DUMP = nested_zip({"sor-global-2024-03-14-full-00000-00000.csv": fixture(V1)})


def _load(database, data: bytes, expected_sha1: str | None):
    return load_dump(
        database, io.BytesIO(data), url=URL, fetched_at="2026-06-25T06:30:00Z", expected_sha1=expected_sha1
    )


def test_the_published_sha1_lets_the_dump_load(memory_db):
    result = _load(memory_db, DUMP, hashlib.sha1(DUMP).hexdigest().upper())  # case does not matter
    assert (result["status"], result["rows_read"], result["rows_stored"]) == ("loaded", 29, 28)


def test_a_changed_download_of_a_loaded_day_with_a_wrong_sha1_replaces_nothing(memory_db):
    _load(memory_db, DUMP, hashlib.sha1(DUMP).hexdigest())
    before = memory_db.execute("select * from statements_of_reasons order by id").fetchall()
    # the same day again, cut short: its bytes no longer match the published SHA-1
    cut = DUMP[: len(DUMP) // 2]
    with pytest.raises(
        dsa.ChecksumError,
        match=f"SHA-1 {hashlib.sha1(cut).hexdigest()} of the download differs "
        f"from the published {hashlib.sha1(DUMP).hexdigest()}",
    ):
        _load(memory_db, cut, hashlib.sha1(DUMP).hexdigest())
    assert memory_db.execute("select * from statements_of_reasons order by id").fetchall() == before
    datasets = memory_db.execute("select status, sha256, rows_read from datasets order by id").fetchall()
    assert datasets == [
        ("loaded", hashlib.sha256(DUMP).hexdigest(), 29),
        ("failed", hashlib.sha256(cut).hexdigest(), None),
    ]
    assert memory_db.execute("select count(*) from rejects").fetchone() == (0,)
