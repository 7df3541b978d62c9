"""Dates a page states in its metadata: JSON-LD (schema.org) and ``<meta>`` tags, ranked by reliability.

- JSON-LD: ``datePublished`` / ``dateCreated`` / ``dateModified`` of article-like objects (https://schema.org/Article),
  found at any depth (``@graph``, ``mainEntity``); broken JSON is read key by key.
- ``<meta>``: Open Graph ``article:published_time`` (https://ogp.me/#type_article), Dublin Core ``DC.date.issued``
  (https://www.dublincore.org/specifications/dublin-core/dcmi-terms/), ``pubdate``, ``sailthru.date``,
  ``parsely-pub-date``, ``itemprop="datePublished"`` ...; other names holding an ISO date rank last.
"""

from __future__ import annotations

import json
import re

from modwatch.extract import jsonld


def page_language(tree) -> str | None:
    """The page's declared language (``<html lang>``, ``og:locale``, ``content-language``), e.g. ``"de"``/``"en-GB"``."""
    candidates = [tree.get("lang"), tree.get("xml:lang"), tree.get("{http://www.w3.org/XML/1998/namespace}lang")]
    for meta in tree.iterfind(".//meta"):
        key = (meta.get("property") or meta.get("http-equiv") or meta.get("name") or "").lower()
        if key in ("og:locale", "content-language", "language", "dc.language"):
            candidates.append(meta.get("content"))
    for value in candidates:
        m = re.match(r"^\s*([A-Za-z]{2,3}(?:[-_][A-Za-z]{2,4})?)\s*(?:[,;]|$)", value or "")
        if m:
            return m.group(1).replace("_", "-")
    return None


# --------------------------------------------------------------------------------------- JSON-LD

_JSONLD_ARTICLE_TYPES = re.compile(
    r"article|posting|report|news|blog|review|story|recipe|video|podcast|"
    r"creativework|liveblog|opinion|analysis",
    re.I,
)


def jsonld_dates(tree, keys: tuple[str, ...]) -> list[tuple[int, str, str]]:
    """``(rank, key, value)`` for every date under ``keys`` in the page's JSON-LD; rank 0 for article-like types,
    1 for web pages and other types."""
    found = []
    for script in tree.iterfind(".//script[@type]"):
        if "ld+json" not in script.get("type", "").lower() or not script.text:
            continue
        text = script.text.strip()
        try:
            data = json.loads(text)
        except ValueError:
            for key in keys:  # broken JSON (unescaped quotes, trailing commas): read the key directly
                for m in re.finditer(r'"%s"\s*:\s*"([^"]{6,40})"' % key, text):
                    found.append((1, key, m.group(1)))
            continue
        for obj in jsonld.objects(data, deep=True):  # at any depth: @graph, mainEntity, ...
            types = obj.get("@type", "")
            types = " ".join(types) if isinstance(types, list) else str(types)
            if "comment" in types.lower():
                continue
            rank = 0 if _JSONLD_ARTICLE_TYPES.search(types) else 1
            for key in keys:
                value = obj.get(key)
                if isinstance(value, str) and value.strip():
                    found.append((rank, key, value.strip()))
    found.sort(key=lambda item: item[0])
    return found


# --------------------------------------------------------------------------------------- meta tags

#: meta name/property/itemprop (lower case) -> rank (lower is better), for the publication date
PUBLISHED_META = {
    "article:published_time": 0,
    "og:published_time": 0,
    "og:article:published_time": 0,
    "article:published": 1,
    "article.published": 1,
    "datepublished": 0,
    "published_time": 1,
    "published-date": 1,
    "publish-date": 1,
    "publish_date": 1,
    "publishdate": 1,
    "pubdate": 1,
    "pub_date": 1,
    "date_published": 1,
    "article_date_original": 1,
    "original-publish-date": 1,
    "originalpublicationdate": 1,
    "sailthru.date": 2,
    "parsely-pub-date": 1,
    "article.created": 2,
    "article:post_date": 1,
    "datecreated": 2,
    "dc.date.issued": 1,
    "dcterms.issued": 1,
    "dc.date.created": 2,
    "dcterms.created": 2,
    "dc.date": 3,
    "dcterms.date": 3,
    "date": 3,
    "citation_publication_date": 1,
    "citation_date": 2,
    "cxenseparse:recs:publishtime": 2,
    "article_date": 2,
    "date.created": 2,
    "last-publish-date": 4,
    "pdate": 2,
    "displaydate": 3,
    "dc.date.available": 3,
    "bt:pubdate": 2,
    "og:pubdate": 1,
    "published": 2,
    "creation_date": 3,
    "created": 3,
    "release_date": 3,
    "publication_date": 1,
    "publication-date": 1,
    "ptime": 2,
    "timestamp": 4,
    "nv:date": 3,
    "date_created": 2,
    "datepubl": 2,
    "firstpublished": 1,
    "first_published": 1,
    "date-published": 1,
}
MODIFIED_META = {
    "article:modified_time": 0,
    "og:updated_time": 0,
    "og:modified_time": 0,
    "datemodified": 0,
    "last-modified": 2,
    "dc.date.modified": 1,
    "dcterms.modified": 1,
    "article.updated": 1,
    "lastmod": 2,
    "modified_time": 1,
    "updated_time": 1,
    "article:modified": 1,
    "date_modified": 1,
    "last_updated": 2,
    "revised": 2,
    "utime": 2,
}


#: other meta names that hold a creation date (``five_hundred_pixels:uploaded``, ``article:created``), ranked last
_GENERIC_PUBLISHED_META_RE = re.compile(r"publish|creat|upload|issued|release|date$|^date|:date", re.I)
_GENERIC_EXCLUDED_META_RE = re.compile(r"modif|updat|expir|revis|valid|last|birth|end|start|event|copyright", re.I)


#: rank of weak names ("timestamp", "last-publish-date") and of unknown names holding an ISO date
GENERIC_META_RANK = 4
#: rank of names that say "a date" but not which ("date", "DC.date", "dcterms.date")
GENERIC_NAME_RANK = 3


def meta_dates(tree, table: dict[str, int]) -> list[tuple[int, str, str]]:
    """``(rank, name, content)`` of the page's date ``<meta>`` tags named in ``table`` (lower rank = more
    reliable), best first; for publication dates also unknown names that look like one and hold an ISO date
    (``five_hundred_pixels:uploaded``), ranked 9."""
    found = []
    generic = table is PUBLISHED_META
    for meta in tree.iterfind(".//meta"):
        content = meta.get("content") or meta.get("datetime") or meta.get("value")
        if not content:
            continue
        for attribute in ("property", "name", "itemprop", "http-equiv"):
            key = (meta.get(attribute) or "").strip().lower()
            if key in table:
                found.append((table[key], key, content.strip()))
                break
            if (
                generic
                and key
                and _GENERIC_PUBLISHED_META_RE.search(key)
                and not _GENERIC_EXCLUDED_META_RE.search(key)
                and re.match(r"\s*\d{4}-\d\d-\d\d", content)
            ):
                found.append((9, key, content.strip()))
                break
    found.sort(key=lambda item: item[0])
    return found
