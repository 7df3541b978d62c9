"""Trimming what trafilatura's cascade keeps around an article's text (:mod:`modwatch.extract.text`, step 4):
the header (section label, headline, byline), "Related: ..." lines and paragraphs that are a whole link to another
page, and the page footer (newsletter, follow-us, reprint and "write to" lines).

Functions over the cascade's output tree (``<doc>``/``<body>`` of ``p``, ``head``, ``list``/``item`` elements),
changing it in place.
"""

from __future__ import annotations

import re
import unicodedata

_SPACE_RE = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")


def normalise(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a line, for comparisons."""
    text = unicodedata.normalize("NFKD", text or "").casefold()
    return " ".join(re.findall(r"\w+", text))


#: a line that points elsewhere, wherever it stands ("Related: ...", "READ MORE: ...", a bare URL)
_PROMO_RE = re.compile(
    r"^\W{0,3}(?:related(?: post| articles?| stories)?|read more|read also|see more|see also|also on \S+|also|"
    r"more from \S+|watch|listen|leggi anche(?: su)?|lesen sie auch|xem thêm|đọc thêm|tin liên quan)\s*[:|\-–]"
    # the same label in other languages, with its link after a colon or alone on its line
    r"|^\W{0,3}(?:[àa] lire aussi|lire aussi|auch lesen|(?:zum )?weiterlesen|lesen sie auch|auch interessant|"
    r"mehr zum thema(?: \S+)?|das könnte (?:dich|sie) auch interessieren|le puede interesar|l[eé]a también|"
    r"vea también|lee también|leia também|czytaj (?:też|także|również)|lees ook|läs också|les også)\s*(?:[:|\-–]|\W*$)"
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


def element_text(el) -> str:
    return _SPACE_RE.sub(" ", " ".join(el.itertext())).strip()


_BYLINE_RE = re.compile(
    r"^(?:by|bởi|von|par|por)\s+\S|\b\d{1,2}:\d{2}\b|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b", re.I
)


def trim_header(body, titles: set[str]) -> None:
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
        if normalise(element_text(el)) in titles:
            cut = i
    if cut >= 0 and cut + 1 < len(children):  # never trim the whole text away
        for el in children[: cut + 1]:
            if el.tag == "head" or normalise(element_text(el)) in titles or len(element_text(el)) < 60:
                _remove(el)
    if len(body) > 1 and len(element_text(body[0])) < 80 and _BYLINE_RE.search(element_text(body[0])):
        _remove(body[0])


def link_texts(tree) -> set[str]:
    """Normalised texts of the page's links to other pages of at least 4 words (headlines of other stories...).
    A link within the page (``href="#…"``: a table of contents naming the article's own sections) or to an email
    address or phone number points nowhere else."""
    texts = set()
    for a in tree.iter("a"):
        if (a.get("href") or "").strip().lower().startswith(("#", "mailto:", "tel:")):
            continue
        text = normalise(a.text_content())
        if text.count(" ") >= 3:
            texts.add(text)
    return texts


def drop_promos(body, link_texts: set[str] = frozenset()) -> None:
    """Drop "Related: ..."-style lines and paragraphs/headings that are the whole text of a link."""
    for el in list(body):
        text = element_text(el)
        if len(text) < 250 and _PROMO_RE.search(text):
            _remove(el)
        elif el.tag in ("p", "head") and len(text) < 250 and normalise(text) in link_texts:
            _remove(el)
    for item in list(body.iter("item")):
        if _PROMO_RE.search(element_text(item)) and item.getparent() is not None:
            _remove(item)


def trim_footer(body) -> None:
    """Drop trailing headings and page-footer lines (``_FOOTER_RE``), keeping at least one element."""
    while len(body) > 1:
        last = body[-1]
        text = element_text(last)
        if not text or _FOOTER_RE.match(text) or last.tag == "head":
            _remove(last)
        else:
            break


#: a slide counter ("4 von 17", "12 / 50", "3 of 20"): a number, at most a short word or sign, the count
_COUNTER_RE = re.compile(r"^\d{1,3}\s*(?:[^\w\s]|[^\W\d_]{1,4})\s*(\d{1,3})$")
#: what a gallery repeats is short: a control ("Bild anzeigen") or a photographer's credit
REPEATED_LINE_MAX = 40
#: ... and repeated at least this often
REPEATS = 3


def _text_lines(body) -> list:
    """Paragraphs and headings holding text, outside tables and lists, in page order (``<p>`` of a kept fallback
    result may sit in ``<div>`` elements of their own)."""
    lines = []
    for el in body.iter("p", "head"):
        if any(a.tag in ("cell", "item", "row", "table", "list", "ul", "ol") for a in el.iterancestors()):
            continue
        if element_text(el):
            lines.append(el)
    return lines


def drop_gallery_lines(body) -> None:
    """Drop the controls and credits of a photo gallery or slideshow that the cascade kept with the text.

    Two shapes, neither of which an article's own text takes: slide counters with one total ("1 von 17" ...
    "17 von 17", at least ``REPEATS``), which go with the short lines standing by each of them ("Bild anzeigen",
    "Bild schließen"); and the same short line ``REPEATS`` times or more in a row (a photographer's credit under
    each of 44 slides whose images are gone). The slides' own captions or steps stay; a short line repeated
    apart from counters (a meal plan's "Eat every 2-3 hours" under each meal) stays too.
    """
    lines = _text_lines(body)
    keys = [
        normalise(element_text(el)) if len(element_text(el)) <= REPEATED_LINE_MAX and not len(el) else None
        for el in lines
    ]
    doomed: set[int] = set()
    counters: dict[str, list[int]] = {}
    for i, el in enumerate(lines):
        m = keys[i] is not None and _COUNTER_RE.match(element_text(el))
        if m:
            counters.setdefault(m[1], []).append(i)
    for members in counters.values():
        if len(members) < REPEATS:
            continue
        doomed.update(members)
        # the short lines by each counter ("Bild anzeigen" / "Bild schließen" just before it)
        by_counter: dict[str, set[int]] = {}
        for i in members:
            for step in (-1, 1):
                j = i + step
                while 0 <= j < len(lines) and keys[j] and j not in members:
                    by_counter.setdefault(keys[j], set()).add(i)
                    j += step
        for key, seen in by_counter.items():
            if len(seen) >= REPEATS:
                doomed.update(j for j, other in enumerate(keys) if other == key)
    start = 0
    for i in range(1, len(lines) + 1):
        if i < len(lines) and keys[i] is not None and keys[i] == keys[start]:
            continue
        if keys[start] is not None and i - start >= REPEATS:
            doomed.update(range(start, i))
        start = i
    for i in doomed:
        if lines[i].getparent() is not None:
            _remove(lines[i])
