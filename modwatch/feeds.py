"""RSS 2.0 / Atom feeds of news sites (one of the discovery methods of :mod:`modwatch.discovery`):
pure functions from a feed's bytes to :class:`FeedEntry` objects and article dicts, read with
feedparser (https://feedparser.readthedocs.io/). Errors: :class:`modwatch.discovery.DiscoveryError`.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urldefrag, urljoin

import feedparser

from db.timestamps import iso_utc
from modwatch.discovery import DiscoveryError, fragment_text
from modwatch.extract.dates import ParsedDate, parse_feed_date


def wp_category_feed_url(base_url: str, slug: str) -> str:
    """WordPress category feed ``/category/SLUG/feed/``."""
    return urljoin(base_url if base_url.endswith("/") else base_url + "/", f"category/{slug}/feed/")


def paged_feed_url(feed_url: str, page: int) -> str:
    """Page ``page`` of a WordPress feed: ``?paged=N`` (page 1 is the feed URL itself)."""
    if page <= 1:
        return feed_url
    return f"{feed_url}{'&' if '?' in feed_url else '?'}paged={page}"


def wp_tag_feed_url(base_url: str, slug: str) -> str:
    """WordPress tag feed ``/tag/SLUG/feed/``."""
    return urljoin(base_url if base_url.endswith("/") else base_url + "/", f"tag/{slug}/feed/")


@dataclass(frozen=True)
class FeedEntry:
    """One RSS item / Atom entry, as the feed gives it (no page fetched).

    ``published_raw``: the date string as written in the feed; ``published_at``: the date
    normalised (``2023-07-09T06:42:38Z``; ``2023-07-09T13:42:00`` without a ``Z`` when the feed
    gave no time zone), None when no date could be read; ``published_offset``: the feed's UTC
    offset (``+07:00``) or None; ``published_precision``: ``"second"``, ``"minute"``, ``"day"`` ...
    (see :class:`~modwatch.extract.dates.ParsedDate`). The same for ``modified_*``.
    ``content_html``: the full text (``content:encoded`` / Atom ``content``) or None when
    the feed carries only a summary.
    """

    url: str
    title: str
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    published_raw: str | None = None
    published_at: str | None = None
    modified_raw: str | None = None
    modified_at: str | None = None
    summary_html: str | None = None
    content_html: str | None = None
    published_offset: str | None = None
    published_precision: str | None = None
    modified_offset: str | None = None
    modified_precision: str | None = None


def _struct_to_iso(value) -> str | None:
    if not value:
        return None
    return iso_utc(datetime(*value[:6], tzinfo=timezone.utc))


def _offset_of(raw: str | None) -> str | None:
    """UTC offset written in an RFC 822 / ISO 8601 date string (``+0000`` -> ``+00:00``)."""
    if not raw:
        return None
    match = re.search(r"(?:([+-])(\d{2}):?(\d{2})|\b(GMT|UTC|UT|Z))\s*$", raw.strip())
    if not match:
        return None
    if match.group(4):
        return "+00:00"
    return f"{match.group(1)}{match.group(2)}:{match.group(3)}"


#: a numeric day-month-year or year-month-day with "/" or "." (``17/06/2021``, ``2023/07/09``): feedparser reads
#: none of these right (it returns None, or a wrong date for some), so they are always re-parsed
_NUMERIC_FEED_DATE_RE = re.compile(r"\d{1,4}\s?[/.]\s?\d{1,2}\s?[/.]\s?\d{2,4}")


def _feed_date(raw: str | None, parsed_struct, language: str | None) -> ParsedDate | None:
    """The date of an entry: feedparser's reading of RFC 822 / RFC 3339 dates; strings it cannot read (no
    parsed value, or a slash-/dot-separated date) re-parsed with :func:`parse_feed_date` in the feed's language
    (day first for ``vi``, ``de``…; non-English weekday names; no time zone kept as none, never invented)."""
    if not raw:
        return None
    if parsed_struct is None or _NUMERIC_FEED_DATE_RE.search(raw):
        return parse_feed_date(raw, language=language)
    return ParsedDate(_struct_to_iso(parsed_struct), raw, _offset_of(raw), "second")


def parse_feed(data: bytes, url: str = "", *, language: str | None = None) -> list[FeedEntry]:
    """Entries of an RSS 2.0 / RSS 1.0 / Atom feed, in feed order, links made absolute.

    ``language``: the site's language (``"vi"``), else the feed's ``<language>``; it decides the
    order of day and month in dates feedparser cannot read (``Chủ Nhật, 09/07/2023 13:42``).

    Raises :class:`DiscoveryError` if the document is not a feed (feedparser finds no
    version, e.g. an HTML 404 page). An empty but valid feed returns ``[]``.
    """
    parsed = feedparser.parse(data, response_headers={"content-location": url} if url else None)
    if not parsed.get("version"):
        reason = parsed.get("bozo_exception") or "no RSS/Atom root element"
        raise DiscoveryError(f"not an RSS/Atom feed: {reason}")
    language = language or (parsed.feed.get("language") or "").strip() or None
    entries = []
    for entry in parsed.entries:
        link = entry.get("link")
        if not link:
            continue
        content = entry.get("content") or []
        content_html = max((c.get("value") or "" for c in content), key=len, default="") or None
        authors = tuple(a.get("name") for a in entry.get("authors") or [] if a.get("name"))
        if not authors and entry.get("author"):
            authors = (entry["author"],)
        # dict.get: feedparser's own .get maps a missing published <-> updated (with a warning)
        published_raw = dict.get(entry, "published") or dict.get(entry, "updated")
        published = _feed_date(
            published_raw,
            dict.get(entry, "published_parsed") if dict.get(entry, "published") else dict.get(entry, "updated_parsed"),
            language,
        )
        modified = _feed_date(dict.get(entry, "updated"), dict.get(entry, "updated_parsed"), language)
        entries.append(
            FeedEntry(
                url=urldefrag(urljoin(url, link))[0],
                title=html.unescape(entry.get("title") or "").strip(),
                authors=authors,
                categories=tuple(t.get("term") for t in entry.get("tags") or [] if t.get("term")),
                published_raw=published_raw,
                published_at=published.utc_iso if published else None,
                published_offset=published.offset if published else None,
                published_precision=published.precision if published else None,
                modified_raw=dict.get(entry, "updated"),
                modified_at=modified.utc_iso if modified else None,
                modified_offset=modified.offset if modified else None,
                modified_precision=modified.precision if modified else None,
                summary_html=entry.get("summary"),
                content_html=content_html,
            )
        )
    return entries


#: fields a feed entry states reliably about its article (filled in when the page lacks them)
FEED_METADATA = (
    "published_at",
    "published_at_raw",
    "published_at_offset",
    "published_at_precision",
    "published_local",
    "modified_at",
    "modified_at_raw",
    "modified_at_offset",
    "authors",
    "section",
    "tags",
)


def feed_entry_metadata(entry: FeedEntry) -> dict:
    """The :data:`FEED_METADATA` fields of a feed entry (dates, authors, categories), no body."""
    same_modified = entry.modified_raw == entry.published_raw
    return {
        "published_at": entry.published_at,
        "published_at_raw": entry.published_raw if entry.published_at else None,
        "published_at_offset": (
            entry.published_offset if entry.published_precision else _offset_of(entry.published_raw)
        )
        if entry.published_at
        else None,
        "published_at_precision": (entry.published_precision or "second") if entry.published_at else None,
        "published_local": _local(entry),
        "modified_at": None if same_modified else entry.modified_at,
        "modified_at_raw": None if same_modified or not entry.modified_at else entry.modified_raw,
        "modified_at_offset": None
        if same_modified or not entry.modified_at
        else (entry.modified_offset if entry.modified_precision else _offset_of(entry.modified_raw)),
        "authors": list(entry.authors),
        "section": entry.categories[0] if entry.categories else None,
        "tags": list(entry.categories),
    }


def _local(entry: FeedEntry) -> str | None:
    """The entry's publication time in the feed's own offset (``published_local``), None without a date."""
    if not entry.published_at:
        return None
    offset = entry.published_offset if entry.published_precision else _offset_of(entry.published_raw)
    return ParsedDate(
        entry.published_at, entry.published_raw or "", offset, entry.published_precision or "second"
    ).local_iso


def fill_from_feed(article: dict, entry: FeedEntry) -> dict:
    """``article`` (parsed from the page) with the gaps filled from its feed entry.

    The page wins wherever it has a value; the feed supplies the date group (the four
    ``published_at*`` fields and ``published_local`` together), authors, section and tags the page did not show.
    """
    meta = feed_entry_metadata(entry)
    merged = dict(article)
    for prefix in ("published_at", "modified_at"):
        if not merged.get(prefix) and meta[prefix]:
            for key in (
                prefix,
                f"{prefix}_raw",
                f"{prefix}_offset",
                f"{prefix}_precision",
                "published_local" if prefix == "published_at" else None,
            ):
                if key in meta:
                    merged[key] = meta[key]
    for key in ("authors", "section", "tags"):
        if not merged.get(key) and meta[key]:
            merged[key] = meta[key]
    return merged


def article_from_feed_entry(entry: FeedEntry, *, language: str | None = None) -> dict | None:
    """ArticleItem "what the page says" fields from a feed entry that has the full text.

    Returns None if the entry carries only a summary (no ``content:encoded``): a summary is
    not the article. WordPress feeds mix categories and tags in ``<category>``; they all go
    to ``tags`` and ``section`` is the first one (WordPress lists the post's categories
    first).
    """
    if not entry.content_html:
        return None
    body = fragment_text(entry.content_html)
    if not body.strip():
        return None
    return {
        "url": entry.url,
        "title": entry.title,
        **feed_entry_metadata(entry),
        "image_url": None,
        "body": body,
        "language": language,
    }
