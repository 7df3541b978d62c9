"""google_removals: Google's government removal requests zip, parsed, stored and crawled."""

import io
import json
import zipfile

import pytest

from modwatch.transparency.common import Reject
from modwatch.transparency.google import parse_google_removals, schema_version
from modwatch.load.datasets import load_dataset

ZIP = "google-government-removals.zip"
URL = "https://storage.googleapis.com/transparencyreport/google-government-removals.zip"
REQUESTS = "google-government-removals/google-government-removal-requests.csv"
HISTORICAL = "google-government-removals/historical/google-government-removal-requests-historical.csv"


@pytest.fixture
def google_db(memory_db, load):
    result = load("google_removals", ZIP, url=URL)
    assert result["status"] == "loaded"
    return memory_db


def rewrite_zip(data: bytes, member: str, change) -> bytes:
    """The zip with ``member``'s text replaced by ``change(text)``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == member:
                body = change(body.decode("utf-8")).encode("utf-8")
            target.writestr(info, body)
    return out.getvalue()


def test_parser_reads_all_four_csvs(read_fixture):
    data = read_fixture(ZIP)
    assert schema_version(data) == (
        "google-by_product_reason+by_requester+historical_by_country+historical_by_product_reason"
    )
    rows = [row for _, row in parse_google_removals(data, source_url=URL)]
    assert not [row for row in rows if isinstance(row, Reject)]
    reports = {row["report"] for row in rows}
    assert reports == {
        "google/by_requester",
        "google/by_product_reason",
        "google/historical_by_country",
        "google/historical_by_product_reason",
    }
    assert sum(row["report"] == "google/by_requester" for row in rows) == 2735


def test_vietnam_information_and_communications_authority_2023_h2(google_db):
    rows = list(
        google_db.query(
            "select * from removal_requests where report = 'google/by_requester' and country = 'VN' "
            "and period_end = '2023-12-31' and requester = 'Information and Communications Authority'"
        )
    )
    assert len(rows) == 1
    row = rows[0]
    assert (row["requests"], row["items_requested"]) == (735, 4734)
    assert row["period_start"] == "2023-07-01"
    assert row["compliance_pct"] == 63.0  # 63 % removed-legal + 0 % removed-policy, share of items
    assert json.loads(row["extra"])["% Not Enough Information"] == "17"  # header had a trailing space
    assert row["location"] == f"{REQUESTS}:2733"
    assert row["is_current"] == 1


def test_vietnam_youtube_product_reason_2021_h1_sums_to_326(google_db):
    total, criticism = google_db.execute(
        "select sum(requests), sum(case when reason = 'Government Criticism' then requests end) "
        "from removal_requests where report = 'google/by_product_reason' and country = 'VN' "
        "and period_end = '2021-06-30' and product = 'YouTube' and is_current = 1"
    ).fetchone()
    assert (total, criticism) == (326, 304)


def test_less_than_ten_stays_distinguishable_from_zero_and_missing(google_db):
    # historical file, 2009-12-31: Armenia "<10" requests; Argentina 42 requests with blank items
    def cell(country, column):
        return google_db.execute(
            f"select {column}, {column}_raw, {column}_flag from removal_requests "
            "where report = 'google/historical_by_country' and requester = 'All Requests' "
            "and period_end = '2009-12-31' and country = ?",
            [country],
        ).fetchone()

    assert cell("AM", "requests") == (None, "<10", "less_than")
    assert cell("AM", "compliance_pct") == (0.0, "0", None)
    assert cell("AR", "items_requested") == (None, "", "blank")
    assert cell("AR", "requests") == (42, "42", None)
    flags = dict(
        google_db.execute(
            "select requests_flag, count(*) from removal_requests where report = 'google/historical_by_country' "
            "and requests_flag is not null group by requests_flag"
        ).fetchall()
    )
    assert flags == {"less_than": 48, "unknown": 2}
    assert google_db["removal_requests"].columns_dict["requests"] is int


def test_2019_h1_is_not_double_counted(google_db):
    # both the historical and the requestor file cover 2019-06-30: the requestor file wins
    historical = google_db.execute(
        "select requests, counts_in_total, duplicate_of from removal_requests where country = 'VN' "
        "and period_end = '2019-06-30' and report = 'google/historical_by_country' "
        "and requester = 'All Requests'"
    ).fetchall()
    assert historical == [(81, 0, REQUESTS)]
    summary = list(
        google_db.query(
            "select * from removal_requests_by_country_period where platform = 'Google' and country = 'VN' "
            "and period_end = '2019-06-30'"
        )
    )
    assert len(summary) == 1
    assert summary[0]["requests"] == 4 + 92 + 1 + 27
    assert summary[0]["reports"] == "google/by_requester"
    # earlier periods come from the historical file
    assert google_db.execute(
        "select requests, reports from removal_requests_by_country_period where platform = 'Google' "
        "and country = 'VN' and period_end = '2017-06-30'"
    ).fetchone() == (38, "google/historical_by_country")


def test_countries_keyed_by_cldr_code_and_supranational_requesters_kept(google_db):
    # the current files say "Türkiye" for every period, the frozen historical ones "Turkey": one key
    names = dict(
        google_db.execute(
            "select report, group_concat(distinct country_name_raw) from removal_requests where country = 'TR' "
            "group by report"
        ).fetchall()
    )
    assert names == {
        "google/by_requester": "Türkiye",
        "google/by_product_reason": "Türkiye",
        "google/historical_by_country": "Turkey",
        "google/historical_by_product_reason": "Turkey",
    }
    europol = google_db.execute(
        "select count(*) from removal_requests where country is null and country_name_raw = 'Europol'"
    ).fetchone()
    assert europol[0] > 0


def test_dataset_row_describes_the_download(google_db, read_fixture):
    dataset = google_db["datasets"].get(1)
    assert dataset["sha256"] == "7c647f5b648499c852bfa9042bd88652c163492d0cca95bfbfb94006c6a5a385"
    assert dataset["byte_size"] == len(read_fixture(ZIP)) == 200540
    assert dataset["status"] == "loaded" and dataset["is_current"] == 1
    assert dataset["rows_stored"] == google_db["removal_requests"].count
    assert dataset["rows_rejected"] == 0
    # every data line of the four CSVs was read (header lines excluded)
    assert dataset["rows_read"] == 2735 + 17695 + 1204 + 9645


def test_same_file_again_is_not_stored_twice(google_db, load):
    assert load("google_removals", ZIP, url=URL)["status"] == "unchanged"
    assert google_db["datasets"].count == 1


def test_revised_download_replaces_current_rows_and_keeps_the_old_ones(memory_db, load):
    # the 2023-03 snapshot (header "Requester", "Turkey") then the 2024-09 zip (revised figures)
    old = load("google_removals", "google-government-removal-requests.2023-03.head300.csv", url=URL)
    new = load("google_removals", ZIP, url=URL)
    russia = memory_db.execute(
        "select dataset_id, is_current, requests, items_requested from removal_requests "
        "where report = 'google/by_requester' and country = 'RU' and period_end = '2019-06-30' "
        "and requester = 'Information and Communications Authority' order by dataset_id"
    ).fetchall()
    assert russia == [(old["dataset_id"], 0, 10803, 141824), (new["dataset_id"], 1, 10543, 17872)]
    turkey = memory_db.execute(
        "select distinct dataset_id, country_name_raw from removal_requests where country = 'TR' "
        "and period_end = '2019-06-30' and report = 'google/by_requester' order by dataset_id"
    ).fetchall()
    assert turkey == [(old["dataset_id"], "Turkey"), (new["dataset_id"], "Türkiye")]
    assert (
        memory_db.execute(
            "select count(*) from removal_requests where dataset_id = ? and is_current = 1", [old["dataset_id"]]
        ).fetchone()[0]
        == 0
    )
    statuses = [(d["id"], d["is_current"]) for d in memory_db["datasets"].rows]
    assert statuses == [(old["dataset_id"], 0), (new["dataset_id"], 1)]


def test_malformed_row_goes_to_rejects_and_the_rest_loads(memory_db, load, read_fixture):
    bad_line = "2023-12-31,Vietnam,VN,Police,many,12,,,,,,"
    short_line = "2023-11-30,Vietnam,VN,Police,3"
    data = rewrite_zip(read_fixture(ZIP), REQUESTS, lambda text: text + bad_line + "\n" + short_line + "\n")
    result = load("google_removals", ZIP, url=URL, data=data)
    assert result["rows_rejected"] == 2
    rejects = list(memory_db.query("select * from rejects order by id"))
    assert [r["excerpt"] for r in rejects] == [bad_line, short_line]
    assert rejects[0]["location"] == f"{REQUESTS}:2737"
    assert "not a count: 'many'" in rejects[0]["reason"]
    assert "expected 12 cells" in rejects[1]["reason"]
    assert {r["dataset_id"] for r in rejects} == {result["dataset_id"]}
    # the rest of the file (and of the zip) was stored
    assert (
        memory_db.execute("select count(*) from removal_requests where report = 'google/by_requester'").fetchone()[0]
        == 2735
    )


def test_failed_load_rolls_back_and_marks_the_dataset(memory_db):
    with pytest.raises(zipfile.BadZipFile):
        load_dataset(
            memory_db, parser="google_removals", source="google_removals", url=URL, data=b"<html>not the zip</html>"
        )
    dataset = memory_db["datasets"].get(1)
    assert dataset["status"] == "failed" and "BadZipFile" in dataset["error"]
    assert memory_db["removal_requests"].count == 0


def test_integer_beyond_sqlite_range_is_kept_as_text(memory_db, load, read_fixture):
    huge = "18446744073709551616"  # 2^64
    line = f"2023-12-31,Vietnam,VN,Military,1,{huge},100,,,,,"
    data = rewrite_zip(read_fixture(ZIP), REQUESTS, lambda text: text + line + "\n")
    result = load("google_removals", ZIP, url=URL, data=data)
    assert result["rows_rejected"] == 0
    row = memory_db.execute(
        "select requests, items_requested, items_requested_raw, items_requested_flag, typeof(items_requested_raw) "
        "from removal_requests where country = 'VN' and requester = 'Military'"
    ).fetchone()
    assert row == (1, None, huge, "too_large", "text")


def test_pipeline_keeps_a_broken_download_as_a_reject(memory_db):
    from scrapy.statscollectors import MemoryStatsCollector
    from scrapy.utils.test import get_crawler

    from pipelines.transparency import store_dataset_file

    stats = MemoryStatsCollector(get_crawler())
    item = {
        "parser": "google_removals",
        "source": "google_removals",
        "url": URL,
        "body": b"<html>Service Unavailable</html>",
        "fetched_at": "2026-11-29T12:00:00Z",
        "warc_record_id": "<urn:uuid:0>",
    }
    store_dataset_file(memory_db, item, crawl_run_id=None, spider="google_removals", stats=stats)
    (reject,) = memory_db.query("select * from rejects")
    assert reject["reason"].startswith("dataset not stored: BadZipFile")
    assert reject["excerpt"] == "<html>Service Unavailable</html>"
    assert (reject["url"], reject["warc_record_id"]) == (URL, "<urn:uuid:0>")
    assert memory_db["datasets"].get(1)["status"] == "failed"
    assert stats.get_value("modwatch/rejects") == 1
