"""``SQLitePipeline``: store every scraped item in the modwatch SQLite database.

Settings:

- ``MODWATCH_DB``: database file (parent folder created), through the crawl's shared connection
  (:func:`db.for_crawler`: WAL mode, migrated).
- ``MODWATCH_STORE_FUNCTIONS``: optional ``{"pkg.items.ItemClass": "pkg.module:function"}``
  merged over :data:`STORE_FUNCTIONS`.

Dispatch: the item's class (by dotted name) selects a store function
``fn(db, item: Mapping, *, crawl_run_id: int | None, spider: str, stats) -> None`` (``item``: the
scraped item itself through an ``ItemAdapter``, so what the function sets on it, e.g. a
``dataset_id``, stays on the item; ``stats``: the crawler's StatsCollector, or None). Areas add a line
to :data:`STORE_FUNCTIONS` (or the setting) for their own item classes; names are strings so
this module imports nothing of theirs.

Sources: at open, each entry of the spider's ``sites`` attribute (objects with ``key``,
``base_url``, ``name``, ``language``, e.g. :class:`modwatch.sites.Site`) is written to
``sources``; an article of a source not described there gets a row guessed from its URL.

At close, if articles were stored, the FTS index is merged (:func:`db.fts.optimize`).

Bad items lose nothing: an ArticleItem that cannot be stored (no URL, a database
constraint) becomes a ``rejects`` row with the reason and the item as JSON. Every stored
reject increments the stat ``modwatch/rejects``; stored articles ``modwatch/articles``.
"""

import importlib
import json
import logging
import sqlite3
from collections.abc import Callable

from itemadapter import ItemAdapter

import db
from db import fts
from db.articles import InvalidArticle, upsert_article, upsert_source
from db.rejects import insert_reject

logger = logging.getLogger(__name__)

#: item class (dotted name) -> store function ("module:function").
STORE_FUNCTIONS: dict[str, str] = {
    "items.ArticleItem": "pipelines.store:store_article",
    "items.RejectItem": "pipelines.store:store_reject",
}


def store_article(database, item: dict, *, crawl_run_id, spider, stats=None) -> None:
    """Upsert an ArticleItem; if it cannot be stored, store a reject instead."""
    try:
        upsert_article(database, item, crawl_run_id)
    except (InvalidArticle, sqlite3.Error) as error:
        store_failed(database, item, error, what="article", excerpt=json.dumps(dict(item), ensure_ascii=False, default=str),
                     crawl_run_id=crawl_run_id, spider=spider, stats=stats)  # fmt: skip
        return
    if stats is not None:
        stats.inc_value("modwatch/articles")


def store_failed(database, item, error: Exception, *, what: str, excerpt, crawl_run_id, spider, stats=None) -> None:
    """Keep an item that could not be stored as a ``rejects`` row: ``"<what> not stored: <error>"``.

    ``excerpt`` (str or bytes) is the start of the raw input; the item's ``url``, ``fetched_at``
    and ``warc_record_id`` are the reject's provenance. Logged at ERROR; counted in
    ``modwatch/rejects``. The crawl goes on.
    """
    reason = f"{what} not stored: {type(error).__name__}: {error}"
    logger.error("%s (%s)", reason, item.get("url") or item.get("fetched_url"))
    store_reject(
        database,
        {"url": item.get("url") or item.get("fetched_url"), "reason": reason, "excerpt": excerpt,
         "fetched_at": item.get("fetched_at"), "warc_record_id": item.get("warc_record_id")},
        crawl_run_id=crawl_run_id, spider=spider, stats=stats,
    )  # fmt: skip


def store_reject(database, item: dict, *, crawl_run_id, spider, stats=None) -> None:
    """Insert a RejectItem as a ``rejects`` row (counted in ``modwatch/rejects`` and
    ``modwatch/rejected_items``: items that ended as rejects, not as data)."""
    insert_reject(
        database,
        url=item.get("url"),
        reason=item.get("reason") or "rejected (no reason given)",
        excerpt=item.get("excerpt"),
        spider=spider,
        crawl_run_id=crawl_run_id,
        fetched_at=item.get("fetched_at"),
        warc_record_id=item.get("warc_record_id"),
        dataset_id=item.get("dataset_id"),
        location=item.get("location"),
    )
    if stats is not None:
        stats.inc_value("modwatch/rejects")
        stats.inc_value("modwatch/rejected_items")


def _resolve(target: str) -> Callable:
    module_name, _, function_name = target.partition(":")
    return getattr(importlib.import_module(module_name), function_name)


def _class_names(item) -> list[str]:
    return [f"{cls.__module__}.{cls.__qualname__}" for cls in type(item).__mro__]


class SQLitePipeline:
    """Item pipeline writing to ``MODWATCH_DB``; see the module docstring."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.targets = {**STORE_FUNCTIONS, **crawler.settings.getdict("MODWATCH_STORE_FUNCTIONS")}
        self.functions: dict[str, Callable] = {}
        self.db = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self) -> None:
        self.db = db.for_crawler(self.crawler)
        self.functions = {name: _resolve(target) for name, target in self.targets.items()}
        for site in getattr(self.crawler.spider, "sites", None) or ():
            upsert_source(self.db, site.key, name=getattr(site, "name", None),
                          base_url=getattr(site, "base_url", None), language=getattr(site, "language", None))  # fmt: skip

    def close_spider(self) -> None:
        if self.db is None:
            return
        if self.crawler.stats.get_value("modwatch/articles"):
            fts.optimize(self.db)  # one segment again: faster searches (benchmarks/storage.py)
        db.release(self.crawler)
        self.db = None

    def process_item(self, item):
        spider = self.crawler.spider
        store = next((self.functions[n] for n in _class_names(item) if n in self.functions), None)
        if store is None:
            raise TypeError(
                f"no store function for {type(item).__qualname__}: add it to "
                "pipelines.store.STORE_FUNCTIONS or the MODWATCH_STORE_FUNCTIONS setting"
            )
        store(
            self.db,
            ItemAdapter(item),  # the item itself: fields a store function sets (dataset_id ...) stay on it
            crawl_run_id=getattr(spider, "crawl_run_id", None),
            spider=spider.name,
            stats=self.crawler.stats,
        )
        return item
