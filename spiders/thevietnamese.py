"""``thevietnamese``: the "Internet Freedom" category of The Vietnamese magazine.

thevietnamese.org runs WordPress. Its 2019 pages used the Zox News theme (MVP Themes); the
captures of 2022 to 2026 no longer carry Zox markup, so nothing here depends on one theme: the
article extractor reads JSON-LD, then meta tags, then the generic path (largest text block),
and knows Zox as one theme among others. Articles are served on both ``www.thevietnamese.org``
and ``thevietnamese.org``, older ones as ``/YYYY/MM/slug/``, recent ones without the trailing
slash: every URL is brought to one canonical form (``base_url``'s host, trailing slash added:
the form of every URL stored so far) before it is fetched and stored, so an article is one row.
Discovery order (see :mod:`spiders.base`):

1. WP REST API: ``/wp-json/wp/v2/categories?slug=internet-freedom`` gives the category id,
   then ``/wp-json/wp/v2/posts?categories=ID&_embed&per_page=100&page=N`` for N up to
   ``X-WP-TotalPages`` (capped by ``max_pages``); items are built from the post JSON.
2. the category feed ``/category/internet-freedom/feed/`` (and ``?paged=N``); each article
   page is fetched and parsed (a Zox page appends the next articles below the real one: the
   extractor keeps only the first; pages of other themes are read through JSON-LD / meta / text).
3. the XML sitemaps ``wp-sitemap.xml`` (WordPress core), then ``sitemap_index.xml``
   (Yoast / Rank Math), keeping URLs that look like ``/YYYY/MM/slug/``.

Arguments (``scrapy crawl thevietnamese -a NAME=VALUE``) point it elsewhere, e.g. at a replayed
snapshot: ``base_url``, ``category`` (slug), ``category_id`` (skip the slug lookup),
``url_pattern`` (regex on the article URL path), ``discovery`` (comma-separated methods),
``max_pages`` (REST/feed pages), ``per_page`` (REST page size), ``source`` (the articles'
``source`` key), ``hosts`` (comma-separated other hosts of the site), ``trailing_slash`` (``add``,
``strip`` or empty: as found). Invalid arguments raise :class:`modwatch.sites.SitesConfigError`.

The slug ``internet-freedom`` and the ``www.`` host are assumptions, not verified live (no
network where this was written; ``modwatch/sites.yaml`` says so per site, and
``python -m modwatch check-sources`` checks them where there is a network).
"""

from modwatch.discovery import YEAR_MONTH_SLUG
from modwatch.sites import site_from_dict
from spiders.base import WordPressNewsSpider
from spiders.arguments import comma_list


class TheVietnameseSpider(WordPressNewsSpider):
    name = "thevietnamese"

    def __init__(
        self,
        *args,
        base_url="https://www.thevietnamese.org/",
        category="internet-freedom",
        category_id=None,
        url_pattern=YEAR_MONTH_SLUG,
        discovery="wp-rest,rss,sitemap",
        max_pages=20,
        per_page=100,
        source="thevietnamese",
        hosts="thevietnamese.org",
        trailing_slash="add",
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.sites = [
            site_from_dict(
                {
                    "key": source,
                    "name": "The Vietnamese",
                    "base_url": base_url,
                    "language": "en",
                    "discovery": comma_list(discovery),
                    "categories": [{"slug": category, "id": int(category_id) if category_id else None}],
                    "article_url_pattern": url_pattern,
                    "max_pages": int(max_pages),
                    "rest_per_page": int(per_page),
                    "hosts": comma_list(hosts),
                    "trailing_slash": trailing_slash or None,
                },
                f"spider {self.name} arguments",
            )
        ]
