"""A news site's discovery plan: its steps in the configured order (:func:`discovery_plan`) and where
its discovery is in a crawl (:class:`SiteState`), for :class:`spiders.base.WordPressNewsSpider`."""

from __future__ import annotations

from dataclasses import dataclass, field

from modwatch import feeds as rss
from modwatch.sites import DEFAULT_SITEMAPS, Site


@dataclass
class Step:
    """One discovery step of a site: a method and its first requests' targets."""

    method: str
    targets: list  # per method: Category|None (wp-rest), (feed URL, paged) (rss), URL (sitemap, listing)


@dataclass
class SiteState:
    """Where a site's discovery is: current step, its outstanding requests, any answer yet."""

    site: Site
    steps: list
    index: int = -1
    pending: int = 0
    answered: bool = False
    failures: list = field(default_factory=list)  # why each failed discovery request failed
    sitemaps: set = field(default_factory=set)  # sitemap URLs requested (a cycle is not followed)


def discovery_plan(site: Site) -> list[Step]:
    """The discovery steps of ``site``, in its configured order (``site.discovery``)."""
    steps = []
    for method in site.discovery:
        if method == "wp-rest":
            steps.append(Step(method, list(site.categories) or [None]))
        elif method == "rss":
            if site.feeds:
                feeds = [(site.absolute(u), False) for u in site.feeds]
            else:
                feeds = [(rss.wp_category_feed_url(site.base_url, c.slug), True) for c in site.categories]
                feeds += [(rss.wp_tag_feed_url(site.base_url, t), True) for t in site.tags]
                feeds = feeds or [(site.absolute("feed/"), False)]
            steps.append(Step(method, feeds))
        elif method == "sitemap":
            steps.extend(Step(method, [site.absolute(u)]) for u in site.sitemaps or DEFAULT_SITEMAPS)
        elif method == "listing":
            listings = site.listings or [f"category/{c.slug}/" for c in site.categories]
            steps.append(Step(method, [site.absolute(u) for u in listings]))
    return steps
