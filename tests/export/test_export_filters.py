"""``export`` checks its filters and keeps the bundles of different filters apart (new-user finding 8)."""

import csv
import datetime as dt
import sqlite3

import pytest

from cli.main import main
from modwatch.export import ExportError, check_filters, export_bundle

DAY = dt.date(2026, 11, 29)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--country", "XX"], "--country must be an ISO 3166-1 alpha-2 code such as VN, not 'XX'"),
        (["--country", "ZZZ"], "--country must be an ISO 3166-1 alpha-2 code such as VN, not 'ZZZ'"),
        (
            ["--country", "Vietnam"],
            "--country must be an ISO 3166-1 alpha-2 code such as VN, not 'Vietnam' (Vietnam is VN)",
        ),
        (["--country", "TUR"], "--country must be an ISO 3166-1 alpha-2 code such as VN, not 'TUR' (TUR is TR)"),
        (["--since", "2024-01-01", "--until", "2023-01-01"], "--since 2024-01-01 is later than --until 2023-01-01"),
        (["--platform", "nope"], "--platform 'nope' matches no row of the database; known values: "),
        (["--source", "nosuch"], "--source 'nosuch' matches no row of the database; known values: "),
    ],
)
def test_bad_filter_exits_2_and_writes_nothing(site_db, tmp_path, capsys, args, message):
    assert main(["export", "--db", str(site_db), "--out", str(tmp_path), *args]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith(f"error: {message}") and captured.out == ""
    assert list(tmp_path.iterdir()) == []


def test_unknown_values_message_lists_the_database_values(site_db):
    conn = sqlite3.connect(site_db)
    with pytest.raises(ExportError) as error:
        check_filters(conn, {"platform": "nope"})
    known = str(error.value).split("known values: ")[1].split(", ")
    assert {"Google", "Meta", "X", "facebook"} <= set(known)
    with pytest.raises(ExportError) as error:
        check_filters(conn, {"source": "nosuch"})
    assert "netzpolitik" in str(error.value).split("known values: ")[1].split(", ")
    conn.close()


@pytest.mark.parametrize(
    "filters",
    [
        {"country": "vn"},
        {"country": "TR"},
        {"platform": "Meta"},
        {"platform": "facebook"},
        {"source": "netzpolitik"},
        {"since": "2023-01-01", "until": "2023-01-01"},
    ],
)
def test_good_filters_pass(site_db, filters):
    conn = sqlite3.connect(site_db)
    check_filters(conn, filters)  # raises nothing
    conn.close()


def test_exports_of_the_same_day_with_other_filters_are_kept_side_by_side(site_db, tmp_path):
    vietnam = export_bundle(site_db, tmp_path, today=DAY, filters={"country": "VN"}, tables=["removal_requests"])
    turkey = export_bundle(
        site_db, tmp_path, today=DAY, filters={"country": "TR", "platform": "Google"}, tables=["removal_requests"]
    )
    assert (vietnam.name, turkey.name) == (
        "modwatch-2026-11-29-country-vn",
        "modwatch-2026-11-29-country-tr-platform-google",
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([vietnam.name, turkey.name])
    with open(vietnam / "removal_requests.csv", encoding="utf-8", newline="") as f:
        assert {row["country"] for row in csv.DictReader(f)} == {"VN"}
    assert '"name": "modwatch-2026-11-29-country-tr-platform-google"' in (turkey / "datapackage.json").read_text()
