"""Storing tags, re-tagging changed articles, and the views that join articles to the real
removal-request figures (Google's and Meta's files in demo/files/, see tests.helpers.report_file)."""

import json

import pytest

import db
from db import tagging as store
from db import tagging_views
from db.articles import upsert_article
from modwatch.tagging import load_vocabulary
from tests.tagging.helpers import EAGLENEWS, SGGP, THESTAR, articles, load_figures, real_item, seed_item, tag_all

REAL = articles()


@pytest.fixture
def database():
    database = db.connect(":memory:")
    yield database
    database.close()


def test_tags_are_stored_with_evidence_and_faceted(database, vocabulary):
    # wikimediafoundation.org/news/2020/01/15/...: the date is in the URL
    article_id = upsert_article(database, real_item("wikimedia-turkey", "2020-01-15"))
    upsert_article(database, real_item("vi-pet-food"))
    assert tag_all(database, vocabulary) == 2
    rows = {
        (r["kind"], r["key"]): r
        for r in database.query("select * from article_entity_tags where article_id = ?", [article_id])
    }
    assert set(rows) >= {("platform", "wikipedia"), ("country", "TR"), ("topic", "censorship")}
    assert rows[("country", "TR")]["evidence"] == "Turkey"
    assert rows[("country", "TR")]["label"] == "Türkiye"
    stored = database.execute(
        "select matches from article_entities ae join entities e on e.id = ae.entity_id "
        "where e.kind = 'country' and e.key = 'TR'"
    ).fetchone()[0]
    assert json.loads(stored) == ["Turkey", "Turkish"]
    tagged = {r["article_id"]: r for r in database.query("select * from articles_tagged")}
    assert json.loads(tagged[article_id]["countries"]) == ["TR"]
    assert json.loads(tagged[article_id]["platforms"]) == ["wikipedia"]
    pet = [r for r in tagged.values() if r["article_id"] != article_id][0]
    assert json.loads(pet["platforms"]) == [] and pet["tagged_at"] is not None  # tagged, nothing found


def test_only_changed_articles_are_retagged(database, vocabulary):
    item = real_item("kulu-meta-outage")
    article_id = upsert_article(database, item)
    upsert_article(database, real_item("chron-esper-vietnam"))
    assert tag_all(database, vocabulary) == 2
    assert tag_all(database, vocabulary) == 0  # nothing changed
    assert list(database.query("select * from articles_needing_tagging")) == []
    # the page changed: its body now ends with a real paragraph of another fixture
    upsert_article(database, {**item, "body": item["body"] + "\n" + REAL["zdnet-facebook-netzdg"]["body"]})
    assert [r["article_id"] for r in database.query("select * from articles_needing_tagging")] == [article_id]
    assert [r["id"] for r in store.articles_to_tag(database, vocabulary.sha256)] == [article_id]
    assert tag_all(database, vocabulary) == 1
    keys = {r["key"] for r in database.query("select key from article_entity_tags where article_id = ?", [article_id])}
    assert "de-netzdg" in keys
    # --all re-tags everything; a different vocabulary makes every article stale
    assert tag_all(database, vocabulary, everything=True) == 2
    assert len(list(store.articles_to_tag(database, "another-vocabulary"))) == 2


def test_retagging_replaces_rows_and_is_idempotent(database, vocabulary):
    upsert_article(database, real_item("zdnet-facebook-netzdg"))
    tag_all(database, vocabulary)
    before = list(database.query("select article_id, entity_id, evidence, count from article_entities order by 1, 2"))
    tag_all(database, vocabulary, everything=True)
    after = list(database.query("select article_id, entity_id, evidence, count from article_entities order by 1, 2"))
    assert before == after and len(before) >= 8


def test_entities_follow_the_vocabulary(database, vocabulary, tmp_path):
    store.prepare(database, vocabulary)
    count = database.execute("select count(*) from entities where in_vocabulary = 1").fetchone()[0]
    assert count == len(vocabulary.entries)
    law = next(database.query("select * from entities where kind = 'law' and key = 'vn-decree-147-2024'"))
    assert law["in_force"] == "2024-12-25" and law["jurisdiction"] == "VN"
    platforms = {
        r["report_platform"]
        for r in database.query(
            "select rp.report_platform from entity_report_platforms rp join entities e on e.id = rp.entity_id "
            "where e.key in ('facebook', 'instagram', 'youtube')"
        )
    }
    assert platforms == {"Meta", "Google"}
    # an entry removed from the files stays, marked out of the vocabulary
    import shutil

    shutil.copytree(load_vocabulary().directory, tmp_path / "vocab")
    path = tmp_path / "vocab" / "platforms.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("  - key: yahoo\n    label: Yahoo\n    aliases: [Yahoo]\n", ""),
        encoding="utf-8",
    )
    store.prepare(database, load_vocabulary(tmp_path / "vocab"))
    assert database.execute("select in_vocabulary from entities where key = 'yahoo'").fetchone()[0] == 0


@pytest.fixture
def with_figures(database):
    load_figures(database)
    return database


def test_country_and_period_figures_beside_articles(with_figures, vocabulary):
    database = with_figures
    for url in (EAGLENEWS, THESTAR):
        upsert_article(database, seed_item(url))
    upsert_article(database, real_item("wikimedia-turkey", "2020-01-15"))
    tag_all(database, vocabulary)

    figures = {
        (r["platform"], r["period_end"]): r
        for r in database.query(
            "select * from removal_requests_with_articles where country = 'VN' and period_end >= '2020-01-01'"
        )
    }
    google_2023 = figures[("Google", "2023-12-31")]
    assert (google_2023["requests"], google_2023["items_requested"]) == (787, 5330)
    assert google_2023["articles_mentioning_platform"] == 1  # AFP via Eagle News: "YouTube videos"
    assert google_2023["articles_mentioning_country"] == 1
    meta_2023 = figures[("Meta", "2023-12-31")]
    assert meta_2023["items_actioned"] == 2517 and meta_2023["articles_mentioning_both"] == 1
    google_2020 = figures[("Google", "2020-06-30")]
    assert google_2020["requests"] == 171
    assert (google_2020["articles_mentioning_platform"], google_2020["articles_mentioning_country"]) == (0, 1)

    rows = list(
        database.query("select * from removal_request_articles where country = 'VN' order by period_end, platform")
    )
    assert [
        (r["platform"], r["period_end"], r["url"], r["mentions_platform"], r["mentions_country"]) for r in rows
    ] == [
        ("Google", "2020-06-30", THESTAR, 0, 1),
        ("Google", "2023-12-31", EAGLENEWS, 1, 1),
        ("Meta", "2023-12-31", EAGLENEWS, 1, 1),
    ]
    assert "platform:youtube (YouTube)" in rows[1]["evidence"]
    # Türkiye: the Wikimedia article of 15 January 2020 beside Google's 2020-H1 figures for TR
    # (and, as for every country, articles of the period that name the platform only)
    turkey = list(
        database.query(
            "select platform, period_end, requests, url, mentions_country from removal_request_articles"
            " where country = 'TR' order by mentions_country desc, period_end, platform"
        )
    )
    assert [(r["platform"], r["period_end"], r["url"], r["mentions_country"]) for r in turkey] == [
        ("Google", "2020-06-30", REAL["wikimedia-turkey"]["url"], 1),
        ("Google", "2023-12-31", EAGLENEWS, 0),
        ("Meta", "2023-12-31", EAGLENEWS, 0),
    ]
    assert turkey[0]["requests"] > 0


def test_law_articles_and_figures_after_it_took_effect(with_figures, vocabulary):
    database = with_figures
    upsert_article(database, seed_item(SGGP))  # "code of conduct in force from 17 June 2021", 2021-06-18
    tag_all(database, vocabulary)
    (article,) = database.query("select * from law_articles where law = 'vn-decision-874-2021'")
    assert article["url"] == SGGP and article["published_relative_to_in_force"] == "after"
    rows = list(
        database.query(
            "select * from law_period_figures where law = 'vn-decision-874-2021' order by period_end, platform"
        )
    )
    assert rows[0]["period_end"] == "2021-06-30" and rows[0]["whole_period_in_force"] == 0
    assert rows[0]["articles_about_law_in_period"] == 1
    assert [r["period_end"] for r in rows if r["platform"] == "Google"] == [
        "2021-06-30",
        "2021-12-31",
        "2022-06-30",
        "2022-12-31",
        "2023-06-30",
        "2023-12-31",
    ]
    assert all(r["period_end"] >= "2021-06-17" for r in rows)
    assert ("Meta", "2023-12-31") in {(r["platform"], r["period_end"]) for r in rows}


def test_views_are_refreshed_and_never_name_missing_tables(database):
    assert tagging_views.ensure(database) == []  # already current after connect()
    database.execute("drop view article_entity_tags")
    assert tagging_views.ensure(database) == ["article_entity_tags"]
    for view in database.view_names():
        database.execute(f"select * from [{view}] limit 1")  # every view compiles
