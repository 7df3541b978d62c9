"""The news sites file (``modwatch/sites.yaml``): load and validate it.

Format (documented with examples at the top of ``modwatch/sites.yaml``)::

    sites:
      - key: thevietnamese          # required, [a-z0-9_-]+, stored as articles.source
        name: The Vietnamese        # display name (default: key)
        base_url: https://www.thevietnamese.org/   # required, http(s)
        language: en                # ISO 639-1 of the site's articles (optional)
        discovery: [wp-rest, rss, sitemap]   # methods tried in this order until one answers
        categories: [internet-freedom]       # category slugs, or {slug: ..., id: 7}
        tags: []                    # tag slugs (feeds /tag/SLUG/feed/)
        feeds: []                   # explicit feed URLs (else derived from categories/tags, else /feed/)
        sitemaps: []                # sitemap URLs (default wp-sitemap.xml, then sitemap_index.xml)
        listings: []                # HTML listing pages whose links are articles (method "listing")
        start_urls: []              # single article pages always fetched
        article_url_pattern: '/\\d{4}/\\d{2}/[^/]+/$'   # regex on the URL path
        sitemap_follow: '...'       # regex: child sitemaps of an index to read (default: posts)
        rest_per_page: 100          # WP REST page size (1..100)
        max_pages: 5                # pages of REST results / feed pages to read (default 5)
        feed_fallback: true         # store a feed entry's full text if its page cannot be fetched
        relevance: ...              # passed through for the tagging pipeline (not read here)
        hosts: [thevietnamese.org]  # other hosts serving the same articles (the www./bare twin is implied)
        trailing_slash: add         # one URL form per article: add | strip (default: as found)
        verified: {status: unverified, date: null, note: ...}  # were these URLs checked live, and when

Errors: :func:`load_sites` raises :class:`SitesConfigError` naming the file, the site and
the problem (missing or binary file, unknown key, missing ``base_url``, bad regex, unknown
discovery method...). It is a :class:`modwatch.errors.ConfigurationError`: a crawl that
cannot start because of it logs one ``crawl not started: ...`` line, not a traceback.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import yaml

from modwatch.discovery import DISCOVERY_METHODS, POST_SITEMAP
from modwatch.errors import ConfigurationError

DEFAULT_SITES_FILE = Path(__file__).with_name("sites.yaml")
DEFAULT_SITEMAPS = ("wp-sitemap.xml", "sitemap_index.xml")


class SitesConfigError(ConfigurationError):
    """The sites file is invalid; the message names the file, the site and the problem."""


@dataclass(frozen=True)
class Category:
    """A WordPress category to follow: its slug, and its id when known (skips the REST lookup)."""

    slug: str
    id: int | None = None


@dataclass(frozen=True)
class Site:
    """One news site of the sites file (see the module docstring for each field)."""

    key: str
    base_url: str
    name: str = ""
    language: str | None = None
    discovery: tuple[str, ...] = ("wp-rest", "rss", "sitemap")
    categories: tuple[Category, ...] = ()
    tags: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    listings: tuple[str, ...] = ()
    start_urls: tuple[str, ...] = ()
    article_url_pattern: str | None = None
    sitemap_follow: str = POST_SITEMAP
    rest_per_page: int = 100
    max_pages: int = 5
    feed_fallback: bool = True
    relevance: object = None
    hosts: tuple[str, ...] = ()
    trailing_slash: str | None = None
    verified: dict | None = None
    extra: dict = field(default_factory=dict)

    def absolute(self, url: str) -> str:
        """``url`` resolved against ``base_url`` (config may give paths like ``feed/``)."""
        return urljoin(self.base_url, url)

    def canonical_url(self, url: str) -> str:
        """One URL per article of this site, however it was reached.

        A URL on one of the site's hosts (``base_url``'s host, its ``www.``/bare twin, ``hosts``)
        gets ``base_url``'s scheme and host; its path ends with ``/`` (``trailing_slash: add``) or
        not (``strip``) unless its last segment looks like a file (``.html``). Other URLs are
        returned unchanged.
        """
        parts = urlsplit(url)
        base = urlsplit(self.base_url)
        host = (parts.hostname or "").lower()
        if host.removeprefix("www.") not in {
            base.hostname.removeprefix("www."),
            *(h.lower().removeprefix("www.") for h in self.hosts),
        }:
            return url
        path = parts.path or "/"
        last = path.rstrip("/").rsplit("/", 1)[-1]
        if path != "/" and "." not in last:
            if self.trailing_slash == "add" and not path.endswith("/"):
                path += "/"
            elif self.trailing_slash == "strip":
                path = path.rstrip("/")
        return parts._replace(scheme=base.scheme, netloc=base.netloc, path=path).geturl()


_KEYS = {f for f in Site.__dataclass_fields__ if f != "extra"}
_LIST_KEYS = ("tags", "feeds", "sitemaps", "listings", "start_urls", "hosts")
_VERIFIED = {"unverified", "verified"}


def site_from_dict(raw: dict, where: str = "site") -> Site:
    """Validate one site mapping (the keys of the sites file) -> :class:`Site`;
    :class:`SitesConfigError` naming ``where`` and the problem."""
    if not isinstance(raw, dict):
        raise SitesConfigError(f"{where}: each site must be a mapping, got {type(raw).__name__}")
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise SitesConfigError(f"{where}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(_KEYS))}")
    for required in ("key", "base_url"):
        if not raw.get(required):
            raise SitesConfigError(f"{where}: missing {required}")
    key = str(raw["key"])
    where = f"{where} ({key})"
    if not re.fullmatch(r"[a-z0-9_-]+", key):
        raise SitesConfigError(f"{where}: key must match [a-z0-9_-]+")
    base_url = str(raw["base_url"])
    if urlsplit(base_url).scheme not in ("http", "https") or not urlsplit(base_url).netloc:
        raise SitesConfigError(f"{where}: base_url must be an absolute http(s) URL, got {base_url!r}")
    if not base_url.endswith("/"):
        base_url += "/"
    values = dict(raw, key=key, base_url=base_url, name=str(raw.get("name") or key))
    discovery = raw.get("discovery", Site.discovery)
    if isinstance(discovery, str):
        discovery = [discovery]
    bad = [m for m in discovery if m not in DISCOVERY_METHODS]
    if bad:
        raise SitesConfigError(f"{where}: unknown discovery method(s) {bad}; allowed: {list(DISCOVERY_METHODS)}")
    values["discovery"] = tuple(discovery)
    for name in _LIST_KEYS:
        value = raw.get(name) or []
        if isinstance(value, str) or not isinstance(value, list):
            raise SitesConfigError(f"{where}: {name} must be a list")
        values[name] = tuple(str(v) for v in value)
    categories = []
    for cat in raw.get("categories") or []:
        if isinstance(cat, str):
            categories.append(Category(cat))
        elif isinstance(cat, dict) and cat.get("slug") and set(cat) <= {"slug", "id"}:
            categories.append(Category(str(cat["slug"]), int(cat["id"]) if cat.get("id") is not None else None))
        else:
            raise SitesConfigError(f"{where}: a category is a slug or {{slug: ..., id: ...}}, got {cat!r}")
    values["categories"] = tuple(categories)
    language = raw.get("language")
    if language is not None and not re.fullmatch(r"[a-z]{2}", str(language)):
        raise SitesConfigError(f"{where}: language must be ISO 639-1 (two lowercase letters), got {language!r}")
    for name in ("article_url_pattern", "sitemap_follow"):
        if raw.get(name):
            try:
                re.compile(raw[name])
            except re.error as exc:
                raise SitesConfigError(f"{where}: {name} is not a valid regex: {exc}") from exc
    if "listing" in values["discovery"] and not raw.get("article_url_pattern"):
        raise SitesConfigError(f"{where}: discovery 'listing' needs article_url_pattern")
    for name in ("rest_per_page", "max_pages"):
        if name in raw and (not isinstance(raw[name], int) or raw[name] < 1):
            raise SitesConfigError(f"{where}: {name} must be a positive integer")
    if raw.get("rest_per_page", 1) > 100:
        raise SitesConfigError(f"{where}: rest_per_page cannot exceed 100 (WordPress limit)")
    if "feed_fallback" in raw and not isinstance(raw["feed_fallback"], bool):
        raise SitesConfigError(f"{where}: feed_fallback must be true or false")
    if not values.get("sitemap_follow"):
        values.pop("sitemap_follow", None)
    if raw.get("trailing_slash") not in (None, "add", "strip"):
        raise SitesConfigError(f"{where}: trailing_slash must be add or strip, got {raw['trailing_slash']!r}")
    verified = raw.get("verified")
    if verified is not None:
        if (
            not isinstance(verified, dict)
            or verified.get("status") not in _VERIFIED
            or not set(verified) <= {"status", "date", "note"}
        ):
            raise SitesConfigError(
                f"{where}: verified must be {{status: verified|unverified, date: YYYY-MM-DD, "
                f"note: ...}}, got {verified!r}"
            )
        if verified["status"] == "verified" and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(verified.get("date") or "")):
            raise SitesConfigError(f"{where}: verified sites need the date they were verified (date: YYYY-MM-DD)")
        values["verified"] = {**verified, "date": str(verified["date"]) if verified.get("date") else None}
    return Site(**values)


def load_sites(path: str | os.PathLike | None = None, keys: list[str] | None = None) -> list[Site]:
    """Read and validate a sites file; keep only ``keys`` (in file order) if given.

    ``path`` defaults to ``$MODWATCH_SITES_FILE``, then ``modwatch/sites.yaml``.
    Raises :class:`SitesConfigError` (missing or unreadable file, not UTF-8 text, invalid file,
    duplicate keys, unknown selected keys).
    """
    path = Path(path or os.environ.get("MODWATCH_SITES_FILE") or DEFAULT_SITES_FILE)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SitesConfigError(f"{path}: cannot read the sites file: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise SitesConfigError(
            f"{path}: not a UTF-8 text file (byte {exc.object[exc.start]:#04x} at offset {exc.start})"
        ) from exc
    except yaml.YAMLError as exc:
        raise SitesConfigError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(document, dict) or not isinstance(document.get("sites"), list):
        raise SitesConfigError(f"{path}: expected a mapping with a 'sites:' list")
    unknown_top = sorted(set(document) - {"sites"})
    if unknown_top:
        raise SitesConfigError(f"{path}: unknown top-level key(s) {unknown_top}")
    sites = [site_from_dict(raw, f"{path}: site #{i + 1}") for i, raw in enumerate(document["sites"])]
    seen = set()
    for site in sites:
        if site.key in seen:
            raise SitesConfigError(f"{path}: duplicate site key {site.key!r}")
        seen.add(site.key)
    if keys:
        missing = sorted(set(keys) - seen)
        if missing:
            raise SitesConfigError(f"{path}: no site(s) {missing}; known: {sorted(seen)}")
        sites = [s for s in sites if s.key in keys]
    return sites
