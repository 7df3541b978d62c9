"""``SQLitePipeline``: store every scraped item in the modwatch SQLite database.

Settings:

- ``MODWATCH_DB``: database file (parent folder created), through the crawl's shared connection
  (:func:`db.for_crawler`: WAL mode, migrated).
Dispatch: the item's class (or its nearest base class) selects a store function in
:data:`pipelines.routes.ROUTES`, a mapping keyed by the item classes themselves:
``fn(db, item: Mapping, *, crawl_run_id: int | None, spider: str, stats) -> None`` (``item``: the
scraped item itself through an ``ItemAdapter``, so what the function sets on it, e.g. a
``dataset_id``, stays on the item; ``stats``: the crawler's StatsCollector, or None). A new item
class gets its line in ``ROUTES``.

Sources: at open, each entry of the spider's ``sites`` attribute (objects with ``key``,
``base_url``, ``name``, ``language``, e.g. :class:`modwatch.sites.Site`) is written to
``sources``; an article of a source not described there gets a row guessed from its URL.

At close, if articles were stored, the FTS index is merged (:func:`db.fts.optimize`).

Bad items lose nothing: an ArticleItem that cannot be stored (no URL, a database
constraint) becomes a ``rejects`` row with the reason and the item as JSON. Every stored
reject increments the stat ``modwatch/rejects``; stored articles ``modwatch/articles``.
"""

from collections.abc import Callable

from itemadapter import ItemAdapter

import db
from db import fts
from db.articles import upsert_source
from pipelines.routes import ROUTES


class SQLitePipeline:
    """Item pipeline writing to ``MODWATCH_DB``; see the module docstring."""

    #: item class -> store function (:data:`pipelines.routes.ROUTES`)
    routes: dict[type, Callable] = ROUTES

    def __init__(self, crawler):
        self.crawler = crawler
        self.db = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self) -> None:
        self.db = db.for_crawler(self.crawler)
        for site in getattr(self.crawler.spider, "sites", None) or ():
            upsert_source(
                self.db,
                site.key,
                name=getattr(site, "name", None),
                base_url=getattr(site, "base_url", None),
                language=getattr(site, "language", None),
            )

    def close_spider(self) -> None:
        if self.db is None:
            return
        if self.crawler.stats.get_value("modwatch/articles"):
            fts.optimize(self.db)  # one segment again: faster searches (benchmarks/storage.py)
        db.release(self.crawler)
        self.db = None

    def process_item(self, item):
        spider = self.crawler.spider
        store = next((self.routes[cls] for cls in type(item).__mro__ if cls in self.routes), None)
        if store is None:
            raise TypeError(f"no store function for {type(item).__qualname__}: add it to pipelines.routes.ROUTES")
        store(
            self.db,
            ItemAdapter(item),  # the item itself: fields a store function sets (dataset_id ...) stay on it
            crawl_run_id=getattr(spider, "crawl_run_id", None),
            spider=spider.name,
            stats=self.crawler.stats,
        )
        return item
