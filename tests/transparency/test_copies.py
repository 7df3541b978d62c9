"""Every dataset says what kind of copy it came from; the crawl summary prints it with the newest period."""

import pytest

from db import source_status
from cli.crawl import SpiderRun, summary_table
from modwatch.transparency.copies import copy_kind
from pipelines.transparency import store_dataset_file
from spiders import meta_restrictions, tiktok_removals, x_removals


@pytest.mark.parametrize(
    ("parser", "url", "kind"),
    [
        (
            "google_removals",
            "https://storage.googleapis.com/transparencyreport/google-government-removals.zip",
            "platform",
        ),
        (
            "google_removals",
            "https://storage.googleapis.com/transparencyreport/report-downloads/"
            "government-removals_2025-7-1_2025-12-31_en_v1.zip",
            "platform",
        ),
        ("google_removals", "https://storage.googleapis.com/someone-elses-bucket/google.zip", "unknown_host"),
        ("meta_restrictions", meta_restrictions.URL_TEMPLATE.format(year=2023, half=2), "third_party_copy"),
        ("x_removals", x_removals.URL, "third_party_copy"),
        ("tiktok_removals", tiktok_removals.URL, "third_party_copy"),
        (
            "tiktok_removals",
            "https://sf16-va.tiktokcdn.com/obj/eden-va2/uhsllrta/H1%20%2723%20LIGR/gov/2023H1_raw_data_gov_French.csv",
            "platform",
        ),
        (
            "meta_restrictions",
            "https://web.archive.org/web/2024/https://transparency.meta.com/x.csv",
            "third_party_copy",
        ),
        ("x_removals", "file:///data/Twitter_Transparency-Removal_Requests_Jul-Dec-2020.csv", "local_file"),
    ],
)
def test_copy_kind(parser, url, kind):
    assert copy_kind(parser, url) == kind


def test_default_meta_copy_is_an_archived_third_party_copy_ending_2023_h2(memory_db, read_fixture):
    url = meta_restrictions.URL_TEMPLATE.format(year=2023, half=2)
    item = {
        "parser": "meta_restrictions",
        "source": "meta_restrictions/2023-H2",
        "url": url,
        "body": read_fixture("Content_Restrictions_2023_H2.csv"),
        "fetched_at": "2026-12-01T00:00:00Z",
    }
    store_dataset_file(memory_db, item, crawl_run_id=4, spider="meta_restrictions")
    dataset = memory_db["datasets"].get(item["dataset_id"])
    assert (dataset["copy_kind"], dataset["newest_period"]) == ("third_party_copy", "2023-12-31")
    status = memory_db["source_status"].get("meta_restrictions")
    assert (status["state"], status["copy_kind"], status["newest_period"]) == (
        "stale",
        "third_party_copy",
        "2023-12-31",
    )
    assert status["reason"].startswith("newest period ends 2023-12-31, ")
    run = SpiderRun(
        "meta_restrictions",
        0,
        1.0,
        None,
        status="stale",
        problems=[f"source meta_restrictions stale: {status['reason']}"],
        datasets=source_status.datasets_of_run(memory_db, 4),
    )
    summary = summary_table([run])
    assert (
        f"  meta_restrictions: dataset {item['dataset_id']} meta_restrictions/2023-H2 (loaded): "
        "archived third-party copy, newest period 2023-12-31"
    ) in summary
    assert "  meta_restrictions: source meta_restrictions stale: newest period ends 2023-12-31" in summary
