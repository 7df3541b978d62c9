"""Data and helpers of the tagging tests: real article texts and the Vietnam seed tables (see
``tests/fixtures/tagging/SOURCE.md``), items built from them, and tagging every article of a
database as ``python -m modwatch tag`` does."""

import csv
import json
from pathlib import Path

from db import tagging as store
from modwatch.load.datasets import load_dataset
from modwatch.tagging import tag_article
from tests.helpers import report_file

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "tagging"


def articles() -> dict[str, dict]:
    """``{fixture id: {id, origin, url, language, title, body}}`` from ``articles.json``."""
    entries = json.loads((FIXTURES / "articles.json").read_text(encoding="utf-8"))
    return {entry["id"]: entry for entry in entries}


def seed_rows(name: str, url_column: str) -> dict[str, list[dict]]:
    """Rows of a Vietnam seed table grouped by page URL (a page may have several rows)."""
    grouped: dict[str, list[dict]] = {}
    with open(FIXTURES / name, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            grouped.setdefault(row[url_column], []).append(row)
    return grouped


def seed_text(url: str) -> str:
    """Every cell of every row about ``url`` in both seed tables, one cell per line: the real
    quoted wording, outlet names, notes and the URL itself."""
    lines = []
    for name, column in (("seed_urls.csv", "url"), ("mic_platform_takedown_figures.compiled.csv", "source_url")):
        for row in seed_rows(name, column).get(url, []):
            lines.extend(value for value in row.values() if value)
    assert lines, f"no seed row for {url}"
    return "\n".join(lines)


EAGLENEWS = "https://www.eaglenews.ph/social-media-giants-removed-anti-state-posts-in-vietnam-state-media/"
THESTAR = "https://www.thestar.com.my/tech/tech-news/2020/04/22/facebook-agreed-to-censor-posts-after-vietnam-slowed-traffic-say-sources"
SGGP = "https://sggpnews.org.vn/national/vietnam-introduces-code-of-conduct-on-social-networks-92895.html"


def seed_item(url: str) -> dict:
    """An article item from the seed tables: the row's topic as title, every cell about the
    page as body, the date the table gives (ISO dates only)."""
    (row,) = seed_rows("seed_urls.csv", "url")[url]
    return {
        "url": url,
        "source": "seed",
        "title": row["topic"],
        "body": seed_text(url),
        "published_at": row["date_as_seen"][:10],
        "language": "en",
    }


def real_item(fixture_id: str, published_at: str | None = None) -> dict:
    entry = articles()[fixture_id]
    return {
        "url": entry["url"],
        "source": "fixtures",
        "title": entry["title"],
        "body": entry["body"],
        "published_at": published_at,
        "language": entry["language"],
    }


def tag_all(database, vocabulary, everything=False) -> int:
    ids = store.prepare(database, vocabulary)
    done = 0
    for row in store.articles_to_tag(database, vocabulary.sha256, everything=everything):
        tags = tag_article(row["title"], row["body"], vocabulary)
        store.store_article_tags(
            database,
            row["id"],
            tags,
            entity_ids=ids,
            content_sha256=row["content_sha256"],
            vocabulary_sha256=vocabulary.sha256,
        )
        done += 1
    return done


def load_figures(database) -> None:
    """Store the real Google zip and Meta's 2023-H2 file as the current removal-request figures."""
    load_dataset(
        database,
        parser="google_removals",
        source="google",
        url="https://storage.googleapis.com/transparencyreport/google-government-removals.zip",
        data=report_file("google-government-removals.zip").read_bytes(),
    )
    load_dataset(
        database,
        parser="meta_restrictions",
        source="meta:2023-H2",
        url="https://transparency.meta.com/sr/content-restrictions/Content_Restrictions_2023_H2.csv",
        data=report_file("Content_Restrictions_2023_H2.csv").read_bytes(),
    )
