"""Benchmark: storing articles (modwatch upsert + folded FTS) vs a plain sqlite-utils insert.

Input: the 181 real news articles of the article-extraction benchmark
(``../shared/data/article-extraction-benchmark/``, or ``$MODWATCH_SHARED``): ``url`` and
``articleBody`` from ``ground-truth.json``, the title from each page's ``<title>``. Copies with
a ``?copy=N`` URL make ``--articles`` rows.

Runs, each into a fresh on-disk WAL database:

- ``modwatch first crawl``: :func:`db.articles.upsert_article` per article (one transaction
  each, sources/authors/tags, FTS with the đ-folded shadow), as the pipeline stores items;
- ``modwatch re-crawl``: the same articles again (unchanged text: no re-indexing);
- ``reference insert_all``: sqlite-utils ``insert_all`` of the same rows in batches into a
  table with no unique URL, no child tables, no FTS (the floor, not an equivalent);
- ``reference + plain FTS``: the same plus sqlite-utils ``enable_fts`` triggers (unicode61
  remove_diacritics 2, no đ shadow): the cost of FTS alone.

Then the FTS index size and the time of 200 searches in modwatch (before and after
:func:`db.fts.optimize`, which the pipeline runs at the end of a crawl) vs plain FTS.

Usage: ``python benchmarks/storage.py [--articles 5000]``
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import tempfile
import time
from html import unescape
from pathlib import Path

from benchdata import same_work, shared_data, summary  # noqa: E402  (benchmarks/ is sys.path[0])

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlite_utils  # noqa: E402

import db  # noqa: E402
from db import fts  # noqa: E402
from db.articles import upsert_article  # noqa: E402

QUERIES = ["google", "privacy", "election", "court ruling", "facebook", "china", "climate", "police", "music", "data"]


def shared() -> Path:
    return shared_data() / "article-extraction-benchmark"


def load_articles(count: int) -> list[dict]:
    folder = shared()
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    base = []
    for key, entry in truth.items():
        html = gzip.decompress((folder / "html" / f"{key}.html.gz").read_bytes()).decode("utf-8", "replace")
        match = re.search(r"<title[^>]*>(.*?)</title>", html, re.S | re.I)
        title = " ".join(unescape(match.group(1)).split()) if match else entry["url"]
        base.append(
            {
                "url": entry["url"],
                "source": "benchmark",
                "title": title,
                "body": entry["articleBody"],
                "language": "en",
                "http_status": 200,
                "authors": [],
                "tags": [],
            }
        )
    rows = []
    for n in range(count):
        article = dict(base[n % len(base)])
        if n >= len(base):
            article["url"] = f"{article['url']}?copy={n // len(base)}"
        rows.append(article)
    return rows


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def fts_bytes(database, table) -> int:
    return database.execute(f"SELECT sum(length(block)) FROM [{table}_data]").fetchone()[0]


def search_seconds(database, table, rounds=20) -> float:
    sql = f"SELECT rowid FROM [{table}] WHERE [{table}] MATCH ?"
    return timed(lambda: [database.execute(sql, [q]).fetchall() for _ in range(rounds) for q in QUERIES])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    args = parser.parse_args(argv)
    articles = load_articles(args.articles)
    n = len(articles)
    columns = ["url", "source", "title", "body", "language", "http_status"]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        mine = db.connect(Path(tmp) / "modwatch.db")
        first = timed(lambda: [upsert_article(mine, a) for a in articles])
        again = timed(lambda: [upsert_article(mine, a) for a in articles])
        assert mine["articles"].count == n

        plain = sqlite_utils.Database(Path(tmp) / "plain.db")
        plain.enable_wal()
        plain.execute("PRAGMA synchronous = NORMAL")
        rows = [{c: a[c] for c in columns} for a in articles]
        floor = timed(lambda: plain["articles"].insert_all(rows, pk="id", batch_size=500))

        indexed = sqlite_utils.Database(Path(tmp) / "plain_fts.db")
        indexed.enable_wal()
        indexed.execute("PRAGMA synchronous = NORMAL")
        indexed["articles"].create({"id": int, **{c: str for c in columns}}, pk="id")
        indexed["articles"].enable_fts(
            ["title", "body"], create_triggers=True, tokenize="unicode61 remove_diacritics 2"
        )
        with_fts = timed(lambda: indexed["articles"].insert_all(rows, batch_size=500))

        results = [
            ("modwatch first crawl (upsert per item)", first),
            ("modwatch re-crawl (same items)", again),
            ("reference insert_all, no FTS", floor),
            ("reference insert_all + plain FTS", with_fts),
        ]
        print(f"{n} real articles ({len(set(a['body'] for a in articles))} distinct bodies)")
        same_work(
            "upsert_article per item (one transaction each: sources, authors, tags, folded FTS)",
            "sqlite-utils insert_all in batches of 500, plain FTS triggers; same rows, fresh WAL databases\n",
        )
        print(f"{'run':42} {'seconds':>8} {'articles/s':>11}")
        for name, seconds in results:
            print(f"{name:42} {seconds:8.2f} {n / seconds:11.0f}")
        mine_size, plain_size = fts_bytes(mine, "articles_fts"), fts_bytes(indexed, "articles_fts")
        print(
            f"\nFTS index: modwatch {mine_size / 1e6:.1f} MB, plain FTS {plain_size / 1e6:.1f} MB "
            f"({mine_size / plain_size:.2f}x; English text has no đ, so no shadow copy)"
        )
        searches = 20 * len(QUERIES)
        s_mine, s_plain = search_seconds(mine, "articles_fts"), search_seconds(indexed, "articles_fts")
        optimize_seconds = timed(lambda: fts.optimize(mine))
        s_optimized = search_seconds(mine, "articles_fts")
        print(
            f"{searches} searches: modwatch {s_mine * 1000 / searches:.2f} ms each, after fts.optimize "
            f"({optimize_seconds:.2f} s) {s_optimized * 1000 / searches:.2f} ms each; "
            f"plain FTS (batched inserts) {s_plain * 1000 / searches:.2f} ms each"
        )
        summary(
            f"storage, {n} articles",
            f"{n / first:,.0f} articles/s",
            f"{n / with_fts:,.0f} articles/s",
            with_fts / first,
            "upsert_article per item (transaction, sources, authors, tags, folded FTS) vs "
            "sqlite-utils insert_all batches + plain FTS (no unique URL, no child tables)",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
