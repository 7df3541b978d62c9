"""x_removals: X (Twitter) removal requests, two tables in one CSV."""

import pytest

from modwatch.transparency.common import Reject
from modwatch.transparency.x import parse_x_removals, schema_version
from spiders.x_removals import URL

NAME = "Twitter_Transparency-Removal_Requests_Jul-Dec-2020.csv"


@pytest.fixture
def x_db(memory_db, load):
    load("x_removals", NAME, url=URL)
    return memory_db


def test_both_tables_are_read(read_fixture):
    data = read_fixture(NAME)
    assert schema_version(data) == "x-two-tables"
    rows = [row for _, row in parse_x_removals(data, source_url=URL)]
    assert not [row for row in rows if isinstance(row, Reject)]
    combined = [row for row in rows if row["report"] == "x/legal_demands" and row["counts_in_total"]]
    local_law = [row for row in rows if row["report"] == "x/local_law"]
    assert len(combined) == 617  # lines 3..619 of the file
    assert [row["period_start"] for row in local_law] == [
        f"{year}-{month}" for year in range(2020, 2016, -1) for month in ("07-01", "01-01")
    ][:-1]


@pytest.mark.parametrize(
    "requester, requests, compliance, flag, accounts",
    [
        ("All legal demands", 186, None, "null", 304),
        ("Court orders", 65, None, "null", 0),
        ("Other legal demands", 121, None, "null", 0),
    ],
)
def test_turkey_2014_h1_with_null_rates(x_db, requester, requests, compliance, flag, accounts):
    row = x_db.execute(
        "select requests, compliance_pct, compliance_pct_raw, compliance_pct_flag, items_requested, period_end "
        "from removal_requests where country = 'TR' and period_start = '2014-01-01' and requester = ?",
        [requester],
    ).fetchone()
    assert row == (requests, compliance, "NULL" if flag else None, flag, accounts, "2014-06-30")


def test_combined_row_counts_in_total_and_keeps_withheld_counts(x_db):
    row = next(
        x_db.query(
            "select * from removal_requests where country = 'AR' and period_start = '2020-07-01' "
            "and requester = 'All legal demands'"
        )
    )
    assert (row["requests"], row["compliance_pct"], row["items_requested"], row["counts_in_total"]) == (4, 50.0, 6, 1)
    assert row["location"] == f"{NAME}:4"
    summary = x_db.execute(
        "select requests, compliance_pct from removal_requests_by_country_period "
        "where platform = 'X' and country = 'AR' and period_end = '2020-12-31'"
    ).fetchone()
    assert summary == (4, 50.0)  # the court / other split is not added a second time


def test_local_law_rows_are_global(x_db):
    row = x_db.execute(
        "select country, requests, compliance_pct, items_requested, items_actioned, counts_in_total, extra "
        "from removal_requests where report = 'x/local_law' and period_start = '2018-07-01'"
    ).fetchone()
    assert row == (None, 1608, 30.0, 448, 0, 0, '{"Tweets withheld": "91", "Accounts TOS": "378"}')


def test_footnoted_and_renamed_countries_resolve(x_db):
    names = dict(
        x_db.execute(
            "select country_name_raw, country from removal_requests where country_name_raw in "
            "('Iran**', 'Hong Kong SAR', 'Turkey', 'Russia') group by country_name_raw"
        ).fetchall()
    )
    assert names == {"Iran**": "IR", "Hong Kong SAR": "HK", "Turkey": "TR", "Russia": "RU"}


def test_row_outside_a_table_and_bad_cells_are_rejected(memory_db, load, read_fixture):
    text = read_fixture(NAME).decode("utf-8")
    bad = "2020-07-01,Chile,one,1,2,NULL,0,0,0,1,1,0,0,0,0,0"
    lines = text.split("\n")
    data = "\n".join(["stray line before any table"] + lines[:3] + [bad] + lines[3:]).encode("utf-8")
    result = load("x_removals", NAME, url=URL, data=data)
    assert result["rows_rejected"] == 2
    rejects = memory_db.execute("select location, excerpt, reason from rejects order by id").fetchall()
    assert rejects[0] == (f"{NAME}:1", "stray line before any table", "X removal requests: row outside a known table")
    assert rejects[1][0] == f"{NAME}:5"
    assert rejects[1][1] == bad and "not a count: 'one'" in rejects[1][2]
    assert memory_db.execute("select count(*) from removal_requests where counts_in_total = 1").fetchone()[0] == 617
