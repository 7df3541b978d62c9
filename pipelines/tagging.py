"""Tagging pipelines: filter articles by a site's relevance rule, tag stored articles.

``RelevancePipeline`` (before storage, ITEM_PIPELINES 300)
    For an ArticleItem whose ``source`` is a site of the sites file (``MODWATCH_SITES_FILE``)
    with a ``relevance:`` rule (see :mod:`modwatch.tagging.relevance`), tags the title and body
    and drops the item (``DropItem``, logged at INFO with the reason; stat
    ``modwatch/relevance/dropped``) when the rule does not hold; kept items count in
    ``modwatch/relevance/kept``. Items of sites without a rule, and other item types, pass.
    A rule that cannot be parsed stops the crawl at open with :class:`RelevanceRuleError`.

``TaggingPipeline`` (after ``pipelines.store.SQLitePipeline``, ITEM_PIPELINES 810)
    For an ArticleItem, finds the stored row by canonical URL and, if its content or the
    vocabulary changed since it was last tagged, replaces its ``article_entities`` rows and
    records the relevance reason (``articles.relevance_reason``) when its site has a rule.
    An article is tagged once: the tags ``RelevancePipeline`` computed for the item are reused when
    the stored row has the same title and body (``content_sha256``; stat
    ``modwatch/tagging/from_relevance``), in the same process (a distributed crawl checks relevance
    in the workers and tags in the writer).
    Stats: ``modwatch/tagging/tagged``, ``modwatch/tagging/unchanged``, ``modwatch/tagging/tags``.

Settings: ``MODWATCH_DB`` (database), ``MODWATCH_SITES_FILE`` (sites file),
``MODWATCH_VOCAB_DIR`` (vocabulary folder; default ``modwatch/vocab``).
"""

from __future__ import annotations

import weakref

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

import db
from db import tagging as store
from db.articles import content_sha256
from items import ArticleItem
from modwatch.tagging import load_vocabulary, relevance, tag_article
from modwatch.tagging.stored import load_rules, tag_stored_article

#: per crawler: tags of kept items by content sha256, from RelevancePipeline to TaggingPipeline
_RELEVANCE_TAGS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
#: bound of that hand-over (items dropped after the relevance check, e.g. by a storage error, are not taken)
_HANDOVER_MAX = 1000


def _handover(crawler) -> dict:
    return _RELEVANCE_TAGS.setdefault(crawler, {})


class _Base:
    def __init__(self, crawler):
        self.crawler = crawler
        self.settings = crawler.settings
        self.stats = crawler.stats
        self.vocabulary = None
        self.rules: dict = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self) -> None:
        self.vocabulary = load_vocabulary(self.settings.get("MODWATCH_VOCAB_DIR") or None)
        self.rules = load_rules(self.settings.get("MODWATCH_SITES_FILE"))


class RelevancePipeline(_Base):
    """Drop articles that do not satisfy their site's relevance rule (see module docstring)."""

    def process_item(self, item):
        if not isinstance(item, ArticleItem):
            return item
        adapter = ItemAdapter(item)
        rule = self.rules.get(adapter.get("source"))
        if rule is None:
            return item
        tags = tag_article(adapter.get("title"), adapter.get("body"), self.vocabulary)
        ok, reason = relevance(tags, rule)
        if not ok:
            self.stats.inc_value("modwatch/relevance/dropped")
            raise DropItem(
                f"not relevant to {adapter.get('source')}: {reason} <{adapter.get('url')}>", log_level="INFO"
            )
        self.stats.inc_value("modwatch/relevance/kept")
        tags_by_content = _handover(self.crawler)
        if len(tags_by_content) >= _HANDOVER_MAX:
            tags_by_content.pop(next(iter(tags_by_content)))
        tags_by_content[content_sha256(adapter.get("title"), adapter.get("body"))] = tags
        return item


class TaggingPipeline(_Base):
    """Tag each stored article (see module docstring)."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self.db = None
        self.entity_ids: dict = {}

    def open_spider(self) -> None:
        super().open_spider()
        self.db = db.for_crawler(self.crawler)  # the crawl's shared connection
        self.entity_ids = store.prepare(self.db, self.vocabulary)

    def close_spider(self) -> None:
        if self.db is not None:
            db.release(self.crawler)
            self.db = None

    def process_item(self, item):
        if not isinstance(item, ArticleItem):
            return item
        adapter = ItemAdapter(item)
        row = store.article_for_url(self.db, adapter.get("url") or "")
        if row is None:  # not stored (the store pipeline made it a reject)
            return item
        tagged = _handover(self.crawler).pop(row["content_sha256"], None)
        if store.is_current(self.db, row["id"], row["content_sha256"], self.vocabulary.sha256):
            self.stats.inc_value("modwatch/tagging/unchanged")
            return item
        if tagged is not None:  # the relevance check tagged this very text: tag once
            self.stats.inc_value("modwatch/tagging/from_relevance")
        _, count = tag_stored_article(
            self.db, row, self.vocabulary, entity_ids=self.entity_ids, rules=self.rules, tags=tagged
        )
        self.stats.inc_value("modwatch/tagging/tagged")
        self.stats.inc_value("modwatch/tagging/tags", count)
        return item
