"""Article body text: the main text of a page, one paragraph per line.

``extract_body`` is what the spiders (through ``parse_article``) and ``benchmarks/article_extraction.py``
call. Steps, all generic (no rule is keyed to a site):

1. parse with trafilatura's lxml loader (HTML comments dropped: a comment inside a paragraph would split it);
   repair list items an unclosed block nested into one another (``blocks.repair_lists``);
2. pre-clean the tree: blocks whose class/id says newsletter, related, trending, share, social, promo...
   unless they hold most of the page's text or prose (the article's own wrapper), and lists of links,
   headlines or menu entries (``preclean``), but not the article's lead named a teaser (``keep_lead``); an
   article body split into containers with the same class is joined into one with what lies between them
   (``join_split_bodies``); when the page has exactly one known theme container of the article text (Zox News
   ``#mvp-content-main``, WordPress ``.entry-content``, schema.org ``[itemprop=articleBody]``) holding most of its
   prose, only that container is read;
3. run trafilatura's extraction cascade (its public ``bare_extraction``, no metadata: boilerplate pruning,
   main-content detection, tag conversion, comparison with readability and jusText as in trafilatura's
   default mode; its fast mode alone read less on trafilatura's evaluation pages);
4. trim what the cascade keeps around the text: the header (section label, headline, byline),
   "Related: ..." lines and paragraphs that are a whole link to another page, and the page footer
   (newsletter, follow-us, reprint and "write to" lines): :mod:`modwatch.extract.trim`; the article's lead
   (standfirst) above the text the cascade started below goes back in front (:mod:`modwatch.extract.lead`).

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
from trafilatura import bare_extraction, load_html
from trafilatura.settings import Extractor
from trafilatura.xml import xmltotxt

from modwatch.extract.blocks import prose, rejoin_split_paragraphs, repair_lists
from modwatch.extract.lead import lead_text
from modwatch.extract.preclean import join_split_bodies, keep_lead, preclean
from modwatch.extract.trim import (
    drop_promos,
    drop_gallery_lines,
    element_text,
    link_texts,
    normalise,
    trim_footer,
    trim_header,
)

#: tags whose start and end break the text into lines (HTML "flow content" that forms blocks)
BLOCK_TAGS = frozenset(
    "address article aside blockquote body center dd details dialog dir div dl dt fieldset figcaption figure "
    "footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main menu nav ol p pre section summary table tbody "
    "td tfoot th thead tr ul".split()
)
#: elements that are never body text
SKIP_TAGS = frozenset(
    "script style noscript template iframe svg canvas button select textarea input "
    "form nav aside footer figcaption head title meta link".split()
)
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
        return skip_boilerplate and el is not element and _is_boilerplate(el) and len(el.text_content()) < total / 2

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
    titles = {normalise(t) for t in _title_candidates(tree, title) if t} - {""}
    links = link_texts(tree)
    repair_lists(tree)
    keep_lead(tree)
    preclean(tree)
    join_split_bodies(tree)
    page = tree
    container = _theme_container(tree)
    if container is not None and prose(container) >= CONTAINER_SHARE * prose(tree):
        tree = _as_page(container)
    body, text = _cascade(tree, url)
    # below trafilatura's own minimum, its result is a rescue that splits words at inline tags;
    # such a short page is all article anyway
    if body is None or len(text) < _MIN_EXTRACTED_SIZE or not len(body):
        lines = html_to_text(_fallback_root(tree)).split("\n")
        if len(lines) > 1 and normalise(lines[0]) in titles:
            lines = lines[1:]
        return unicodedata.normalize("NFC", "\n".join(lines))
    rejoin_split_paragraphs(body)
    trim_header(body, titles)
    drop_promos(body, links)
    drop_gallery_lines(body)
    trim_footer(body)
    # NFC, as trafilatura returns its text: one spelling of each character (Bengali "য়" is U+09AF U+09BC
    # whether the page wrote it so or as U+09DF), so that searches and comparisons find it
    text = xmltotxt(body, False).strip()
    lead = lead_text(page, text)
    if lead:
        text = f"{lead}\n{text}"
    return unicodedata.normalize("NFC", text)


def _cascade(tree, url):
    """trafilatura's cascade through its public ``bare_extraction`` (no metadata): the body element it keeps
    (``<body>`` of ``p``/``head``/``list`` ..., serialised by ``trafilatura.xml.xmltotxt``) and its text."""
    options = Extractor(output_format="txt", fast=False, comments=False, tables=True, dedup=False, url=url)
    try:
        document = bare_extraction(tree, options=options)
    except Exception:  # noqa: BLE001 - the cascade's internals must not lose the page
        return None, ""
    if document is None:  # trafilatura found no text at all
        return None, ""
    return document.body, document.raw_text or ""


#: trafilatura settings: its full cascade (its own extractor compared with readability's and jusText's: the
#: fast mode alone read less on trafilatura's evaluation pages and no more on Zyte's), no comments, tables kept;
#: a result shorter than its ``min_extracted_size`` is a rescue (see ``extract_body``)
_MIN_EXTRACTED_SIZE = Extractor().min_extracted_size


def _title_candidates(tree, title):
    yield title
    for xpath in ('//meta[@property="og:title"]/@content', '//meta[@name="twitter:title"]/@content', "//h1", "//title"):
        for hit in tree.xpath(xpath)[:2]:
            text = hit if isinstance(hit, str) else element_text(hit)
            yield text
            # "Headline | Site name" / "Headline - Site"
            for sep in (" | ", " - ", " – ", " — ", " :: "):
                if sep in text:
                    yield text.split(sep)[0]
