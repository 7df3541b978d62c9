"""Page structure for :mod:`modwatch.extract.dates.visible`: which parts of a page are not the article's own header
or byline (comments, related lists, navigation, widgets headed "Related" or "Most read", footers), and how much a
date found inside them may count (``Exclusions``)."""

from __future__ import annotations

import re

#: class / id words marking parts of a page that are not the article's own header or byline; they must start a
#: class token or follow a "-"/"_" in it ("comment-list", "site_footer"), so that layout classes such as
#: "layoutTwoColumnsRightSidebar" or "has-sidebar" do not hide the whole page
_EXCLUDED_RE = re.compile(
    r"(?:^|\s|[-_])(?<!has-)(?<!with-)(?<!no-)(?:comment|related|recommend(?:ed|ations?)?|trending|popular|"
    r"newsletter|breadcrumb|menu|navbar|nav|advert|promo|cookie|copyright|outbrain|"
    r"taboola|read-?more|pager|pagination|calendar|archive|ticker|weather|signup|subscribe|author-bio|disqus|reply|"
    r"replies|respond|modal|popup|most|latest|recent|suggest|leserbrief|kommentar|teaser-?list|more-?articles|"
    r"today|heute|current-?date|logo|masthead)"
    r"(?=$|\s|[-_]|s\b|s[-_])",
    re.I,
)
#: footers: an article card's footer often holds its date, the site footer a copyright year; candidates there
#: count less but are not dropped
_SOFT_EXCLUDED_RE = re.compile(
    r"(?:^|\s|[-_])(?<!has-)(?<!with-)(?<!no-)(?:footer|foot|sidebar|teaser|share|sharing|social|"
    # spacing utilities ("gutter-half-bottom", "margin-bottom") are not the page bottom
    r"(?<!margin-)(?<!padding-)(?<!gutter-)(?<!half-)(?<!border-)(?<!space-)bottom)"
    r"(?=$|\s|[-_])",
    re.I,
)
_SOFT_EXCLUDED_TAGS = {"footer", "aside"}
_EXCLUDED_TAGS = {
    "nav",
    "script",
    "style",
    "noscript",
    "template",
    "form",
    "select",
    "button",
    "iframe",
    "svg",
    "head",
    "option",
    "textarea",
    "figcaption",
    "blockquote",
}
_EXCLUDED_ROLES = {"navigation"}
_TITLE_ANCESTOR = "title-ancestor"
#: a block opening with one of these headings is a widget of other pages' links, whatever its class says
_WIDGET_HEADING_RE = re.compile(
    r"^\W*(?:related|recommended|more (?:stories|news|from|on|articles)|most (?:read|popular|viewed|shared)|"
    r"popular|trending|you (?:may|might) (?:also )?like|read (?:next|more|also)|see also|latest|top stories|"
    r"comments?|\d+ comments?|leave a (?:reply|comment)|weitere artikel|mehr zum thema|meistgelesen|"
    r"das könnte sie auch interessieren|lire aussi|à lire aussi|tin liên quan|tin khác|đọc nhiều|xem thêm)\b",
    re.I,
)
_WIDGET_TAGS = {"div", "section", "aside", "ul", "ol"}
_HEADING_TAGS = {"h2", "h3", "h4", "h5", "h6"}


def _widget_heading(node) -> bool:
    """True when the block's first element is a short heading naming a widget ("Recommended stories",
    "Most read", "3 Comments")."""
    for child in node.iterchildren():
        if not isinstance(child.tag, str):
            continue
        heading = (
            child
            if child.tag in _HEADING_TAGS
            else next((h for h in child.iterchildren() if isinstance(h.tag, str) and h.tag in _HEADING_TAGS), None)
            if child.tag in ("header", "div") and len(child) <= 2
            else None
        )
        if heading is None:
            return False
        text = " ".join(" ".join(heading.itertext()).split())
        return len(text) <= 60 and bool(_WIDGET_HEADING_RE.search(text))
    return False


OK, SOFT, HARD = 0, 1, 2


class Exclusions:
    """Memoised test of where an element lies: ``HARD`` inside a sidebar, comment, navigation, related list,
    script ...; ``SOFT`` inside a footer; ``OK`` otherwise.

    Ancestors of the page's title (``h1``) are never taken for such parts: a wrapper that holds the title holds
    the article."""

    def __init__(self, tree=None):
        self.cache: dict = {}
        self.visible: dict = {}  # kind -> best visible date of the page (see visible_best)
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
            if tag in _WIDGET_TAGS and _widget_heading(node):
                result = HARD
                break
            if (
                tag in _SOFT_EXCLUDED_TAGS
                or node.get("role") in ("contentinfo", "complementary")
                or (names.strip() and _SOFT_EXCLUDED_RE.search(names))
            ):
                result = SOFT
            node = node.getparent()
        # an element's level is the worst level of itself and its ancestors
        for key, _below in chain:
            cache[key] = result
        return result
