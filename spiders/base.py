"""Shared machinery of the news spiders (``thevietnamese``, ``news``).

A subclass sets ``self.sites`` (a list of :class:`modwatch.sites.Site`). For each site the
spider fetches its ``start_urls`` and runs the site's **discovery methods in order**
(``wp-rest``, ``rss``, ``sitemap``, ``listing``): a method whose every request fails (HTTP
error, not JSON, not a feed, unknown category...) hands over to the next one; the first
method that answers is the one used. Sitemaps are tried one URL at a time
(``wp-sitemap.xml``, then ``sitemap_index.xml``).

Articles:

- from the **WP REST API** the item is built from the post JSON itself (title, content,
  ``date_gmt``, embedded authors and terms): the JSON is what WordPress stores, it needs no
  HTML heuristics and saves one request per article; its ``link`` is the permalink WordPress
  itself calls canonical. The archived REST page (WARC record) is the evidence: such items'
  ``fetched_url``, ``body_sha256`` and WARC ids are those of the REST page that held the post.
- from **feeds, sitemaps, listings and start URLs** the article page is fetched and
  parsed by :func:`modwatch.extract.article.parse_article` (JSON-LD, meta, theme selectors).
  If the page cannot be fetched (404, 410, 5xx) and the feed entry carried the full text,
  the article is stored from the feed entry (``fetched_url`` is then the feed's URL).
  Otherwise the failed fetch is a reject (``article not fetched: HTTP 404``).

Callbacks only route: the fields come from pure functions (:mod:`modwatch.discovery`,
:mod:`modwatch.extract.article`); :func:`article_item` below and
:func:`provenance.reject_for` add the provenance. A page that cannot be parsed, a
request that fails (article page or discovery request) and a site whose every discovery
method failed each give a :class:`~items.RejectItem` (reason + excerpt) and the
crawl goes on.
"""

from __future__ import annotations

import logging

import scrapy
from scrapy.http import TextResponse
from scrapy.spidermiddlewares.httperror import HttpError

from db.timestamps import iso_utc
from modwatch import discovery
from modwatch import feeds as rss
from modwatch.discovery import DiscoveryError
from items import ArticleItem, RejectItem
from provenance import article_provenance, failure_reason, reject_for
from spiders.discovery_plan import SiteState, Step, discovery_plan
from spiders.articles import article_item, canonical_item, complete_article, rest_post_item
from modwatch.sites import Site

logger = logging.getLogger(__name__)

#: sitemap indexes are followed at most this deep (index -> index -> ... -> urlset) ...
MAX_SITEMAP_DEPTH = 3
#: ... and a site reads at most this many sitemaps in a run
MAX_SITEMAPS = 500


class WordPressNewsSpider(scrapy.Spider):
    """Base class: discovery in configured order, article pages -> items. Set ``self.sites``."""

    #: the sites crawled; SQLitePipeline also writes them to the ``sources`` table at open
    sites: list[Site] = []

    # --- start --------------------------------------------------------------------------

    async def start(self):
        for request in self.initial_requests():
            yield request

    def initial_requests(self):
        """Start URLs of every site, then the first step of each site's discovery."""
        self._states = {}
        for site in self.sites:
            for url in site.start_urls:
                yield self._article_request(site, site.absolute(url), "start-url")
            self._states[site.key] = SiteState(site, discovery_plan(site))
            yield from self._next_step(site.key)

    def _next_step(self, key: str):
        """Requests of the site's next discovery step (none left: log and stop)."""
        state = self._states[key]
        state.index += 1
        state.pending, state.answered = 0, False
        if state.index >= len(state.steps):
            if state.steps:
                methods = ", ".join(s.method for s in state.steps)
                self.logger.warning("%s: every discovery method failed (%s)", key, methods)
                self.crawler.stats.inc_value("modwatch/discovery_exhausted")
                yield RejectItem(
                    url=state.site.base_url,
                    reason=f"every discovery method failed ({methods})",
                    excerpt="\n".join(state.failures),
                    fetched_at=iso_utc(),
                    warc_record_id=None,
                )
            return
        step = state.steps[state.index]
        for target in step.targets:
            yield self._step_request(state, step, target)

    def _step_request(self, state: SiteState, step: Step, target) -> scrapy.Request:
        site = state.site
        if step.method == "wp-rest":
            if target is None or target.id is not None:
                return self._rest_posts_request(site, target.id if target else None, target.slug if target else None, 1)
            url = discovery.wp_categories_url(site.base_url, target.slug)
            return self._discovery_request(site, url, self.parse_rest_category, slug=target.slug)
        if step.method == "rss":
            url, paged = target
            return self._discovery_request(site, url, self.parse_feed, feed_url=url if paged else None, page=1)
        if step.method == "sitemap":
            return self._discovery_request(site, target, self.parse_sitemap)
        return self._discovery_request(site, target, self.parse_listing)

    def _discovery_request(self, site: Site, url: str, callback, **kwargs) -> scrapy.Request:
        self._states[site.key].pending += 1
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.discovery_failed,
            dont_filter=True,
            cb_kwargs={"site": site, **kwargs},
            meta={"modwatch_site": site.key},
        )

    def _rest_posts_request(self, site: Site, category_id, slug, page: int) -> scrapy.Request:
        url = discovery.wp_posts_url(site.base_url, category_id, page, site.rest_per_page)
        return self._discovery_request(site, url, self.parse_rest_posts, category_id=category_id, slug=slug, page=page)

    def _article_request(self, site: Site, url: str, via: str, entry=None, feed_provenance=None) -> scrapy.Request:
        self.crawler.stats.inc_value(f"modwatch/discovered/{via}")
        # one URL per article (www./bare host, with/without trailing slash): the duplicates are filtered
        return scrapy.Request(
            site.canonical_url(url),
            callback=self.parse_article_page,
            errback=self.article_failed,
            cb_kwargs={"site": site, "via": via},
            meta={"modwatch_site": site.key, "feed_entry": entry, "feed_provenance": feed_provenance},
        )

    def _done(self, site: Site, ok: bool | None, reason: str = ""):
        """Account for one finished discovery request; fall back when the whole step failed.

        ``ok``: True = the method answered with usable data; False = it failed (``reason``
        logged); None = an intermediate answer (category id, sitemap index) whose follow-up
        requests decide.
        """
        state = self._states[site.key]
        state.pending -= 1
        state.answered = state.answered or bool(ok)
        if ok is False:
            state.failures.append(f"{state.steps[state.index].method}: {reason}")
            self.logger.info("%s: %s discovery: %s", site.key, state.steps[state.index].method, reason)
        if state.pending == 0 and not state.answered:
            method = state.steps[state.index].method
            self.crawler.stats.inc_value(f"modwatch/discovery_failed/{method}")
            if state.index + 1 < len(state.steps):
                following = state.steps[state.index + 1].method
                self.logger.info("%s: %s gave nothing, trying %s", site.key, method, following)
            yield from self._next_step(site.key)

    # --- discovery callbacks --------------------------------------------------------------

    def discovery_failed(self, failure):
        """Errback of discovery requests (HTTP error, DNS, timeout): a reject, then the fallback.

        Yields a RejectItem (``"<method> discovery request failed: HTTP 404"``) and, when the
        site's current step has no request left and none answered, the next step's requests.
        """
        request = failure.request
        site = request.cb_kwargs["site"]
        state = self._states[site.key]
        reason = failure_reason(failure)
        yield reject_for(failure, f"{state.steps[state.index].method} discovery request failed: {reason}")
        yield from self._done(site, False, f"{reason} for {request.url}")

    def parse_rest_category(self, response, site: Site, slug: str):
        """WP REST ``/categories?slug=`` answer -> the posts request of that category id.

        Not JSON, or no category with ``slug``: the wp-rest step failed for this category.
        """
        try:
            category_id = discovery.category_id_from_rest(response.body, slug)
        except DiscoveryError as exc:
            yield from self._done(site, False, f"{exc} ({response.url})")
            return
        if category_id is None:
            yield from self._done(site, False, f"no category with slug {slug!r} ({response.url})")
            return
        yield self._rest_posts_request(site, category_id, slug, 1)
        yield from self._done(site, None)  # the posts request decides

    def parse_rest_posts(self, response, site: Site, category_id, slug, page: int):
        """WP REST ``/posts`` page -> one ArticleItem (or RejectItem) per post.

        Page 1 also requests pages 2..``X-WP-TotalPages`` (at most ``site.max_pages``).
        ``category_id`` / ``slug``: the category followed (None: all posts); ``page``: 1-based.
        """
        try:
            posts = discovery.parse_rest_posts(response.body)
        except DiscoveryError as exc:
            yield from self._done(site, False, f"{exc} ({response.url})")
            return
        if page == 1:
            for next_page in range(2, min(discovery.total_pages(response.headers), site.max_pages) + 1):
                yield self._rest_posts_request(site, category_id, slug, next_page)
        section = self._category_name(posts, category_id)
        self.crawler.stats.inc_value("modwatch/discovered/wp-rest", len(posts))
        for post in posts:
            yield canonical_item(
                site, rest_post_item(response, post, source=site.key, language=site.language, section=section)
            )
        yield from self._done(site, True)

    @staticmethod
    def _category_name(posts: list[dict], category_id) -> str | None:
        """Label of the followed category, read from the posts' embedded terms."""
        for post in posts:
            for group in (post.get("_embedded") or {}).get("wp:term") or []:
                for term in group or []:
                    if isinstance(term, dict) and term.get("taxonomy") == "category" and term.get("id") == category_id:
                        return term.get("name")
        return None

    def parse_feed(self, response, site: Site, feed_url: str | None, page: int):
        """RSS/Atom feed -> article requests for its entries matching the site's article URLs.

        ``feed_url``: set for WordPress feeds paged with ``?paged=N`` (older pages requested
        with :meth:`parse_feed_page`), else None; ``page``: 1. Not a feed: the step failed.
        """
        try:
            entries = rss.parse_feed(response.body, response.url, language=site.language)
        except DiscoveryError as exc:
            yield from self._done(site, False, f"{exc} ({response.url})")
            return
        yield from self._feed_entries(response, site, entries, feed_url, page)
        yield from self._done(site, True)

    def parse_feed_page(self, response, site: Site, feed_url: str, page: int):
        """Older page (``?paged=N``) of a WordPress feed: outside the fallback accounting."""
        try:
            entries = rss.parse_feed(response.body, response.url, language=site.language)
        except DiscoveryError as exc:
            self.logger.debug("feed page %s ends the feed: %s", response.url, exc)
            return
        yield from self._feed_entries(response, site, entries, feed_url, page)

    def feed_page_failed(self, failure):
        """Errback of older feed pages: WordPress answers 404 past the last page, the normal end
        of a feed, so it is logged at DEBUG and is not a reject."""
        self.logger.debug("feed page %s ends the feed: %s", failure.request.url, failure.value)

    def _feed_entries(self, response, site: Site, entries, feed_url: str | None, page: int):
        feed_provenance = article_provenance(response, "rss")  # for entries stored from the feed itself
        for entry in entries:
            if discovery.is_article_url(entry.url, site.article_url_pattern):
                yield self._article_request(site, entry.url, "rss", entry, feed_provenance)
        if feed_url and entries and page < site.max_pages:
            # WordPress pages its feeds with ?paged=N; a page past the end answers 404
            yield scrapy.Request(
                rss.paged_feed_url(feed_url, page + 1),
                callback=self.parse_feed_page,
                errback=self.feed_page_failed,
                dont_filter=True,
                cb_kwargs={"site": site, "feed_url": feed_url, "page": page + 1},
            )

    def parse_sitemap(self, response, site: Site, depth: int = 0):
        """Sitemap or sitemap index -> article requests (or requests of the post sitemaps).

        An index is followed to its post sitemaps (``site.sitemap_follow``); an index without
        any, or a body that is not a sitemap, fails the step. Cycle-safe and bounded: a child
        already requested for the site (an index listing itself or an ancestor) is not
        requested again, an index nested deeper than :data:`MAX_SITEMAP_DEPTH` is not followed,
        and a site reads at most :data:`MAX_SITEMAPS` sitemaps: each is a reject with its reason
        and a log line.
        """
        state = self._states[site.key]
        state.sitemaps.add(response.request.url if response.request else response.url)
        try:
            sitemap = discovery.parse_sitemap(response.body, response.url)
        except DiscoveryError as exc:
            if isinstance(exc, discovery.SitemapTooLarge):  # a decompression bomb: refused, recorded
                self.logger.warning("%s: %s (%s)", site.key, exc, response.url)
                yield reject_for(response, str(exc), excerpt="")
            yield from self._done(site, False, f"{exc} ({response.url})")
            return
        if sitemap.kind == "index":
            children = []
            for url in discovery.post_sitemaps(sitemap, site.sitemap_follow):
                refused = None
                if url in state.sitemaps:
                    refused = f"sitemap cycle: {response.url} lists {url}, already read"
                elif depth + 1 > MAX_SITEMAP_DEPTH:
                    refused = f"sitemap index nested deeper than {MAX_SITEMAP_DEPTH} levels: {url} (in {response.url})"
                elif len(state.sitemaps) >= MAX_SITEMAPS:
                    refused = f"more than {MAX_SITEMAPS} sitemaps for the site: {url} not read"
                if refused:
                    self.logger.warning("%s: %s", site.key, refused)
                    yield reject_for(response, refused, excerpt="")
                    continue
                state.sitemaps.add(url)
                children.append(url)
            for url in children:
                yield self._discovery_request(site, url, self.parse_sitemap, depth=depth + 1)
            # the child sitemaps decide; an index without post sitemaps is a failure
            yield from self._done(site, None if children else False, f"no post sitemap in the index {response.url}")
            return
        for entry in sitemap.entries:
            if discovery.is_article_url(entry.loc, site.article_url_pattern):
                yield self._article_request(site, entry.loc, "sitemap")
        yield from self._done(site, True)

    def parse_listing(self, response, site: Site):
        """Category / listing HTML page -> article requests for the links matching the site's
        article URL pattern. Not a text page, or no such link: the step failed."""
        if not isinstance(response, TextResponse):
            yield from self._done(site, False, f"listing is not a text page ({response.url})")
            return
        links = discovery.listing_links(response.text, response.url, site.article_url_pattern)
        for url in links:
            yield self._article_request(site, url, "listing")
        yield from self._done(site, bool(links), f"no article links on {response.url}")

    # --- articles -------------------------------------------------------------------------

    def parse_article_page(self, response, site: Site, via: str):
        """Article page -> ArticleItem, or RejectItem with the reason (see :func:`article_item`).

        ``via``: how the page was discovered (``rss``, ``sitemap``, ``listing``, ``start-url``);
        the feed entry that listed it, if any, is in ``response.meta["feed_entry"]``.
        """
        item = canonical_item(
            site,
            article_item(
                response,
                source=site.key,
                language=site.language,
                discovered_via=via,
                feed_entry=response.meta.get("feed_entry"),
            ),
        )
        if isinstance(item, RejectItem):
            self.logger.warning("rejected %s: %s", response.url, item["reason"])
        yield item

    def article_failed(self, failure):
        """Article page not fetched (HTTP error, DNS, timeout).

        Stores the article from the feed entry that listed it when that entry has the full
        text (and ``site.feed_fallback``); otherwise yields a RejectItem
        ``"article not fetched: HTTP 404"`` (or the network error) for the page's URL.
        """
        request = failure.request
        site = request.cb_kwargs["site"]
        status = failure.value.response.status if failure.check(HttpError) else None
        self.crawler.stats.inc_value(f"modwatch/article_fetch_failed/{status or failure.type.__name__}")
        entry, feed_provenance = request.meta.get("feed_entry"), request.meta.get("feed_provenance")
        use_entry = entry is not None and site.feed_fallback
        fields = rss.article_from_feed_entry(entry, language=site.language) if use_entry else None
        if fields is None:
            reason = failure_reason(failure)
            self.logger.info("%s: article not fetched (%s): %s", site.key, reason, request.url)
            yield reject_for(failure, f"article not fetched: {reason}")
            return
        self.logger.info("%s: article page %s answered %s; stored from the feed entry", site.key, request.url, status)
        self.crawler.stats.inc_value("modwatch/articles_from_feed_entry")
        item = complete_article(fields, site.key, feed_provenance)
        if isinstance(item, ArticleItem):
            item = canonical_item(site, item)
        if isinstance(item, str):
            item = RejectItem(
                url=request.url,
                reason=f"feed entry: {item}",
                excerpt=entry.content_html,
                fetched_at=feed_provenance["fetched_at"],
                warc_record_id=feed_provenance["warc_record_id"],
            )
        yield item
