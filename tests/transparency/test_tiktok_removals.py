"""tiktok_removals: TikTok government removal requests, xlsx workbook and CSV."""

import json

import pytest

from modwatch.transparency.common import Reject
from modwatch.transparency.layouts import LayoutError
from modwatch.transparency.tiktok import notes, parse_tiktok_removals, schema_version

XLSX = "English_LIPGR_2022_H1.xlsx"
CSV = "GRFCR_map_2022_H1.derived.csv"


@pytest.mark.parametrize("name, layout", [(XLSX, "tiktok-xlsx"), (CSV, "tiktok-grfcr-csv")])
def test_vietnam_2022_h1(memory_db, load, name, layout):
    result = load("tiktok_removals", name)
    assert result["rows_rejected"] == 0
    assert memory_db["datasets"].get(result["dataset_id"])["schema_version"] == layout
    row = next(memory_db.query("select * from removal_requests where country = 'VN'"))
    assert (row["requests"], row["items_requested"], row["items_actioned"]) == (16, 292, 13 + 184)
    assert row["compliance_pct"] == 67.47 and row["compliance_basis"] == "items"
    assert (row["period_start"], row["period_end"]) == ("2022-01-01", "2022-06-30")
    assert '"content not actioned": 95' in row["extra"]


def test_workbook_sheets(memory_db, load):
    load("tiktok_removals", XLSX)
    reports = dict(memory_db.execute("select report, count(*) from removal_requests group by report").fetchall())
    assert reports == {
        "tiktok/government_removal_requests": 54,
        "tiktok/government_requests_global": 7,
        "tiktok/ip_copyright": 1,
        "tiktok/ip_trademark": 1,
    }
    history = dict(
        memory_db.execute(
            "select period_end, requests from removal_requests where report = 'tiktok/government_requests_global'"
        )
    )
    assert (history["2019-06-30"], history["2021-06-30"], history["2021-12-31"], history["2022-06-30"]) == (
        28,
        2434,
        1722,
        2713,
    )
    location = memory_db.execute("select location from removal_requests where country = 'VN'").fetchone()[0]
    assert location == f"{XLSX}#GRFCR map:55"
    copyright_row = memory_db.execute(
        "select requests, compliance_pct, country from removal_requests where report = 'tiktok/ip_copyright'"
    ).fetchone()
    assert copyright_row == (94267, 69.83, None)


def test_xlsx_and_csv_agree(read_fixture):
    def by_country(name):
        return {
            row["country"]: (row["requests"], row["items_requested"], row["items_actioned"])
            for _, row in parse_tiktok_removals(read_fixture(name), source_url=f"https://x.test/{name}")
            if row["report"] == "tiktok/government_removal_requests"
        }

    assert by_country(XLSX) == by_country(CSV)
    assert len(by_country(CSV)) == 54


def test_unknown_csv_header_is_rejected_not_guessed(read_fixture):
    data = "Pays,Total des demandes\nViet Nam,16\n".encode("utf-8")
    assert schema_version(data) == "tiktok-unknown"
    with pytest.raises(
        LayoutError,
        match=r"unknown header in 2023H1_raw_data_gov_French\.csv: "
        r"Pays,Total des demandes \(known layouts: tiktok-xlsx, tiktok-grfcr-csv\)",
    ):
        list(parse_tiktok_removals(data, source_url="https://x.test/2023H1_raw_data_gov_French.csv"))


def test_per_half_year_csv_header_read_as_a_set(read_fixture):
    """TikTok's per-half-year CSVs: columns reordered, renamed (aliases, snake_case), one new column."""
    lines = read_fixture(CSV).decode("utf-8").splitlines()
    header = lines[0].split(",")
    header[0] = "country_region"
    header[1] = "Total Requests"
    renamed = [",".join(reversed([*header, "Notes"]))]
    renamed += [",".join(reversed([*line.split(","), "n"])) for line in lines[1:]]
    data = "\n".join(renamed).encode("utf-8")
    url = "https://sf16-va.tiktokcdn.com/obj/eden-va2/uhsllrta/H1%20%2722%20LIGR/gov/2022H1_raw_data_gov_English.csv"
    assert schema_version(data) == "tiktok-grfcr-csv"
    assert notes(data, url) == ["2022H1_raw_data_gov_English.csv: extra column(s) kept in extra: Notes"]
    rows = {row["country"]: row for _, row in parse_tiktok_removals(data, source_url=url)}
    assert len(rows) == 54
    vietnam = rows["VN"]
    assert (vietnam["requests"], vietnam["items_requested"], vietnam["items_actioned"]) == (16, 292, 197)
    assert vietnam["compliance_pct"] == 67.47 and vietnam["period_end"] == "2022-06-30"
    assert json.loads(vietnam["extra"])["Notes"] == "n"


def test_period_column_written_as_text_is_checked_against_the_file_name():
    data = (
        "Time period,Country,Total requests received,Total content received,"
        "Content actioned due to community guidelines violations,"
        "Content actioned due to (local) law violations,Content not actioned,Total accounts received,"
        "Accounts actioned due to community guidelines violations,"
        "Accounts actioned due to (local) law violations,Accounts not actioned,Removal rate\n"
        "July - December 2025,Vietnam,20,300,10,200,90,0,0,0,0,0.7\n"
        "January - June 2025,Vietnam,20,300,10,200,90,0,0,0,0,0.7\n"
    ).encode("utf-8")
    rows = list(parse_tiktok_removals(data, source_url="https://x.test/2025H2_raw_data_gov_English.csv"))
    assert rows[0][1]["period_start"] == "2025-07-01" and rows[0][1]["requests"] == 20
    assert rows[1] == (
        "2025H2_raw_data_gov_English.csv:3",
        Reject(
            "2025H2_raw_data_gov_English.csv:3",
            "TikTok grfcr map: period 'January - June 2025' is not the file's half-year 2025-07-01..2025-12-31",
            "January - June 2025,Vietnam,20,300,10,200,90,0,0,0,0,0.7",
        ),
    )
