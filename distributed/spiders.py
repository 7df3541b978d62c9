"""The spiders of distributed mode (``SPIDER_MODULES`` of ``settings_redis``).

Each is the project spider of the same name with :func:`distributed.spider.distributed`
in front: same code, seeds read from Redis (``{"site": key}`` or ``{"url": ...}``), requests
shared through the scrapy-redis scheduler. ``scrapy crawl news`` with
``SCRAPY_SETTINGS_MODULE=settings_redis`` runs the distributed ``news``.
"""

from distributed.spider import distributed
from spiders.news import NewsSpider as _NewsSpider
from spiders.thevietnamese import TheVietnameseSpider as _TheVietnameseSpider

NewsSpider = distributed(_NewsSpider)
TheVietnameseSpider = distributed(_TheVietnameseSpider)
