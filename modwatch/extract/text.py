"""Article body text: the main text of a page, one paragraph per line.

``extract_body`` is what the spiders (through ``parse_article``) and ``benchmarks/article_extraction.py``
call. Steps, all generic (no rule is keyed to a site):

1. parse with trafilatura's lxml loader (HTML comments dropped: a comment inside a paragraph would split it);
   repair list items an unclosed block nested into one another (``blocks.repair_lists``);
2. pre-clean the tree: blocks whose class/id says newsletter, related, trending, share, social, promo...
   unless they hold most of the page's text or prose (the article's own wrapper), and lists of links,
   headlines or menu entries (``_preclean``); an article body split into containers with the same class
   is joined into one with what lies between them (``_join_split_bodies``); when the page has exactly one
   known theme container of the article text (Zox News ``#mvp-content-main``, WordPress
   ``.entry-content``, schema.org ``[itemprop=articleBody]``) holding most of its prose, only that
   container is read;
3. run trafilatura's extraction cascade (``trafilatura.core.trafilatura_sequence``: boilerplate pruning,
   main-content detection, tag conversion, comparison with readability and jusText as in trafilatura's
   default mode; its fast mode alone read less on trafilatura's evaluation pages);
4. trim what the cascade keeps around the text: the header (section label, headline, byline),
   "Related: ..." lines and paragraphs that are a whole link to another page, and the page footer
   (newsletter, follow-us, reprint and "write to" lines).

Measured on two corpora, each split into a tuning and a held-out half (``benchmarks/halves.py``): the Zyte
article-extraction benchmark (181 pages, ``benchmarks/article_extraction.py``) and trafilatura's evaluation
pages (990 pages in many languages, ``benchmarks/trafilatura_eval.py``). A rule stays only if it wins on the
tuning halves of both. ``html_to_text`` is the plain serializer used when the cascade finds less than a
paragraph.

Word boundaries: block-level tags and ``<br>`` end a line, inline tags do not
(``<p>Con<b>tent</b></p><p>Next</p>`` -> ``"Content\\nNext"``).
"""

from __future__ import annotations

import copy
import re
import unicodedata

import lxml.html
from lxml import etree
from trafilatura.core import trafilatura_sequence
from trafilatura.settings import Extractor
from trafilatura.utils import load_html
from trafilatura.xml import xmltotxt

from modwatch.extract.blocks import between, is_linked_heading, prose, repair_lists

#: tags whose start and end break the text into lines (HTML "flow content" that forms blocks)
BLOCK_TAGS = frozenset(
    "address article aside blockquote body center dd details dialog dir div dl dt fieldset figcaption figure "
    "footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main menu nav ol p pre section summary table tbody "
    "td tfoot th thead tr ul".split()
)
#: elements that are never body text
SKIP_TAGS = frozenset("script style noscript template iframe svg canvas button select textarea input "
                      "form nav aside footer figcaption head title meta link".split())
#: class/id words marking boilerplate blocks inside a content container (matched against the
#: hyphen/underscore-separated parts of each class token and of the id)
BOILERPLATE_WORDS = frozenset(
    "share sharing sharedaddy social related relatedposts trending newsletter subscribe signup comments "
    "comment respond caption credit advert advertisement promo sponsored breadcrumb breadcrumbs author-bio "
    "navigation pagination sidebar popular recommended".split()
)
_FRAGMENT_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, encoding="utf-8")
_WHITESPACE_RE = re.compile(r"\s+")
_SPACE_RE = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")


def _normalise(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a line, for comparisons."""
    text = unicodedata.normalize("NFKD", text or "").casefold()
    return " ".join(re.findall(r"\w+", text))


def to_tree(html_or_tree) -> lxml.html.HtmlElement | None:
    """Parse HTML (str or bytes, a whole page or a fragment) with lxml; pass an lxml element through.

    Returns the root element, or ``None`` for empty or unparseable input.
    """
    if isinstance(html_or_tree, etree._Element):
        return html_or_tree
    if not html_or_tree or not str(html_or_tree).strip():
        return None
    # trafilatura's loader: lxml with HTML comments and processing instructions removed (a comment
    # inside a paragraph otherwise splits it), bytes decoded by their declared/guessed charset
    tree = load_html(html_or_tree)
    if tree is None:  # the loader refuses some fragments: parse them as a document's body
        data = html_or_tree.encode("utf-8") if isinstance(html_or_tree, str) else html_or_tree
        try:
            tree = lxml.html.document_fromstring(data, parser=_FRAGMENT_PARSER)
        except (etree.ParserError, ValueError):
            return None
    return tree


def _is_boilerplate(el) -> bool:
    for token in f"{el.get('class', '')} {el.get('id', '')}".split():
        parts = re.split(r"[-_]", token.lower())
        if BOILERPLATE_WORDS.intersection(parts) or "-".join(parts[-2:]) in BOILERPLATE_WORDS:
            return True
    return False


def html_to_text(element, *, skip_boilerplate: bool = True) -> str:
    """Text of an lxml element, one block per line, words kept apart at block boundaries.

    Block tags (``BLOCK_TAGS``) and ``<br>`` end lines; inline tags join their text to their
    neighbours. Scripts, styles, forms, navigation, captions and (with ``skip_boilerplate``)
    blocks whose class/id says share bar, related list, newsletter, comments... are left out,
    unless such a block holds most of the text (a ``has-sidebar`` wrapper of the whole article).
    Whitespace inside a line is collapsed; empty lines are dropped.
    """
    parts: list[str] = []
    total = len(element.text_content()) if element is not None and skip_boilerplate else 0

    def boilerplate(el) -> bool:
        return skip_boilerplate and el is not element and _is_boilerplate(el) and \
            len(el.text_content()) < total / 2

    def walk(el):
        tag = el.tag if isinstance(el.tag, str) else None
        if tag is None:  # comment / processing instruction: only its tail counts
            return
        tag = tag.lower()
        if tag in SKIP_TAGS or boilerplate(el):
            return
        block = tag in BLOCK_TAGS
        if block:
            parts.append("\n")
        if tag == "br":
            parts.append("\n")
        if el.text:
            parts.append(_WHITESPACE_RE.sub(" ", el.text))
        for child in el:
            walk(child)
            if child.tail:
                parts.append(_WHITESPACE_RE.sub(" ", child.tail))
        if block:
            parts.append("\n")

    if element is not None:
        walk(element)
    lines = (_SPACE_RE.sub(" ", line).strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


# --- trimming what the cascade keeps of the article header and footer ------------------------

#: a line that points elsewhere, wherever it stands ("Related: ...", "READ MORE: ...", a bare URL)
_PROMO_RE = re.compile(
    r"^\W{0,3}(?:related(?: post| articles?| stories)?|read more|read also|see more|see also|also on \S+|also|"
    r"more from \S+|watch|listen|leggi anche(?: su)?|lesen sie auch|xem thêm|đọc thêm|tin liên quan)\s*[:|\-–]"
    r"|^https?://\S+$"
    r"|\[(?:INSIGHT|VIDEO|REACTION|WARNING|NEWS|PICTURES|PHOTOS|POLL|LATEST|REVEAL|ANALYSIS)\]\W*$",
    re.I,
)
#: lines that end an article page rather than its text (newsletter, follow-us, reprints, app promos ...)
_FOOTER_RE = re.compile(
    r"^(?:write to .{3,80}@|email .{3,60} at \S+@|reach the reporters?|have a tip\b|this copy is for your personal|"
    r"an error has occurred|thank you\b|thanks for signing up|sign up\b|subscribe\b|click here\b|"
    r"follow (?:us|\S+ on|@)|get the latest|get .{0,40} on the go|get .{0,60} delivered|share this|"
    r"like this (?:story|article)|if you enjoyed this article|this article has been sent|"
    r"copyright\b.{0,80}(?:inc\.|ltd|llc|gmbh|company)|.{0,40}newsletters?\.?$|https?://\S+$)",
    re.I,
)


def _remove(el) -> None:
    """Remove an element of the cascade's output but keep its tail text (trafilatura leaves
    paragraphs as tails of headings), as the tail of the previous sibling or the parent's text."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail and el.tail.strip():
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _element_text(el) -> str:
    return _SPACE_RE.sub(" ", " ".join(el.itertext())).strip()


_BYLINE_RE = re.compile(
    r"^(?:by|bởi|von|par|por)\s+\S|\b\d{1,2}:\d{2}\b|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b", re.I)


def _trim_header(body, titles: set[str]) -> None:
    """Drop the header trafilatura keeps above the text: headings up to the headline, the headline,
    and a byline/dateline line opening the text. A standfirst under the headline stays: it is the
    article's lead (trafilatura's evaluation counts it as text; dropping it when it equals the page
    description won on the Zyte corpus and lost more on trafilatura's)."""
    children = list(body)
    if body.text and body.text.strip():
        return
    # index of the headline among the first elements
    cut = -1
    for i, el in enumerate(children[:8]):
        if _normalise(_element_text(el)) in titles:
            cut = i
    if cut >= 0 and cut + 1 < len(children):  # never trim the whole text away
        for el in children[: cut + 1]:
            if el.tag == "head" or _normalise(_element_text(el)) in titles or len(_element_text(el)) < 60:
                _remove(el)
    if len(body) > 1 and len(_element_text(body[0])) < 80 and _BYLINE_RE.search(_element_text(body[0])):
        _remove(body[0])


def _link_texts(tree) -> set[str]:
    """Normalised texts of the page's links of at least 4 words (headlines of other stories...)."""
    texts = set()
    for a in tree.iter("a"):
        text = _normalise(a.text_content())
        if text.count(" ") >= 3:
            texts.add(text)
    return texts


def _drop_promos(body, link_texts: set[str] = frozenset()) -> None:
    """Drop "Related: ..."-style lines and paragraphs/headings that are the whole text of a link."""
    for el in list(body):
        text = _element_text(el)
        if len(text) < 250 and _PROMO_RE.search(text):
            _remove(el)
        elif el.tag in ("p", "head") and len(text) < 250 and _normalise(text) in link_texts:
            _remove(el)
    for item in list(body.iter("item")):
        if _PROMO_RE.search(_element_text(item)) and item.getparent() is not None:
            _remove(item)


def _trim_footer(body) -> None:
    """Drop trailing headings and page-footer lines (``_FOOTER_RE``), keeping at least one element."""
    while len(body) > 1:
        last = body[-1]
        text = _element_text(last)
        if not text or _FOOTER_RE.match(text) or last.tag == "head":
            _remove(last)
        else:
            break


_PRECLEAN_RE = re.compile(
    r"(?:^|[\s_-])(?:newsletter|related|trending|recommended|outbrain|taboola|share|sharing|social|"
    r"subscribe|subscription|promo|more-?stories|also-?like|read-?next|popular|latest|teaser)(?:$|[\s_-])",
    re.I,
)
#: class tokens naming a post's categories and tags (WordPress ``post_class()``), not the block's role
_TAXONOMY_RE = re.compile(r"(?:^|\s)(?:category|tag|post_tag|topic|section)-\S*", re.I)


#: a list whose text is more than this share of link text is a list of links
LIST_LINK_DENSITY = 0.6


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


def _preclean(tree):
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
    doomed = []
    for el in tree.iter("div", "section", "aside", "ul", "ol", "p", "span", "figure"):
        attrs = _TAXONOMY_RE.sub(" ", f"{el.get('class', '')} {el.get('id', '')}")
        if attrs.strip() and _PRECLEAN_RE.search(attrs):
            if len(el.text_content()) <= total / 2 and (not total_prose or prose(el) <= total_prose / 2):
                doomed.append(el)
        elif el.tag in ("ul", "ol") and el.find("li") is not None:
            text = len(el.text_content().strip())
            linked = sum(len(a.text_content().strip()) for a in el.iter("a"))
            if text and linked / text > LIST_LINK_DENSITY or _is_headline_list(el):
                doomed.append(el)
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()  # keeps the tail text
    return tree

_CHUNK_CLASS_RE = re.compile(r"body|content|text|story|article|entry|chunk", re.I)


def _join_split_bodies(tree) -> None:
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
        ancestors = {id(a) for a in list(first.iterancestors())[:CHUNK_MAX_DEPTH]}
        for other in members[1:]:
            if first in other.iterancestors() or other in first.iterancestors():
                continue
            if not any(id(a) in ancestors for a in list(other.iterancestors())[:CHUNK_MAX_DEPTH]):
                continue
            gap = between(first, other)
            if any(is_linked_heading(el) for el in gap):
                break  # posts of a listing, each under its own linked title: not one article
            if sum(len(el.text_content()) for el in gap) > min(len(first.text_content()),
                                                                    len(other.text_content())):
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


#: theme containers that hold exactly the article text (WordPress, Zox News, schema.org microdata)
CONTAINER_XPATHS = (
    '//*[@id="mvp-content-main"]',
    '//*[contains(concat(" ", normalize-space(@class), " "), " entry-content ")]',
    '//*[@itemprop="articleBody"]',
)


def _fallback_root(tree):
    """Where the plain text of a short page is read: its first ``<article>`` or ``<main>`` with
    text, else ``<body>``, else the whole tree."""
    for xpath in ("//article", "//main", "//body"):
        for el in tree.xpath(xpath)[:1]:
            if el.text_content().strip():
                return el
    return tree


#: the theme container is read alone only when it holds this share of the page's prose: an article whose
#: text goes on outside it (a collapsed "read more" block after the container, a second body block) is not
#: cut short
CONTAINER_SHARE = 0.7


def _theme_container(tree):
    """The page's one known article-text container, or None (absent, or several: a listing)."""
    for xpath in CONTAINER_XPATHS:
        hits = tree.xpath(xpath)
        if len(hits) == 1:
            return hits[0]
        if hits:
            return None
    return None


def _as_page(container):
    page = lxml.html.Element("html")
    body = etree.SubElement(page, "body")
    body.append(copy.deepcopy(container))
    return page


def extract_body(html_or_tree, url: str | None = None, *, title: str | None = None) -> str:
    """Main text of an article page, one paragraph per line (``""`` if the page has none).

    ``html_or_tree``: HTML as str/bytes, or an lxml tree (left unmodified: it is copied).
    ``url``: the page URL, for the cascade's URL-aware rules. ``title``: the headline when already
    known (else the page's ``og:title`` / ``<h1>`` / ``<title>``), removed from the top of the text.
    Never raises on odd HTML: a page the cascade reads less than a paragraph from gets the plain
    text (``html_to_text``) of its ``<article>``, ``<main>`` or ``<body>``.
    """
    if isinstance(html_or_tree, etree._Element):
        tree = copy.deepcopy(html_or_tree)
    else:
        tree = to_tree(html_or_tree)
    if tree is None:
        return ""
    titles = {_normalise(t) for t in _title_candidates(tree, title) if t} - {""}
    link_texts = _link_texts(tree)
    repair_lists(tree)
    _preclean(tree)
    _join_split_bodies(tree)
    container = _theme_container(tree)
    if container is not None and prose(container) >= CONTAINER_SHARE * prose(tree):
        tree = _as_page(container)
    body, text = _cascade(tree, _OPTIONS, url)
    # below trafilatura's own minimum, its result is a rescue that splits words at inline tags;
    # such a short page is all article anyway
    if body is None or len(text) < _OPTIONS.min_extracted_size or not len(body):
        lines = html_to_text(_fallback_root(tree)).split("\n")
        if len(lines) > 1 and _normalise(lines[0]) in titles:
            lines = lines[1:]
        return unicodedata.normalize("NFC", "\n".join(lines))
    _trim_header(body, titles)
    _drop_promos(body, link_texts)
    _trim_footer(body)
    # NFC, as trafilatura returns its text: one spelling of each character (Bengali "য়" is U+09AF U+09BC
    # whether the page wrote it so or as U+09DF), so that searches and comparisons find it
    return unicodedata.normalize("NFC", xmltotxt(body, False).strip())


def _cascade(tree, options, url):
    try:
        body, text, _, _ = trafilatura_sequence(tree, options, url)
    except Exception:  # noqa: BLE001 - the cascade's internals must not lose the page
        return None, ""
    return body, text or ""


#: trafilatura settings: its full cascade (its own extractor compared with readability's and jusText's: the
#: fast mode alone read less on trafilatura's evaluation pages and no more on Zyte's), no comments, tables kept
_OPTIONS = Extractor(output_format="txt", fast=False, comments=False, tables=True, dedup=False)


def _title_candidates(tree, title):
    yield title
    for xpath in ('//meta[@property="og:title"]/@content', '//meta[@name="twitter:title"]/@content',
                  "//h1", "//title"):
        for hit in tree.xpath(xpath)[:2]:
            text = hit if isinstance(hit, str) else _element_text(hit)
            yield text
            # "Headline | Site name" / "Headline - Site"
            for sep in (" | ", " - ", " – ", " — ", " :: "):
                if sep in text:
                    yield text.split(sep)[0]
