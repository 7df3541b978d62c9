"""Is a re-checked article URL gone (taken down)? Pure classification, no I/O.

:func:`classify` decides from one HTTP answer (status, ``Location``, page title) whether the
article is gone:

=====================================  =====  ==========================================
answer                                 gone   reason
=====================================  =====  ==========================================
404 Not Found                          yes    ``HTTP 404 Not Found``
410 Gone                               yes    ``HTTP 410 Gone``
451 Unavailable For Legal Reasons      yes    ``HTTP 451 Unavailable For Legal Reasons``
                                              (RFC 7725; its ``Link: rel="blocked-by"``
                                              header is appended when sent)
3xx to the site's home page            yes    ``redirect to the home page``
3xx elsewhere                          no     ``redirect`` (the spider follows it and
                                              classifies the final answer)
2xx whose title or first heading       yes    ``block page: <pattern name>``
matches :data:`BLOCK_PAGE_PATTERNS`
other 2xx                              no     ``online``
5xx, 429, other 4xx                    no     ``HTTP <status> (not a takedown signal)``
no answer (DNS, timeout, refused)      no     the error (see :func:`classify_failure`)
replay: URL not in the archive         no     ``not in archive`` (:data:`NOT_IN_ARCHIVE`:
                                              the replay middleware's own 404, flag
                                              ``replay-miss``; no evidence either way)
=====================================  =====  ==========================================

Block pages are matched on the ``<title>`` and the first ``<h1>`` only, never on the body:
articles *about* censorship quote these very phrases.
"""

from __future__ import annotations

import http
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from parsel import Selector

GONE_STATUSES = {404, 410, 451}

#: (name, regex) searched (case-insensitive) in the page title and first heading: the status
#: phrase of RFC 7725, generic court/government block and removal notices, and the headline
#: wording of Vietnamese, Russian and Turkish block pages (modelled on the kind of pages OONI
#: collects, https://github.com/ooni/blocking-fingerprints; not copied from it). Extend it
#: with the setting ``MODWATCH_BLOCK_PAGE_PATTERNS`` (same shape, appended).
BLOCK_PAGE_PATTERNS: list[tuple[str, str]] = [
    ("unavailable for legal reasons", r"unavailable for legal reasons"),
    (
        "blocked by order",
        r"(access|this (site|page|website)).{0,40}(has been|is) (blocked|restricted)"
        r".{0,60}(order|court|law|government|authorit)",
    ),
    ("withheld in country", r"(withheld|not available) in your (country|region)"),
    (
        "removed for legal reasons",
        r"(content|article|page|post) (has been|was) removed"
        r".{0,40}(legal|court|government|request)",
    ),
    ("vn: blocked", r"trang web (này )?(đã )?bị chặn"),
    ("ru: blocked by roskomnadzor", r"доступ (к ресурсу )?ограничен"),
    ("tr: blocked by court order", r"hakkında verilen .{0,40}karar"),
]


@dataclass(frozen=True)
class Verdict:
    """Outcome of one check: ``gone`` (taken down or not) and a human-readable ``reason``."""

    gone: bool
    reason: str


def status_text(status: int) -> str:
    """``"410 Gone"``: the status code and its standard phrase."""
    try:
        return f"{status} {http.HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def is_home_page(url: str, home_url: str | None) -> bool:
    """True if ``url`` is the site's home page: the root ``/`` of the article's host (or of
    ``home_url``'s host), or ``home_url`` itself (query and fragment ignored)."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    if not path:
        return True
    if home_url:
        home = urlsplit(home_url)
        return parts.netloc.lower() == home.netloc.lower() and path == home.path.rstrip("/")
    return False


def page_heading_text(html: str) -> str:
    """The ``<title>`` and first ``<h1>`` text of a page, joined with a newline."""
    selector = Selector(text=html or "<html></html>")
    title = " ".join(selector.css("title ::text").getall())
    heading = " ".join(selector.xpath("(//h1)[1]//text()").getall())
    return " ".join(title.split()) + "\n" + " ".join(heading.split())


def block_page_match(html: str, patterns=BLOCK_PAGE_PATTERNS) -> str | None:
    """Name of the first block-page pattern found in the page's title or first heading."""
    text = page_heading_text(html)
    for name, regex in patterns:
        if re.search(regex, text, re.IGNORECASE):
            return name
    return None


def classify(
    status: int,
    url: str,
    *,
    location: str | None = None,
    html: str | None = None,
    home_url: str | None = None,
    blocked_by: str | None = None,
    patterns=BLOCK_PAGE_PATTERNS,
) -> Verdict:
    """Classify one HTTP answer for the article at ``url`` (see the module table).

    ``location``: the ``Location`` header of a 3xx (relative or absolute); ``html``: the
    decoded body of a 2xx; ``home_url``: the site's home page (``sources.base_url``);
    ``blocked_by``: the ``Link: ...; rel="blocked-by"`` header of a 451.
    """
    if status in GONE_STATUSES:
        reason = f"HTTP {status_text(status)}"
        if status == 451 and blocked_by:
            reason += f" (blocked-by: {blocked_by})"
        return Verdict(True, reason)
    if 300 <= status < 400:
        if location and is_home_page(urljoin(url, location), home_url):
            return Verdict(True, "redirect to the home page")
        return Verdict(False, "redirect")
    if 200 <= status < 300:
        name = block_page_match(html or "", patterns)
        if name:
            return Verdict(True, f"block page: {name}")
        return Verdict(False, "online")
    return Verdict(False, f"HTTP {status_text(status)} (not a takedown signal)")


#: A replayed check of a URL the WARC archive does not hold: nothing is known about the page.
NOT_IN_ARCHIVE = Verdict(False, "not in archive")


def is_replay_miss(response) -> bool:
    """True for the replay middleware's own "not in archive" answer
    (:class:`middlewares.replay.WarcReplayMiddleware`), which is no HTTP answer of the site."""
    return "replay-miss" in (response.flags or []) or bool(response.meta.get("replay_miss"))


def classify_failure(error: BaseException) -> Verdict:
    """No HTTP answer (DNS error, timeout, connection refused): not gone, the error as reason."""
    return Verdict(False, f"no answer: {type(error).__name__}: {error}"[:500])
