"""Pre-cleaning of a page before trafilatura's cascade (:mod:`modwatch.extract.text`, step 2): boilerplate blocks
by their class/id, lists of links and headlines, and an article body split into sibling containers joined into one.

Pure functions over lxml trees, changing them in place.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from modwatch.extract.blocks import between, is_linked_heading, prose

_SPACE_RE = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")

_PRECLEAN_RE = re.compile(
    r"(?:^|[\s_-])(?:newsletter|related|trending|recommended|outbrain|taboola|share|sharing|social|"
    r"subscribe|subscription|promo|more-?stories|also-?like|read-?next|popular|latest|teaser)(?:$|[\s_-])",
    re.I,
)
#: class tokens naming a post's categories and tags (WordPress ``post_class()``), not the block's role
_TAXONOMY_RE = re.compile(r"(?:^|\s)(?:category|tag|post_tag|topic|section)-\S*", re.I)


#: a list whose text is more than this share of link text is a list of links
LIST_LINK_DENSITY = 0.8


#: in a list of headlines (or a menu) each item's link is at least this share of the item's text
HEADLINE_LINK_SHARE = 0.5


def _is_headline_list(el) -> bool:
    """A list of at least 3 items, each mostly one link (``HEADLINE_LINK_SHARE``), few ending like
    sentences: other stories, a menu. A release note or a list of points citing a source (``Fixed the
    export (#123)``, ``see <a>RFC 9110</a>``) has short links inside its own text: it stays."""
    items = el.findall("li")
    if len(items) < 3 or any(item.find(".//a") is None for item in items):
        return False
    texts = [_SPACE_RE.sub(" ", item.text_content()).strip() for item in items]
    for item, text in zip(items, texts):
        link = max((_SPACE_RE.sub(" ", a.text_content()).strip() for a in item.iter("a")), key=len)
        if len(link) < HEADLINE_LINK_SHARE * len(text):
            return False
    sentences = sum(1 for t in texts if re.search(r"[.!?:;\"”»)]$", t))
    return sentences <= 0.25 * len(texts)


#: a teaser card's headline has at least this many words; its blurb (the card's text after the link) at most
#: this many characters
CARD_HEADLINE_WORDS = 3
CARD_BLURB_MAX = 300


def _split(href: str):
    """``urlsplit`` of a link as the page wrote it; an unparsable one (``http://[ccpa-preferences]``) is no URL."""
    try:
        return urlsplit(href.strip())
    except ValueError:
        return urlsplit("")


def site_of(tree) -> str | None:
    """The page's site: the last two labels of its canonical URL's host (``og:url`` if it has no canonical
    link), or None."""
    for href in tree.xpath('//link[@rel="canonical"]/@href | //meta[@property="og:url"]/@content'):
        host = _split(href).hostname or ""
        if "." in host:
            return ".".join(host.split(".")[-2:])
    return None


def _same_site(href: str, site: str | None) -> bool:
    """True for a link to another page of the page's site: relative, or to a host of the same ``site``; a link
    to a place in a page (``#c68514``: a table of contents) is none."""
    parts = _split(href)
    if parts.scheme not in ("", "http", "https") or parts.fragment or not (parts.path.strip("/") or parts.query):
        return False
    host = parts.hostname
    return host is None or (site is not None and (host == site or host.endswith("." + site)))


def _is_teaser_cards(el, site: str | None) -> bool:
    """A list of at least 3 cards of other stories of the site: each item opens with a link to another page of
    the site (``_same_site``) whose text is a headline (``CARD_HEADLINE_WORDS``), followed by a short blurb, an
    author or a date (``CARD_BLURB_MAX``) and nothing else linked. A list citing other sites' articles (a blog's
    "via netzpolitik.org" reading list) or whose items carry their own text stays."""
    items = el.findall("li")
    if len(items) < 3:
        return False
    for item in items:
        links = list(item.iter("a"))
        if len(links) != 1:
            return False
        link = links[0]
        headline = _SPACE_RE.sub(" ", link.text_content()).strip()
        text = _SPACE_RE.sub(" ", item.text_content()).strip()
        if not headline or not text.startswith(headline):  # the card opens with its headline
            return False
        rest = text[len(headline) :]
        if len(headline.split()) < CARD_HEADLINE_WORDS or len(rest) > CARD_BLURB_MAX:
            return False
        if not _same_site(link.get("href") or "", site):
            return False
    return True


#: a class or id word naming a teaser: a card of another story, or the article's own lead
_TEASER_RE = re.compile(r"teaser", re.I)
#: an article's lead is at least a sentence of this length
LEAD_MIN_CHARS = 100


def _lead(tree):
    """The article's lead (standfirst) under a class or id saying "teaser", or None.

    Sites name the lead paragraph under the headline ``article-teaser`` or ``teaser-text``, as they name the
    cards of other stories. The lead is the one such block of the page holding sentences
    (``LEAD_MIN_CHARS``), no link and no heading, inside no link and no other teaser; a list of teaser cards
    has each of them linked, or several of them.
    """
    found = []
    for el in tree.iter("p", "div", "section", "span"):
        if not _TEASER_RE.search(f"{el.get('class', '')} {el.get('id', '')}"):
            continue
        if (
            el.find(".//a") is not None
            or el.find(".//h1") is not None
            or el.find(".//h2") is not None
            or el.find(".//h3") is not None
        ):
            continue
        text = _SPACE_RE.sub(" ", el.text_content()).strip()
        if len(text) < LEAD_MIN_CHARS or not re.search(r"[.!?;:]", text):
            continue
        if any(
            a.tag == "a" or _TEASER_RE.search(f"{a.get('class', '')} {a.get('id', '')}") for a in el.iterancestors()
        ):
            continue
        found.append(el)
    return found[0] if len(found) == 1 else None


def keep_lead(tree) -> None:
    """The article's lead named a teaser (``_lead``) is named a lead instead: the name "teaser" makes ``preclean``
    and trafilatura's cascade (it drops every block whose class or id contains "teaser") drop it as another
    story's card."""
    lead = _lead(tree)
    if lead is None:
        return
    for attr in ("class", "id"):
        value = lead.get(attr)
        if value and _TEASER_RE.search(value):
            lead.set(attr, _TEASER_RE.sub("lead", value))  # "teaser-text" -> "lead-text": named a lead


def preclean(tree):
    """Remove blocks that are boilerplate by their class/id, and lists of links (in place).

    A block holding more than half of the page's text, or of its prose (``blocks.prose``: text of paragraphs,
    not of links, menus or footers), is kept whatever its class says (a wrapper such as ``<div class="content
    has-social-share">``, ``<div class="entry themeform share">``, ``<div class="teaser_blog_text
    article_content">`` around the whole article); WordPress taxonomy classes of a post
    (``category-social-media``, ``tag-latest``) say nothing about the block.
    """
    page = tree.find("body")
    page = page if page is not None else tree
    total, total_prose = len(page.text_content()), prose(page)
    site = site_of(tree)
    doomed = []
    for el in tree.iter("div", "section", "aside", "ul", "ol", "p", "span", "figure"):
        attrs = _TAXONOMY_RE.sub(" ", f"{el.get('class', '')} {el.get('id', '')}")
        if attrs.strip() and _PRECLEAN_RE.search(attrs):
            if len(el.text_content()) <= total / 2 and (not total_prose or prose(el) <= total_prose / 2):
                doomed.append(el)
        elif el.tag in ("ul", "ol") and el.find("li") is not None:
            text = len(el.text_content().strip())
            linked = sum(len(a.text_content().strip()) for a in el.iter("a"))
            if text and linked / text > LIST_LINK_DENSITY or _is_headline_list(el) or _is_teaser_cards(el, site):
                doomed.append(el)
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()  # keeps the tail text
    return tree


_CHUNK_CLASS_RE = re.compile(r"body|content|text|story|article|entry|chunk", re.I)


def join_split_bodies(tree) -> None:
    """Join an article body split into sibling containers with the same class into the first one.

    Some layouts cut the text into several ``<div class="body ...">`` chunks (ads or pull quotes in
    between); content detection picks one chunk. Chunks qualify when they hold paragraphs of
    real text and share an ancestor at most ``CHUNK_MAX_DEPTH`` levels up.
    """
    groups: dict[tuple, list] = {}
    for el in tree.iter("div", "section"):
        cls = el.get("class")
        if not cls or not _CHUNK_CLASS_RE.search(cls):
            continue
        if not any(len(p.text_content()) >= 80 for p in el.findall("p")):
            continue
        if prose(el) >= CHUNK_MIN_PROSE:
            groups.setdefault((el.tag, cls), []).append(el)
    for members in groups.values():
        largest = max(prose(el) for el in members)
        # chunks of one text are parts of comparable size; a short one (a disclaimer under the article
        # in the same class) is a note of its own
        members = [el for el in members if prose(el) >= CHUNK_MIN_SHARE * largest]
        if len(members) < 2:
            continue
        first = members[0]
        # the elements themselves, not their id(): lxml's proxies are freed and their ids reused as soon as
        # nothing holds them, which made the result depend on the pages read before in the same process
        ancestors = list(first.iterancestors())[:CHUNK_MAX_DEPTH]
        for other in members[1:]:
            if first in other.iterancestors() or other in first.iterancestors():
                continue
            if not any(a in ancestors for a in list(other.iterancestors())[:CHUNK_MAX_DEPTH]):
                continue
            gap = between(first, other)
            if any(is_linked_heading(el) for el in gap):
                break  # posts of a listing, each under its own linked title: not one article
            if sum(len(el.text_content()) for el in gap) > min(len(first.text_content()), len(other.text_content())):
                continue  # chunks far apart (a legal note in the page header, the article below)
            # what lies between the chunks (a section of the text under another class: "Hardware", a pros
            # and cons list) moves with them, in page order
            for el in gap:
                first.append(el)
            for child in list(other):
                first.append(child)
            other.drop_tree()


CHUNK_MAX_DEPTH = 3
#: a chunk of a split body holds at least this much prose (a legal note or a forum post's signature does not)
CHUNK_MIN_PROSE = 300
#: ... and at least this share of the prose of the largest chunk of its class
CHUNK_MIN_SHARE = 0.1
