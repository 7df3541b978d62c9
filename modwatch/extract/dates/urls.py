"""Dates in URLs: the page's own (``/2020/01/15/`` day, ``/2020/01/`` month) and, as a last resort, its
canonical URL and lead image (``og:image`` uploaded under ``/2016/05/04/``)."""

from __future__ import annotations

import re

from modwatch.extract.dates.parse import ParsedDate, parse_date, with_source

# --------------------------------------------------------------------------------------- URL

_URL_DAY_RE = re.compile(r"/((?:19|20)\d{2})[/_-]?([01]\d)[/_-]?([0-3]\d)(?:/|[_-]|\.html?|$)")
_URL_DAY_SEP_RE = re.compile(r"[/_-]((?:19|20)\d{2})[/_.-]([01]?\d)[/_.-]([0-3]?\d)(?:/|[_.-]|$)")
_URL_MONTH_RE = re.compile(r"/((?:19|20)\d{2})/([01]\d)/")
#: ``/29-10-2021``, ``/meldung-29.10.2021/``: day first or month first; read only when one of the two numbers
#: cannot be a month
_URL_DMY_RE = re.compile(r"[/_-]([0-3]?\d)[_.-]([0-3]?\d)[_.-]((?:19|20)\d{2})(?:/|[_.-]|$)")


def url_date(url: str) -> ParsedDate | None:
    """Date in a URL path: ``/2020/01/15/`` or ``/20200115/`` -> day; ``/2020/01/`` -> month; else None."""
    if not url:
        return None
    path = re.sub(r"^[a-z]+://[^/]+", "", url)
    for regex in (_URL_DAY_SEP_RE, _URL_DAY_RE):
        m = regex.search(path)
        if m and len(m[3]) == 1 and m.group(0)[-1:] in "-_":
            m = None  # "/2023/10/3-fragen-an": a slug that starts with a number, not a day
        if m:
            parsed = parse_date(f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}")
            if parsed:
                return with_source(ParsedDate(parsed.utc_iso, m.group(0), None, "day"), "url")
    m = _URL_DMY_RE.search(path)
    if m and (int(m[1]) > 12) != (int(m[2]) > 12):
        day, month = (m[1], m[2]) if int(m[1]) > 12 else (m[2], m[1])
        parsed = parse_date(f"{m[3]}-{int(month):02d}-{int(day):02d}")
        if parsed:
            return with_source(ParsedDate(parsed.utc_iso, m.group(0), None, "day"), "url")
    m = _URL_MONTH_RE.search(path)
    if m and 1 <= int(m[2]) <= 12:
        return ParsedDate(f"{m[1]}-{m[2]}", m.group(0), None, "month", "url")
    return None


def page_urls_date(tree) -> ParsedDate | None:
    """A day in the page's own other URLs: canonical / ``og:url`` (``/2020/01/15/``), then the lead image
    (``og:image`` uploaded under ``/2016/05/04/``). Day precision only: a month in an image path is its upload
    month, not the article's."""
    canonical = [link.get("href") for link in tree.iterfind(".//link[@rel='canonical']")]
    metas = {
        (meta.get("property") or meta.get("name") or "").lower(): meta.get("content") or ""
        for meta in tree.iterfind(".//meta")
    }
    for where, value in (
        ("canonical", canonical[0] if canonical else ""),
        ("og:url", metas.get("og:url", "")),
        ("og:image", metas.get("og:image", "")),
        ("twitter:image", metas.get("twitter:image", "")),
    ):
        parsed = url_date(value) if value else None
        if parsed and parsed.precision == "day":
            return with_source(parsed, f"url:{where}")
    return None
