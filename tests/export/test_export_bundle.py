"""Export bundles: CSVs that round-trip into SQLite, a valid Frictionless package, README, SHA256SUMS."""

import csv
import datetime as dt
import hashlib
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from cli.main import main
from modwatch.export import ExportError, export_bundle, exportable_tables, load_metadata, table_metadata
from tests.datasette import sitedb

DAY = dt.date(2026, 11, 29)
FRICTIONLESS = Path(sys.executable).with_name("frictionless")


@pytest.fixture(scope="module")
def bundle(site_db, tmp_path_factory):
    return export_bundle(site_db, tmp_path_factory.mktemp("exports"), today=DAY)


@pytest.fixture(scope="module")
def package(bundle):
    return json.loads((bundle / "datapackage.json").read_text(encoding="utf-8"))


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_bundle_is_dated_and_complete(bundle, site_db):
    assert bundle.name == "modwatch-2026-11-29"
    with sqlite3.connect(site_db) as conn:
        tables = exportable_tables(conn, load_metadata())
    names = {p.name for p in bundle.iterdir()}
    assert names == {f"{t}.csv" for t in tables} | {"datapackage.json", "README.md", "SHA256SUMS"}
    assert {"articles.csv", "removal_requests.csv", "notices.csv", "statements_of_reasons.csv"} <= names


def frictionless_errors(bundle) -> list:
    result = subprocess.run(
        [str(FRICTIONLESS), "validate", "--json", str(bundle / "datapackage.json")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(result.stdout)
    errors = [(task["name"], error["message"]) for task in report["tasks"] for error in task["errors"]]
    assert report["valid"] is (not errors) and (result.returncode == 0) is (not errors)
    return errors


def test_frictionless_validate_passes(bundle):
    assert frictionless_errors(bundle) == []


def test_csvs_round_trip_into_sqlite(bundle, package, site_db, tmp_path):
    """Load every CSV into a new database with the package's types; counts and sums match the source."""
    copy = sqlite3.connect(tmp_path / "roundtrip.db")
    sql_types = {"integer": "INTEGER", "number": "REAL", "string": "TEXT"}
    source = sqlite3.connect(site_db)
    assert {"articles", "article_authors", "removal_requests"} <= {r["name"] for r in package["resources"]}
    for resource in package["resources"]:
        fields = resource["schema"]["fields"]
        table = resource["name"]
        definitions = ", ".join(f"[{f['name']}] {sql_types[f['type']]}" for f in fields)
        copy.execute(f"create table [{table}] ({definitions})")
        rows = [
            [row[f["name"]] if row[f["name"]] != "" else None for f in fields]
            for row in read_csv(bundle / resource["path"])
        ]
        copy.executemany(f"insert into [{table}] values ({', '.join('?' for _ in fields)})", rows)
        count = source.execute(f"select count(*) from [{table}]").fetchone()[0]
        assert copy.execute(f"select count(*) from [{table}]").fetchone()[0] == count == resource["rows"], table
        for f in fields:
            if f["type"] in ("integer", "number"):
                expected = source.execute(f"select total([{f['name']}]) from [{table}]").fetchone()[0]
                assert copy.execute(f"select total([{f['name']}]) from [{table}]").fetchone()[0] == pytest.approx(
                    expected
                ), (table, f["name"])
            else:
                expected = source.execute(f"select total(length([{f['name']}])) from [{table}]").fetchone()[0]
                got = copy.execute(f"select total(length([{f['name']}])) from [{table}]").fetchone()[0]
                # text compares exactly except that CSV cannot tell NULL from an empty string
                assert got == expected, (table, f["name"])
    # real figures survive: Vietnam 2023-H2, Information and Communications Authority
    assert copy.execute(
        "select requests, items_requested from removal_requests where country = 'VN' and period_end = '2023-12-31' "
        "and requester = 'Information and Communications Authority'"
    ).fetchone() == (735, 4734)


def test_vietnamese_is_readable_utf8(bundle):
    raw = (bundle / "articles.csv").read_bytes()
    assert "Thức Ăn Cho Thú Cưng Tự Tin Chăm Sóc Và Nuôi Dưỡng Bạn Đồng Hành".encode("utf-8") in raw
    assert b"\\u" not in raw
    assert "Türkiye".encode("utf-8") in (bundle / "removal_requests.csv").read_bytes()
    package_text = (bundle / "datapackage.json").read_text(encoding="utf-8")
    assert "\\u" not in package_text and "–" in package_text


def test_every_column_is_in_the_header_even_when_empty_in_first_rows(bundle, site_db):
    with sqlite3.connect(site_db) as conn:
        columns = [r[1] for r in conn.execute("pragma table_xinfo(articles)")]
        first = conn.execute("select modified_at, image_url from articles order by id limit 1").fetchone()
    assert first == (None, None)  # empty in the first row ...
    with open(bundle / "articles.csv", encoding="utf-8") as f:
        header = next(csv.reader(f))
    assert header == columns  # ... still a column of the CSV


def test_schema_types_keys_descriptions_and_licences(package):
    resources = {r["name"]: r for r in package["resources"]}
    articles = resources["articles"]["schema"]
    types = {f["name"]: f["type"] for f in articles["fields"]}
    assert types["http_status"] == "integer" and types["published_year"] == "integer" and types["title"] == "string"
    assert articles["primaryKey"] == ["id"]
    assert {"fields": ["crawl_run_id"], "reference": {"resource": "crawl_runs", "fields": ["id"]}} in articles[
        "foreignKeys"
    ]
    assert {"fields": ["source"], "reference": {"resource": "sources", "fields": ["key"]}} in articles["foreignKeys"]
    assert resources["article_authors"]["schema"]["primaryKey"] == ["article_id", "author_id"]
    assert {f["name"]: f["type"] for f in resources["removal_requests"]["schema"]["fields"]}[
        "compliance_pct"
    ] == "number"
    # descriptions are the Datasette metadata's (one source of truth)
    metadata = load_metadata()
    for name, resource in resources.items():
        documented = table_metadata(metadata, name)["columns"]
        assert {f["name"]: f["description"] for f in resource["schema"]["fields"]} == {
            f["name"]: documented[f["name"]] for f in resource["schema"]["fields"]
        }
    sor = resources["statements_of_reasons"]
    # a view over sor_statements (db/migrations_dsa_compact.py), exported with that table's key
    assert sor["schema"]["primaryKey"] == ["id"] and "sor_statements" not in resources
    assert sor["schema"]["foreignKeys"] == [
        {"fields": ["dataset_id"], "reference": {"resource": "datasets", "fields": ["id"]}}
    ]
    assert sor["licenses"][0]["name"] == "CC-BY-4.0"
    assert "https://doi.org/10.2906/134353607485211" in sor["sources"][0]["title"]
    assert "TikTok" in resources["removal_requests"]["licenses"][0]["title"]


def test_readme_gives_provenance_and_citations(bundle):
    readme = (bundle / "README.md").read_text(encoding="utf-8")
    assert sitedb.XSS_MARKER not in readme
    assert (
        "European Commission-DG CONNECT, 'Digital Services Act Transparency Database', 2023, "
        "https://doi.org/10.2906/134353607485211" in readme
    )
    for platform in ("Google", "Meta", "X/Twitter", "TikTok", "Lumen"):
        assert platform in readme
    assert "| `removal_requests.csv` | 5303 |" in readme
    assert "- none: every row of every table" in readme


def test_sha256sums_match_every_file(bundle):
    lines = (bundle / "SHA256SUMS").read_text().splitlines()
    listed = {}
    for line in lines:
        digest, name = line.split("  ", 1)
        listed[name] = digest
    assert set(listed) == {p.name for p in bundle.iterdir()} - {"SHA256SUMS"}
    for name, digest in listed.items():
        assert hashlib.sha256((bundle / name).read_bytes()).hexdigest() == digest
    assert subprocess.run(["sha256sum", "--check", "--quiet", "SHA256SUMS"], cwd=bundle).returncode == 0


def test_filters_narrow_tables_and_dependents_follow(site_db, tmp_path):
    bundle = export_bundle(
        site_db, tmp_path, today=DAY, filters={"country": "vn", "platform": "Google", "since": "2023-01-01"}
    )
    requests = read_csv(bundle / "removal_requests.csv")
    assert {(r["country"], r["platform"]) for r in requests} == {("VN", "Google")}
    assert {r["period_end"] for r in requests} == {"2023-06-30", "2023-12-31"}
    assert len(requests) == 6  # 2023-H1: 2 requester rows, 2023-H2: 4
    assert sum(int(r["requests"]) for r in requests) == 51 + 654 + 44 + 735 + 5 + 3
    assert read_csv(bundle / "articles.csv") == []  # no article tagged with both VN and Google
    assert read_csv(bundle / "datasets.csv") != []  # provenance tables are exported whole
    package = json.loads((bundle / "datapackage.json").read_text(encoding="utf-8"))
    filters = {r["name"]: r["filters"] for r in package["resources"]}
    assert filters["removal_requests"] == ["country", "platform", "since"]
    assert filters["crawl_runs"] == []
    readme = (bundle / "README.md").read_text(encoding="utf-8")
    assert "- country (ISO 3166-1 alpha-2): `vn`" in readme


def test_since_written_without_dashes_cuts_where_the_iso_date_does(site_db, tmp_path):
    """``20230101`` is a date Python's ISO parser accepts; compared as text with stored ``2023-06-30`` it would
    keep nothing, so it is written as stored first."""
    iso = export_bundle(site_db, tmp_path / "iso", today=DAY, filters={"country": "vn", "since": "2023-01-01"})
    compact = export_bundle(site_db, tmp_path / "compact", today=DAY, filters={"country": "vn", "since": "20230101"})
    rows = read_csv(compact / "removal_requests.csv")
    assert len(rows) == len(read_csv(iso / "removal_requests.csv")) > 0
    assert min(r["period_end"] for r in rows) == "2023-06-30"


def test_platform_filter_on_articles_uses_tags_and_children_follow(site_db, tmp_path):
    bundle = export_bundle(site_db, tmp_path, today=DAY, filters={"platform": "facebook"})
    assert sorted(r["source"] for r in read_csv(bundle / "articles.csv")) == ["kulu-media", "netzpolitik"]
    kept = {r["id"] for r in read_csv(bundle / "articles.csv")}
    assert {r["article_id"] for r in read_csv(bundle / "article_entities.csv")} == kept
    assert {r["article_id"] for r in read_csv(bundle / "article_tagging.csv")} == kept
    # every foreign key of the filtered bundle still resolves
    assert frictionless_errors(bundle) == []


def test_cli_writes_bundle_and_reports_errors(site_db, tmp_path, capsys):
    assert (
        main(
            [
                "export",
                "--db",
                str(site_db),
                "--out",
                str(tmp_path),
                "--source",
                "netzpolitik",
                "--table",
                "articles",
                "--table",
                "sources",
            ]
        )
        == 0
    )
    bundle = Path(capsys.readouterr().out.strip())
    assert sorted(p.name for p in bundle.iterdir()) == [
        "README.md",
        "SHA256SUMS",
        "articles.csv",
        "datapackage.json",
        "sources.csv",
    ]
    assert [r["key"] for r in read_csv(bundle / "sources.csv")] == ["netzpolitik"]
    assert main(["export", "--db", str(site_db), "--out", str(tmp_path), "--since", "29/11/2026"]) == 2
    assert "--since must be a date YYYY-MM-DD" in capsys.readouterr().err
    assert main(["export", "--db", str(tmp_path / "missing.db"), "--out", str(tmp_path)]) == 2
    with pytest.raises(ExportError, match="no such table"):
        export_bundle(site_db, tmp_path, tables=["articles_fts"])


def test_reexport_replaces_the_bundle_of_the_day(site_db, tmp_path):
    first = export_bundle(site_db, tmp_path, today=DAY, tables=["sources"])
    second = export_bundle(site_db, tmp_path, today=DAY, tables=["crawl_runs"])
    assert first == second
    assert sorted(p.name for p in second.iterdir()) == ["README.md", "SHA256SUMS", "crawl_runs.csv", "datapackage.json"]
    assert [p.name for p in tmp_path.iterdir()] == ["modwatch-2026-11-29"]


def test_progress_bar_on_long_exports(site_db, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MODWATCH_PROGRESS", "1")
    export_bundle(site_db, tmp_path, today=DAY, tables=["removal_requests"])
    err = capsys.readouterr().err
    assert "removal_requests:" in err and "/5.30k" in err and "rows/s" in err  # tqdm: table, rows done/total
    monkeypatch.setenv("MODWATCH_PROGRESS", "0")
    export_bundle(site_db, tmp_path, today=DAY, tables=["removal_requests"])
    assert capsys.readouterr().err == ""


def test_report_platform_name_selects_its_tagged_articles(site_db, tmp_path):
    """--platform Meta keeps Meta's removal requests and the articles tagged facebook or instagram."""
    bundle = export_bundle(
        site_db, tmp_path, today=DAY, filters={"platform": "Meta"}, tables=["articles", "removal_requests"]
    )
    assert sorted(r["source"] for r in read_csv(bundle / "articles.csv")) == ["kulu-media", "netzpolitik"]
    assert {r["platform"] for r in read_csv(bundle / "removal_requests.csv")} == {"Meta"}


def test_failed_export_leaves_nothing_behind(site_db, tmp_path):
    with pytest.raises(ExportError):
        export_bundle(site_db, tmp_path, today=DAY, tables=["articles", "no_such_table"])
    assert list(tmp_path.iterdir()) == []
