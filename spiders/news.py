"""``news``: the config-driven spider for WordPress-style newsrooms.

Reads the sites file (setting ``MODWATCH_SITES_FILE``, env var of the same name, default
``modwatch/sites.yaml``; format in :mod:`modwatch.sites`) and crawls every site in it, or
only those chosen with ``-a sites=key1,key2``. Each site's discovery methods run in the
configured order (:mod:`spiders.base`). Adding a site is a YAML entry, no code.

``-a sites_file=PATH`` overrides the file for one crawl. An invalid file stops the crawl at
start with :class:`modwatch.sites.SitesConfigError` naming the site and the problem.
"""

from modwatch.sites import load_sites
from spiders.base import WordPressNewsSpider
from spiders.arguments import comma_list


class NewsSpider(WordPressNewsSpider):
    name = "news"

    @classmethod
    def from_crawler(cls, crawler, *args, sites=None, sites_file=None, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        keys = comma_list(sites) if sites else None
        path = sites_file or crawler.settings.get("MODWATCH_SITES_FILE")
        spider.sites = load_sites(path, keys)
        spider.sites_file = path
        return spider
