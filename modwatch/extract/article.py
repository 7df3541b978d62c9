"""Parse one article page: HTML + URL -> the ArticleItem fields "what the page says".

``parse_article(html, url, *, language=None, fetched_at=None) -> dict`` is pure (no I/O, no
Scrapy). Each field is taken from the first source that has it, in this order:

1. schema.org JSON-LD (``<script type="application/ld+json">`` blocks read by
   :mod:`modwatch.extract.jsonld`: the script's whole string; ``@graph`` and lists are walked;
   the first object typed ``NewsArticle``/``Article``/``BlogPosting``/``ReportageNewsArticle``... counts);
2. OpenGraph and other ``<meta>`` (``og:*``, ``article:published_time``, ``article:modified_time``,
   ``article:section``, ``article:tag``, ``author``, ``twitter:*``) and ``time[datetime]``;
3. theme selectors: WordPress (``.entry-title``, ``.entry-content``, ``rel=author``, ``rel=tag``,
   ``.cat-links``) and the Zox News theme of MVP Themes (``h1.mvp-post-title``, ``#mvp-content-main``,
   ``.mvp-post-cat``, ``.mvp-author-info-name``, ``time.post-date``);
4. a generic fallback (``<h1>``, ``<title>``, the main text found by :func:`modwatch.extract.text.extract_body`).

Pages that append further articles below the real one (Zox "auto load posts", infinite scroll)
are cut to the first article: selectors take the first match in document order, and the appended
containers (Zox ``#mvp-post-add-box``; further ``<article>`` elements with their own ``<h1>``) are
removed before the body text is extracted.

Dates come from :mod:`modwatch.extract.dates` (published/modified, with original string, UTC
offset and precision). Body text comes from :func:`modwatch.extract.text.extract_body`; the
language is detected on it (:mod:`modwatch.extract.language`).
"""

from __future__ import annotations

from html import unescape
import re
from datetime import datetime
from urllib.parse import urljoin

from modwatch.extract import jsonld
from modwatch.extract.dates import find_modified_date, find_publication_date
from modwatch.extract.language import detect_language, normalise_language
from modwatch.extract.text import extract_body, to_tree

#: schema.org types that describe an article
ARTICLE_TYPES = frozenset(
    {
        "Article",
        "NewsArticle",
        "BlogPosting",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "OpinionNewsArticle",
        "BackgroundNewsArticle",
        "ReviewNewsArticle",
        "Report",
        "ScholarlyArticle",
        "TechArticle",
        "SocialMediaPosting",
        "LiveBlogPosting",
        "WebPage",
    }
)
#: containers of articles appended below the real one (Zox News "auto load posts")
APPENDED_ARTICLES_XPATH = (
    '//*[@id="mvp-post-add-box"] | //*[contains(concat(" ", normalize-space(@class), " "), " mvp-post-add-story ")]'
)
TITLE_SELECTORS = (
    "//h1[contains(@class, 'mvp-post-title')]",
    "//h1[contains(@class, 'entry-title')]",
    "//*[contains(@class, 'entry-title')]",
    "//h1",
)
AUTHOR_SELECTORS = (
    "//*[contains(@class, 'mvp-author-info-name')]//*[@itemprop='name' or @rel='author']",
    "//a[@rel='author']",
    "//*[contains(@class, 'byline')]//*[contains(@class, 'fn')]",
    "//*[@itemprop='author']//*[@itemprop='name']",
)
SECTION_SELECTORS = (
    "//*[contains(@class, 'mvp-post-cat')]//span[contains(@class, 'mvp-post-cat')]",
    "//*[contains(@class, 'cat-links')]//a",
    "//*[@itemprop='articleSection']//a",
    "//a[@rel='category tag']",
    "//a[@rel='category']",
    "//a[@rel='tag' and contains(@href, '/category/')]",
)
TAG_SELECTORS = (
    "//*[contains(@class, 'mvp-post-tags')]//a",
    "//*[contains(@class, 'tags-links')]//a",
    "//a[@rel='tag' and not(contains(@href, '/category/'))]",
)
_SPACE_RE = re.compile(r"\s+")
_BY_RE = re.compile(r"^(?:by|bởi|tác giả|posted by|written by)\s*:?\s+", re.I)


def _clean(text) -> str | None:
    if text is None:
        return None
    if isinstance(text, (int, float)):
        text = str(text)
    if not isinstance(text, str):
        return None
    text = _SPACE_RE.sub(" ", unescape(text)).strip()
    return text or None


def _text(el) -> str | None:
    return _clean(" ".join(el.itertext())) if el is not None else None


# --- JSON-LD ------------------------------------------------------------------------------------


def jsonld_article(tree) -> dict:
    """The page's schema.org article object (first of an article type, WebPage last), or ``{}``."""
    objects = list(jsonld.page_objects(tree))
    for wanted in (ARTICLE_TYPES - {"WebPage"}, {"WebPage"}):
        for obj in objects:
            if jsonld.types(obj) & wanted:
                return obj
    return {}


def _names(value) -> list[str]:
    """schema.org person/organisation/thing(s) as display names: str, {"name"}, or lists of them."""
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
    if isinstance(value, dict):
        name = _clean(value.get("name"))
        return [name] if name else []
    name = _clean(value)
    return [name] if name and not name.startswith("http") else []


def _image(value) -> str | None:
    if isinstance(value, list):
        return next(filter(None, (_image(v) for v in value)), None)
    if isinstance(value, dict):
        return _clean(value.get("url") or value.get("contentUrl"))
    return _clean(value)


# --- meta ---------------------------------------------------------------------------------------


def _meta(tree) -> dict[str, list[str]]:
    """``<meta property|name=K content=V>`` -> {k.lower(): [values in page order]}."""
    found: dict[str, list[str]] = {}
    for el in tree.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        value = _clean(el.get("content"))
        if key and value:
            found.setdefault(key, []).append(value)
    return found


def _first(*values):
    for value in values:
        if value:
            return value
    return None


def _select_all(tree, selectors) -> list[str]:
    for selector in selectors:
        texts = [t for t in (_text(el) for el in tree.xpath(selector)) if t]
        if texts:
            return texts
    return []


def _dedupe(values) -> list[str]:
    seen, out = set(), []
    for value in values:
        key = value.casefold()
        if key not in seen:
            seen.add(key)
            out.append(value)
    return out


def _strip_site_name(title: str | None, site_name: str | None) -> str | None:
    if title and site_name:
        for sep in (" | ", " - ", " – ", " — ", " :: ", " · "):
            if title.endswith(sep + site_name):
                return title[: -len(sep + site_name)].strip()
    return title


def _appended_articles(tree) -> list:
    """Articles appended below the page's own: the theme's auto-load containers, and every
    ``<article>`` with its own ``<h1>`` after the first such one (infinite scroll)."""
    appended = list(tree.xpath(APPENDED_ARTICLES_XPATH))
    with_headline = [el for el in tree.iter("article") if el.find(".//h1") is not None]
    outer = [el for el in with_headline if not any(other in el.iterancestors() for other in with_headline)]
    return appended + outer[1:]


def _date_fields(prefix: str, parsed, *, precision: bool = True) -> dict:
    """``published_at`` / ``_raw`` / ``_offset`` (/ ``_precision``) from a ParsedDate (or None)."""
    fields = {prefix: None, f"{prefix}_raw": None, f"{prefix}_offset": None}
    if parsed is not None:
        fields = {prefix: parsed.utc_iso, f"{prefix}_raw": parsed.raw, f"{prefix}_offset": parsed.offset}
    if precision:
        fields[f"{prefix}_precision"] = parsed.precision if parsed is not None else None
    return fields


# --- one field each (JSON-LD, then meta, then theme selectors) ------------------------------------


def _first_meta(meta: dict, *keys: str) -> str | None:
    return _first(*((meta.get(key) or [None])[0] for key in keys))


def _canonical_url(tree, ld: dict, meta: dict, url: str) -> str:
    """``<link rel=canonical>``, ``og:url``, JSON-LD ``url``, else the fetched URL; made absolute."""
    canonical = _first(
        next(iter(tree.xpath('//link[@rel="canonical"]/@href')), None),
        _first_meta(meta, "og:url"),
        ld.get("url") if isinstance(ld.get("url"), str) else None,
    )
    return urljoin(url, canonical.strip()) if canonical else url


def _title(tree, ld: dict, meta: dict) -> str | None:
    """JSON-LD headline, og:title, twitter:title, theme h1, <title> (site name stripped); the
    headline the page shows (theme h1, else a lone h1) beats an SEO variant of it: a shortened
    JSON-LD headline, or a meta title with the site name appended ("Headline - Site")."""
    site_name = _first_meta(meta, "og:site_name")
    title = _first(
        _strip_site_name(_clean(ld.get("headline")), site_name),
        _clean(ld.get("name")) if ld and "WebPage" not in jsonld.types(ld) else None,
        _strip_site_name(_first_meta(meta, "og:title"), site_name),
        _strip_site_name(_first_meta(meta, "twitter:title"), site_name),
        *(_select_all(tree, TITLE_SELECTORS)[:1]),
        _strip_site_name(_text(tree.find(".//title")), site_name),
    )
    h1s = tree.xpath("//h1")
    shown = next(iter(_select_all(tree, TITLE_SELECTORS[:2])), None) or (_text(h1s[0]) if len(h1s) == 1 else None)
    if (
        title
        and shown
        and shown != title
        and (
            (len(shown) > len(title) and shown.startswith(title))
            or re.match(re.escape(shown) + r"\s+[|\-–—:·]\s+\S", title)
        )
    ):
        return shown
    return title


def _authors(tree, ld: dict, meta: dict) -> list[str]:
    """JSON-LD author (str, {name}, or a list of them), meta author/article:author, theme bylines."""
    authors = (
        _names(ld.get("author"))
        or [a for a in meta.get("author", []) + meta.get("article:author", []) if not a.startswith("http")]
        or _select_all(tree, AUTHOR_SELECTORS)
    )
    return _dedupe(name for name in (_BY_RE.sub("", a).strip() for a in authors) if name)


def _section(tree, ld: dict, meta: dict) -> str | None:
    """JSON-LD articleSection / article:section; of several ("News, Tech, World") the one the page
    shows (theme category label), else the first; else the shown label."""
    sections = [s.strip() for name in _names(ld.get("articleSection")) for s in name.split(",") if s.strip()]
    sections = sections or meta.get("article:section", [])
    shown = _select_all(tree, SECTION_SELECTORS)
    return _first(next((s for s in shown if s in sections), None), *sections[:1], *shown[:1])


def _tags(tree, ld: dict, meta: dict) -> list[str]:
    """JSON-LD keywords (list or comma-separated), article:tag, theme tag links (not categories)."""
    keywords = ld.get("keywords")
    if isinstance(keywords, str):
        keywords = [k for k in (k.strip() for k in keywords.split(",")) if k]
    return _dedupe(_names(keywords) or meta.get("article:tag", []) or _select_all(tree, TAG_SELECTORS))


def _image_url(ld: dict, meta: dict, url: str) -> str | None:
    image = _first(
        _first_meta(meta, "og:image:secure_url", "og:image"),
        _image(ld.get("image")),
        _first_meta(meta, "twitter:image", "twitter:image:src"),
    )
    return urljoin(url, image) if image else None


# --- the parser ---------------------------------------------------------------------------------


def parse_article(
    html: str | bytes, url: str, *, language: str | None = None, fetched_at: datetime | None = None
) -> dict:
    """Parse an article page into the ArticleItem fields the page itself gives.

    Arguments: ``html`` the page (str, or bytes decoded by their declared charset); ``url`` the
    fetched URL (base for relative links, last-resort canonical URL and date); ``language`` the
    source's language (ISO 639-1), which orders day and month in numeric dates and is the hint for
    language detection; ``fetched_at`` the fetch time, against which relative dates resolve.

    Returns a dict with keys ``url`` (canonical URL), ``title``, ``authors`` (list), ``published_at``,
    ``published_at_raw``, ``published_at_offset``, ``published_at_precision``, ``published_local`` (the date
    as the page shows it, in its own time zone: ``ParsedDate.local_iso``), ``modified_at``,
    ``modified_at_raw``, ``modified_at_offset``, ``section``, ``tags``
    (list), ``image_url``, ``body`` (one paragraph per line) and ``language``; values the page does
    not give are None (lists: ``[]``; body: ``""``). Raises ``ValueError`` for an empty document.
    """
    tree = to_tree(html)
    if tree is None:
        raise ValueError("empty HTML document")
    # only the first article: appended ones (auto-load, infinite scroll) go before any selector runs
    for appended in _appended_articles(tree):
        if appended.getparent() is not None:
            appended.drop_tree()
    ld = jsonld_article(tree)
    meta = _meta(tree)
    title = _title(tree, ld, meta)
    declared_language = normalise_language(
        _first(
            language,
            tree.get("lang"),
            _first_meta(meta, "og:locale"),
            ld.get("inLanguage") if isinstance(ld.get("inLanguage"), str) else None,
        )
    )
    date_language = language or tree.get("lang")
    published = find_publication_date(tree, url, language=date_language, fetched_at=fetched_at)
    modified = find_modified_date(tree, url, language=date_language, fetched_at=fetched_at)
    body = extract_body(tree, url, title=title)
    return {
        "url": _canonical_url(tree, ld, meta, url),
        "title": title,
        "authors": _authors(tree, ld, meta),
        **_date_fields("published_at", published),
        "published_local": published.local_iso if published is not None else None,
        **_date_fields("modified_at", modified, precision=False),
        "section": _section(tree, ld, meta),
        "tags": _tags(tree, ld, meta),
        "image_url": _image_url(ld, meta, url),
        "body": body,
        "language": detect_language(body, hint=declared_language),
    }
