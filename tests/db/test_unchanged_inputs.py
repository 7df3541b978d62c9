"""Re-loading the same downloaded bytes adds nothing (``db.datasets.unchanged_dataset``).

A second ``python -m modwatch demo`` run fetches the same Lumen pages and DSA dumps again: the
same URL and sha256 as a loaded dataset of the source is skipped (status ``unchanged``), as the
transparency report files already were, so no ``datasets`` row and no reject is added.
"""

import io
import json

import pytest

from modwatch.load.dsa import load_dump
from modwatch.load.notices import store_notice_page
from modwatch.transparency.dsa import DumpError
from tests.transparency.samples import NOTICES, V1, V2, fixture, nested_zip, search_page

TABLES = ("datasets", "rejects", "notices", "notice_works", "notice_urls", "notice_revisions", "statements_of_reasons")
LUMEN_URL = "https://lumendatabase.org/notices/search.json?page=1"
DSA_URL = "https://dsa-sor-data-dumps.s3.eu-central-1.amazonaws.com/sor-global-2025-07-01-full.zip"


def notice(notice_id: int) -> dict:
    return json.loads(next(NOTICES.glob(f"*/*/{notice_id}.json")).read_bytes())


def counts(database) -> dict:
    return {t: database[t].count for t in TABLES}


def lumen_page():
    # notice 6335 has impossible dates (2911-06-28): two rejects at $.notices[1].date_sent/_received
    return search_page([notice(i) for i in (8, 6335, 116)])


def dsa_dump():
    # the real 2025 rows with one malformed record: one reject at d-00000-00000.csv:3
    lines = fixture(V2).decode().split("\n")
    return nested_zip(
        {"d-00000-00000.csv": "\n".join(lines[:2] + ["broken,row"] + lines[2:]).encode()}, "sor-global-2025-07-01-full"
    )


def store_lumen(database, body, url=LUMEN_URL):
    return store_notice_page(database, body, url=url, fetched_at="2026-11-29T00:00:00Z", spider="lumen")


def store_dsa(database, body, url=DSA_URL, **filters):
    return load_dump(
        database,
        io.BytesIO(body),
        url=url,
        name=url.rsplit("/", 1)[-1],
        fetched_at="2026-11-29T12:00:00Z",
        spider="dsa_sor",
        **filters,
    )


def test_a_rerun_of_the_same_lumen_page_and_dsa_dump_adds_no_row(memory_db):
    first_lumen, first_dsa = store_lumen(memory_db, lumen_page()), store_dsa(memory_db, dsa_dump())
    assert (first_lumen["status"], first_lumen["rows_stored"], first_lumen["problems"]) == ("loaded", 3, 2)
    assert (first_dsa["status"], first_dsa["rows_stored"], first_dsa["rows_rejected"]) == ("loaded", 4, 1)
    before = counts(memory_db)
    assert before == {
        "datasets": 2,
        "rejects": 3,
        "notices": 3,
        "notice_works": 2,
        "notice_urls": 4,
        "notice_revisions": 0,
        "statements_of_reasons": 4,
    }
    last_seen = memory_db["notices"].get(6335)["last_seen_at"]

    again_lumen, again_dsa = store_lumen(memory_db, lumen_page()), store_dsa(memory_db, dsa_dump())

    assert counts(memory_db) == before
    assert again_lumen == {
        "dataset_id": first_lumen["dataset_id"],
        "status": "unchanged",
        "rows_read": 3,
        "rows_stored": 0,
        "rows_rejected": 0,
        "problems": 0,
    }
    assert (
        again_dsa["dataset_id"],
        again_dsa["status"],
        again_dsa["rows_read"],
        again_dsa["rows_stored"],
        again_dsa["schema_version"],
    ) == (first_dsa["dataset_id"], "unchanged", 5, 0, "v2-full")
    assert memory_db["notices"].get(6335)["last_seen_at"] == last_seen  # nothing else updated
    assert [r["times_seen"] for r in memory_db["rejects"].rows] == [1, 1, 1]


@pytest.mark.parametrize(
    "store, body, other_body",
    [
        (store_lumen, lumen_page(), search_page([notice(8)])),
        (store_dsa, dsa_dump(), nested_zip({"d-00000-00000.csv": fixture(V2)}, "sor-global-2025-07-01-full")),
    ],
)
def test_other_bytes_or_another_url_are_loaded(memory_db, store, body, other_body):
    first = store(memory_db, body)
    assert store(memory_db, other_body)["status"] == "loaded"  # the page or dump changed upstream
    assert store(memory_db, body, url="https://example.org/mirror")["status"] == "loaded"
    assert memory_db["datasets"].count == 3
    assert store(memory_db, body)["dataset_id"] == first["dataset_id"]  # still skipped


def test_a_dsa_dump_loaded_with_other_filters_is_read_again(memory_db):
    data = nested_zip({"sor-global-2024-03-14-full-00000-00000.csv": fixture(V1)})
    assert store_dsa(memory_db, data, platforms={"TikTok"})["rows_stored"] == 7
    assert store_dsa(memory_db, data, platforms={"TikTok"})["status"] == "unchanged"
    everything = store_dsa(memory_db, data)  # the first load kept TikTok's statements only
    assert (everything["status"], everything["rows_stored"], everything["duplicates"]) == ("loaded", 21, 8)
    assert [r["filters"] for r in memory_db["datasets"].rows] == ['{"platforms": ["TikTok"]}', None]


def test_a_failed_load_is_not_a_reason_to_skip(memory_db):
    with pytest.raises(DumpError, match="is not a zip file"):
        store_dsa(memory_db, b"<Error><Code>NoSuchKey</Code></Error>")
    with pytest.raises(DumpError, match="is not a zip file"):
        store_dsa(memory_db, b"<Error><Code>NoSuchKey</Code></Error>")
    assert [r["status"] for r in memory_db["datasets"].rows] == ["failed", "failed"]
