"""Dates under an explicit publication key in a page's inline script data (not JSON-LD, see
:mod:`~modwatch.extract.dates.metadata`).

Shops, single-page apps and CMS themes often state the article's date only in the data they hand to their
scripts: ``{"published_at":"2019-03-02T06:22:28+01:00"}`` (Shopify), ``"publishedDate":"2016-11-04T20:37:27Z"``
(``<script type="application/json">`` state), ``window.__DATA__ = {... "datePublished": "..."}``. A value under
such a key is structured evidence of the page's own date, as JSON-LD is. Any other date in a script (a build
stamp, a cache time, a calendar widget's today) is not, and is never read: only the keys below count, and the
value must be a quoted date string.

The search is a regular expression over the text of the inline ``<script>`` elements; the finder runs it only
when metadata and the visible dateline gave nothing.
"""

from __future__ import annotations

import re

#: key -> rank (lower is more reliable) for the publication date; "created" keys of a database record
#: (``createdAt``) come last: a page's data also holds records of its images and blocks
PUBLISHED_SCRIPT_KEYS = {
    "datePublished": 0,
    "date_published": 0,
    "publishDate": 0,
    "publish_date": 0,
    "publishedDate": 0,
    "published_date": 0,
    "publishedAt": 0,
    "published_at": 0,
    "pubDate": 0,
    "pub_date": 0,
    "firstPublishedDate": 0,
    "first_published_at": 0,
    "publicationDate": 0,
    "publication_date": 0,
    "dateCreated": 1,
    "createdAt": 2,
    "created_at": 2,
}
#: keys of the last-modified date; for a publication date only the last resort
MODIFIED_SCRIPT_KEYS = {"dateModified": 0, "date_modified": 0, "modifiedDate": 0, "updatedAt": 1, "updated_at": 1}


def _key_regex(keys) -> re.Pattern:
    names = "|".join(sorted(keys, key=len, reverse=True))
    # "key": "value", 'key': 'value', key: "value", key = "value"; escaped quotes (\") of JSON inside a string
    return re.compile(r"""(?<![\w$])\\?["']?(%s)\\?["']?\s*[:=]\s*\\?["']([0-9A-Za-z][^"'\\<>]{5,38})\\?["']""" % names)


_REGEXES = {
    "published": (_key_regex(PUBLISHED_SCRIPT_KEYS), PUBLISHED_SCRIPT_KEYS),
    "modified": (_key_regex(MODIFIED_SCRIPT_KEYS), MODIFIED_SCRIPT_KEYS),
}


def inline_script_texts(tree) -> list[str]:
    """The text of the page's inline scripts that hold data: no ``src``, not JSON-LD (read as metadata), not
    HTML templates."""
    texts = []
    for script in tree.iter("script"):
        text = script.text
        if not text or script.get("src"):
            continue
        kind = (script.get("type") or "").lower()
        if "ld+json" in kind or "template" in kind or "html" in kind:
            continue
        texts.append(text)
    return texts


def script_dates(texts: list[str], kind: str) -> list[tuple[int, str, str]]:
    """``(rank, key, value)`` of the quoted date strings under publication (``kind="published"``) or
    modification (``"modified"``) keys in ``texts`` (from :func:`inline_script_texts`), best rank first, then in
    page order."""
    regex, keys = _REGEXES[kind]
    found = []
    for text in texts:
        for m in regex.finditer(text):
            found.append((keys[m.group(1)], m.group(1), m.group(2).strip()))
    found.sort(key=lambda item: item[0])  # stable: page order within a rank
    return found
