"""Relevance and tagging pipelines in a real Scrapy crawl (CrawlerProcess in a subprocess,
project settings: RelevancePipeline -> SQLitePipeline -> TaggingPipeline)."""

import json
from pathlib import Path

import pytest
import sqlite_utils

from tests.tagging.helpers import articles

SPIDER = str(Path(__file__).with_name("tagging_spider.py")) + ":FixtureArticlesSpider"
REAL = articles()
IDS = "wikimedia-turkey,kulu-meta-outage,zdnet-facebook-netzdg,vi-pet-food"

SITES = """
sites:
  - key: general-news
    base_url: https://general-news.example/
    relevance: "[platform|law] and [topic]"
  - key: all-news
    base_url: https://all-news.example/
"""


@pytest.fixture
def sites_file(tmp_path) -> Path:
    path = tmp_path / "sites.yaml"
    path.write_text(SITES, encoding="utf-8")
    return path


def stats_of_last_run(database) -> dict:
    row = database.execute("select stats_json from crawl_runs order by id desc limit 1").fetchone()
    return json.loads(row[0])


def test_relevance_rule_drops_articles_and_kept_ones_are_tagged(run_crawl, db_path, sites_file):
    result = run_crawl(
        SPIDER,
        db=db_path,
        settings={"MODWATCH_SITES_FILE": str(sites_file)},
        spider_args={"ids": IDS, "source": "general-news"},
    )
    database = sqlite_utils.Database(db_path)
    stored = {r["url"]: r for r in database.query("select id, url, relevance_reason from articles")}
    assert set(stored) == {REAL["wikimedia-turkey"]["url"], REAL["zdnet-facebook-netzdg"]["url"]}
    reason = stored[REAL["zdnet-facebook-netzdg"]["url"]]["relevance_reason"]
    assert reason.startswith("[platform|law] and [topic]: [platform|law] platform:facebook ('Facebook')")
    assert "law:de-netzdg" in reason
    # the dropped ones: logged with the reason, counted, not stored
    assert "nothing matched [topic]" in result.stderr
    assert REAL["kulu-meta-outage"]["url"] in result.stderr
    stats = stats_of_last_run(database)
    assert stats["modwatch/relevance/dropped"] == 2 and stats["modwatch/relevance/kept"] == 2
    assert stats["modwatch/tagging/tagged"] == 2
    assert stats["modwatch/tagging/from_relevance"] == 2  # tagged once: the relevance check's tags were stored
    keys = {
        (r["kind"], r["key"])
        for r in database.query(
            "select kind, key from article_entity_tags where url = ?", [REAL["wikimedia-turkey"]["url"]]
        )
    }
    assert {("platform", "wikipedia"), ("country", "TR"), ("topic", "censorship")} <= keys


def test_sites_without_a_rule_keep_everything_and_a_second_crawl_retags_nothing(run_crawl, db_path, sites_file):
    args = {"ids": IDS, "source": "all-news"}
    run_crawl(SPIDER, db=db_path, settings={"MODWATCH_SITES_FILE": str(sites_file)}, spider_args=args)
    database = sqlite_utils.Database(db_path)
    assert database.execute("select count(*) from articles").fetchone()[0] == 4
    assert database.execute("select count(*) from article_tagging").fetchone()[0] == 4
    assert database.execute("select count(*) from articles where relevance_reason is not null").fetchone()[0] == 0
    assert "modwatch/tagging/from_relevance" not in stats_of_last_run(database)  # no rule: tagged from the row
    entities_before = database.execute("select count(*) from article_entities").fetchone()[0]
    database.close()

    run_crawl(SPIDER, db=db_path, settings={"MODWATCH_SITES_FILE": str(sites_file)}, spider_args=args)
    database = sqlite_utils.Database(db_path)
    stats = stats_of_last_run(database)
    assert stats["modwatch/tagging/unchanged"] == 4 and "modwatch/tagging/tagged" not in stats
    assert database.execute("select count(*) from article_entities").fetchone()[0] == entities_before


def test_a_bad_rule_stops_the_crawl_with_a_clear_error(run_crawl, db_path, tmp_path):
    path = tmp_path / "bad-sites.yaml"
    path.write_text(SITES.replace("[platform|law] and [topic]", "[platform|laws] and [topic]"), encoding="utf-8")
    result = run_crawl(
        SPIDER,
        db=db_path,
        settings={"MODWATCH_SITES_FILE": str(path)},
        spider_args={"ids": "wikimedia-turkey", "source": "general-news"},
    )
    assert "RelevanceRuleError: relevance rule '[platform|laws] and [topic]': bad atom 'laws'" in result.stderr
    if db_path.exists():  # nothing was stored
        assert sqlite_utils.Database(db_path).execute("select count(*) from articles").fetchone()[0] == 0
