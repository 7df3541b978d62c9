"""Google's current (2026) export beside the four old layouts: header sets, text periods, bundles, one total."""

import datetime as dt
import io
import json
import zipfile
from collections import Counter

import pytest

from modwatch.load.datasets import load_dataset
from modwatch.transparency.common import Reject
from modwatch.transparency.google import notes, parse_google_removals, schema_version
from modwatch.transparency.layouts import LayoutError, bundle_period, half_year_from_text
from pipelines.transparency import store_dataset_file
from tests.helpers import FIXTURES

URL = "https://storage.googleapis.com/transparencyreport/google-government-removals.zip"
FOLDER = FIXTURES / "transparency" / "google_2026"
NEW = (FOLDER / "google-government-removal-requests.VN-TH-KH-MM.csv").read_bytes()
OLD_DETAILED = (FOLDER / "google-government-detailed-removal-requests.VN-TH-KH-MM.csv").read_bytes()
NEW_NAME = "google-government-removals/google-government-removal-requests.csv"
DETAILED_NAME = "google-government-removals/google-government-detailed-removal-requests.csv"
OLD_REQUESTS_NAME = "google-government-removals/google-government-removal-requests.csv"


def make_zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return out.getvalue()


def zip_members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist() if not info.is_dir()}


def load(db, data, url=URL):
    return load_dataset(
        db, parser="google_removals", source="google_removals", url=url, data=data, fetched_at="2026-12-01T00:00:00Z"
    )


def store(db, data, url=URL, crawl_run_id=None):
    item = {
        "parser": "google_removals",
        "source": "google_removals",
        "url": url,
        "body": data,
        "fetched_at": "2026-12-01T00:00:00Z",
        "warc_record_id": None,
    }
    store_dataset_file(db, item, crawl_run_id=crawl_run_id, spider="google_removals")
    return item


def vietnam_totals(db) -> dict[str, int]:
    return {
        row["period_end"]: row["requests"]
        for row in db.query(
            "select period_end, requests from removal_requests_by_country_period where platform = 'Google' "
            "and country = 'VN'"
        )
    }


def test_text_periods_and_bundle_folders():
    assert half_year_from_text("January - June 2025") == ("2025-01-01", "2025-06-30")
    assert half_year_from_text("July – December 2023") == ("2023-07-01", "2023-12-31")
    assert half_year_from_text("Jan-Jun 2024") == ("2024-01-01", "2024-06-30")
    with pytest.raises(ValueError, match="not a half-year: 'January - July 2025'"):
        half_year_from_text("January - July 2025")
    assert bundle_period("government-removals_2025-7-1_2025-12-31_en_v1/google-government-removal-requests.csv") == (
        "2025-07-01",
        "2025-12-31",
    )
    assert bundle_period("/transparencyreport/report-downloads/government-removals_2019-1-1_2025-12-31_en_v1.zip") == (
        "2019-01-01",
        "2025-12-31",
    )
    assert bundle_period("google-government-removals/google-government-removal-requests.csv") is None


def test_new_layout_vietnam_information_and_communications_authority_2023_h2(memory_db):
    assert schema_version(NEW) == "google-by_requester_product_reason"
    result = load(memory_db, make_zip({NEW_NAME: NEW}))
    assert (result["status"], result["rows_rejected"], result["rows_stored"]) == ("loaded", 0, 270)
    requests, items, removed, rows = memory_db.execute(
        "select sum(requests), sum(items_requested), sum(items_actioned), count(*) from removal_requests "
        "where report = 'google/by_requester_product_reason' and country = 'VN' and period_end = '2023-12-31' "
        "and requester = 'Information and Communications Authority'"
    ).fetchone()
    assert (requests, items) == (735, 4734)
    assert rows > 1  # summed over product x reason
    # compliance from item counts, not read as a percentage: 3,007 of 4,734 items removed = 63.5 %, which the
    # 2024 file rounded per outcome cell (63 % removed-legal + 0 % removed-policy)
    assert removed == 3007 and 63 <= 100 * removed / items < 64
    row = next(
        memory_db.query(
            "select * from removal_requests where country = 'VN' and period_end = '2025-06-30' and product = 'Play Apps' "
            "and reason = 'Regulated goods and services'"
        )
    )
    assert (row["requests"], row["items_requested"], row["items_actioned"]) == (10, 114, 99)
    assert row["compliance_pct"] == round(100 * 99 / 114, 4) and row["compliance_basis"] == "items"
    assert row["period_start"] == "2025-01-01" and row["counts_in_total"] == 1
    assert json.loads(row["extra"])["items_no_action_taken"] == "12"


def test_youtube_2021_h1_keeps_both_series(memory_db):
    load(memory_db, make_zip({NEW_NAME: NEW, DETAILED_NAME: OLD_DETAILED}))
    by_report = dict(
        memory_db.execute(
            "select report, sum(requests) from removal_requests where country = 'VN' and product = 'YouTube' "
            "and period_end = '2021-06-30' group by report"
        ).fetchall()
    )
    assert by_report == {"google/by_requester_product_reason": 611, "google/by_product_reason": 326}
    assert (
        memory_db.execute(
            "select count(*) from removal_requests where report = 'google/by_product_reason' and counts_in_total = 1"
        ).fetchone()[0]
        == 0
    )


@pytest.mark.parametrize("holds", ["new", "old", "both"])
def test_vietnam_2023_h2_total_is_787_whichever_file_the_zip_holds(memory_db, read_fixture, holds):
    old = zip_members(read_fixture("google-government-removals.zip"))
    members = {
        "new": {NEW_NAME: NEW, DETAILED_NAME: OLD_DETAILED},
        "old": old,
        "both": {**old, "google-government-removals/2026/google-government-removal-requests.csv": NEW},
    }[holds]
    result = load(memory_db, make_zip(members))
    assert result["status"] == "loaded" and result["rows_rejected"] == 0
    totals = vietnam_totals(memory_db)
    assert totals["2023-12-31"] == 787
    # no Vietnam half-year counted twice: each is one series' rows only
    series = memory_db.execute(
        "select period_end, count(distinct report) from removal_requests where is_current = 1 and counts_in_total = 1 "
        "and country = 'VN' group by period_end"
    ).fetchall()
    assert len(series) == len(totals) and {count for _, count in series} == {1}
    if holds != "old":
        assert totals["2025-06-30"] == 392 and totals["2024-12-31"] == 833  # periods the old file never had
    if holds == "both":
        duplicates = Counter(
            row["duplicate_of"]
            for row in memory_db.query(
                "select duplicate_of from removal_requests where country = 'VN' and report = 'google/by_requester'"
            )
        )
        assert duplicates == {"google-government-removals/2026/google-government-removal-requests.csv": 32}  # every row


def test_header_as_a_set_with_aliases_and_an_extra_column(memory_db):
    lines = NEW.decode("utf-8").splitlines()
    header = lines[0].split(",")
    header[header.index("country")] = "country_name"
    header[header.index("items_requested_removal")] = "items_requested"
    order = [2, 0, 1, *range(3, len(header))]  # cldr_territory first
    rewritten = [",".join([header[i] for i in order] + ["items_appealed"])]
    rewritten += [",".join([line.split(",")[i] for i in order] + ["0"]) for line in lines[1:]]
    data = make_zip({NEW_NAME: "\n".join(rewritten).encode("utf-8")})
    assert schema_version(data) == "google-by_requester_product_reason"
    assert notes(data) == [f"{NEW_NAME}: extra column(s) kept in extra: items_appealed"]
    load(memory_db, data)
    assert vietnam_totals(memory_db)["2023-12-31"] == 787
    extra = json.loads(next(memory_db.query("select extra from removal_requests limit 1"))["extra"])
    assert extra["items_appealed"] == "0"


def test_bundle_folder_dates_rows_without_a_period_column(memory_db):
    lines = [
        line.split(",", 1)[1]
        for line in NEW.decode("utf-8").splitlines()
        if line.startswith(("time_period", "July - December 2024"))
    ]  # the period column dropped
    body = "\n".join(lines).encode("utf-8")
    bundle = "government-removals_2024-7-1_2024-12-31_en_v1/google-government-removal-requests.csv"
    load(memory_db, make_zip({bundle: body}))
    assert vietnam_totals(memory_db) == {"2024-12-31": 833}
    # the bundle folder as the file's parent in the download URL
    url = f"https://storage.googleapis.com/transparencyreport/report-downloads/{bundle}"
    rows = [row for _, row in parse_google_removals(body, source_url=url)]
    assert {row["period_end"] for row in rows} == {"2024-12-31"} and len(rows) == len(lines) - 1


def test_row_outside_its_bundle_is_rejected():
    body = b"\n".join(
        NEW.splitlines()[:1] + [line for line in NEW.splitlines() if line.startswith(b"July - December 2024")][:1]
    )
    bundle = "government-removals_2025-1-1_2025-6-30_en_v1/google-government-removal-requests.csv"
    ((location, reject),) = parse_google_removals(make_zip({bundle: body}))
    assert location == f"{bundle}:2"
    assert reject == Reject(
        f"{bundle}:2",
        "by_requester_product_reason: half-year 2024-07-01..2024-12-31 outside its bundle 2025-01-01..2025-06-30",
        body.splitlines()[1].decode(),
    )


def test_unknown_header_raises_naming_the_member():
    drifted = NEW.replace(b"number_of_requests", b"request_count", 1)
    with pytest.raises(
        LayoutError,
        match=r"unknown header in google-government-removals/google-government-"
        r"removal-requests\.csv: time_period,country,.*request_count",
    ):
        list(parse_google_removals(make_zip({NEW_NAME: drifted, DETAILED_NAME: OLD_DETAILED})))
    assert schema_version(make_zip({NEW_NAME: drifted})) == "google-unknown"


def test_drifted_zip_leaves_the_current_rows_and_says_so(memory_db, read_fixture):
    store(memory_db, read_fixture("google-government-removals.zip"))
    before = vietnam_totals(memory_db)
    drifted = NEW.replace(b"number_of_requests", b"request_count", 1)
    item = store(memory_db, make_zip({NEW_NAME: drifted, DETAILED_NAME: OLD_DETAILED}))
    assert item.get("status") is None  # not loaded
    assert vietnam_totals(memory_db) == before and before["2023-12-31"] == 787
    datasets = list(memory_db.query("select status, is_current from datasets order by id"))
    assert datasets == [{"status": "loaded", "is_current": 1}, {"status": "failed", "is_current": 0}]
    status = memory_db["source_status"].get("google_removals")
    assert status["state"] == "drifted"
    assert status["reason"].startswith(f"{URL}: unknown header in {NEW_NAME}: time_period,country,")
    assert status["reason"].endswith("not loaded, the previous data stays current")
    assert status["layout_seen"].startswith("unknown: time_period,") and "request_count" in status["layout_seen"]
    assert "google-by_requester_product_reason" in status["layouts_known"]
    (reject,) = memory_db.query("select reason from rejects")
    assert "LayoutError: unknown header in" in reject["reason"] and "request_count" in reject["reason"]


def test_new_layout_beside_old_detailed_file_leaves_every_per_country_total(memory_db, read_fixture):
    """The 2024 zip, then a zip of the 2026 layout + the old product x reason file (no historical folder)."""
    store(memory_db, read_fixture("google-government-removals.zip"))
    before = {
        (row["country"], row["period_end"]): row["requests"]
        for row in memory_db.query("select * from removal_requests_by_country_period where platform = 'Google'")
    }
    store(memory_db, make_zip({NEW_NAME: NEW, DETAILED_NAME: OLD_DETAILED}))
    after = {
        (row["country"], row["period_end"]): row["requests"]
        for row in memory_db.query("select * from removal_requests_by_country_period where platform = 'Google'")
    }
    assert set(before) <= set(after)  # every per-country total still there
    assert after[("VN", "2023-12-31")] == 787 and after[("VN", "2025-06-30")] == 392
    assert after[("VN", "2017-06-30")] == before[("VN", "2017-06-30")] == 38  # historical series carried
    assert after[("FR", "2023-12-31")] == before[("FR", "2023-12-31")]  # a country the subset lacks: carried
    reports = dict(
        memory_db.execute(
            "select report, count(*) from removal_requests where is_current = 1 and country = 'VN' "
            "and counts_in_total = 1 group by report"
        ).fetchall()
    )
    assert set(reports) == {"google/by_requester_product_reason", "google/historical_by_country"}
    dataset = memory_db["datasets"].get(2)
    assert dataset["is_current"] == 1 and dataset["newest_period"] == "2025-06-30"
    assert "series google/historical_by_country absent from this download" in dataset["notes"]
    assert dataset["copy_kind"] == "platform"
    status = memory_db["source_status"].get("google_removals")
    assert status["newest_period"] == "2025-06-30" and status["copy_kind"] == "platform"
    # Google published 2025-H2 by August 2026: a download still ending at 2025-06-30 is stale after 400 days
    stale = (dt.date.today() - dt.date(2025, 6, 30)).days > 400
    assert (status["state"], (status["reason"] or "")[:31]) == (
        ("stale", "newest period ends 2025-06-30, ") if stale else ("ok", "")
    )
