"""A platform re-publishes a dataset with revised figures: the earlier dataset stays queryable.

Real data: Google's government removal requests as published in 2023-03 (first 300 lines of the
requester file) and as re-published in 2024-09 (the whole bulk zip). Google revised Russia's
figures for January-June 2019: the "Information and Communications Authority" line of 10,803
requests / 141,824 items became 10,543 / 17,872 plus a new "... Under Federal Law 276-FZ" line
of 260 / 123,952. Files: ``tests/fixtures/transparency/`` and
``demo/files/storage.googleapis.com/`` (origins in their SOURCE.md / SOURCES.md).
"""

import pytest

from modwatch.load.datasets import load_dataset
from tests.helpers import report_file

SNAPSHOT_2023 = report_file("google-government-removal-requests.2023-03.head300.csv")
SNAPSHOT_2024 = report_file("google-government-removals.zip")
URL = "https://storage.googleapis.com/transparencyreport/google-government-removals.zip"

RUSSIA_H1_2019 = """
    select d.fetched_at, r.is_current, r.requester, r.requests, r.items_requested
    from removal_requests r join datasets d on d.id = r.dataset_id
    where r.country = 'RU' and r.period_end = '2019-06-30' and r.report = 'google/by_requester'
      and r.requester like 'Information and Communications Authority%'
    order by d.fetched_at, r.requester
"""


@pytest.fixture
def revised(memory_db):
    first = load_dataset(
        memory_db,
        parser="google_removals",
        source="google_removals",
        url=URL,
        data=SNAPSHOT_2023.read_bytes(),
        fetched_at="2023-03-04T00:00:00Z",
    )
    second = load_dataset(
        memory_db,
        parser="google_removals",
        source="google_removals",
        url=URL,
        data=SNAPSHOT_2024.read_bytes(),
        fetched_at="2024-09-13T00:00:00Z",
    )
    return memory_db, first, second


def test_revised_figures_are_current_and_the_earlier_ones_kept(revised):
    database, first, second = revised
    assert [tuple(r) for r in database.execute(RUSSIA_H1_2019)] == [
        ("2023-03-04T00:00:00Z", 0, "Information and Communications Authority", 10803, 141824),
        ("2024-09-13T00:00:00Z", 1, "Information and Communications Authority", 10543, 17872),
        ("2024-09-13T00:00:00Z", 1, "Information and Communications Authority Under Federal Law 276-FZ", 260, 123952),
    ]


def test_both_datasets_stay_listed_with_their_rows(revised):
    database, first, second = revised
    datasets = [tuple(r) for r in database.execute("select id, status, is_current from datasets order by id")]
    assert datasets == [(first["dataset_id"], "loaded", 0), (second["dataset_id"], "loaded", 1)]
    kept = database.execute(
        "select count(*) from removal_requests where dataset_id = ?", [first["dataset_id"]]
    ).fetchone()[0]
    assert kept == first["rows_stored"] > 0  # nothing of the earlier publication was deleted


def test_reloading_the_same_file_changes_nothing(revised):
    database, first, second = revised
    before = database.execute("select count(*) from removal_requests").fetchone()[0]
    again = load_dataset(
        database,
        parser="google_removals",
        source="google_removals",
        url=URL,
        data=SNAPSHOT_2024.read_bytes(),
        fetched_at="2024-10-01T00:00:00Z",
    )
    assert again["status"] == "unchanged" and again["dataset_id"] == second["dataset_id"]
    assert database.execute("select count(*) from removal_requests").fetchone()[0] == before
