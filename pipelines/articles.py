"""Store function of :class:`items.ArticleItem` (route in :mod:`pipelines.routes`)."""

import json
import sqlite3

from db.articles import InvalidArticle, upsert_article
from pipelines.rejects import store_failed


def store_article(database, item: dict, *, crawl_run_id, spider, stats=None) -> None:
    """Upsert an ArticleItem; if it cannot be stored, store a reject instead."""
    try:
        upsert_article(database, item, crawl_run_id)
    except (InvalidArticle, sqlite3.Error) as error:
        store_failed(
            database,
            item,
            error,
            what="article",
            excerpt=json.dumps(dict(item), ensure_ascii=False, default=str),
            crawl_run_id=crawl_run_id,
            spider=spider,
            stats=stats,
        )
        return
    if stats is not None:
        stats.inc_value("modwatch/articles")
