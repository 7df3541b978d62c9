"""A transparency file from which no row can be stored never replaces the current rows (new-user finding 2)."""

import pytest

from modwatch.load.datasets import load_dataset
from spiders.x_removals import URL as X_URL
from tests.helpers import WIKIMEDIA_PAGE, report_file

X_FILE = "Twitter_Transparency-Removal_Requests_Jul-Dec-2020.csv"
META_URL = "https://raw.githubusercontent.com/joe-sturla/Content_Restrictions_2023_H1.csv"


def _load(db, parser, source, url, data):
    return load_dataset(db, parser=parser, source=source, url=url, data=data, fetched_at="2026-11-29T12:00:00Z")


def _current_rows(db, platform):
    return db.execute(
        "select count(*) from removal_requests where platform = ? and is_current = 1", [platform]
    ).fetchone()[0]


@pytest.mark.parametrize(
    "parser, source, platform, good, url, garbage",
    [
        # an HTML page fetched instead of the CSV (a wrong -a urls=...)
        ("x_removals", "x_removals", "X", X_FILE, X_URL, WIKIMEDIA_PAGE.read_bytes()),
        # the real Meta 2023-H1 CSV cut after its header line: no data line left
        (
            "meta_restrictions",
            "meta_restrictions/2023-H1",
            "Meta",
            "Content_Restrictions_2023_H1.csv",
            META_URL,
            report_file("Content_Restrictions_2023_H1.csv").read_bytes().split(b"\n", 1)[0] + b"\n",
        ),
        # bytes that are no CSV at all under the 2023-H1 URL
        (
            "meta_restrictions",
            "meta_restrictions/2023-H1",
            "Meta",
            "Content_Restrictions_2023_H1.csv",
            META_URL,
            b"\x00\xff garbage " * 300,
        ),
    ],
)
def test_nothing_stored_keeps_previous_dataset_current(memory_db, parser, source, platform, good, url, garbage):
    first = _load(memory_db, parser, source, url, report_file(good).read_bytes())
    before = _current_rows(memory_db, platform)
    assert first["status"] == "loaded" and before > 0

    second = _load(memory_db, parser, source, url, garbage)

    assert second["status"] == "empty" and second["rows_stored"] == 0
    assert _current_rows(memory_db, platform) == before
    assert (
        memory_db.execute(
            "select count(*) from removal_requests_by_country_period where platform = ?", [platform]
        ).fetchone()[0]
        > 0
    )
    datasets = {row["id"]: row for row in memory_db["datasets"].rows}
    assert datasets[first["dataset_id"]]["is_current"] == 1
    failed = datasets[second["dataset_id"]]
    assert (failed["is_current"], failed["status"]) == (0, "failed")
    assert failed["error"] == (
        f"no rows stored ({second['rows_rejected']} rejected): not made current, "
        f"the previous dataset of {source} stays current"
    )
