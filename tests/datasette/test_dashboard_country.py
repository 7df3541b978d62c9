"""The removal-requests dashboard: every platform with its own measure, and a country typed any way."""

import pytest


def chart_rows(get, datasette, chart, country):
    sql = datasette.plugin_config("datasette-dashboards")["removal-requests"]["charts"][chart]["query"]
    sql = sql.replace("[[", "").replace("]]", "")
    response = get("/modwatch.json", params={"sql": sql, "country": country, "_shape": "array"})
    assert response.status_code == 200, response.text[:300]
    return response.json()


@pytest.mark.parametrize("typed", ["VN", "vn", "Vietnam", "Việt Nam", " viet nam "])
def test_a_country_typed_as_code_or_name_shows_the_same_figures(get, datasette, typed):
    assert chart_rows(get, datasette, "figures-by-platform", typed) == chart_rows(
        get, datasette, "figures-by-platform", "VN"
    )
    assert chart_rows(get, datasette, "country-shown", typed)[0]["country"].startswith("Figures for VN (typed: ")


def test_every_platform_is_labelled_with_its_measure(get, datasette):
    rows = chart_rows(get, datasette, "figures-by-platform", "Vietnam")
    series = {row["series"] for row in rows}
    assert {"Google: requests", "Meta: items restricted"} <= series
    google_2023_h2 = [
        row["value"] for row in rows if row["series"] == "Google: requests" and row["period_end"] == "2023-12-31"
    ]
    assert google_2023_h2 == [787]


def test_an_unknown_country_says_what_was_expected(get, datasette):
    (row,) = chart_rows(get, datasette, "country-shown", "Narnia")
    assert row["country"] == (
        "No figures for 'Narnia': expected an ISO 3166-1 code such as VN or a country name such as Vietnam or Việt Nam"
    )
    assert chart_rows(get, datasette, "figures-by-platform", "Narnia") == []


def test_the_dashboard_page_lists_the_new_charts(get):
    html = get("/-/dashboards/removal-requests?country=Vi%E1%BB%87t+Nam").text
    assert "figures-by-platform" in html and "country-shown" in html
