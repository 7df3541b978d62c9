"""``thevietnamese``: the "Internet Freedom" category of The Vietnamese magazine.

thevietnamese.org runs WordPress with the Zox News theme (MVP Themes); article URLs are
``/YYYY/MM/slug/``. Discovery order (see :mod:`spiders.base`):

1. WP REST API: ``/wp-json/wp/v2/categories?slug=internet-freedom`` gives the category id,
   then ``/wp-json/wp/v2/posts?categories=ID&_embed&per_page=100&page=N`` for N up to
   ``X-WP-TotalPages`` (capped by ``max_pages``); items are built from the post JSON.
2. the category feed ``/category/internet-freedom/feed/`` (and ``?paged=N``); each article
   page is fetched and parsed (a Zox page appends the next articles below the real one: the
   extractor keeps only the first).
3. the XML sitemaps ``wp-sitemap.xml`` (WordPress core), then ``sitemap_index.xml``
   (Yoast / Rank Math), keeping URLs that look like ``/YYYY/MM/slug/``.

Arguments (``scrapy crawl thevietnamese -a NAME=VALUE``) point it elsewhere, e.g. at a replayed
snapshot: ``base_url``, ``category`` (slug), ``category_id`` (skip the slug lookup),
``url_pattern`` (regex on the article URL path), ``discovery`` (comma-separated methods),
``max_pages`` (REST/feed pages), ``per_page`` (REST page size), ``source`` (the articles'
``source`` key). Invalid arguments raise :class:`modwatch.sites.SitesConfigError`.

The slug ``internet-freedom`` and the ``www.`` host are assumptions (no network here to
check the live site).
"""

from modwatch.discovery import YEAR_MONTH_SLUG
from modwatch.sites import site_from_dict
from spiders.base import WordPressNewsSpider


class TheVietnameseSpider(WordPressNewsSpider):
    name = "thevietnamese"

    def __init__(self, *args, base_url="https://www.thevietnamese.org/", category="internet-freedom",
                 category_id=None, url_pattern=YEAR_MONTH_SLUG, discovery="wp-rest,rss,sitemap",
                 max_pages=20, per_page=100, source="thevietnamese", **kwargs):
        super().__init__(*args, **kwargs)
        self.sites = [site_from_dict({
            "key": source,
            "name": "The Vietnamese",
            "base_url": base_url,
            "language": "en",
            "discovery": [m.strip() for m in discovery.split(",") if m.strip()],
            "categories": [{"slug": category, "id": int(category_id) if category_id else None}],
            "article_url_pattern": url_pattern,
            "max_pages": int(max_pages),
            "rest_per_page": int(per_page),
        }, f"spider {self.name} arguments")]
