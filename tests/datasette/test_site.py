"""The published Datasette site: metadata, search, facets, canned queries, charts, CSV, safety.

Runs the real Datasette 0.65 app in-process (``datasette.client``) over a database built from
real data (``sitedb.py``), configured exactly as ``python -m modwatch serve``.
"""

import csv
import io
import shlex
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from datasette.cli import cli

import db
from modwatch import publish
from modwatch.export import exportable_tables, load_metadata, table_metadata
from tests.datasette import sitedb

VIETNAMESE_TITLE = "Thức Ăn Cho Thú Cưng Tự Tin Chăm Sóc Và Nuôi Dưỡng Bạn Đồng Hành Đáng Yêu Của Bạn"


def rows(response):
    assert response.status_code == 200, response.text[:500]
    return response.json()


# ---------------------------------------------------------------------------- metadata


def test_every_table_and_column_an_analyst_sees_is_described(tmp_path):
    """Every table and view of a fully migrated database has title, description, licence, source
    and a description for each column."""
    database = db.connect(tmp_path / "modwatch.db")
    metadata = load_metadata()
    conn = database.conn
    missing = []
    views = [v for v in database.view_names() if not table_metadata(metadata, v).get("hidden")]
    for name in exportable_tables(conn, metadata) + views:
        meta = table_metadata(metadata, name)
        for key in ("title", "description", "license", "source"):
            if not meta.get(key):
                missing.append(f"{name}: {key}")
        documented = meta.get("columns") or {}
        for row in conn.execute(f"pragma table_xinfo([{name}])"):
            if row[6] in (0, 2, 3) and not documented.get(row[1]):
                missing.append(f"{name}.{row[1]}")
    assert missing == []


def test_internal_tables_are_hidden(get):
    tables = {t["name"]: t for t in rows(get("/modwatch.json"))["tables"]}
    for name in ("_sqlite_migrations", "articles_fts", "articles_fts_data", "articles_fts_idx", "articles_fts_config"):
        assert tables[name]["hidden"], name
    for name in ("articles", "removal_requests", "crawl_runs", "rejects", "datasets"):
        assert not tables[name]["hidden"], name


def test_table_licence_and_source_are_shown(get):
    html = get("/modwatch/articles").text
    assert "third-party copyright, kept as evidence" in html
    metadata = rows(get("/-/metadata.json"))["databases"]["modwatch"]["tables"]
    assert "TikTok Transparency Center" in metadata["removal_requests"]["license"]
    assert "TikTok Transparency Center" in get("/modwatch/removal_requests").text


def test_foreign_keys_show_labels(get):
    data = rows(get("/modwatch/articles.json?_labels=on&_shape=objects&source=doancuoiki"))
    assert data["rows"][0]["crawl_run_id"] == {"value": 1, "label": "news"}


# ---------------------------------------------------------------------------- search


@pytest.mark.parametrize(
    "query",
    ["dinh duong", "dong hanh", "Dong Hanh Dang Yeu", "dinh dưỡng", "Đồng Hành", "thu cung"],
)
def test_unaccented_vietnamese_finds_accented_article(get, query):
    found = rows(get("/modwatch/articles.json", params={"_search": query, "_shape": "array", "_col": "title"}))
    assert [r["title"] for r in found] == [VIETNAMESE_TITLE]


@pytest.mark.parametrize(
    "query", ['"Decree 72"', "Nghị-định", "'", "(", "AND", "Turkey AND", '"', "NEAR(", "title:", "*"]
)
@pytest.mark.parametrize("mode", ["", "raw"])
@pytest.mark.parametrize("table", ["articles", "notices", "statements_of_reasons"])
def test_punctuation_in_search_never_gives_an_error_page(get, query, mode, table):
    params = {"_search": query}
    if mode:
        params["_searchmode"] = mode
    assert get(f"/modwatch/{table}", params=params).status_code == 200
    assert get(f"/modwatch/{table}.json", params=params).status_code == 200


@pytest.mark.parametrize("query", ['"', '""', '" "'])
@pytest.mark.parametrize("table", ["articles", "notices", "statements_of_reasons"])
def test_search_for_nothing_finds_nothing(get, query, table):
    """A lone quote searches nothing: no rows, not the whole table (new-user finding 14)."""
    assert rows(get(f"/modwatch/{table}.json", params={"_search": query, "_shape": "array"})) == []
    assert get(f"/modwatch/{table}.json", params={"_shape": "array"}).json() != []


def test_raw_search_syntax_still_works(get):
    found = rows(get("/modwatch/articles.json", params={"_search": "turk*", "_searchmode": "raw", "_shape": "array"}))
    assert [r["source"] for r in found] == ["wikimediafoundation"]


def test_search_all_tables_page_lists_articles(get):
    html = get("/-/search", params={"q": "dinh duong"}).text
    assert "/modwatch/articles" in html
    assert "Search all tables" in get("/").text


# ---------------------------------------------------------------------------- facets and sort


def test_default_facets_and_sort_of_articles(get):
    data = rows(get("/modwatch/articles.json?_extra=facet_results"))
    facets = data["facet_results"]
    assert set(facets) >= {"source", "language", "section", "published_year"}
    years = {r["value"]: r["count"] for r in facets["published_year"]["results"]}
    assert years == {2016: 1, 2020: 1, 2023: 1, 2024: 1, 2026: 1}
    languages = {r["value"]: r["count"] for r in facets["language"]["results"]}
    assert languages == {"en": 3, "de": 1, "vi": 1}
    listed = rows(get("/modwatch/articles.json?_shape=array"))
    assert [r["published_at"][:4] for r in listed] == ["2026", "2024", "2023", "2020", "2016"]


def test_facet_narrows_removal_requests(get):
    everything = rows(get("/modwatch/removal_requests.json?_size=0"))["filtered_table_rows_count"]
    vietnam = rows(get("/modwatch/removal_requests.json?_size=0&country=VN"))["filtered_table_rows_count"]
    assert everything == 5303
    assert vietnam == 48  # 32 Google requester rows + 8 Meta surfaces in each of 2018-H2 and 2023-H2


# ---------------------------------------------------------------------------- canned queries


def test_removal_requests_for_country(get):
    found = rows(get("/modwatch/removal_requests_for_country.json?country=vn&_shape=array"))
    google_2023h2 = [r for r in found if r["platform"] == "Google" and r["period_end"] == "2023-12-31"]
    # Government Officials 44 + Information and Communications Authority 735 + Other 5 + Police 3
    assert google_2023h2[0]["requests"] == 787
    assert google_2023h2[0]["items_requested"] == 438 + 4734 + 117 + 41
    meta_2018h2 = [r for r in found if r["platform"] == "Meta" and r["period_end"] == "2018-12-31"]
    assert meta_2018h2[0]["items_actioned"] == 1556


def test_compliance_share_over_time(get):
    found = rows(get("/modwatch/compliance_share_over_time.json?country=VN&_shape=array"))
    by_period = {(r["platform"], r["period_end"]): r for r in found}
    assert by_period[("Google", "2023-12-31")]["requests"] == 787
    assert 0 < by_period[("Google", "2023-12-31")]["compliance_pct"] < 100


@pytest.mark.parametrize(
    "phrase, sources",
    [
        ("Constitutional Court", ["wikimediafoundation"]),
        ("Instagram", ["kulu-media"]),
        ("dinh duong", ["doancuoiki"]),
        ('"Decree 72"', []),
        ("Cybersecurity Law", []),
        ("", []),
        ("'(", []),
    ],
)
def test_articles_mentioning(get, phrase, sources):
    found = rows(get("/modwatch/articles_mentioning.json", params={"phrase": phrase, "_shape": "array"}))
    assert [r["source"] for r in found] == sources


def test_articles_in_peak_period(get):
    found = rows(get("/modwatch/articles_in_peak_period.json?country=VN&_shape=array"))
    # Vietnam's requests peaked in 2023-H2 (787 to Google); one article was published then
    assert {(r["period_end"], r["requests_in_period"]) for r in found} == {("2023-12-31", 787)}
    assert [r["title"] for r in found] == [VIETNAMESE_TITLE]


def test_crawl_health_has_last_run_per_spider(get):
    found = rows(get("/modwatch/crawl_health.json?_shape=array"))
    assert {r["spider"]: (r["items_scraped"], r["errors"], r["rejects"]) for r in found} == {
        "news": (5, 0, 1),
        "google_removals": (3, 0, 0),
    }


def test_latest_articles_and_articles_per_month(get):
    latest = rows(get("/modwatch/latest_articles_per_source.json?_shape=array"))
    assert len(latest) == 5
    months = rows(get("/modwatch/articles_per_month.json?_shape=array"))
    assert {"month": "2020-01", "source": "wikimediafoundation", "articles": 1} in months


# ---------------------------------------------------------------------------- charts


def test_dashboards_render_and_their_queries_run(get, datasette):
    html = get("/-/dashboards/removal-requests?country=VN").text
    assert "vega-embed" in html and "requests-by-platform" in html
    config = datasette.plugin_config("datasette-dashboards")
    assert {"removal-requests", "dsa-statements"} <= set(config)  # the loop below runs over these charts at least
    assert all(dashboard["charts"] for dashboard in config.values())
    for dashboard in config.values():
        for chart in dashboard["charts"].values():
            sql = chart["query"].replace("[[", "").replace("]]", "")
            params = {"country": "VN", "source": "wikimediafoundation", "territory": "DE"}
            used = {k: v for k, v in params.items() if f":{k}" in sql}
            data = rows(get("/modwatch.json", params={"sql": sql, **used, "_shape": "array"}))
            assert data, chart["title"]


def test_dsa_dashboard_and_canned_queries_read_the_summary(get):
    html = get("/-/dashboards/dsa-statements?territory=NL").text
    assert "vega-embed" in html and "categories-for-territory" in html
    found = rows(
        get(
            "/modwatch/dsa_statements_per_platform_category.json",
            params={"territory": "nl", "month": "2024-03", "_shape": "array"},
        )
    )
    assert found[0] == {
        "platform_name": "Google Shopping",
        "category": "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
        "statements": 17,
    }
    assert sum(r["statements"] for r in found) == 28  # AliExpress's one statement applies to NL only
    germany = rows(
        get(
            "/modwatch/dsa_statements_per_platform_category.json",
            params={"territory": "DE", "month": "2024-03", "_shape": "array"},
        )
    )
    assert sum(r["statements"] for r in germany) == 27
    per_day = rows(get("/modwatch/dsa_statements_per_day.json", params={"platform": "", "_shape": "array"}))
    assert {r["platform_name"]: r["statements"] for r in per_day} == {
        "Google Shopping": 17,
        "TikTok": 7,
        "Pinterest": 3,
        "AliExpress": 1,
    }


def test_dsa_search_is_ranked_bounded_and_counted_apart(get):
    found = rows(
        get("/modwatch/dsa_search_statements.json", params={"phrase": "Minimum Age Requirement", "_shape": "array"})
    )
    assert sorted(r["id"] for r in found) == [1, 4, 6, 24]
    assert all("[" in r["snippet"] for r in found)
    count = rows(get("/modwatch/dsa_search_statements_count.json", params={"phrase": "Pinterest", "_shape": "array"}))
    assert count == [{"statements": 3}]
    assert rows(get("/modwatch/dsa_search_statements.json", params={"phrase": '"', "_shape": "array"})) == []


# ---------------------------------------------------------------------------- CSV


def test_table_csv_has_every_row_past_max_returned_rows(get, site_db):
    response = get("/modwatch/removal_requests.csv")
    assert response.status_code == 200
    records = list(csv.DictReader(io.StringIO(response.text)))
    with sqlite3.connect(site_db) as conn:
        ids = [r[0] for r in conn.execute("select id from removal_requests order by id")]
    assert len(records) == len(ids) == 5303 > publish.SETTINGS["max_returned_rows"]
    assert sorted(int(r["id"]) for r in records) == ids
    assert sum(int(r["requests"] or 0) for r in records) == sum(
        r[0] for r in sqlite3.connect(site_db).execute("select coalesce(requests, 0) from removal_requests")
    )


def test_filtered_table_csv_is_complete_and_utf8(get):
    text = get("/modwatch/articles.csv?language=vi").text
    records = list(csv.DictReader(io.StringIO(text)))
    assert [r["title"] for r in records] == [VIETNAMESE_TITLE]


def test_truncated_query_csv_is_an_error_not_a_short_200(get):
    response = get("/modwatch.csv", params={"sql": "select id from removal_requests"})
    assert response.status_code == 400
    assert "more than 1000 rows" in response.text
    small = get("/modwatch.csv", params={"sql": "select id from removal_requests where country = 'VN'"})
    assert small.status_code == 200
    assert len(small.text.strip().splitlines()) == 1 + 48


# ---------------------------------------------------------------------------- safety


def test_scraped_script_is_shown_as_text(get):
    for path in ("/modwatch/articles?source=xss-probe", "/modwatch/articles/5", "/modwatch/rejects/1"):
        html = get(path).text
        assert sitedb.XSS_SCRIPT not in html and sitedb.XSS_IMG not in html, path
        assert "&lt;script&gt;window.__modwatch_xss" in html, path


def test_sql_cannot_write(get, site_db):
    for sql in (
        "delete from articles",
        "update articles set title = 'x'",
        "insert into sources (key) values ('x')",
        "drop table articles",
    ):
        response = get("/modwatch.json", params={"sql": sql})
        assert response.status_code in (400, 403), sql
    with sqlite3.connect(site_db) as conn:
        assert conn.execute("select count(*) from articles").fetchone()[0] == 5


def test_serve_command_line_is_read_only_and_configured(site_db):
    argv = publish.serve_argv(site_db, port=8123)
    assert argv[:3] == ["serve", "-i", str(site_db)]
    for name, value in publish.SETTINGS.items():
        assert ["--setting", name, str(value)] == argv[argv.index(name) - 1 : argv.index(name) + 2]
    result = CliRunner().invoke(cli, [*argv, "--get", "/-/settings.json"])
    assert result.exit_code == 0, result.output
    assert '"max_csv_mb": 0' in result.output and '"sql_time_limit_ms": 3000' in result.output
    result = CliRunner().invoke(cli, [*argv, "--get", "/modwatch.json?sql=insert+into+sources+(key)+values+('x')"])
    assert "Statement must be a SELECT" in result.output  # /-/databases.json is hidden (no paths shown)


def test_publish_recipe_is_the_same_site(site_db):
    argv = publish.publish_argv("cloudrun", site_db, service="modwatch")
    assert argv[:3] == ["publish", "cloudrun", str(site_db)]
    assert ["--install", "datasette-search-all==1.1.4"] == argv[argv.index("datasette-search-all==1.1.4") - 1 :][:2]
    extra = argv[argv.index("--extra-options") + 1]
    assert extra == " ".join(publish.setting_args())
    assert publish.publish_argv("fly", site_db, service="modwatch")[-2:] == ["--app", "modwatch"]
    with pytest.raises(ValueError, match="unknown publish target 'heroku': cloudrun or fly"):
        publish.publish_argv("heroku", site_db)


@pytest.mark.parametrize(
    "platform, sources",
    [
        ("facebook", ["kulu-media", "netzpolitik"]),
        ("Instagram", ["kulu-media"]),
        ("wikipedia", ["wikimediafoundation"]),
        ("tiktok", []),
    ],
)
def test_articles_mentioning_platform(get, platform, sources):
    found = rows(get("/modwatch/articles_mentioning_platform.json", params={"platform": platform, "_shape": "array"}))
    assert [r["source"] for r in found] == sources


@pytest.mark.parametrize(
    "platform, sources",
    [
        ("Meta", ["kulu-media", "netzpolitik"]),  # facebook or instagram, one row per article
        ("meta", ["kulu-media", "netzpolitik"]),
        ("X", []),
    ],
)
def test_articles_mentioning_a_report_platform(get, platform, sources):
    """The platform names of the removal-request tables work too (new-user finding 14)."""
    found = rows(get("/modwatch/articles_mentioning_platform.json", params={"platform": platform, "_shape": "array"}))
    assert [r["source"] for r in found] == sources


def test_csv_export_form_gives_every_row(get):
    """Datasette's "Advanced export" form sends _size=max (one page): still every row."""
    response = get("/modwatch/removal_requests.csv?_dl=on&_labels=on&_size=max")
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith("attachment")
    assert len(list(csv.DictReader(io.StringIO(response.text)))) == 5303
    page = get("/modwatch/removal_requests.csv?_size=10")  # an explicit page size is a page
    assert len(list(csv.DictReader(io.StringIO(page.text)))) == 10


@pytest.mark.parametrize(
    "query, ids", [("Acoustica", [3358]), ("Remove Cracks (#1)", [3358]), ("Google", [177, 5181, 3358])]
)
def test_notices_search(get, query, ids):
    found = rows(get("/modwatch/notices.json", params={"_search": query, "_shape": "array", "_col": "title"}))
    assert [r["id"] for r in found] == ids


def test_statements_of_reasons_facets_and_licence(get):
    data = rows(get("/modwatch/statements_of_reasons.json?_size=0&_facet_array=territorial_scope"))
    assert data["filtered_table_rows_count"] == 28  # 29 rows of the real dump, one uuid repeated
    assert {"platform_name", "category_v2", "territorial_scope"} <= set(data["facet_results"])
    html = get("/modwatch/statements_of_reasons").text
    assert "https://doi.org/10.2906/134353607485211" in html


def test_publish_recipe_builds_a_read_only_image(site_db):
    """The Dockerfile `datasette publish` builds from the recipe serves the same read-only site."""
    from datasette.utils import temporary_docker_directory

    argv = publish.publish_argv("cloudrun", site_db)
    installs = [argv[i + 1] for i, arg in enumerate(argv) if arg == "--install"]
    extra = argv[argv.index("--extra-options") + 1]
    with open(publish.METADATA, encoding="utf-8") as metadata:
        with temporary_docker_directory(
            [str(site_db)],
            "modwatch",
            metadata,
            extra,
            None,
            None,
            str(publish.PLUGINS_DIR),
            [],
            installs,
            False,
            None,
            "secret",
        ) as folder:
            dockerfile = (Path(folder) / "Dockerfile").read_text()
            plugin = (Path(folder) / "plugins" / "modwatch_guards.py").exists()
    assert plugin
    assert "-i modwatch.db" in dockerfile and "--plugins-dir plugins/" in dockerfile
    assert "datasette-search-all==1.1.4" in dockerfile and "datasette-dashboards==0.8.0" in dockerfile
    assert "--setting max_csv_mb 0" in dockerfile and "--setting sql_time_limit_ms 3000" in dockerfile


@pytest.mark.parametrize(
    "query, ids",
    [
        ("Minimum Age Requirement", [1, 4, 6, 24]),
        ("estaticas", [18]),
        ("Pinterest", [2, 20, 27]),
        ('"own-initiative', None),
    ],
)
def test_statements_of_reasons_search(get, query, ids):
    params = {"_search": query, "_shape": "array", "_col": ["id", "uuid"]}  # a view: id only if asked
    response = get("/modwatch/statements_of_reasons.json", params=params)
    found = rows(response)
    if ids is not None:
        assert sorted(r["id"] for r in found) == ids


def test_statements_of_reasons_index_is_updated_incrementally(tmp_path):
    database = db.connect(tmp_path / "modwatch.db")
    with open(sitedb.DSA_CSV, "rb") as f:
        from modwatch.load.dsa import load_dump

        load_dump(database, f, url=sitedb.DSA_URL, fetched_at="2026-11-29T10:08:00Z", name=sitedb.DSA_CSV.name)
    database.conn.close()
    assert publish.update_search_indexes(tmp_path / "modwatch.db") == {"statements_of_reasons_fts": 28}
    assert publish.update_search_indexes(tmp_path / "modwatch.db") == {"statements_of_reasons_fts": 0}
    with sqlite3.connect(tmp_path / "modwatch.db") as conn:
        hits = conn.execute(
            "select count(*) from statements_of_reasons_fts where statements_of_reasons_fts match 'Pinterest'"
        )
        assert hits.fetchone()[0] == 3


def test_serve_command(site_db, tmp_path, capsys):
    from cli.main import main

    assert main(["serve", str(site_db), "--port", "8123", "--print"]) == 0
    line = capsys.readouterr().out.strip()
    # immutable: a new published snapshot, not the database written to
    snapshot = site_db.with_name(site_db.name + ".published") / "v<new>" / site_db.name
    assert line.startswith(f"datasette serve -i {shlex.quote(str(snapshot))} --host 127.0.0.1 --port 8123 -m ")
    assert main(["serve", str(site_db), "--publish", "cloudrun", "--print"]) == 0
    assert "datasette publish cloudrun" in capsys.readouterr().out
    assert main(["serve", str(tmp_path / "missing.db")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_plugin_pins_match_pyproject_and_installed_versions():
    import importlib.metadata
    import tomllib

    dependencies = tomllib.loads((publish.REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    for pin in publish.PLUGINS:
        assert pin in dependencies
        name, version = pin.split("==")
        assert importlib.metadata.version(name) == version
    assert "datasette==0.65.5" in dependencies and importlib.metadata.version("datasette") == "0.65.5"


def test_dsa_data_notes_beside_the_figures(get):
    """The real 2024-03-14 statements: the EC's note on the dumps regenerated on 18 June 2024 is shown
    beside each platform's count of that day, in the view and in the canned query."""
    figures = rows(get("/modwatch/dsa_daily_figures.json", params={"_shape": "array", "day": "2024-03-14"}))
    assert {r["platform_name"]: r["statements"] for r in figures} == {
        "AliExpress": 1,
        "Google Shopping": 17,
        "Pinterest": 3,
        "TikTok": 7,
    }
    assert all(r["data_notes"].startswith("All daily dumps up to this day were regenerated") for r in figures)
    found = rows(
        get(
            "/modwatch/dsa_figures_with_notes.json",
            params={"_shape": "array", "platform": "Google Shopping", "from_day": "2024-03-01", "to_day": "2024-03-31"},
        )
    )
    assert [(r["day"], r["statements"], r["automated_detection_yes"]) for r in found] == [("2024-03-14", 17, 17)]
    assert "regenerated after a data cleaning on 18 June 2024" in found[0]["data_notes"]
    notes = rows(get("/modwatch/dsa_data_notes.json", params={"_shape": "array", "platform_name": "Google Play"}))
    assert [(n["column_name"], n["created_from"], n["created_to"]) for n in notes] == [
        ("automated_detection", "2023-09-01", "2026-05-28")
    ]


def test_serving_uses_row_counts_computed_once(site_db, tmp_path):
    """`serve` writes the row counts beside the database; Datasette then takes an unfiltered
    table's count from them instead of counting (issue 16: seconds at 10 million statements)."""
    import asyncio
    import json
    import shutil

    import yaml
    from datasette.app import Datasette

    copy = tmp_path / "modwatch.db"
    shutil.copy(site_db, copy)
    inspect_file = publish.write_inspect_file(copy)
    data = json.loads(inspect_file.read_text())
    assert data["modwatch"]["tables"]["statements_of_reasons"]["count"] == 28
    assert data["modwatch"]["tables"]["sor_daily_counts"]["count"] > 0
    stamp = inspect_file.stat().st_mtime_ns
    assert publish.write_inspect_file(copy) == inspect_file and inspect_file.stat().st_mtime_ns == stamp
    argv = publish.serve_argv(copy, inspect_file=inspect_file)
    assert argv[argv.index("--inspect-file") + 1] == str(inspect_file)
    assert "--inspect-file" not in publish.serve_argv(copy, live=True, inspect_file=inspect_file)
    data["modwatch"]["tables"]["statements_of_reasons"]["count"] = 123456  # proves the page reads it
    ds = Datasette(
        immutables=[str(copy)],
        metadata=yaml.safe_load(publish.METADATA.read_text(encoding="utf-8")),
        plugins_dir=str(publish.PLUGINS_DIR),
        settings=publish.SETTINGS,
        inspect_data=data,
    )
    asyncio.run(ds.invoke_startup())
    page = asyncio.run(ds.client.get("/modwatch/statements_of_reasons.json?_size=0&_nofacet=1")).json()
    assert page["filtered_table_rows_count"] == 123456
    filtered = asyncio.run(ds.client.get("/modwatch/statements_of_reasons.json?_size=0&platform_name=TikTok")).json()
    assert filtered["filtered_table_rows_count"] == 7
    # the view's count is in the inspect file, yet the database page lists tables only (modwatch_view_rows)
    database_page = asyncio.run(ds.client.get("/modwatch.json")).json()
    tables = {t["name"]: t["count"] for t in database_page["tables"]}
    assert "statements_of_reasons" not in tables and tables["sor_statements"] == 28
    assert "statements_of_reasons" in [v["name"] for v in database_page["views"]]
    assert asyncio.run(ds.client.get("/modwatch")).status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "platform_name=TikTok",
        "_stream=1&created_at__gte=2024-03-14&_sort=platform_uid",
        "_sort_desc=id&_dl=1",
        "_header=off&decision_ground=DECISION_GROUND_INCOMPATIBLE_CONTENT",
    ],
)
def test_fast_csv_stream_gives_datasettes_bytes(get, query):
    """modwatch_csv_stream answers a table CSV with one cursor: the same bytes and headers as
    Datasette's own stream (forced here by _nosuggest, an argument the fast path leaves to it)."""
    fast = get(f"/modwatch/statements_of_reasons.csv?{query}")
    slow = get(f"/modwatch/statements_of_reasons.csv?{query}&_nosuggest=1")
    assert fast.status_code == slow.status_code == 200
    assert fast.content == slow.content
    assert fast.headers["content-type"] == slow.headers["content-type"]
    assert fast.headers.get("content-disposition") == slow.headers.get("content-disposition")
    assert len(fast.content.splitlines()) > 1


def test_fast_csv_stream_leaves_pages_views_and_unknown_columns_to_datasette(get):
    assert len(get("/modwatch/statements_of_reasons.csv?_size=5").text.splitlines()) == 6
    unknown = get("/modwatch/statements_of_reasons.csv?no_such_column=1")
    assert unknown.content == get("/modwatch/statements_of_reasons.csv?no_such_column=1&_nosuggest=1").content
    rows = list(csv.DictReader(io.StringIO(get("/modwatch/sor_counts.csv").text)))
    assert sum(int(r["statements"]) for r in rows) == 28


def test_default_facets_of_the_statements_come_from_the_summary(get, site_db):
    """Unfiltered: counted from sor_daily_counts (no scan of the statements); filtered: from the rows."""
    facets = rows(get("/modwatch/statements_of_reasons.json?_size=0&_extra=facet_results"))["facet_results"]
    with sqlite3.connect(site_db) as conn:
        for name in ("platform_name", "category_v2", "decision_ground", "automated_decision"):
            expected = dict(
                conn.execute(
                    f"select {name}, count(*) from statements_of_reasons where {name} is not null group by 1"
                ).fetchall()
            )
            assert {r["value"]: r["count"] for r in facets[name]["results"]} == expected, name
    assert facets["platform_name"]["type"] == "summary"
    assert facets["platform_name"]["results"][0] == {
        **facets["platform_name"]["results"][0],
        "value": "Google Shopping",
        "count": 17,
        "selected": False,
    }
    tiktok = rows(get("/modwatch/statements_of_reasons.json?_size=0&platform_name=TikTok"))["facet_results"]
    assert {r["value"]: r["count"] for r in tiktok["category_v2"]["results"]} == {
        "STATEMENT_CATEGORY_PROTECTION_OF_MINORS": 4,
        "STATEMENT_CATEGORY_OTHER_VIOLATION_TC": 2,
        "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS": 1,
    }
    assert tiktok["platform_name"]["results"][0]["selected"] is True


def test_unfiltered_facets_read_the_summary_not_the_rows(site_db, tmp_path):
    import asyncio
    import shutil

    import yaml
    from datasette.app import Datasette

    copy = tmp_path / "modwatch.db"
    shutil.copy(site_db, copy)
    with sqlite3.connect(copy) as conn:  # a summary that disagrees with the rows shows where counts come from
        conn.execute("update sor_daily_counts set statements = statements + 100 where platform_name = 'Pinterest'")
    with sqlite3.connect(copy) as conn:
        conn.execute("pragma wal_checkpoint(truncate)")  # Datasette opens it immutable: no WAL read
    ds = Datasette(
        immutables=[str(copy)],
        metadata=yaml.safe_load(publish.METADATA.read_text(encoding="utf-8")),
        plugins_dir=str(publish.PLUGINS_DIR),
        settings=publish.SETTINGS,
    )
    asyncio.run(ds.invoke_startup())

    def platforms(query):
        page = asyncio.run(ds.client.get(f"/modwatch/statements_of_reasons.json?_size=0{query}")).json()
        return {r["value"]: r["count"] for r in page["facet_results"]["platform_name"]["results"]}

    assert platforms("")["Pinterest"] == 103
    # a filter the summary expresses reads it too; one it cannot (source_type is not a summary dimension) the rows
    assert platforms("&decision_ground=DECISION_GROUND_INCOMPATIBLE_CONTENT")["Pinterest"] == 103
    assert platforms("&source_type=SOURCE_VOLUNTARY")["Pinterest"] == 3
