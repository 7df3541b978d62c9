"""The canned queries that join the two halves (datasette/metadata.yml), run by the real
Datasette app over a database with Google's and Meta's real figures and tagged articles."""

import asyncio

import pytest
import yaml
from datasette.app import Datasette

import db
from db.articles import upsert_article
from modwatch import publish
from tests.tagging.helpers import EAGLENEWS, SGGP, THESTAR, load_figures, seed_item, tag_all

QUERIES = ("country_period_evidence", "country_period_articles", "law_evidence_articles", "law_evidence_figures")


@pytest.fixture(scope="module")
def get(tmp_path_factory, vocabulary):
    path = tmp_path_factory.mktemp("queries") / "modwatch.db"
    database = db.connect(path)
    load_figures(database)
    for url in (EAGLENEWS, THESTAR, SGGP):
        upsert_article(database, seed_item(url))
    tag_all(database, vocabulary)
    database.close()
    metadata = yaml.safe_load(publish.METADATA.read_text(encoding="utf-8"))
    app = Datasette(
        immutables=[str(path)], metadata=metadata, plugins_dir=str(publish.PLUGINS_DIR), settings=publish.SETTINGS
    )
    asyncio.run(app.invoke_startup())

    def _get(query, **params):
        response = asyncio.run(app.client.get(f"/modwatch/{query}.json", params={**params, "_shape": "objects"}))
        assert response.status_code == 200, response.text[:500]
        return response.json()["rows"]

    return _get


def test_queries_are_declared():
    metadata = yaml.safe_load(publish.METADATA.read_text(encoding="utf-8"))
    queries = {name for database in metadata["databases"].values() for name in database.get("queries", {})}
    assert set(QUERIES) <= queries


def test_vietnam_figures_with_article_counts(get):
    rows = get("country_period_evidence", country="vn", since="2020-01-01", until="")
    by_period = {(r["platform"], r["period_end"]): r for r in rows}
    assert min(r["period_end"] for r in rows) == "2020-06-30"
    assert by_period[("Google", "2023-12-31")]["requests"] == 787
    assert by_period[("Google", "2023-12-31")]["articles_mentioning_both"] == 1
    assert by_period[("Meta", "2023-12-31")]["items_actioned"] == 2517
    assert by_period[("Google", "2020-06-30")]["articles_mentioning_country"] == 1
    assert by_period[("Google", "2021-06-30")]["articles_mentioning_country"] == 1  # SGGP, 18 June 2021


def test_vietnam_articles_beside_figures(get):
    rows = get("country_period_articles", country="VN", since="2023-01-01", until="2023-12-31")
    assert [(r["platform"], r["period_end"], r["url"], r["requests"], r["items_actioned"]) for r in rows] == [
        ("Google", "2023-12-31", EAGLENEWS, 787, None),
        ("Meta", "2023-12-31", EAGLENEWS, None, 2517),
    ]
    assert set(rows[0]["evidence"].split("; ")) == {
        "country:VN (vietnam)",
        "platform:google (Google)",
        "platform:youtube (YouTube)",
    }


def test_law_articles_and_figures(get):
    (article,) = get("law_evidence_articles", law="vn-decision-874-2021")
    assert article["url"] == SGGP and article["published_relative_to_in_force"] == "after"
    figures = get("law_evidence_figures", law=" VN-DECISION-874-2021 ")
    assert figures[0]["period_end"] == "2021-06-30" and figures[0]["articles_about_law_in_period"] == 1
    assert figures[-1]["period_end"] == "2023-12-31"
    assert {f["country"] for f in figures} == {"VN"}
