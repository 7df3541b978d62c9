"""meta_restrictions: Meta's content restrictions based on local law, one CSV per half-year."""

import csv

import pytest

from modwatch.transparency.common import Reject
from modwatch.transparency.meta import parse_meta_restrictions, schema_version
from spiders.meta_restrictions import URL_TEMPLATE
from tests.helpers import report_file


def load_period(load, period):
    name = f"Content_Restrictions_{period}.csv"
    year, half = period.split("_")
    return load(
        "meta_restrictions",
        name,
        source=f"meta_restrictions/{year}-{half}",
        url=URL_TEMPLATE.format(year=year, half=half[1]),
    )


@pytest.mark.parametrize(
    "period, layout, rows",
    [
        ("2013_H2", "meta-count", 13),
        ("2018_H1", "meta-count", 66),
        ("2018_H2", "meta-2018h2", 70 * 8),
        ("2021_H2", "meta-2018h2", 251 * 8),
        ("2023_H2", "meta-2023h2", 251 * 8),
    ],
)
def test_three_header_layouts(read_fixture, period, layout, rows):
    data = read_fixture(f"Content_Restrictions_{period}.csv")
    assert schema_version(data) == layout
    url = f"https://x.test/Content_Restrictions_{period}.csv"
    parsed = [row for _, row in parse_meta_restrictions(data, source_url=url)]
    assert not [row for row in parsed if isinstance(row, Reject)]
    assert sum(row.get("_table") is None for row in parsed) == rows


def test_vietnam_2018_h2_facebook_posts_1553(memory_db, load):
    load_period(load, "2018_H2")
    rows = {
        row["product"]: row
        for row in memory_db.query("select * from removal_requests where country = 'VN' and period_end = '2018-12-31'")
    }
    post = rows["Facebook Post"]
    assert (post["items_actioned"], post["items_actioned_raw"]) == (1553, "1,553")
    assert rows["Facebook Profile"]["items_actioned"] == 3
    event = rows["Facebook Event"]
    assert (event["items_actioned"], event["items_actioned_raw"], event["items_actioned_flag"]) == (
        None,
        "N/A",
        "not_available",
    )
    assert post["location"] == "Content_Restrictions_2018_H2.csv:71"
    assert post["period_start"] == "2018-07-01"
    # the per-country view adds the surfaces up to the file's own row total "1,556"
    assert memory_db.execute(
        "select items_actioned from removal_requests_by_country_period where platform = 'Meta' "
        "and country = 'VN' and period_end = '2018-12-31'"
    ).fetchone() == (1556,)


def test_vietnam_2018_h1_count_layout(memory_db, load):
    load_period(load, "2018_H1")
    row = memory_db.execute(
        "select country, country_name_raw, product, items_actioned, period_start from removal_requests "
        "where country_name_raw = 'Vietnam'"
    ).fetchone()
    assert row == ("VN", "Vietnam", None, 265, "2018-01-01")


@pytest.mark.parametrize(
    "period, surface, value, repeating",
    [
        ("2023_H2", "Instagram Media", 37, 250),
        ("2023_H2", "Instagram Account", 1, 250),
        ("2021_H2", "Instagram Account", 12, 250),
    ],
)
def test_global_geoblocks_stored_once_not_per_country(memory_db, load, period, surface, value, repeating):
    load_period(load, period)
    rows = list(
        memory_db.query(
            "select * from meta_global_geoblocks where surface = ? and kind = 'externally imposed'", [surface]
        )
    )
    assert len(rows) == 1
    assert (rows[0]["items"], rows[0]["rows_repeating"], rows[0]["rows_total"]) == (value, repeating, 251)
    assert not memory_db.execute("select count(*) from removal_requests where product like '%Global GB%'").fetchone()[0]


def test_2023_h2_country_total_excludes_the_repeated_global_count(memory_db, load):
    load_period(load, "2023_H2")
    # the file's row total "2,555" includes 37 + 1 global geo-blocks repeated in every country row
    vietnam = memory_db.execute(
        "select items_actioned from removal_requests_by_country_period where platform = 'Meta' and country = 'VN'"
    ).fetchone()[0]
    assert vietnam == 2555 - 37 - 1 == 2465 + 52
    # across countries: the file's row totals minus every global geo-block cell (37 repeated 250 times ...)
    with open(report_file("Content_Restrictions_2023_H2.csv"), newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    totals = sum(int(row["total"].replace(",", "")) for row in rows)
    global_cells = sum(int(value or 0) for row in rows for key, value in row.items() if "Global GB" in key)
    assert global_cells >= 250 * 37
    world = memory_db.execute("select sum(items_actioned) from removal_requests where platform = 'Meta'").fetchone()[0]
    assert world == totals - global_cells
    exception = memory_db.execute(
        "select other_values from meta_global_geoblocks where surface = 'Instagram Media' "
        "and kind = 'applied to others'"
    ).fetchone()[0]
    assert exception == '{"AD": "", "AT": "37"}'


def test_each_half_year_is_its_own_dataset(memory_db, load):
    first, second = load_period(load, "2018_H2"), load_period(load, "2023_H2")
    assert memory_db.execute("select count(*) from removal_requests where is_current = 1").fetchone()[0] == (
        70 * 8 + 251 * 8
    )
    sources = [row["source"] for row in memory_db["datasets"].rows]
    assert sources == ["meta_restrictions/2018-H2", "meta_restrictions/2023-H2"]
    assert first["dataset_id"] != second["dataset_id"]


def test_file_name_without_period_is_rejected_whole(memory_db, load):
    result = load("meta_restrictions", "Content_Restrictions_2018_H2.csv", url="https://x.test/restrictions.csv")
    assert (result["rows_stored"], result["rows_rejected"]) == (0, 1)
    reason, location = memory_db.execute("select reason, location from rejects").fetchone()
    assert "no half-year label" in reason and location == "restrictions.csv:1"
