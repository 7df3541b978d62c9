"""Article items from responses, with their provenance: pure (a response in, an ArticleItem or the
RejectItem saying why not out). Used by :class:`spiders.base.WordPressNewsSpider` for article
pages, WP REST posts and feed entries.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime

from scrapy.http import TextResponse

from db.timestamps import parse_iso
from items import ArticleItem, RejectItem
from modwatch import discovery, feeds
from modwatch.extract.article import parse_article
from modwatch.sites import Site
from provenance import article_provenance, fetched_at_of, reject_for

logger = logging.getLogger(__name__)


def _as_datetime(iso: str) -> datetime | None:
    try:
        return parse_iso(iso)
    except (TypeError, ValueError):
        return None


def complete_article(fields: dict, source: str, prov: dict) -> ArticleItem | str:
    """ArticleItem from parsed fields + provenance, or the reason it cannot be one.

    The canonical URL must come from ``fields`` (the page, post or feed entry itself): it is
    never taken from the fetched URL, which for a WP REST post or a feed entry is the URL of
    a page holding many articles (two articles would then share one ``articles.url``).
    """
    if not (fields.get("url") or "").strip():
        return "no URL of its own"
    if not (fields.get("title") or "").strip():
        return "no title found"
    if not (fields.get("body") or "").strip():
        return "no article body text found"
    item = ArticleItem(source=source, **{k: v for k, v in fields.items() if k in ArticleItem.fields})
    item.update(prov)
    return item


def article_item(
    response, *, source: str, language: str | None, discovered_via: str, feed_entry: feeds.FeedEntry | None = None
) -> ArticleItem | RejectItem:
    """Parse an article page response into an ArticleItem, or a RejectItem saying why not.

    ``feed_entry``: the feed item that listed the page; fills the date, authors, section and
    tags the page does not show (:func:`modwatch.feeds.fill_from_feed`).
    Not HTML, no title, no body text, or an exception in the extractor -> RejectItem.
    """
    if not isinstance(response, TextResponse):
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        return reject_for(response, f"not a text page (Content-Type {content_type or 'missing'!r})")
    fetched_at = fetched_at_of(response)
    try:
        fields = parse_article(response.text, response.url, language=language, fetched_at=_as_datetime(fetched_at))
    except ValueError as exc:  # documented: an empty document
        return reject_for(response, f"not an article page: {exc}")
    except Exception as exc:  # a bug in the extractor on one page must not stop the crawl
        logger.exception("extractor failed on %s", response.url)
        return reject_for(response, f"extractor error: {exc.__class__.__name__}: {exc}")
    if feed_entry is not None:
        fields = feeds.fill_from_feed(fields, feed_entry)
    result = complete_article(fields, source, article_provenance(response, discovered_via))
    if isinstance(result, str):
        return reject_for(response, f"{result} ({discovered_via} page)", response.text)
    return result


def rest_post_item(
    response, post: dict, *, source: str, language: str | None, section: str | None
) -> ArticleItem | RejectItem:
    """ArticleItem from one post object of a WP REST page (provenance: that page), or a RejectItem.

    The post's own URL (``link``, else Yoast's canonical) is its canonical URL; a post without
    one, without title or without content text is rejected with the post JSON as excerpt.
    """
    try:
        fields = discovery.article_from_wp_post(post, language=language, section=section)
    except Exception as exc:
        return reject_for(
            response,
            f"WP REST post {post.get('id')}: {exc.__class__.__name__}: {exc}",
            json.dumps(post, ensure_ascii=False),
        )
    result = complete_article(fields, source, article_provenance(response, "wp-rest"))
    if isinstance(result, str):
        return reject_for(response, f"WP REST post {post.get('id')}: {result}", json.dumps(post, ensure_ascii=False))
    return result


def canonical_item(site: Site, item):
    """The item with its ``url`` in the site's one canonical form (:meth:`Site.canonical_url`)."""
    if isinstance(item, ArticleItem) and item.get("url"):
        item["url"] = site.canonical_url(item["url"])
    return item
