"""schema.org JSON-LD embedded in a page: its ``<script type="application/ld+json">`` blocks,
parsed and walked. Pure (an lxml tree in, Python objects out).

Embedding: JSON-LD 1.1, section 7.3 (https://www.w3.org/TR/json-ld11/#embedding-json-ld-in-html-documents);
vocabulary: https://schema.org/. A block is read as the script element's whole text (lxml's
``.text`` of a ``<script>`` is its one text node, what BeautifulSoup calls ``.string``),
with CMS wrappers removed (``<![CDATA[ ... ]]>``, ``//`` comment markers, a trailing ``;``).

- :func:`blocks` yields ``(text, data)`` per block; ``data`` is ``None`` for broken JSON
  (unescaped quotes, trailing commas), so a caller can still read keys from ``text``.
- :func:`objects` walks parsed data: lists and ``@graph`` always; with ``deep=True`` also nested
  entities (``mainEntity``, ``hasPart`` ... and any object value except ``author``,
  ``publisher``, ``image`` and ``comment``), which is how dates hide under a ``WebPage``.
- :func:`types` gives an object's ``@type`` names without IRI prefix.

Used by :mod:`modwatch.extract.article`; ``modwatch.extract.dates.metadata`` still has its own
walker (its ``_jsonld_objects`` equals ``objects(data, deep=True)``) and can switch to this one.
"""

from __future__ import annotations

import json
import re
from typing import Iterator

#: nesting limit of the walk (pages nest ``@graph`` in lists in objects; deeper is never an article)
MAX_DEPTH = 6
#: keys :func:`objects` always walks into with ``deep=True``
ENTITY_KEYS = frozenset({"@graph", "mainEntity", "mainEntityOfPage", "itemListElement", "hasPart", "about"})
#: keys :func:`objects` never walks into otherwise with ``deep=True`` (their objects are no page content)
SKIPPED_KEYS = frozenset({"author", "publisher", "image", "comment"})

_CDATA_RE = re.compile(r"^(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>$")
_SCRIPTS_XPATH = '//script[contains(translate(@type, "LDJSON", "ldjson"), "ld+json")]'


def blocks(tree) -> Iterator[tuple[str, object | None]]:
    """``(text, data)`` for each JSON-LD script of ``tree`` (an lxml element), in page order.

    ``text`` is the script's text, stripped of CDATA wrappers and a trailing ``;``; ``data`` the
    parsed JSON, or ``None`` when ``text`` is not valid JSON. Empty scripts are skipped.
    """
    for script in tree.xpath(_SCRIPTS_XPATH):
        text = _CDATA_RE.sub("", (script.text or "").strip()).strip().rstrip(";").strip()
        if not text:
            continue
        try:
            yield text, json.loads(text)
        except ValueError:
            yield text, None


def objects(data, *, deep: bool = False, depth: int = 0) -> Iterator[dict]:
    """Every JSON object in ``data`` (parsed JSON-LD), each before the objects inside it.

    Lists and ``@graph`` are flattened; with ``deep`` also the nested entities described in the
    module docstring. Stops :data:`MAX_DEPTH` levels down.
    """
    if depth > MAX_DEPTH:
        return
    if isinstance(data, list):
        for item in data:
            yield from objects(item, deep=deep, depth=depth + 1)
    elif isinstance(data, dict):
        yield data
        if not deep:
            if "@graph" in data:
                yield from objects(data["@graph"], deep=deep, depth=depth + 1)
            return
        for key, value in data.items():
            if key in ENTITY_KEYS or isinstance(value, (list, dict)) and key not in SKIPPED_KEYS:
                yield from objects(value, deep=deep, depth=depth + 1)


def page_objects(tree, *, deep: bool = False) -> Iterator[dict]:
    """:func:`objects` of every parsable JSON-LD block of ``tree``, in page order."""
    for _, data in blocks(tree):
        if data is not None:
            yield from objects(data, deep=deep)


def types(obj: dict) -> set[str]:
    """``@type`` of ``obj`` as a set of names, IRIs cut to their last part
    (``"http://schema.org/NewsArticle"`` -> ``{"NewsArticle"}``)."""
    value = obj.get("@type")
    values = value if isinstance(value, list) else [value]
    return {v.rsplit("/", 1)[-1] for v in values if isinstance(v, str)}
