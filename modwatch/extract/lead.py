"""The article's lead (standfirst) that trafilatura's cascade leaves out (:mod:`modwatch.extract.text`, step 4).

Sites print a lead paragraph between the headline and the text (``<p class="story-lead-text">``, ``<div
class="article__intro">``, ``<h2 class="article-deck">``); it is part of the article, but the cascade often starts at
the text's own container below it. ``lead_text`` finds it by its class or id and puts it back in front.
"""

from __future__ import annotations

import re

#: class/id words that name an article's lead (each a whole part of a class token split at "-", "_", " ")
LEAD_WORDS = frozenset("lead intro excerpt deck standfirst chapo teaser".split())
#: a lead is a sentence or a few: between these lengths
LEAD_CHARS = (60, 700)
#: ... with at most this share of its text in links
LEAD_LINK_SHARE = 0.2
#: ... and at most this much other text between it and the start of the extracted text
LEAD_GAP = 600

_SPACE_RE = re.compile(r"\s+")
_PARTS_RE = re.compile(r"[\s_-]+")


_UNSEEN = ("script", "style", "noscript", "template")
#: a lead ends a sentence
_SENTENCE_END_RE = re.compile(r"[.!?…:][\"'”»)]?$")


def _text(el) -> str:
    """Text of ``el`` as the page shows it (no script or style)."""
    parts = []
    for node in el.iter():
        if node is not el and (
            not isinstance(node.tag, str) or node.tag in _UNSEEN or any(a.tag in _UNSEEN for a in node.iterancestors())
        ):
            if node.tail and isinstance(node.tag, str) and not any(a.tag in _UNSEEN for a in node.iterancestors()):
                parts.append(node.tail)
            continue
        if node.text and (node is el or node.tag not in _UNSEEN):
            parts.append(node.text)
        if node is not el and node.tail:
            parts.append(node.tail)
    return _SPACE_RE.sub(" ", " ".join(parts)).strip()


def _names_lead(el) -> bool:
    parts = _PARTS_RE.split(f"{el.get('class', '')} {el.get('id', '')}".lower())
    return not LEAD_WORDS.isdisjoint(parts)


def lead_text(tree, text: str) -> str | None:
    """The lead of the page ``tree`` that the extracted ``text`` misses, or None.

    A lead is the page's one block named so (``LEAD_WORDS``) holding ``LEAD_CHARS`` of text, few links and no
    link around it, standing just before (``LEAD_GAP``) the start of ``text`` in the page. A listing has many
    such blocks (excerpts of several posts): none is taken.
    """
    first = _SPACE_RE.sub(" ", text.split("\n", 1)[0]).strip()[:60]
    if len(first) < 20:
        return None
    found: dict[str, object] = {}
    for el in tree.iter("p", "div", "h2", "h3", "span", "section"):
        if not _names_lead(el):
            continue
        if any(a.tag == "a" for a in el.iterancestors()) or any(
            el.find(f".//{tag}") is not None for tag in ("h1", "h2", "h3", "img", "figure", "figcaption")
        ):
            continue  # a header with the headline, a lead image and its caption
        lead = _text(el)
        if not LEAD_CHARS[0] <= len(lead) <= LEAD_CHARS[1] or not _SENTENCE_END_RE.search(lead):
            continue
        if sum(len(_text(a)) for a in el.iter("a")) > LEAD_LINK_SHARE * len(lead):
            continue
        found.setdefault(lead, el)
    # a lead block inside another one (``<div class="intro"><p class="intro-text">``) is one lead
    leads = [lead for lead in found if not any(lead != other and lead in other for other in found)]
    if len(leads) != 1:
        return None
    lead = leads[0]
    flat = _text(tree)
    at, start = flat.find(lead), flat.find(first)
    if at < 0 or start < 0 or lead in _SPACE_RE.sub(" ", text) or not 0 <= start - (at + len(lead)) <= LEAD_GAP:
        return None
    return lead
