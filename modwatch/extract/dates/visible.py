"""Dates a page shows to its readers: the dateline near the title or byline.

Candidates come from one walk over the body: elements with a machine-readable date (``<time datetime>``,
``itemprop="datePublished"``, RDFa, ``abbr.published``) and text nodes holding a date. Each gets a score from its
element (``time``/``itemprop``, a publish/date/byline class), its label (``Published``, ``Veröffentlicht am``,
``Ngày đăng``, ``Datum:``) and where it lies: comments, related lists, navigation, logos, share bars and
scripts are dropped; footers, asides and sidebars count less. A text that only says "updated" (``Cập nhật``,
``Aktualisiert``) is a modification date.
"""

from __future__ import annotations

import re

from lxml import etree

from modwatch.extract.dates.parse import ParsedDate, parse_date, with_source
from modwatch.extract.dates.exclusions import HARD, Exclusions

# --------------------------------------------------------------------------------------- visible dates

_PUBLISH_CLASS_RE = re.compile(
    r"(?<!status-)publish|posted|pubdate|pub-date|pub_date|datepub|created|erschienen|"
    r"veroeffentlicht|first-?pub|dt-published|date-?line",
    re.I,
)
_DATE_CLASS_RE = re.compile(
    r"date|datum|time|zeit|byline|meta|stamp|ngay|fecha|data|info|author|autor|subline|"
    r"header|kicker|dachzeile|details|head",
    re.I,
)
_MODIFIED_CLASS_RE = re.compile(r"updated|modified|aktualisiert|cap-nhat|changed|edited|lastmod", re.I)
_LABEL_PUBLISHED_RE = re.compile(
    r"published|posted|erschienen|veröffentlicht|publiziert|publié|publicado|pubblicato|gepubliceerd|opublikowano|"
    r"erstellt|created|mis en ligne|créé|creado|ngày đăng|đăng ngày|đăng lúc|xuất bản|\bdate\s*:|\bdatum\s*:|\bvon\b.*\bam\b|^\s*am\b|^\s*on\b|\bstand\b",
    re.I,
)
_LABEL_UPDATED_RE = re.compile(
    r"updated?\b|modified|aktualisiert|geändert|mis à jour|actualizado|aggiornato|bijgewerkt|cập nhật|"
    r"zuletzt|editiert|bearbeitet|last edited|revised",
    re.I,
)
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
    title = None
    for position, element in enumerate(body.iter()):
        index[element] = position
        if element.tag == "h1" and title is None:
            title = position
        if not isinstance(element.tag, str):  # a comment: only its tail is page text
            tail = element.tail
            if tail and ("20" in tail or "19" in tail):
                tails.append((element, tail))
            continue
        if (
            element.get("datetime") is not None
            or element.get("data-date") is not None
            or element.get("itemprop") in _DATE_ITEMPROPS
            or element.get("property") in _DATE_PROPERTIES
            or (element.tag == "abbr" and element.get("title") and "published" in (element.get("class") or ""))
        ):
            dated.append(element)
        text = element.text
        if text and (
            "20" in text
            or "19" in text
            or _short_year_date(text)
            or (relative and any(word in text for word in _RELATIVE_WORDS))
        ):
            found.append((position, text, element, False))
        tail = element.tail
        if (
            tail
            and element is not body
            and (
                "20" in tail
                or "19" in tail
                or _short_year_date(tail)
                or (relative and any(word in tail for word in _RELATIVE_WORDS))
            )
        ):
            tails.append((element, tail))
    for element, tail in tails:  # a tail follows the element's last descendant
        node, following = element, element.getnext()
        while following is None and node is not body and node.getparent() is not None:
            node = node.getparent()
            following = node.getnext()
        found.append((index.get(following, len(index)) - 0.5, tail, element, True))
    found.sort(key=lambda item: item[0])
    return dated, found, index, title


_SHORT_YEAR_DATE_RE = re.compile(r"\b[0-3]?\d\.[01]?\d\.\d\d\b")


_YEAR_RE = re.compile(r"(?:19|20)\d\d")
_VERSION_RE = re.compile(r"version|\bv\s?\d|release|wordpress|php|python|\d\.\d+\.\d+\.\d", re.I)


def _short_year_date(text: str) -> bool:
    """True for a short text holding a day with a two-digit year (``31.10.23``) and no "19"/"20" in it."""
    return len(text) < 40 and "." in text and _SHORT_YEAR_DATE_RE.search(text) is not None


_DATE_TEXT_RE = re.compile(
    r"\d{4}|\d\d?[./-]\d\d?[./-]\d\d|\d\s*(?:tháng|giờ|phút|ngày|hours?|days?|minutes?|"
    r"Std|Tag)|hôm",
    re.I,
)
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
        if len(text) <= 40 and not any(ch.isdigit() for ch in text):  # a label, not a dateline of its own
            return text
    parent = owner.getparent()
    if owner.tag in _INLINE_TAGS and parent is not None:  # "Published <span>November 9, 2023</span>"
        return (parent.text or "")[-30:]
    return ""


#: a candidate's ``order`` is its distance (in elements) from the page's title (``h1``); without a title its rank
#: in the page, counted from this number so that it never passes for "near the title"
_NO_TITLE = 1_000_000

#: a dateline this many elements or fewer from the title (``<h1>…</h1><ul><li class="Date">``) belongs to it
NEAR_TITLE = 50


def _visible_candidates(tree, excluded: Exclusions, languages=None, fetched_at=None) -> list[_Candidate]:
    candidates = []
    order = 0
    dated, texts, index, title = _walk_body(tree, relative=fetched_at is not None)
    for element in dated:
        order = abs(index[element] - title) if title is not None else order + _NO_TITLE
        level = excluded(element)
        if level == HARD:
            continue
        itemprop = (element.get("itemprop") or element.get("property") or "").lower()
        value = (
            element.get("datetime") or element.get("data-date") or element.get("content") or element.get("title") or ""
        )
        context = _context(element)
        text = " ".join(element.itertext()).strip()
        # "Updated <time datetime=…>" labels the element from the text before it
        label = text or _label_before(None, element)
        modified = (
            "modified" in itemprop
            or bool(_MODIFIED_CLASS_RE.search(context))
            or bool(_LABEL_UPDATED_RE.search(label) and not _LABEL_PUBLISHED_RE.search(label))
            or bool(_LABEL_UPDATED_RE.search(_label_before(None, element)) and not _LABEL_PUBLISHED_RE.search(text))
        )
        if "published" in itemprop or "created" in itemprop or "modified" in itemprop:
            score, where = 6, f"itemprop:{itemprop}"
        elif element.tag == "time" and (
            element.get("pubdate") is not None or _PUBLISH_CLASS_RE.search(context) or "publication" in context.lower()
        ):  # <p class="publication"><time>
            score, where = 6, "time[pubdate]"
        elif element.tag == "time":
            score, where = 4, "time"
        elif element.tag == "abbr":
            score, where = 5, "abbr.published"
        elif element.get("datetime") is None and element.get("data-date") is not None:
            score, where = 2, f"[data-date]:{element.tag}"
        else:
            score, where = 3, f"[datetime]:{element.tag}"
        score -= 2 * level
        key = element.tag + ":" + context
        if value:
            candidates.append(_Candidate(score, order, value, where, modified, key))
        if text and len(text) < 120:
            candidates.append(_Candidate(score - 0.5, order, text, where + ":text", modified, key))
    for position, node, holder, is_tail in texts:
        order = abs(position - title) if title is not None else order + _NO_TITLE
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
        # "On July 31, 2019, U.S. Senators …" opens a sentence, it is no dateline
        labelled_published = bool(
            (len(text) <= 50 and _LABEL_PUBLISHED_RE.search(text)) or _LABEL_PUBLISHED_RE.search(before)
        )
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
            bool(_MODIFIED_CLASS_RE.search(context))
            and not labelled_published
            and not _PUBLISH_OR_DATE_RE.search(context)
        )
        candidates.append(_Candidate(score, order, text, "text:" + context[:40], modified, owner.tag + ":" + context))
    return candidates


#: visible candidates scoring this much (a ``time`` element, a publish/date class with a label, an ``itemprop``)
#: override a generic metadata date
STRONG_VISIBLE_SCORE = 4


#: an "updated" date scoring this much (in a date/byline element of the article, not a footer) stands in for a
#: publication date the page does not show
HEADER_UPDATED_SCORE = 3


def visible_date(tree, kind: str, languages, fetched_at, excluded: Exclusions) -> ParsedDate | None:
    found = visible_best(tree, kind, languages, fetched_at, excluded)
    return found[1] if found else None


def visible_best(tree, kind: str, languages, fetched_at, excluded: Exclusions):
    """``(score, ParsedDate, distance)`` of the best-scored visible date, or None (computed once per page and
    kind); ``distance`` counts the elements between it and the page's title (``h1``), see :data:`NEAR_TITLE`."""
    if kind not in excluded.visible:
        excluded.visible[kind] = _score_visible(tree, kind, languages, fetched_at, excluded)
    return excluded.visible[kind]


def _score_visible(tree, kind: str, languages, fetched_at, excluded: Exclusions):
    best = month_only = None
    for candidate in _visible_candidates(tree, excluded, languages, fetched_at):
        if candidate.modified != (kind == "modified"):
            continue
        if best is not None and (
            candidate.score < best[0].score or candidate.score == best[0].score and candidate.order >= best[0].order
        ):
            continue  # of two equal candidates the one closer to the title wins
        value = candidate.value
        if kind == "published" and _LABEL_UPDATED_RE.search(value) and _LABEL_PUBLISHED_RE.search(value):
            value = _published_part(value)
        parsed = parse_date(value, languages=languages, fetched_at=fetched_at)
        if parsed is None or parsed.precision == "year":
            continue
        if candidate.score < 2 and _is_prose(value):
            continue  # a date inside running text, not a dateline
        if (candidate.score < 1 or _VERSION_RE.search(value)) and not _YEAR_RE.search(value):
            continue  # "WordPress 4.8.12" in a footer: a two-digit year counts only in the article's byline
        if parsed.precision == "month":
            if best is None and (month_only is None or candidate.score > month_only[0].score):
                month_only = (candidate, parsed)
            continue
        best = (candidate, parsed)
    best = best or month_only
    if best is None:
        return None
    return best[0].score, with_source(best[1], best[0].found_in), best[0].order


def shows_day(tree, day: str, kind: str, languages, fetched_at, excluded: Exclusions, *, local: bool = False) -> bool:
    """True when a dateline of the page (any candidate outside comments, navigation, related lists…) reads as
    ``day`` (``YYYY-MM-DD``); with ``local``, a UTC time (``<time datetime="…Z">``) does not count: it shows no
    day of the page's own. Parses every candidate: for settling a disagreement, not for every page."""
    for candidate in _visible_candidates(tree, excluded, languages, fetched_at):
        if candidate.modified != (kind == "modified") or candidate.score < 1:
            continue
        parsed = parse_date(candidate.value, languages=languages, fetched_at=fetched_at)
        if parsed is None or parsed.local_day != day:
            continue
        if local and parsed.precision in ("second", "minute", "hour") and parsed.offset == "+00:00":
            continue
        return True
    return False


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
        return text[: m.start()]
    if m and p:
        return text[p.start() :]
    return text
