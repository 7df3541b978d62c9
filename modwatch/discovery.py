"""Article discovery on WordPress-style news sites: pure functions, no Scrapy, no I/O.

Three ways to find the articles of a site (section, category), each a few pure functions from
the bytes of a response to URLs or article dicts:

- **WordPress REST API** (``/wp-json/wp/v2/``, https://developer.wordpress.org/rest-api/reference/posts/):
  :func:`wp_categories_url` + :func:`category_id_from_rest` find a category id from its slug,
  :func:`wp_posts_url` pages through ``/wp/v2/posts?categories=ID&_embed``, :func:`total_pages`
  reads the ``X-WP-TotalPages`` header, :func:`parse_rest_posts` checks the JSON and
  :func:`article_from_wp_post` turns one post object (with ``_embedded`` author, featured media
  and terms) into the ArticleItem "what the page says" fields.
- **RSS 2.0 / Atom feeds** (:mod:`modwatch.feeds`) read with feedparser (https://feedparser.readthedocs.io/):
  :func:`parse_feed` -> :class:`FeedEntry` list (dates feedparser cannot read, such as
  ``Chủ Nhật, 09/07/2023 13:42``, re-parsed in the feed's language with
  :func:`modwatch.extract.dates.parse_feed_date`); :func:`article_from_feed_entry` builds an
  article from an entry that carries the full text (``content:encoded``), used when the article
  page itself cannot be fetched; :func:`wp_category_feed_url` gives ``/category/SLUG/feed/``.
- **XML sitemaps** (https://www.sitemaps.org/protocol.html; WordPress core ``wp-sitemap.xml``,
  Yoast SEO / Rank Math ``sitemap_index.xml``) read with lxml the way Scrapy's
  ``scrapy.utils.sitemap.Sitemap`` reads them (no entities, no DTD, no network, streamed), at most
  :data:`MAX_SITEMAP_BYTES`: :func:`parse_sitemap` -> :class:`Sitemap` (index or urlset, each
  entry with ``loc`` and ``lastmod``).

Plus :func:`listing_links` (article links on an HTML category/archive page) and
:func:`is_article_url` (the site's article URL pattern, e.g. ``/YYYY/MM/slug/``).

Errors: every parser raises :class:`DiscoveryError` (a ``ValueError``) with a clear message when
the input is not what the method expects (HTML instead of JSON, a 404 page instead of a feed...),
so the caller can fall back to the next discovery method.
"""

from __future__ import annotations

import gzip
import html
import io
import json
import re
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urldefrag, urlencode, urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html

from modwatch.extract.text import html_to_text

#: the ``discovered_via`` values (ArticleItem field) of each method
DISCOVERY_METHODS = ("wp-rest", "rss", "sitemap", "listing")

#: WordPress permalinks ``/%year%/%monthnum%/%postname%/`` (thevietnamese.org uses them)
YEAR_MONTH_SLUG = r"/\d{4}/\d{2}/[^/?#]+/?$"


def fragment_text(fragment: str) -> str:
    """Body text of an HTML fragment (REST ``content.rendered``, feed ``content:encoded``):
    one paragraph per line, by :func:`modwatch.extract.text.html_to_text`.

    The fragment *is* the article, so the boilerplate filter (share bars, captions...) may
    only trim it: when it would drop more than half of the text (page builders such as
    Elementor wrap every paragraph in ``elementor-widget`` blocks), the unfiltered text is kept.
    """
    if not fragment or not fragment.strip():
        return ""
    tree = lxml_html.fragment_fromstring(fragment, create_parent="div")
    filtered = html_to_text(tree)
    unfiltered = html_to_text(tree, skip_boilerplate=False)
    return filtered if len(filtered) * 2 >= len(unfiltered) else unfiltered


class DiscoveryError(ValueError):
    """The response is not a usable REST JSON / feed / sitemap document (message says why)."""


# --- WordPress REST API ------------------------------------------------------------------


def wp_api_root(base_url: str) -> str:
    """``https://example.org/`` -> ``https://example.org/wp-json/wp/v2/`` (the REST v2 namespace)."""
    return urljoin(base_url if base_url.endswith("/") else base_url + "/", "wp-json/wp/v2/")


def wp_categories_url(base_url: str, slug: str) -> str:
    """URL of the category lookup by slug: ``/wp-json/wp/v2/categories?slug=SLUG``."""
    return wp_api_root(base_url) + "categories?" + urlencode({"slug": slug})


def wp_posts_url(base_url: str, category_id: int | None, page: int = 1, per_page: int = 100) -> str:
    """URL of one page of a category's posts with embedded author/media/terms.

    ``/wp-json/wp/v2/posts?categories=ID&_embed&per_page=N&page=P`` (no ``categories`` when
    ``category_id`` is None: all posts). WordPress caps ``per_page`` at 100.
    """
    params = {"categories": category_id} if category_id is not None else {}
    query = urlencode({**params, "_embed": "", "per_page": per_page, "page": page})
    return wp_api_root(base_url) + "posts?" + query.replace("_embed=&", "_embed&")


def _load_json(data: bytes | str, what: str):
    try:
        return json.loads(data)
    except (ValueError, TypeError) as exc:
        start = (data[:60] if isinstance(data, str) else data[:60].decode("utf-8", "replace")).strip()
        raise DiscoveryError(f"{what}: not JSON ({exc.__class__.__name__}: {exc}); starts {start!r}") from exc


def category_id_from_rest(data: bytes | str, slug: str) -> int | None:
    """Id of the category whose ``slug`` matches in a ``/wp/v2/categories`` JSON list.

    Returns None when the list has no such category (WordPress answers ``[]`` for an unknown
    slug). Raises :class:`DiscoveryError` if the body is not a JSON list.
    """
    categories = _load_json(data, "WP REST categories")
    if not isinstance(categories, list):
        raise DiscoveryError(f"WP REST categories: expected a JSON list, got {type(categories).__name__}")
    for category in categories:
        if isinstance(category, dict) and category.get("slug") == slug:
            return int(category["id"])
    return None


def total_pages(headers) -> int:
    """Number of result pages from the ``X-WP-TotalPages`` header (1 if absent or garbled).

    ``headers`` is any mapping with ``get`` (Scrapy ``Headers`` values are bytes).
    """
    value = headers.get("X-WP-TotalPages") or headers.get(b"X-WP-TotalPages")
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    try:
        return max(1, int(str(value).strip()))
    except (TypeError, ValueError):
        return 1


def parse_rest_posts(data: bytes | str) -> list[dict]:
    """The post objects of a ``/wp/v2/posts`` response; :class:`DiscoveryError` if not a JSON list.

    A WordPress error object (``{"code": "rest_post_invalid_page_number", ...}``) also raises.
    """
    posts = _load_json(data, "WP REST posts")
    if isinstance(posts, dict) and "code" in posts:
        raise DiscoveryError(f"WP REST posts: error {posts.get('code')!r}: {posts.get('message')!r}")
    if not isinstance(posts, list):
        raise DiscoveryError(f"WP REST posts: expected a JSON list, got {type(posts).__name__}")
    return [post for post in posts if isinstance(post, dict)]


def _rendered(value) -> str:
    """WordPress ``{"rendered": "..."}`` -> plain text with entities decoded."""
    if isinstance(value, dict):
        value = value.get("rendered", "")
    text = re.sub(r"<[^>]+>", "", value or "")
    return html.unescape(text).strip()


def _wp_date(local: str | None, gmt: str | None) -> tuple[str | None, str | None, str | None]:
    """(UTC ISO ``...Z``, raw local string, offset ``+07:00``) from a post's ``date``/``date_gmt``."""
    if not gmt:
        return None, local, None
    try:
        gmt_dt = datetime.fromisoformat(gmt)
    except ValueError:
        return None, local or gmt, None
    utc_iso = gmt_dt.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"
    offset = None
    if local:
        try:
            minutes = round((datetime.fromisoformat(local) - gmt_dt).total_seconds() / 60)
            sign = "+" if minutes >= 0 else "-"
            offset = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
        except (ValueError, TypeError):
            offset = None
    return utc_iso, local or gmt, offset


def article_from_wp_post(post: dict, *, language: str | None = None, section: str | None = None) -> dict:
    """ArticleItem "what the page says" fields from one WP REST post object.

    Reads ``link`` (the permalink WordPress serves, percent-encoded; else Yoast's
    ``yoast_head_json.canonical``) as the canonical URL,
    ``title.rendered``, ``content.rendered`` (body text via
    :func:`modwatch.extract.text.html_to_text`), ``date``/``date_gmt`` and
    ``modified``/``modified_gmt`` (WordPress gives local time and UTC without offsets: the
    offset is their difference), ``_embedded.author[].name``,
    ``_embedded["wp:term"]`` (taxonomy ``category`` -> section, ``post_tag`` -> tags) and
    ``_embedded["wp:featuredmedia"][0].source_url``. ``section``: the label to prefer when
    the post has it among its categories (e.g. the category being followed).
    """
    yoast = post.get("yoast_head_json") or {}
    url = post.get("link") or yoast.get("canonical")
    embedded = post.get("_embedded") or {}
    authors = [a["name"] for a in embedded.get("author") or [] if isinstance(a, dict) and a.get("name")]
    if not authors:  # no _embed: Yoast's byline, or the common "author_info" plugin field
        name = yoast.get("author") or (post.get("author_info") or {}).get("display_name")
        authors = [name] if name else []
    categories, tags = [], []
    for group in embedded.get("wp:term") or []:
        for term in group or []:
            if not isinstance(term, dict):
                continue
            name = html.unescape(term.get("name") or "")
            if term.get("taxonomy") == "category":
                categories.append(name)
            elif term.get("taxonomy") == "post_tag":
                tags.append(name)
    image_url = None
    for media in embedded.get("wp:featuredmedia") or []:
        if isinstance(media, dict) and media.get("source_url"):
            image_url = media["source_url"]
            break
    image_url = image_url or post.get("jetpack_featured_media_url") or None
    published, published_raw, published_offset = _wp_date(post.get("date"), post.get("date_gmt"))
    modified, modified_raw, modified_offset = _wp_date(post.get("modified"), post.get("modified_gmt"))
    content = (post.get("content") or {}).get("rendered") or ""
    return {
        "url": url,
        "title": _rendered(post.get("title")),
        "authors": authors,
        "published_at": published,
        "published_at_raw": published_raw,
        "published_at_offset": published_offset,
        "published_at_precision": "second" if published else None,
        "modified_at": modified,
        "modified_at_raw": modified_raw,
        "modified_at_offset": modified_offset,
        "section": section if section in categories else (categories[0] if categories else None),
        "tags": tags,
        "image_url": image_url,
        "body": fragment_text(content),
        "language": language,
    }


# --- XML sitemaps -------------------------------------------------------------------------

#: child sitemaps of an index that list posts: core ``wp-sitemap-posts-post-N.xml``,
#: Yoast / Rank Math ``post-sitemap.xml``, ``post-sitemapN.xml``
POST_SITEMAP = r"(?:posts-post-\d+|post-sitemap\d*)\.xml(?:\.gz)?$"


@dataclass(frozen=True)
class SitemapEntry:
    """``<url>`` or ``<sitemap>`` of a sitemap: absolute ``loc`` and ``lastmod`` as written."""

    loc: str
    lastmod: str | None = None


@dataclass(frozen=True)
class Sitemap:
    """A parsed sitemap: ``kind`` is ``"index"`` (entries are sitemaps) or ``"urlset"``."""

    kind: str
    entries: tuple[SitemapEntry, ...] = field(default_factory=tuple)


#: the largest sitemap read, uncompressed: the sitemap protocol's limit (50 MB; sitemaps.org)
MAX_SITEMAP_BYTES = 50 * 1024 * 1024


#: how lxml reads a sitemap (Scrapy's ``Sitemap`` options): entities are not expanded, no DTD nor
#: anything else is loaded from the network, sloppy XML is recovered, comments and PIs dropped
_SITEMAP_XML = dict(
    resolve_entities=False,
    load_dtd=False,
    no_network=True,
    huge_tree=False,
    recover=True,
    remove_comments=True,
    remove_pis=True,
    remove_blank_text=True,
    collect_ids=False,
)


class SitemapTooLarge(DiscoveryError):
    """A sitemap past :data:`MAX_SITEMAP_BYTES`: plain, or a gzip body inflating past it (a decompression bomb)."""


def _gunzip_sitemap(data: bytes) -> bytes:
    """``data`` (a ``.xml.gz`` body) inflated chunk by chunk, at most :data:`MAX_SITEMAP_BYTES`.

    A cut or damaged gzip file yields what it inflated before the damage, as Scrapy's ``gunzip`` does.
    """
    inflated = bytearray()
    reader = gzip.GzipFile(fileobj=io.BytesIO(data))
    while True:
        try:
            chunk = reader.read1(64 * 1024)
        except (OSError, EOFError, struct.error, zlib.error) as exc:
            if inflated:
                break
            raise DiscoveryError(f"sitemap: unreadable gzip data ({exc})") from exc
        if not chunk:
            break
        inflated += chunk
        if len(inflated) > MAX_SITEMAP_BYTES:
            raise SitemapTooLarge(
                f"sitemap: {len(data)} gzip bytes inflate past {MAX_SITEMAP_BYTES} bytes, the sitemap protocol's limit"
            )
    return bytes(inflated)


def _local_name(element) -> str:
    """``url`` for ``{http://www.sitemaps.org/schemas/sitemap/0.9}url``; ``""`` for an entity node."""
    return element.tag.rpartition("}")[2] if isinstance(element.tag, str) else ""


def _sitemap_entries(events, url: str) -> Iterator[SitemapEntry]:
    """The ``<url>`` / ``<sitemap>`` elements of an iterparse, each freed once read (a long urlset streams)."""
    for event, element in events:
        if event != "end" or _local_name(element) not in ("url", "sitemap"):
            continue
        fields = {_local_name(child): (child.text or "").strip() for child in element}  # the last of a repeated tag
        element.clear()
        parent = element.getparent()
        while parent is not None and element.getprevious() is not None:
            del parent[0]
        if fields.get("loc"):
            yield SitemapEntry(loc=urljoin(url, fields["loc"]), lastmod=fields.get("lastmod"))


def parse_sitemap(data: bytes, url: str = "") -> Sitemap:
    """Parse a sitemap index or urlset (plain or gzip bytes).

    Tolerates what WordPress SEO plugins emit (Rank Math's comment before the XML
    declaration, ``<image:image>`` children). Raises :class:`DiscoveryError` for anything
    else (HTML page, empty body, other XML root, unreadable gzip), :class:`SitemapTooLarge` for
    a body, plain or inflated from gzip, past :data:`MAX_SITEMAP_BYTES`.
    """
    if data[:2] == b"\x1f\x8b":
        data = _gunzip_sitemap(data)
    elif len(data) > MAX_SITEMAP_BYTES:
        raise SitemapTooLarge(f"sitemap: {len(data)} bytes, past the sitemap protocol's limit of {MAX_SITEMAP_BYTES}")
    if not data.strip():
        raise DiscoveryError("sitemap: empty body")
    events = etree.iterparse(io.BytesIO(data), events=("start", "end"), **_SITEMAP_XML)
    kinds = {"sitemapindex": "index", "urlset": "urlset"}
    try:
        _, root = next(events)
        if _local_name(root) not in kinds:
            raise DiscoveryError(f"sitemap: root element is <{_local_name(root)}>, not <urlset> or <sitemapindex>")
        return Sitemap(kind=kinds[_local_name(root)], entries=tuple(_sitemap_entries(events, url)))
    except (etree.XMLSyntaxError, StopIteration) as exc:
        raise DiscoveryError(f"sitemap: not XML ({exc or 'no element'})") from exc


def post_sitemaps(sitemap: Sitemap, follow: str = POST_SITEMAP) -> list[str]:
    """Child sitemaps of an index whose URL matches ``follow`` (posts, not pages/users/terms)."""
    pattern = re.compile(follow)
    return [e.loc for e in sitemap.entries if pattern.search(e.loc)]


# --- listings and URL patterns ------------------------------------------------------------


def is_article_url(url: str, pattern: str | None) -> bool:
    """True if ``url`` matches the site's article URL ``pattern`` (a regex searched in the
    URL's path; no pattern accepts every URL)."""
    if not pattern:
        return True
    return re.search(pattern, urlsplit(url).path) is not None


#: headline links of the posts on a WordPress archive page (``<article>`` headings, ``.entry-title``)
_HEADLINE_LINKS = (
    "//article//*[self::h1 or self::h2 or self::h3]//a/@href"
    " | //*[contains(concat(' ', normalize-space(@class), ' '), ' entry-title ')]//a/@href"
)


def listing_links(page_html: str, url: str, pattern: str | None) -> list[str]:
    """Absolute article links on an HTML listing page (category archive, home page), in page
    order, without duplicates or fragments, kept only if they match ``pattern`` and stay on
    the listing's host.

    When the page marks its posts (``<article>`` headings or ``.entry-title`` links, as
    WordPress themes do) only those links are taken, so menus and sidebars are left out;
    otherwise every link on the page is a candidate.
    """
    if not page_html.strip():
        return []
    tree = lxml_html.fromstring(page_html)
    hrefs = tree.xpath(_HEADLINE_LINKS) or tree.xpath("//a/@href")
    host = urlsplit(url).netloc
    seen, links = set(), []
    for href in hrefs:
        link = urldefrag(urljoin(url, href.strip()))[0]
        if urlsplit(link).netloc != host or link in seen or link.rstrip("/") == url.rstrip("/"):
            continue
        if is_article_url(link, pattern):
            seen.add(link)
            links.append(link)
    return links
