"""Block structure helpers for body-text extraction (:mod:`modwatch.extract.text`): how much running text a block
holds, what lies between two blocks, and the repair of list markup an unclosed block has nested.

Pure functions over lxml trees; ``repair_lists`` changes the tree in place.
"""

from __future__ import annotations

import re

import lxml.html

#: a paragraph ending a sentence at its very last character (no space after the full stop: a link's text does not
#: follow it)
_SENTENCE_END_RE = re.compile(r"[.!?…][\"'”»)]?$")


def prose(el) -> int:
    """Characters of running text in ``el``: its paragraphs' text outside links."""
    size = 0
    for p in el.iter("p"):
        text = len(p.text_content())
        linked = sum(len(a.text_content()) for a in p.iter("a"))
        size += max(0, text - linked)
    return size


def repair_lists(tree) -> None:
    """Undo what an unclosed block inside a list item does to the parse (in place).

    ``<ul><li>one<div></li><li>two</li></ul><p>after</p>``: the parser nests the following items *and the
    paragraphs after the list* inside the open ``<div>`` of the first item, so the items come out glued
    (``- one- two``) and the paragraphs as one. Such a block (a child of an item holding items of its own,
    outside any list) is unwrapped: its items become items of the list, what follows them goes after the list.
    """
    for item in list(tree.iter("li")):
        outer = item.getparent()
        if outer is None or outer.tag not in ("ul", "ol"):
            continue
        for block in [child for child in item if child.tag in ("div", "section", "span", "p")]:
            if block.find("li") is None:
                continue
            anchor_item, anchor_after = item, outer
            in_list = True
            if block.text and block.text.strip():
                item.append(lxml.html.Element("span"))
                item[-1].text = block.text
            for child in list(block):
                if in_list and child.tag == "li":
                    anchor_item.addnext(child)
                    anchor_item = child
                else:
                    in_list = False
                    anchor_after.addnext(child)  # lxml moves the element's tail text with it
                    anchor_after = child
            block.drop_tree()


def is_linked_heading(el) -> bool:
    """True for a heading holding a link, or a block holding such a heading (a post title in a listing)."""
    return any(h.find(".//a") is not None for h in el.iter("h1", "h2", "h3"))


def between(first, other) -> list:
    """The elements after ``first`` and before ``other`` at the level of their closest common ancestor,
    in page order (``other`` follows ``first``), each the whole branch holding none of the two."""
    first_line = [first, *first.iterancestors()]
    other_line = [other, *other.iterancestors()]
    common = next((a for a in first_line if a in other_line), None)
    if common is None or common is first or common is other:
        return []
    start = first_line[first_line.index(common) - 1]
    stop = other_line[other_line.index(common) - 1]
    out = []
    node = start.getnext()
    while node is not None and node is not stop:
        if isinstance(node.tag, str):
            out.append(node)
        node = node.getnext()
    if node is None:  # other comes before first: nothing is "between" in page order
        return []

    def siblings(node, forward):
        found = []
        sibling = node.getnext() if forward else node.getprevious()
        while sibling is not None:
            if isinstance(sibling.tag, str):
                found.append(sibling)
            sibling = sibling.getnext() if forward else sibling.getprevious()
        return found if forward else found[::-1]

    # the rest of first's branch after it (inner levels first), then the siblings between the branches,
    # then the start of other's branch before it (outer levels first)
    after_first = [el for node in first_line[: first_line.index(start)] for el in siblings(node, True)]
    before_other = [el for node in reversed(other_line[: other_line.index(stop)]) for el in siblings(node, False)]
    return after_first + out + before_other


def rejoin_split_paragraphs(body) -> None:
    """Mend paragraphs that the cascade split at an inline element (in place).

    trafilatura's fallbacks cut a ``<div>`` of text, links and ``<br>`` into ``<p>`` elements
    around the link, leaving its text bare between two paragraphs (``<p>NEW DELHI: </p>Pakistan
    <p>'s approach ...</p>``). Text outside any paragraph between two blocks never stands alone in
    an article: it goes back into the paragraph before it, and the paragraph after it joins them
    when it carries on the sentence (it does not start with a capital letter or a digit). Text starting with a
    capital letter right after a paragraph that ends a sentence goes into it on a line of its own.
    """
    for p in list(body.iter("p")):
        tail = p.tail
        if p.getparent() is None or not tail or not tail.strip():
            continue
        if _SENTENCE_END_RE.search("".join(p.itertext())) and tail[:1].isupper():
            # a paragraph ended and the text after it starts a new one (``<p>... wird.</p>Das Programm ...``):
            # it goes on a line of its own (trafilatura's ``<lb/>``), not glued to the sentence before ("wird.Das")
            p.append(p.makeelement("lb", {}))
            p[-1].tail, p.tail = tail, None
            continue
        if len(p):
            p[-1].tail = (p[-1].tail or "") + tail
        else:
            p.text = (p.text or "") + tail
        p.tail = None
        following = p.getnext()
        start = (following.text or "").lstrip()[:1] if following is not None else ""
        if following is None or following.tag != "p" or not start or start.isupper() or start.isdigit():
            continue
        if len(p):
            p[-1].tail = (p[-1].tail or "") + (following.text or "")
        else:
            p.text = (p.text or "") + (following.text or "")
        for child in list(following):
            p.append(child)
        p.tail = following.tail
        following.getparent().remove(following)
