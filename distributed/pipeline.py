"""``RedisItemPipeline``: workers push every item to ``<spider>:items`` for the writer.

A subclass of scrapy-redis' ``RedisPipeline`` (key ``REDIS_ITEMS_KEY``, default
``%(spider)s:items``) with two changes for Scrapy 2.19 and for the writer:

- ``process_item(item)`` pushes synchronously (one ``RPUSH``, well under a millisecond on a
  LAN) instead of returning a Twisted Deferred from a thread, and takes no ``spider``
  argument (both deprecated in Scrapy 2.19);
- each value is :func:`encode_item`: JSON ``{"class": "<module>.<Item class>", "item": {...}}``,
  so the writer rebuilds an ``ArticleItem`` or a ``RejectItem`` and the normal storage
  dispatch (``pipelines.routes.ROUTES``, by item class) applies.

The item is returned unchanged, so later pipelines and the ``item_scraped`` stats still see it.
"""

from __future__ import annotations

import json

from itemadapter import ItemAdapter
from scrapy.utils.misc import load_object
from scrapy.utils.serialize import ScrapyJSONEncoder
from scrapy_redis.pipelines import RedisPipeline

_encoder = ScrapyJSONEncoder(ensure_ascii=False)


def encode_item(item) -> str:
    """``item`` (a Scrapy Item, dataclass, attrs or dict) as the JSON text pushed to Redis.

    Dates and decimals are written as Scrapy's JSON encoder writes them (ISO 8601 text).
    """
    cls = type(item)
    return _encoder.encode({"class": f"{cls.__module__}.{cls.__qualname__}", "item": ItemAdapter(item).asdict()})


def decode_item(data: bytes | str):
    """The item of a value made by :func:`encode_item`.

    Raises ``ValueError`` (not JSON, no ``class``/``item``), ``ImportError``/``NameError`` (class
    not importable here) or ``KeyError`` (a field the class does not declare).
    """
    payload = json.loads(data)
    if not isinstance(payload, dict) or not isinstance(payload.get("item"), dict) or "class" not in payload:
        raise ValueError('not a modwatch item: expected {"class": ..., "item": {...}}')
    cls = load_object(payload["class"])
    return cls(**payload["item"])


class RedisItemPipeline(RedisPipeline):
    """Push items to Redis (see the module docstring)."""

    def __init__(self, server, key="%(spider)s:items", serialize_func=encode_item):
        super().__init__(server, key=key, serialize_func=serialize_func)
        self.crawler = None

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls.from_settings(crawler.settings)
        if not crawler.settings.get("REDIS_ITEMS_SERIALIZER"):
            pipeline.serialize = encode_item
        pipeline.crawler = crawler
        return pipeline

    def process_item(self, item):
        spider = self.crawler.spider
        self.server.rpush(self.item_key(item, spider), self.serialize(item))
        self.crawler.stats.inc_value("distributed/items_pushed")
        return item
