"""Find an article's publication (or last-modified) date in its HTML page.

Evidence is read in order of reliability (see :mod:`~modwatch.extract.dates.metadata`,
:mod:`~modwatch.extract.dates.visible`, :mod:`~modwatch.extract.dates.scripts`,
:mod:`~modwatch.extract.dates.urls`):

1. ``<meta>`` tags (Open Graph ``article:published_time``, Dublin Core, ``pubdate`` ...), then JSON-LD
   ``datePublished``. Checks between sources: a URL day (``/2017/7/12/``) more than a day away from the
   metadata wins (the metadata of a re-published or migrated article); when meta tags and the article's
   JSON-LD disagree, JSON-LD wins if a dateline of the page shows its day; a generic one (``<meta name="date">``,
   JSON-LD of a web page) yields to a strong visible date (a ``time``/``itemprop`` element, a labelled
   dateline), or to a date-classed dateline right by the title, on another day;
2. the visible dateline near the title or byline (of equal candidates, the one closest to the ``h1``);
3. a date under an explicit publication key in inline script data (``"published_at"``, ``"publishedDate"``,
   ``"datePublished"`` ...; never any other date in a script);
4. the URL (``/2020/01/15/`` day precision, ``/2020/01/`` month precision, ``/29-10-2021`` when unambiguous);
5. an "updated" date when nothing says "published": in the article header (``Cập nhật: 16/04/2019``), then
   ``og:updated_time``/``article:modified_time``, then ``"dateModified"`` in script data (``found_in`` ends
   with ``(updated)``);
6. the canonical URL or lead image path (``/2016/05/04/``).

A UTC time (``2023-11-09T01:09:55Z``) whose day differs from the day the page shows (its dateline, else its URL:
a URL may carry a print edition's day) keeps that day in ``ParsedDate.day``. Footers, sidebars, navigation, comments, "related" lists and scripts never give
the date: a copyright year, a widget's "last updated" or a comment's date is not the article's date.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime, timedelta

from lxml import etree

from modwatch.extract.dates.metadata import (
    GENERIC_META_RANK,
    GENERIC_NAME_RANK,
    MODIFIED_META,
    PUBLISHED_META,
    jsonld_dates,
    meta_dates,
    page_language,
)
from modwatch.extract.dates.parse import ParsedDate, parse_date, with_source
from modwatch.extract.dates.scripts import inline_script_texts, script_dates
from modwatch.extract.dates.urls import page_urls_date, url_date
from modwatch.extract.dates.visible import (
    HEADER_UPDATED_SCORE,
    NEAR_TITLE,
    STRONG_VISIBLE_SCORE,
    Exclusions,
    shows_day,
    visible_best,
    visible_date,
)

__all__ = ["find_modified_date", "find_publication_date", "html_tree", "url_date"]

# --------------------------------------------------------------------------------------- page preparation

_HTML_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False)
_HTML_PARSER_UTF8 = etree.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False, encoding="utf-8")


def html_tree(html) -> etree._Element | None:
    """An lxml tree of ``html`` (str; bytes: UTF-8, else the charset the page declares; or an lxml element/tree,
    returned as is); None if empty."""
    if isinstance(html, etree._Element):
        return html
    if isinstance(html, etree._ElementTree):
        return html.getroot()
    if not html:
        return None
    try:
        if isinstance(html, bytes):
            try:
                html.decode("utf-8")
            except UnicodeDecodeError:  # not UTF-8: libxml2 reads the page's own <meta charset>
                return etree.fromstring(html, _HTML_PARSER)
            return etree.fromstring(html, _HTML_PARSER_UTF8)
        return etree.fromstring(html, _HTML_PARSER)
    except ValueError:  # a str with an XML encoding declaration
        return etree.fromstring(html.encode("utf-8", errors="replace"), _HTML_PARSER_UTF8)
    except etree.ParserError:
        return None


# --------------------------------------------------------------------------------------- finder


def _near_days(parsed: ParsedDate) -> set[str]:
    """The local days a UTC time may fall on: its UTC day and the day before or after (offsets up to ±12 h)."""
    instant = parsed.as_datetime()
    return {(instant + timedelta(hours=hours)).date().isoformat() for hours in (-12, 0, 14)}


def _needs_local_day(parsed: ParsedDate) -> bool:
    """True for a time given in UTC (``Z``, ``+00:00``): the source's own day may differ from the UTC day."""
    return parsed.precision in ("second", "minute", "hour") and parsed.offset == "+00:00"


def _local_day(parsed: ParsedDate, tree, url: str, kind: str, languages, fetched_at, excluded) -> ParsedDate:
    """Give a UTC time the calendar day the page itself shows: the URL's day, else the visible date, when it is
    one of the days the UTC time can fall on."""
    near = _near_days(parsed)
    # the page's own dateline first: a URL may carry the print edition's day, not the day the page shows
    evidence = visible_date(tree, kind, languages, fetched_at, excluded)
    if evidence is not None and (evidence.precision in ("month", "year") or _needs_local_day(evidence)):
        evidence = None  # a UTC time again (``<time datetime="…Z">``) shows no day of the page's own
    if evidence is None and shows_day(tree, parsed.utc_iso[:10], kind, languages, fetched_at, excluded, local=True):
        return parsed  # a dateline of the page shows the UTC day itself: a URL's print day does not move it
    if evidence is None and kind == "published":
        evidence = url_date(url)
        if evidence is not None and evidence.precision != "day":
            evidence = None
    if evidence is not None and evidence.local_day in near and evidence.local_day != parsed.utc_iso[:10]:
        return dataclasses.replace(parsed, day=evidence.local_day)
    return parsed


#: a URL day as a blog archive path (``/2017/7/12/``), not digits inside a slug
_ARCHIVE_PATH_RE = re.compile(r"/(?:19|20)\d\d/[01]?\d/[0-3]?\d/")


def _days_apart(one: ParsedDate, other: ParsedDate) -> int:
    """Whole days between the local days of two dates (0 when either has no day)."""
    if not one.local_day or not other.local_day:
        return 0
    return abs((date.fromisoformat(one.local_day) - date.fromisoformat(other.local_day)).days)


def _first_parsed(candidates, prefix, languages, fetched_at) -> tuple[int, ParsedDate] | None:
    """``(rank, ParsedDate)`` of the first readable date (at least month-precise) among ranked candidates."""
    for rank, key, value in candidates:
        parsed = parse_date(value, languages=languages, fetched_at=fetched_at)
        if parsed and parsed.precision != "year":
            return rank, with_source(parsed, f"{prefix}:{key}")
    return None


def _find(html, url: str, kind: str, language: str | None, fetched_at: datetime | None) -> ParsedDate | None:
    tree = html_tree(html)
    if tree is None:
        return url_date(url) if kind == "published" else None
    language = language or page_language(tree)
    languages = [language] if language else None
    jsonld_keys = ("datePublished", "dateCreated") if kind == "published" else ("dateModified",)
    meta_table = PUBLISHED_META if kind == "published" else MODIFIED_META
    excluded = Exclusions(tree)
    jsonld = _first_parsed(
        [(r + 1, k, v) for r, k, v in jsonld_dates(tree, jsonld_keys)], "json-ld", languages, fetched_at
    )
    structured = _first_parsed(meta_dates(tree, meta_table), "meta", languages, fetched_at) or jsonld
    if structured:
        rank, parsed = structured
        in_url = url_date(url) if kind == "published" else None
        if in_url and _ARCHIVE_PATH_RE.match(in_url.raw) and _days_apart(in_url, parsed) > 1:
            return in_url  # the URL keeps the first day; metadata a later re-publication (site move, CMS import)
        if jsonld and structured is not jsonld and jsonld[1].local_day != parsed.local_day:
            # meta tags and the article's JSON-LD disagree: the one the page's dateline confirms wins
            if shows_day(tree, jsonld[1].local_day, kind, languages, fetched_at, excluded):
                rank, parsed = jsonld
        if _needs_local_day(parsed):
            parsed = _local_day(parsed, tree, url, kind, languages, fetched_at, excluded)
        if rank >= 1 or parsed.precision == "month":
            # a generic metadata date ("date", "DC.date", "pubdate") yields to a strong visible publication date
            # (itemprop/time[pubdate]/labelled "Published"/"Stand:") on another day
            visible = visible_best(tree, kind, languages, fetched_at, excluded)
            # for an unknown meta name ("zdf:publicationdate") any date-classed dateline will do
            # a generic name ("date", "DC.date") also yields to a date-classed dateline right by the title
            threshold = STRONG_VISIBLE_SCORE if rank < GENERIC_META_RANK else HEADER_UPDATED_SCORE
            if visible and rank >= GENERIC_NAME_RANK and visible[2] <= NEAR_TITLE:
                threshold = HEADER_UPDATED_SCORE
            if (
                visible
                and visible[0] >= threshold
                and visible[1].local_day
                and visible[1].local_day != parsed.local_day
                and not (
                    jsonld
                    and structured is jsonld
                    and shows_day(tree, parsed.local_day, kind, languages, fetched_at, excluded)
                )
            ):
                # ... unless it is the JSON-LD date and a dateline of the page shows that day too (a byline
                # agreeing with JSON-LD beats another date, an "updated" one the page does not label)
                return visible[1]
        return parsed
    parsed = visible_date(tree, kind, languages, fetched_at, excluded)
    if parsed:
        return parsed
    scripts = inline_script_texts(tree)
    found = _first_parsed(script_dates(scripts, kind), "script", languages, fetched_at)
    if found:
        return found[1]
    if kind != "published":
        return None
    parsed = url_date(url)
    if parsed:
        return parsed
    # the article header shows only an "updated" date (Vietnamese sites: "Cập nhật: 16/04/2019 14:01"): the
    # closest the page comes to a publication date; a footer's or a list's "updated" scores too low for this
    updated = visible_best(tree, "modified", languages, fetched_at, excluded)
    if updated and updated[0] >= HEADER_UPDATED_SCORE:
        return dataclasses.replace(updated[1], found_in=f"{updated[1].found_in} (updated)")
    modified = _first_parsed(meta_dates(tree, MODIFIED_META), "meta", languages, fetched_at) or _first_parsed(
        script_dates(scripts, "modified"), "script", languages, fetched_at
    )
    if modified:
        return dataclasses.replace(modified[1], found_in=f"{modified[1].found_in} (updated)")
    return page_urls_date(tree)


def find_publication_date(
    html, url: str = "", *, language: str | None = None, fetched_at: datetime | None = None
) -> ParsedDate | None:
    """The article's publication date, or None when the page does not give one.

    - ``html``: the page as ``str``, ``bytes`` (UTF-8, else the charset the page declares) or an lxml
      element/tree (read, not modified).
    - ``url``: the page's URL (``/2020/01/15/`` is evidence too).
    - ``language``: the source's language (``"vi"``, ``"en-GB"``); defaults to the page's ``<html lang>``. It
      decides the order of day and month in numeric dates and the month names read first.
    - ``fetched_at``: fetch time, for relative dates (``2 giờ trước``); naive values are UTC.

    The result's ``found_in`` says where the date came from: ``meta:<name>``, ``json-ld:datePublished``,
    ``itemprop:…``, ``time``, ``time[pubdate]``, ``abbr.published``, ``text:<classes>``, ``url``,
    ``url:og:image``; ``… (updated)`` when an "updated" date stands in. ``day`` holds the page's own calendar
    day when it differs from the UTC day of a UTC time. Never raises on bad HTML (returns None).
    """
    return _find(html, url, "published", language, fetched_at)


def find_modified_date(
    html, url: str = "", *, language: str | None = None, fetched_at: datetime | None = None
) -> ParsedDate | None:
    """The article's last-modified date (JSON-LD ``dateModified``, ``article:modified_time`` ..., an "updated"
    date in the article header), or None. Same arguments as :func:`find_publication_date`."""
    return _find(html, url, "modified", language, fetched_at)
