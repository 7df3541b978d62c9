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

import dataclasses
import json
import re
from datetime import datetime, timedelta

from lxml import etree

from modwatch.extract.dates.parse import ParsedDate, parse_date

# --------------------------------------------------------------------------------------- page preparation

_HTML_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False)
_HTML_PARSER_UTF8 = etree.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False, encoding="utf-8")


def _tree(html) -> etree._Element | None:
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


def page_language(tree) -> str | None:
    """The page's declared language (``<html lang>``, ``og:locale``, ``content-language``), e.g. ``"de"``/``"en-GB"``."""
    candidates = [tree.get("lang"), tree.get("xml:lang"), tree.get("{http://www.w3.org/XML/1998/namespace}lang")]
    for meta in tree.iterfind(".//meta"):
        key = (meta.get("property") or meta.get("http-equiv") or meta.get("name") or "").lower()
        if key in ("og:locale", "content-language", "language", "dc.language"):
            candidates.append(meta.get("content"))
    for value in candidates:
        m = re.match(r"^\s*([A-Za-z]{2,3}(?:[-_][A-Za-z]{2,4})?)\s*(?:[,;]|$)", value or "")
        if m:
            return m.group(1).replace("_", "-")
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


#: other meta names that hold a creation date (``five_hundred_pixels:uploaded``, ``article:created``), ranked last
_GENERIC_PUBLISHED_META_RE = re.compile(r"publish|creat|upload|issued|release|date$|^date|:date", re.I)
_GENERIC_EXCLUDED_META_RE = re.compile(r"modif|updat|expir|revis|valid|last|birth|end|start|event|copyright", re.I)


def _meta_dates(tree, table: dict[str, int]) -> list[tuple[int, str, str]]:
    found = []
    generic = table is PUBLISHED_META
    for meta in tree.iterfind(".//meta"):
        content = meta.get("content") or meta.get("datetime") or meta.get("value")
        if not content:
            continue
        for attribute in ("property", "name", "itemprop", "http-equiv"):
            key = (meta.get(attribute) or "").strip().lower()
            if key in table:
                found.append((table[key], key, content.strip()))
                break
            if generic and key and _GENERIC_PUBLISHED_META_RE.search(key) and \
                    not _GENERIC_EXCLUDED_META_RE.search(key) and re.match(r"\s*\d{4}-\d\d-\d\d", content):
                found.append((9, key, content.strip()))
                break
    found.sort(key=lambda item: item[0])
    return found


# --------------------------------------------------------------------------------------- page structure

#: class / id words marking parts of a page that are not the article's own header or byline; they must start a
#: class token or follow a "-"/"_" in it ("comment-list", "site_footer"), so that layout classes such as
#: "layoutTwoColumnsRightSidebar" or "has-sidebar" do not hide the whole page
_EXCLUDED_RE = re.compile(
    r"(?:^|\s|[-_])(?<!has-)(?<!with-)(?<!no-)(?:comment|related|recommend|trending|popular|"
    r"newsletter|share|sharing|social|breadcrumb|menu|navbar|nav|advert|promo|cookie|copyright|outbrain|"
    r"taboola|read-?more|pager|pagination|calendar|archive|ticker|weather|signup|subscribe|author-bio|disqus|reply|"
    r"replies|respond|modal|popup|most|latest|recent|suggest|leserbrief|kommentar|teaser-?list|more-?articles|"
    r"today|heute|current-?date|logo|masthead)"
    r"(?=$|\s|[-_]|s\b|s[-_])", re.I)
#: footers: an article card's footer often holds its date, the site footer a copyright year; candidates there
#: count less but are not dropped
_SOFT_EXCLUDED_RE = re.compile(r"(?:^|\s|[-_])(?<!has-)(?<!with-)(?<!no-)(?:footer|foot|bottom|sidebar)"
                               r"(?=$|\s|[-_])", re.I)
_SOFT_EXCLUDED_TAGS = {"footer", "aside"}
_EXCLUDED_TAGS = {"nav", "script", "style", "noscript", "template", "form", "select", "button",
                  "iframe", "svg", "head", "option", "textarea", "figcaption", "blockquote"}
_EXCLUDED_ROLES = {"navigation"}
_TITLE_ANCESTOR = "title-ancestor"
OK, SOFT, HARD = 0, 1, 2


class _Exclusions:
    """Memoised test of where an element lies: ``HARD`` inside a sidebar, comment, navigation, related list,
    script ...; ``SOFT`` inside a footer; ``OK`` otherwise.

    Ancestors of the page's title (``h1``) are never taken for such parts: a wrapper that holds the title holds
    the article."""

    def __init__(self, tree=None):
        self.cache: dict = {}
        self.visible: dict = {}  # kind -> best visible date of the page (see _visible_best)
        if tree is not None:
            for h1 in tree.iterfind(".//h1"):
                node = h1.getparent()
                while node is not None:
                    self.cache.setdefault(node, _TITLE_ANCESTOR)
                    node = node.getparent()
                break

    def __call__(self, element) -> int:
        cache = self.cache
        chain = []
        node = element
        result = OK
        while node is not None:
            cached = cache.get(node)
            if cached is _TITLE_ANCESTOR:  # an ancestor of the title: look no further up
                break
            if cached is not None:
                result = max(result, cached)
                break
            chain.append((node, result))
            tag = node.tag if isinstance(node.tag, str) else ""
            if tag in _EXCLUDED_TAGS or (node.get("role") or "") in _EXCLUDED_ROLES:
                result = HARD
                break
            if tag in ("body", "html"):
                break
            names = (node.get("class") or "") + " " + (node.get("id") or "")
            if names.strip() and _EXCLUDED_RE.search(names):
                result = HARD
                break
            if (node.get("typeof") or "").endswith("Comment") or (node.get("itemtype") or "").endswith("Comment"):
                result = HARD
                break
            if tag in _SOFT_EXCLUDED_TAGS or node.get("role") in ("contentinfo", "complementary") or (names.strip() and _SOFT_EXCLUDED_RE.search(names)):
                result = SOFT
            node = node.getparent()
        # an element's level is the worst level of itself and its ancestors
        for key, _below in chain:
            cache[key] = result
        return result


# --------------------------------------------------------------------------------------- visible dates

_PUBLISH_CLASS_RE = re.compile(r"publish|posted|pubdate|pub-date|pub_date|datepub|created|erschienen|"
                               r"veroeffentlicht|first-?pub|dt-published|date-?line", re.I)
_DATE_CLASS_RE = re.compile(r"date|datum|time|zeit|byline|meta|stamp|ngay|fecha|data|info|author|autor|subline|"
                            r"header|kicker|dachzeile|details|head", re.I)
_MODIFIED_CLASS_RE = re.compile(r"updated|modified|aktualisiert|cap-nhat|changed|edited|lastmod", re.I)
_LABEL_PUBLISHED_RE = re.compile(
    r"published|posted|erschienen|veröffentlicht|publié|publicado|pubblicato|gepubliceerd|opublikowano|"
    r"ngày đăng|đăng ngày|đăng lúc|xuất bản|\bdate\s*:|\bdatum\s*:|\bvon\b.*\bam\b|^\s*am\b|^\s*on\b|\bstand\b", re.I)
_LABEL_UPDATED_RE = re.compile(
    r"updated?\b|modified|aktualisiert|geändert|mis à jour|actualizado|aggiornato|bijgewerkt|cập nhật|"
    r"zuletzt|last edited|revised", re.I)
_RELATIVE_WORDS = ("ago", "trước", "hôm", "vor ")


def _walk_body(tree, relative: bool) -> tuple[list, list[tuple[str, etree._Element, bool]]]:
    """One walk over the body, in document order:

    - elements with a machine-readable date (``datetime=``, ``itemprop="datePublished"``…, RDFa
      ``property="schema:dateCreated"``, ``<abbr class="published" title=…>``);
    - ``(text, holder, is_tail)`` for the text nodes that may hold a date (a year 19xx/20xx; with ``relative``,
      also "ago", "trước", "hôm", "vor "); ``holder`` is the element whose ``.text`` (or ``.tail``) it is.

    A plain walk is several times faster than XPath queries over attributes and text nodes."""
    body = tree.find("body")
    if body is None:
        body = tree
    index: dict = {}
    dated = []
    found = []
    tails = []
    for position, element in enumerate(body.iter()):
        index[element] = position
        if not isinstance(element.tag, str):  # a comment: only its tail is page text
            tail = element.tail
            if tail and ("20" in tail or "19" in tail):
                tails.append((element, tail))
            continue
        if element.get("datetime") is not None or element.get("itemprop") in _DATE_ITEMPROPS or \
                element.get("property") in _DATE_PROPERTIES or (
                    element.tag == "abbr" and element.get("title") and "published" in (element.get("class") or "")):
            dated.append(element)
        text = element.text
        if text and ("20" in text or "19" in text or (
                relative and any(word in text for word in _RELATIVE_WORDS))):
            found.append((position, text, element, False))
        tail = element.tail
        if tail and element is not body and ("20" in tail or "19" in tail or (
                relative and any(word in tail for word in _RELATIVE_WORDS))):
            tails.append((element, tail))
    for element, tail in tails:  # a tail follows the element's last descendant
        node, following = element, element.getnext()
        while following is None and node is not body and node.getparent() is not None:
            node = node.getparent()
            following = node.getnext()
        found.append((index.get(following, len(index)) - 0.5, tail, element, True))
    found.sort(key=lambda item: item[0])
    return dated, [(text, holder, is_tail) for _position, text, holder, is_tail in found]


_DATE_TEXT_RE = re.compile(r"\d{4}|\d\d?[./-]\d\d?[./-]\d\d|\d\s*(?:tháng|giờ|phút|ngày|hours?|days?|minutes?|"
                           r"Std|Tag)|hôm", re.I)
_DATE_ITEMPROPS = {"datePublished", "dateCreated", "dateModified"}
_DATE_PROPERTIES = {"dc:date", "schema:dateCreated", "schema:datePublished"}


def _context(element, depth: int = 3) -> str:
    """class, id and itemprop names of the element and its closest ancestors."""
    names = []
    node = element
    for _ in range(depth):
        if node is None or not isinstance(node.tag, str) or node.tag in ("body", "article", "main"):
            break
        names.append(" ".join(filter(None, (node.get("class"), node.get("id"), node.get("itemprop")))))
        node = node.getparent()
    return " ".join(names)


class _Candidate:
    __slots__ = ("score", "order", "value", "found_in", "modified", "key")

    def __init__(self, score, order, value, found_in, modified, key=""):
        self.score, self.order, self.value, self.found_in, self.modified = score, order, value, found_in, modified
        self.key = key


_PUBLISH_OR_DATE_RE = re.compile(r"publish|date|datum", re.I)
_INLINE_TAGS = {"a", "span", "b", "strong", "em", "i", "small", "font", "abbr", "time"}


def _partial(text: str, languages, fetched_at) -> bool:
    """True when ``text`` alone gives no date to the day (``Dezember 2010`` of ``8.<a>Dezember 2010</a>``)."""
    parsed = parse_date(text, languages=languages, fetched_at=fetched_at)
    return parsed is None or parsed.precision in ("month", "year")


def _label_before(tail_of, owner) -> str:
    """Short text just before a text node: the element it follows when the node is a tail, else the previous
    sibling element's text (``<dt>Datum:</dt><dd>03.11.2021</dd>``, ``<p>Mise en ligne</p><p>23 mai 2019</p>``),
    else the text that opens the block around an inline element (``<p>Published <time>…</time></p>``)."""
    if tail_of is not None:  # "<b>Datum:</b> 03.11.2021"
        return " ".join(tail_of.itertext())[-30:] if isinstance(tail_of.tag, str) else ""
    previous = owner.getprevious()
    if previous is not None and isinstance(previous.tag, str):
        text = " ".join(previous.itertext()).strip()
        if len(text) <= 40:
            return text
    parent = owner.getparent()
    if owner.tag in _INLINE_TAGS and parent is not None:  # "Published <span>November 9, 2023</span>"
        return (parent.text or "")[-30:]
    return ""


def _visible_candidates(tree, excluded: _Exclusions, languages=None, fetched_at=None) -> list[_Candidate]:
    candidates = []
    order = 0
    dated, texts = _walk_body(tree, relative=fetched_at is not None)
    for element in dated:
        order += 1
        level = excluded(element)
        if level == HARD:
            continue
        itemprop = (element.get("itemprop") or element.get("property") or "").lower()
        value = element.get("datetime") or element.get("content") or element.get("title") or ""
        context = _context(element)
        text = " ".join(element.itertext()).strip()
        modified = "modified" in itemprop or bool(_MODIFIED_CLASS_RE.search(context)) or \
            bool(_LABEL_UPDATED_RE.search(text) and not _LABEL_PUBLISHED_RE.search(text))
        if "published" in itemprop or "created" in itemprop or "modified" in itemprop:
            score, where = 6, f"itemprop:{itemprop}"
        elif element.tag == "time" and (element.get("pubdate") is not None or _PUBLISH_CLASS_RE.search(context)):
            score, where = 6, "time[pubdate]"
        elif element.tag == "time":
            score, where = 4, "time"
        elif element.tag == "abbr":
            score, where = 5, "abbr.published"
        else:
            score, where = 3, f"[datetime]:{element.tag}"
        score -= 2 * level
        key = element.tag + ":" + context
        if value:
            candidates.append(_Candidate(score, order, value, where, modified, key))
        if text and len(text) < 120:
            candidates.append(_Candidate(score - 0.5, order, text, where + ":text", modified, key))
    for node, holder, is_tail in texts:
        order += 1
        if not _DATE_TEXT_RE.search(node):
            continue
        # "…</svg>August 30, 2017": a tail belongs to the holder's parent
        owner = holder.getparent() if is_tail else holder
        if owner is None:
            continue
        level = excluded(owner)
        if level == HARD:
            continue
        text = " ".join(node.split())
        if len(text) > 120:
            if not text[:1].isdigit():
                continue  # a date inside running text, not a dateline
            text = text[:40]
        elif len(text) < 10 or (owner.tag in _INLINE_TAGS and not is_tail and _partial(text, languages, fetched_at)):
            # "am 21. April" + "<b>2020</b>", "8.<a>Dezember 2010</a> um 09:43",
            # "<span>Apr</span><span>04</span><span>2013</span>": read the enclosing element's whole text when
            # it is short
            container = owner
            for _ in range(2):
                whole = " ".join(" ".join(container.itertext()).split())
                if len(whole) > 60 or container.getparent() is None:
                    break
                text = whole
                if len(whole) >= 10 and container.tag not in _INLINE_TAGS:
                    break
                container = container.getparent()
        context = _context(owner)
        before = _label_before(holder if is_tail else None, owner)
        labelled_published = bool(_LABEL_PUBLISHED_RE.search(text) or _LABEL_PUBLISHED_RE.search(before))
        labelled_updated = bool(_LABEL_UPDATED_RE.search(text) or _LABEL_UPDATED_RE.search(before))
        if _PUBLISH_CLASS_RE.search(context):
            score = 5
        elif _DATE_CLASS_RE.search(context):
            score = 3
        else:
            score = 1
        if labelled_published:
            score += 1.5
        score -= 2 * level
        modified = (labelled_updated and not labelled_published) or (
            bool(_MODIFIED_CLASS_RE.search(context)) and not labelled_published and not
            _PUBLISH_OR_DATE_RE.search(context))
        candidates.append(_Candidate(score, order, text, "text:" + context[:40], modified, owner.tag + ":" + context))
    return candidates


#: visible candidates scoring this much (a ``time`` element, a publish/date class with a label, an ``itemprop``)
#: override a generic metadata date
STRONG_VISIBLE_SCORE = 4


#: an "updated" date scoring this much (in a date/byline element of the article, not a footer) stands in for a
#: publication date the page does not show
HEADER_UPDATED_SCORE = 3


def _visible_date(tree, kind: str, languages, fetched_at, excluded: _Exclusions) -> ParsedDate | None:
    found = _visible_best(tree, kind, languages, fetched_at, excluded)
    return found[1] if found else None


def _visible_best(tree, kind: str, languages, fetched_at, excluded: _Exclusions):
    """``(score, ParsedDate)`` of the best-scored visible date, or None (computed once per page and kind)."""
    if kind not in excluded.visible:
        excluded.visible[kind] = _score_visible(tree, kind, languages, fetched_at, excluded)
    return excluded.visible[kind]


def _score_visible(tree, kind: str, languages, fetched_at, excluded: _Exclusions):
    best = month_only = None
    for candidate in _visible_candidates(tree, excluded, languages, fetched_at):
        if candidate.modified != (kind == "modified"):
            continue
        if best is not None and candidate.score <= best[0].score:
            continue
        value = candidate.value
        if kind == "published" and _LABEL_UPDATED_RE.search(value) and _LABEL_PUBLISHED_RE.search(value):
            value = _published_part(value)
        parsed = parse_date(value, languages=languages, fetched_at=fetched_at)
        if parsed is None or parsed.precision == "year":
            continue
        if candidate.score < 2 and _is_prose(value):
            continue  # a date inside running text, not a dateline
        if parsed.precision == "month":
            if best is None and (month_only is None or candidate.score > month_only[0].score):
                month_only = (candidate, parsed)
            continue
        best = (candidate, parsed)
    best = best or month_only
    if best is None:
        return None
    return best[0].score, _with_source(best[1], best[0].found_in)


def _is_prose(text: str) -> bool:
    """True for running text around a date rather than a dateline (``Alta Floresta - MT, 22 de novembro de 2020``).
    Only length tells them apart reliably: datelines with place names and labels have as many words as short
    sentences."""
    return len(text) > 80


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
    return dataclasses.replace(parsed, found_in=found_in)


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
    evidence = url_date(url) if kind == "published" else None
    if evidence is None or evidence.precision != "day":
        evidence = _visible_date(tree, kind, languages, fetched_at, excluded)
    if evidence is not None and evidence.local_day in near and evidence.local_day != parsed.utc_iso[:10]:
        return dataclasses.replace(parsed, day=evidence.local_day)
    return parsed


def _first_parsed(candidates, prefix, languages, fetched_at) -> tuple[int, ParsedDate] | None:
    """``(rank, ParsedDate)`` of the first readable date (at least month-precise) among ranked candidates."""
    for rank, key, value in candidates:
        parsed = parse_date(value, languages=languages, fetched_at=fetched_at)
        if parsed and parsed.precision != "year":
            return rank, _with_source(parsed, f"{prefix}:{key}")
    return None


def _find(html, url: str, kind: str, language: str | None, fetched_at: datetime | None) -> ParsedDate | None:
    tree = _tree(html)
    if tree is None:
        return url_date(url) if kind == "published" else None
    language = language or page_language(tree)
    languages = [language] if language else None
    jsonld_keys = ("datePublished", "dateCreated") if kind == "published" else ("dateModified",)
    meta_table = PUBLISHED_META if kind == "published" else MODIFIED_META
    excluded = _Exclusions(tree)
    structured = _first_parsed(_meta_dates(tree, meta_table), "meta", languages, fetched_at) or \
        _first_parsed([(r + 1, k, v) for r, k, v in _jsonld_dates(tree, jsonld_keys)], "json-ld", languages, fetched_at)
    if structured:
        rank, parsed = structured
        if _needs_local_day(parsed):
            parsed = _local_day(parsed, tree, url, kind, languages, fetched_at, excluded)
        if rank >= 1 or parsed.precision == "month":
            # a generic metadata date ("date", "DC.date", "pubdate") yields to a strong visible publication date
            # (itemprop/time[pubdate]/labelled "Published"/"Stand:") on another day
            visible = _visible_best(tree, kind, languages, fetched_at, excluded)
            if visible and visible[0] >= STRONG_VISIBLE_SCORE and visible[1].local_day and \
                    visible[1].local_day != parsed.local_day:
                return visible[1]
        return parsed
    parsed = _visible_date(tree, kind, languages, fetched_at, excluded)
    if parsed:
        return parsed
    if kind != "published":
        return None
    parsed = url_date(url)
    if parsed:
        return parsed
    # the article header shows only an "updated" date (Vietnamese sites: "Cập nhật: 16/04/2019 14:01"): the
    # closest the page comes to a publication date; a footer's or a list's "updated" scores too low for this
    updated = _visible_best(tree, "modified", languages, fetched_at, excluded)
    if updated and updated[0] >= HEADER_UPDATED_SCORE:
        return dataclasses.replace(updated[1], found_in=f"{updated[1].found_in} (updated)")
    return _page_urls_date(tree)


def _page_urls_date(tree) -> ParsedDate | None:
    """A day in the page's own other URLs: canonical / ``og:url`` (``/2020/01/15/``), then the lead image
    (``og:image`` uploaded under ``/2016/05/04/``). Day precision only: a month in an image path is its upload
    month, not the article's."""
    canonical = [link.get("href") for link in tree.iterfind(".//link[@rel='canonical']")]
    metas = {(meta.get("property") or meta.get("name") or "").lower(): meta.get("content") or ""
             for meta in tree.iterfind(".//meta")}
    for where, value in (("canonical", canonical[0] if canonical else ""), ("og:url", metas.get("og:url", "")),
                         ("og:image", metas.get("og:image", "")), ("twitter:image", metas.get("twitter:image", ""))):
        parsed = url_date(value) if value else None
        if parsed and parsed.precision == "day":
            return _with_source(parsed, f"url:{where}")
    return None


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
