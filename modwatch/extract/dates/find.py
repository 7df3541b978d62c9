"""Find an article's publication (or last-modified) date in its HTML page.

Evidence is read in order of reliability and the first usable date wins:

1. JSON-LD (schema.org ``datePublished`` / ``dateCreated``; ``dateModified``) of article-like objects;
2. ``<meta>`` tags (Open Graph ``article:published_time``, Dublin Core ``DC.date*``, ``pubdate``,
   ``sailthru.date``, ``parsely-pub-date``, ``itemprop="datePublished"`` ...);
3. ``<time datetime>`` / ``<time pubdate>`` and ``itemprop`` elements in the article's header, and
   microformats (``abbr.published``, ``.dt-published``);
4. the visible date near the title or byline (labelled or in a date/byline element);
5. the URL (``/2020/01/15/`` day precision, ``/2020/01/`` month precision).

Footers, sidebars, navigation, comments, "related" lists and scripts are never read for visible dates, so a
copyright year, a widget's "last updated", or a comment's date is not taken for the article's date.
"""

from __future__ import annotations

import json
import re
from datetime import datetime

import lxml.html
from lxml import etree

from modwatch.extract.dates.parse import ParsedDate, parse_date

# --------------------------------------------------------------------------------------- page preparation

_HTML_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False)


def _tree(html) -> etree._Element | None:
    if isinstance(html, etree._Element):
        return html
    if isinstance(html, etree._ElementTree):
        return html.getroot()
    if isinstance(html, bytes):
        html = html.decode("utf-8", errors="replace")
    if not html or not html.strip():
        return None
    if html.startswith("<?xml"):
        html = re.sub(r"^<\?xml[^>]*>", "", html)
    try:
        return lxml.html.document_fromstring(html, parser=_HTML_PARSER)
    except (etree.ParserError, ValueError):
        return None


def page_language(tree) -> str | None:
    """The page's declared language (``<html lang>``, ``og:locale``, ``content-language``), e.g. ``"de"``/``"en-GB"``."""
    candidates = [tree.get("lang"), tree.get("xml:lang"), tree.get("{http://www.w3.org/XML/1998/namespace}lang")]
    for meta in tree.iterfind(".//meta"):
        key = (meta.get("property") or meta.get("http-equiv") or meta.get("name") or "").lower()
        if key in ("og:locale", "content-language", "language", "dc.language"):
            candidates.append(meta.get("content"))
    for value in candidates:
        if value and re.match(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z]{2,4})?", value.strip()):
            code = value.strip().replace("_", "-").split(",")[0]
            return code if len(code) <= 6 else code[:2]
    return None


# --------------------------------------------------------------------------------------- JSON-LD

_JSONLD_ARTICLE_TYPES = re.compile(r"article|posting|report|news|blog|review|story|recipe|video|podcast|"
                                   r"creativework|liveblog|opinion|analysis", re.I)


def _jsonld_objects(data, depth=0):
    if depth > 6:
        return
    if isinstance(data, list):
        for item in data:
            yield from _jsonld_objects(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        for key, value in data.items():
            if key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement", "hasPart", "about") or \
                    isinstance(value, (list, dict)) and key not in ("author", "publisher", "image", "comment"):
                yield from _jsonld_objects(value, depth + 1)


def _jsonld_dates(tree, keys: tuple[str, ...]) -> list[tuple[int, str, str]]:
    """``(rank, key, value)`` for every date under ``keys`` in the page's JSON-LD; rank 0 for article-like types,
    1 for web pages and other types."""
    found = []
    for script in tree.iterfind(".//script[@type]"):
        if "ld+json" not in script.get("type", "").lower() or not script.text:
            continue
        text = script.text.strip()
        try:
            data = json.loads(text)
        except ValueError:
            for key in keys:  # broken JSON (unescaped quotes, trailing commas): read the key directly
                for m in re.finditer(r'"%s"\s*:\s*"([^"]{6,40})"' % key, text):
                    found.append((1, key, m.group(1)))
            continue
        for obj in _jsonld_objects(data):
            types = obj.get("@type", "")
            types = " ".join(types) if isinstance(types, list) else str(types)
            if "comment" in types.lower():
                continue
            rank = 0 if _JSONLD_ARTICLE_TYPES.search(types) else 1
            for key in keys:
                value = obj.get(key)
                if isinstance(value, str) and value.strip():
                    found.append((rank, key, value.strip()))
    found.sort(key=lambda item: item[0])
    return found


# --------------------------------------------------------------------------------------- meta tags

#: meta name/property/itemprop (lower case) -> rank (lower is better), for the publication date
PUBLISHED_META = {
    "article:published_time": 0, "og:published_time": 0, "og:article:published_time": 0,
    "article:published": 1, "article.published": 1, "datepublished": 0, "published_time": 1,
    "published-date": 1, "publish-date": 1, "publish_date": 1, "publishdate": 1, "pubdate": 1, "pub_date": 1,
    "date_published": 1, "article_date_original": 1, "original-publish-date": 1, "originalpublicationdate": 1,
    "sailthru.date": 2, "parsely-pub-date": 1, "article.created": 2, "article:post_date": 1, "datecreated": 2,
    "dc.date.issued": 1, "dcterms.issued": 1, "dc.date.created": 2, "dcterms.created": 2, "dc.date": 3,
    "dcterms.date": 3, "date": 3, "citation_publication_date": 1, "citation_date": 2, "cxenseparse:recs:publishtime": 2,
    "article_date": 2, "date.created": 2, "last-publish-date": 4, "pdate": 2, "displaydate": 3, "dc.date.available": 3,
    "bt:pubdate": 2, "og:pubdate": 1, "published": 2, "creation_date": 3, "created": 3, "release_date": 3,
    "publication_date": 1, "publication-date": 1, "ptime": 2, "timestamp": 4, "nv:date": 3, "date_created": 2,
    "datepubl": 2, "firstpublished": 1, "first_published": 1, "date-published": 1,
}
MODIFIED_META = {
    "article:modified_time": 0, "og:updated_time": 0, "og:modified_time": 0, "datemodified": 0,
    "last-modified": 2, "dc.date.modified": 1, "dcterms.modified": 1, "article.updated": 1, "lastmod": 2,
    "modified_time": 1, "updated_time": 1, "article:modified": 1, "date_modified": 1, "last_updated": 2,
    "revised": 2, "utime": 2,
}


def _meta_dates(tree, table: dict[str, int]) -> list[tuple[int, str, str]]:
    found = []
    for meta in tree.iterfind(".//meta"):
        content = meta.get("content") or meta.get("datetime") or meta.get("value")
        if not content:
            continue
        for attribute in ("property", "name", "itemprop", "http-equiv"):
            key = (meta.get(attribute) or "").strip().lower()
            if key in table:
                found.append((table[key], key, content.strip()))
                break
    found.sort(key=lambda item: item[0])
    return found


# --------------------------------------------------------------------------------------- page structure

#: class / id words marking parts of a page that are not the article's own header or byline
_EXCLUDED_RE = re.compile(
    r"comment|footer|sidebar|widget|related|recommend|trending|popular|teaser|newsletter|share|social|"
    r"breadcrumb|menu|navbar|nav-|-nav\b|^nav$|advert|\bads?\b|promo|cookie|banner|copyright|outbrain|taboola|"
    r"more-|read-?more|next-|prev-|pager|pagination|calendar|archive|ticker|weather|signup|subscribe|author-bio|"
    r"disqus|reply|replies|respond|hidden|modal|popup|most-|latest|other-|also|suggest", re.I)
_EXCLUDED_TAGS = {"footer", "aside", "nav", "script", "style", "noscript", "template", "form", "select", "button",
                  "iframe", "svg", "head"}
_DATE_CLASS_RE = re.compile(r"date|time|publish|posted|byline|meta|datum|dateline|info|stamp|ngay|created|"
                            r"entry-header|article-header|post-header|subline|author", re.I)
_PUBLISH_CLASS_RE = re.compile(r"publish|posted|pubdate|pub-date|datepub|created|erschienen|veroeffentlicht|"
                               r"article.?date|post.?date|entry.?date|story.?date|news.?date|date.?line|"
                               r"datum|dt-published|\bdate\b", re.I)
_MODIFIED_CLASS_RE = re.compile(r"updated|modified|aktualisiert|cap-nhat|changed|edit", re.I)


def _excluded(element) -> bool:
    """True if the element lies in a footer, sidebar, comment, navigation, related list or similar."""
    node = element
    while node is not None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in _EXCLUDED_TAGS:
            return True
        if tag in ("body", "html"):
            return False
        if tag in ("article", "main"):
            names = (node.get("class") or "") + " " + (node.get("id") or "")
            return bool(re.search(r"comment|related|teaser|recommend", names, re.I))
        names = (node.get("class") or "") + " " + (node.get("id") or "")
        if names.strip() and _EXCLUDED_RE.search(names):
            return True
        role = node.get("role") or ""
        if role in ("contentinfo", "complementary", "navigation"):
            return True
        node = node.getparent()
    return False


def _article_root(tree):
    """The main article element: the first ``<article>`` (or ``main``, ``[itemprop=articleBody]`` container) that
    is not excluded; the ``<body>`` otherwise."""
    for path in (".//article", ".//main", ".//*[@role='main']"):
        for element in tree.iterfind(path):
            if not _excluded(element):
                return element
    body = tree.find(".//body")
    return body if body is not None else tree


# --------------------------------------------------------------------------------------- visible dates

_LABEL_PUBLISHED_RE = re.compile(
    r"published|posted|erschienen|veröffentlicht|publié|publicado|pubblicato|gepubliceerd|opublikowano|"
    r"ngày đăng|đăng ngày|đăng lúc|xuất bản|date:|datum:|\bon\b|\bvom\b|\bam\b|\ble\b", re.I)
_LABEL_UPDATED_RE = re.compile(
    r"updated|modified|aktualisiert|geändert|mis à jour|actualizado|aggiornato|bijgewerkt|cập nhật|stand:|"
    r"zuletzt", re.I)


def _text(element) -> str:
    return " ".join("".join(element.itertext()).split())


def _candidates_in_header(root, kind: str):
    """Yield ``(found_in, text_or_attribute, is_machine)`` for date candidates in the article root, in
    document order, skipping excluded parts. ``kind`` is ``"published"`` or ``"modified"``."""
    want_modified = kind == "modified"
    for element in root.iter("time", "abbr", "span", "div", "p", "small", "em", "li", "dd", "header", "font",
                             "strong", "b", "i", "td", "h6", "h5", "h4", "h3", "a"):
        tag = element.tag
        itemprop = (element.get("itemprop") or "").lower()
        names = (element.get("class") or "") + " " + (element.get("id") or "")
        if itemprop in ("datepublished", "datecreated", "datemodified"):
            if (itemprop == "datemodified") != want_modified:
                continue
            if _excluded(element):
                continue
            value = element.get("content") or element.get("datetime") or _text(element)
            yield f"itemprop:{itemprop}", value, True
            continue
        if tag == "time":
            value = element.get("datetime") or ""
            text = _text(element)
            context = names + " " + (element.getparent().get("class") or "" if element.getparent() is not None else "")
            is_modified = bool(_MODIFIED_CLASS_RE.search(context)) or bool(_LABEL_UPDATED_RE.search(text))
            if is_modified != want_modified or _excluded(element):
                continue
            yield "time", value or text, bool(value)
            if value and text:
                yield "time-text", text, False
            continue
        if tag == "abbr" and re.search(r"published|updated", names):
            if ("updated" in names) != want_modified or _excluded(element):
                continue
            yield "abbr", element.get("title") or _text(element), False
            continue
        if not names.strip() or not _DATE_CLASS_RE.search(names):
            continue
        text = _text(element)
        if not text or len(text) > 200 or not re.search(r"\d", text):
            continue
        if _excluded(element):
            continue
        is_modified = bool(_MODIFIED_CLASS_RE.search(names)) or (bool(_LABEL_UPDATED_RE.search(text)) and
                                                                not _LABEL_PUBLISHED_RE.search(text))
        if is_modified != want_modified:
            continue
        yield "class:" + names.strip()[:40], text, False


def _visible_date(root, kind: str, languages, fetched_at) -> ParsedDate | None:
    for found_in, value, _machine in _candidates_in_header(root, kind):
        if kind == "published" and _LABEL_UPDATED_RE.search(value) and _LABEL_PUBLISHED_RE.search(value):
            value = _published_part(value)
        parsed = parse_date(value, languages=languages, fetched_at=fetched_at)
        if parsed and parsed.precision not in ("year",):
            return _with_source(parsed, found_in)
    return None


def _published_part(text: str) -> str:
    """From ``Published 12.03.2024, updated 14.03.2024`` keep the part after the published label."""
    m = _LABEL_UPDATED_RE.search(text)
    p = _LABEL_PUBLISHED_RE.search(text)
    if m and p and p.start() < m.start():
        return text[:m.start()]
    if m and p:
        return text[p.start():]
    return text


# --------------------------------------------------------------------------------------- URL

_URL_DAY_RE = re.compile(r"/((?:19|20)\d{2})[/_-]?([01]\d)[/_-]?([0-3]\d)(?:/|[_-]|\.html?|$)")
_URL_DAY_SEP_RE = re.compile(r"[/_-]((?:19|20)\d{2})[/_.-]([01]?\d)[/_.-]([0-3]?\d)(?:/|[_.-]|$)")
_URL_MONTH_RE = re.compile(r"/((?:19|20)\d{2})/([01]\d)/")


def url_date(url: str) -> ParsedDate | None:
    """Date in a URL path: ``/2020/01/15/`` or ``/20200115/`` -> day; ``/2020/01/`` -> month; else None."""
    if not url:
        return None
    path = re.sub(r"^[a-z]+://[^/]+", "", url)
    for regex in (_URL_DAY_SEP_RE, _URL_DAY_RE):
        m = regex.search(path)
        if m:
            parsed = parse_date(f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}")
            if parsed:
                return _with_source(ParsedDate(parsed.utc_iso, m.group(0), None, "day"), "url")
    m = _URL_MONTH_RE.search(path)
    if m and 1 <= int(m[2]) <= 12:
        return ParsedDate(f"{m[1]}-{m[2]}", m.group(0), None, "month", "url")
    return None


# --------------------------------------------------------------------------------------- public API

def _with_source(parsed: ParsedDate, found_in: str) -> ParsedDate:
    return ParsedDate(parsed.utc_iso, parsed.raw, parsed.offset, parsed.precision, found_in)


def _first_parsed(candidates, prefix, languages, fetched_at) -> ParsedDate | None:
    for _rank, key, value in candidates:
        parsed = parse_date(value, languages=languages, fetched_at=fetched_at)
        if parsed and parsed.precision != "year":
            return _with_source(parsed, f"{prefix}:{key}")
    return None


def _find(html, url: str, kind: str, language: str | None, fetched_at: datetime | None) -> ParsedDate | None:
    tree = _tree(html)
    if tree is None:
        return url_date(url) if kind == "published" else None
    language = language or page_language(tree)
    languages = [language] if language else None
    jsonld_keys = ("datePublished", "dateCreated") if kind == "published" else ("dateModified",)
    meta_table = PUBLISHED_META if kind == "published" else MODIFIED_META
    parsed = _first_parsed(_jsonld_dates(tree, jsonld_keys), "json-ld", languages, fetched_at)
    if parsed:
        return parsed
    parsed = _first_parsed(_meta_dates(tree, meta_table), "meta", languages, fetched_at)
    if parsed:
        return parsed
    parsed = _visible_date(_article_root(tree), kind, languages, fetched_at)
    if parsed:
        return parsed
    return url_date(url) if kind == "published" else None


def find_publication_date(html, url: str = "", *, language: str | None = None,
                          fetched_at: datetime | None = None) -> ParsedDate | None:
    """The article's publication date, or None when the page does not give one.

    - ``html``: the page as ``str``/``bytes`` (UTF-8) or an lxml element/tree (not modified).
    - ``url``: the page's URL, used as the last resort (``/2020/01/15/``).
    - ``language``: the source's language (``"vi"``, ``"en-GB"``); defaults to the page's ``<html lang>``. It
      decides the order of day and month in numeric dates and the month names understood.
    - ``fetched_at``: fetch time, for relative dates (``2 giờ trước``).

    The result's ``found_in`` says where the date came from (``json-ld:datePublished``, ``meta:…``, ``time``,
    ``class:…``, ``url``).
    """
    return _find(html, url, "published", language, fetched_at)


def find_modified_date(html, url: str = "", *, language: str | None = None,
                       fetched_at: datetime | None = None) -> ParsedDate | None:
    """The article's last-modified date (JSON-LD ``dateModified``, ``article:modified_time`` ..., an "updated"
    date in the article header), or None. Same arguments as :func:`find_publication_date`."""
    return _find(html, url, "modified", language, fetched_at)
