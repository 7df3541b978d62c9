"""Build a modwatch database from real data for the Datasette, export and browser tests.

Everything goes through the real storage code: ``db.connect`` (all migrations),
``db.articles.upsert_article``, ``db.crawl_runs``, ``db.rejects.insert_reject`` and the
transparency loader ``modwatch.load.datasets.load_dataset`` with the real parsers.

Data (``tests/fixtures/datasette/``, see SOURCE.md there):

- ``articles.json``: title and text of four real pages — Wikimedia Foundation (Turkey lifts the
  Wikipedia block), kulu-media (Meta outage), netzpolitik.org (German), and a Vietnamese
  WordPress post ("Thức Ăn Cho Thú Cưng ... Đồng Hành ...");
- Google's government removal requests by requester (all 2,735 rows, 2019-H1 … 2023-H2);
- Meta's content restrictions 2018-H2 and 2023-H2 (the demo snapshot's copies,
  ``demo/files/raw.githubusercontent.com/joe-sturla/``, origins in ``demo/SOURCES.md``);
- three real Lumen notices and the first 29 rows of a real DSA daily dump (the notices
  helper's fixtures in ``tests/fixtures/lumen`` and ``tests/fixtures/dsa``).

The articles are then tagged (``modwatch.tagging``, as ``python -m modwatch tag --all`` does). Plus two rows that carry a ``<script>`` (an XSS probe that sets ``window.__modwatch_xss``):
an article whose body quotes a script tag and a reject whose excerpt is raw HTML.
"""

from __future__ import annotations

import json
from pathlib import Path

import db
from db.articles import upsert_article
from db.crawl_runs import finish_crawl_run, start_crawl_run
from modwatch.load.dsa import load_dump
from modwatch.load.notices import store_notice_page
from modwatch import publish
from db.rejects import insert_reject
from db import tagging as tagging_store
from modwatch.tagging import load_vocabulary, tag_article
from modwatch.load.datasets import load_dataset
from tests.helpers import report_file

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "datasette"
GOOGLE_URL = "https://storage.googleapis.com/transparencyreport/google-government-removals.zip"
META_URL = "https://transparency.meta.com/download/Content_Restrictions_{}.csv"

XSS_MARKER = "__modwatch_xss"
XSS_SCRIPT = f"<script>window.{XSS_MARKER} = 1; document.title = 'XSS';</script>"
XSS_IMG = f'<img src=x onerror="window.{XSS_MARKER} = 2">'
XSS_URL = "https://example.org/2024/01/xss-probe/"

GOOGLE_ROWS = 2735  # data rows of google-government-removal-requests.csv
#: real Lumen notices (tests/fixtures/lumen, the notices helper's fixtures)
LUMEN_NOTICES = ("000/003/3358.json", "000/005/5181.json", "000/000/177.json")
LUMEN_URL = "https://lumendatabase.org/notices/{}.json"
#: real DSA statements of reasons (tests/fixtures/dsa): 29 rows of the 2024-03-14 dump
DSA_CSV = FIXTURES.parent / "dsa" / "sor-global-2024-03-14-full-00000-00000.head29.csv"
DSA_URL = "https://dsa-sor-data-dumps.s3.eu-central-1.amazonaws.com/sor-global-2024-03-14-full.zip"


def real_articles() -> list[dict]:
    """The real articles of ``articles.json`` (ArticleItem fields)."""
    return json.loads((FIXTURES / "articles.json").read_text(encoding="utf-8"))


def build(path: str | Path) -> Path:
    """Create the database at ``path`` (its file name should be ``modwatch.db``) and return it."""
    path = Path(path)
    database = db.connect(path)
    run_id = start_crawl_run(database, "news")
    for n, article in enumerate(real_articles()):
        item = dict(
            article,
            fetched_url=article["url"],
            fetched_at="2026-11-29T10:00:00Z",
            http_status=200,
            body_sha256=f"{n:064x}",
            discovered_via="start-url",
            authors=[],
            tags=[],
        )
        upsert_article(database, item, run_id)
    upsert_article(
        database,
        {
            "url": XSS_URL,
            "source": "xss-probe",
            "title": f"Probe {XSS_SCRIPT}",
            "body": f"A scraped page quoting markup: {XSS_SCRIPT} {XSS_IMG}",
            "published_at": "2024-01-05T00:00:00Z",
            "language": "en",
            "http_status": 200,
        },
        run_id,
    )
    insert_reject(
        database,
        url="https://kulu-media.com/broken/",
        reason="no article title found",
        excerpt=f"<html><head>{XSS_SCRIPT}</head><body>{XSS_IMG}</body></html>",
        spider="news",
        crawl_run_id=run_id,
        fetched_at="2026-11-29T10:00:01Z",
    )
    finish_crawl_run(
        database,
        run_id,
        finish_reason="finished",
        items_scraped=5,
        errors=0,
        rejects=1,
        requests=6,
        responses=6,
        stats={"item_scraped_count": 5},
    )

    transparency_run = start_crawl_run(database, "google_removals")
    load_dataset(
        database,
        parser="google_removals",
        source="google_removals",
        url=GOOGLE_URL,
        data=(FIXTURES / "google-government-removal-requests.csv").read_bytes(),
        fetched_at="2026-11-29T10:05:00Z",
        crawl_run_id=transparency_run,
    )
    for half in ("2018_H2", "2023_H2"):
        load_dataset(
            database,
            parser="meta_restrictions",
            source=f"meta_restrictions/{half.replace('_', '-')}",
            url=META_URL.format(half),
            data=report_file(f"Content_Restrictions_{half}.csv").read_bytes(),
            fetched_at="2026-11-29T10:06:00Z",
            crawl_run_id=transparency_run,
        )
    for notice in LUMEN_NOTICES:
        body = (FIXTURES.parent / "lumen" / "chillingeffects_2015_notices" / notice).read_bytes()
        store_notice_page(
            database,
            body,
            url=LUMEN_URL.format(Path(notice).stem),
            fetched_at="2026-11-29T10:07:00Z",
            crawl_run_id=transparency_run,
            spider="lumen",
        )
    with open(DSA_CSV, "rb") as f:
        load_dump(
            database,
            f,
            url=DSA_URL,
            fetched_at="2026-11-29T10:08:00Z",
            name=DSA_CSV.name,
            crawl_run_id=transparency_run,
            spider="dsa_sor",
        )
    finish_crawl_run(
        database,
        transparency_run,
        finish_reason="finished",
        items_scraped=3,
        errors=0,
        rejects=0,
        requests=3,
        responses=3,
        stats={},
    )
    tag_articles(database)
    database.conn.close()
    publish.update_search_indexes(path)  # as `python -m modwatch serve` does before serving
    return path


def tag_articles(database) -> int:
    """Tag every article with platforms, laws, countries and topics (the tagging library, as the
    ``tag`` command does); returns the number of tags stored."""
    vocabulary = load_vocabulary()
    entity_ids = tagging_store.prepare(database, vocabulary)
    stored = 0
    for row in tagging_store.articles_to_tag(database, vocabulary.sha256, everything=True):
        tags = tag_article(row["title"], row["body"], vocabulary)
        stored += tagging_store.store_article_tags(
            database,
            row["id"],
            tags,
            entity_ids=entity_ids,
            content_sha256=row["content_sha256"],
            vocabulary_sha256=vocabulary.sha256,
        )
    return stored


def statements_site(path, **statements_meta):
    """A Datasette configured as ``serve`` configures it (metadata, plugins, settings, tracing on) on the immutable
    database ``path``, the ``statements_of_reasons`` metadata updated with ``statements_meta``; startup hooks run."""
    import asyncio

    import yaml
    from datasette.app import Datasette

    from modwatch import publish

    metadata = yaml.safe_load(publish.METADATA.read_text(encoding="utf-8"))
    metadata["databases"]["modwatch"]["tables"]["statements_of_reasons"].update(statements_meta)
    ds = Datasette(
        immutables=[str(path)],
        metadata=metadata,
        plugins_dir=str(publish.PLUGINS_DIR),
        settings={**publish.SETTINGS, "trace_debug": 1},
    )
    asyncio.run(ds.invoke_startup())
    return ds
