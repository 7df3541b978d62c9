"""Cheap probes of every configured source: is it where modwatch looks, and does it still look the same?

One :class:`Probe` per thing modwatch downloads: each news site's WP REST posts endpoint, feed
and sitemap (``modwatch/sites.yaml``), and each transparency report's default download. A probe
follows redirects (and says where to), reads little (one REST post; a feed; a sitemap; a CSV's
first 256 KiB; a zip whole, since its directory is at its end, up to :data:`MAX_BYTES`), then
says whether the layout is one modwatch knows and the newest period or day it holds. Nothing is
stored. A redirect target is shown without its query string (a presigned URL's
``X-Amz-Signature`` is never printed).

``python -m modwatch check-sources`` (:mod:`cli.check_sources`) prints the table.
"""

from __future__ import annotations

import http.client
import re
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from modwatch import discovery, feeds
from modwatch.redact import redact_url
from modwatch.sites import Site

#: the most a probe reads of one download (a Google zip is ~0.2-3 MB)
MAX_BYTES = 64 * 1024 * 1024
#: what a probe reads of a CSV: its header and first rows
CSV_BYTES = 256 * 1024
TIMEOUT = 15.0
USER_AGENT = "modwatch check-sources (+https://github.com/modwatch/modwatch)"


@dataclass
class Probe:
    """The answer of one source to one probe."""

    source: str
    what: str  # wp-rest | feed | sitemap | download
    url: str
    status: int | None = None  # final HTTP status; None: no answer (network error)
    final_url: str | None = None
    layout: str | None = None  # the layout recognised, or "unknown: ..."
    newest: str | None = None  # newest period end / day, ISO date
    error: str | None = None

    @property
    def answered(self) -> bool:
        return self.status is not None

    @property
    def ok(self) -> bool:
        return (
            self.status is not None
            and 200 <= self.status < 300
            and bool(self.layout)
            and not self.layout.startswith("unknown")
        )

    @property
    def redirected_to(self) -> str:
        """The final URL without query or fragment when a redirect moved the probe, else ``""``."""
        if not self.final_url or self.final_url == self.url:
            return ""
        parts = urlsplit(redact_url(self.final_url))  # no password in the host part either
        return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


class ShortBody(http.client.HTTPException):
    """A body shorter than its ``Content-Length``: the probe fails with this reason."""


def fetch(url: str, *, max_bytes: int = MAX_BYTES, partial: bool = False, timeout: float = TIMEOUT):
    """``(status, final URL, body)``; raises ``OSError`` (``urllib.error.URLError``) without an answer.

    Redirects are followed (urllib: at most 10). ``partial``: ask for the first ``max_bytes``
    only (``Range``); a server that ignores it is read up to ``max_bytes`` anyway. A body shorter
    than its ``Content-Length`` raises :class:`ShortBody`.
    """
    headers = {"User-Agent": USER_AGENT}
    if partial:
        headers["Range"] = f"bytes=0-{max_bytes - 1}"
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read(max_bytes)
            announced = (response.headers.get("Content-Length") or "").strip()
            if announced.isdigit() and len(body) < min(int(announced), max_bytes):  # the connection closed early
                raise ShortBody(f"body cut short: {len(body)} of the {announced} bytes announced (Content-Length)")
            return response.status, response.geturl(), body
    except urllib.error.HTTPError as error:
        return error.code, error.geturl() or url, b""


def _run(probe: Probe, read, **fetch_options) -> Probe:
    try:
        probe.status, probe.final_url, body = fetch(probe.url, **fetch_options)
    except (OSError, ValueError, http.client.HTTPException) as error:  # URLError, timeouts, refused, garbage
        probe.error = str(getattr(error, "reason", error))
        return probe
    if not 200 <= probe.status < 300:
        probe.error = f"HTTP {probe.status}"
        return probe
    try:
        probe.layout, probe.newest = read(body, probe.final_url)
    except (ValueError, zipfile.BadZipFile) as error:  # DiscoveryError, LayoutError, bad JSON: a layout not known
        probe.layout = f"unknown: {str(error)[:160]}"
    return probe


def _read_rest(body: bytes, url: str):
    posts = discovery.parse_rest_posts(body)
    dates = [str(post.get("date_gmt") or post.get("date") or "")[:10] for post in posts]
    return "wp-rest posts", max(filter(None, dates), default=None)


def _read_feed(body: bytes, url: str):
    entries = feeds.parse_feed(body, url)
    if not entries:
        raise ValueError("no feed entry")
    return "feed", max((entry.published_at or "")[:10] for entry in entries) or None


def _read_sitemap(body: bytes, url: str):
    sitemap = discovery.parse_sitemap(body, url)
    newest = max(((entry.lastmod or "")[:10] for entry in sitemap.entries), default="") or None
    return f"sitemap {sitemap.kind}", newest


def probe_site(site: Site, *, timeout: float = TIMEOUT) -> list[Probe]:
    """Probe each discovery method of a news site once: REST (one post), its first feed, its first sitemap."""
    probes = []
    if "wp-rest" in site.discovery:
        url = discovery.wp_posts_url(site.base_url, None, 1, 1)
        probes.append(_run(Probe(site.key, "wp-rest", url), _read_rest, timeout=timeout))
    if "rss" in site.discovery:
        feed = (
            site.absolute(site.feeds[0])
            if site.feeds
            else (
                feeds.wp_category_feed_url(site.base_url, site.categories[0].slug)
                if site.categories
                else site.absolute("feed/")
            )
        )
        probes.append(_run(Probe(site.key, "feed", feed), _read_feed, timeout=timeout))
    if "sitemap" in site.discovery:
        sitemap = site.absolute(site.sitemaps[0] if site.sitemaps else "wp-sitemap.xml")
        probes.append(_run(Probe(site.key, "sitemap", sitemap), _read_sitemap, timeout=timeout))
    return probes


def probe_download(parser: str, url: str, *, timeout: float = TIMEOUT) -> Probe:
    """Probe a transparency report download with its parser: layout (``schema_version``) and newest period."""
    from modwatch.transparency import PARSERS
    from modwatch.transparency.common import Reject

    registered = PARSERS[parser]

    def read(body: bytes, final_url: str):
        if body[:4] != b"PK\x03\x04" and len(body) >= CSV_BYTES:
            body = body[: body.rfind(b"\n") + 1]  # the first rows only: drop the cut line
        layout = registered.schema_version(body)
        if layout.endswith("-unknown"):  # name what was met, e.g. the CSV header
            first = body[:4] == b"PK\x03\x04" and "zip" or body.split(b"\n", 1)[0].decode("utf-8", "replace")
            return f"unknown: {first.strip()[:160]}", None
        ends = [
            row.get("period_end")
            for _, row in registered.parse(body, source_url=final_url)
            if not isinstance(row, Reject)
        ]
        return layout, max(filter(None, ends), default=None)

    partial = urlsplit(url).path.lower().endswith(".csv")
    return _run(
        Probe(parser, "download", url),
        read,
        timeout=timeout,
        partial=partial,
        max_bytes=CSV_BYTES if partial else MAX_BYTES,
    )


#: the EU DSA Transparency Database's stable download route (since June 2026: 302 to a presigned URL)
DSA_STABLE = "https://transparency.dsa.ec.europa.eu/explore-data/download/sor-global-{day}-light.zip.sha1"
_SHA1 = re.compile(rb"^\s*([0-9a-fA-F]{40})\b")


def probe_dsa(url: str, *, timeout: float = TIMEOUT) -> Probe:
    """Probe a DSA daily dump through its ``.zip.sha1`` (a few bytes, same route as the dump):
    the redirect, a SHA-1 checksum as the layout, the day in the URL as the newest day."""

    def read(body: bytes, final_url: str):
        if not _SHA1.match(body):
            raise ValueError(f"not a .sha1 checksum: {body[:60]!r}")
        day = re.search(r"\d{4}-\d{2}-\d{2}", url)
        return "dsa-dump-sha1", day.group(0) if day else None

    return _run(Probe("dsa_sor", "download", url), read, timeout=timeout, max_bytes=1024)
