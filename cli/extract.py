"""Extract one saved page and print the article as JSON (like trafilatura's command line).

    python -m modwatch extract PAGE.html --url https://example.org/2021/06/slug/
    python -m modwatch extract page.html.gz --language vi
    curl -s https://example.org/a/ | python -m modwatch extract - --url https://example.org/a/

Reads ``PAGE`` (``.html``, ``.html.gz``, or ``-`` for stdin) as bytes, decodes it with its
declared charset (``--content-type`` lets you give the HTTP header to check it against; see
``modwatch.extract.charset``), runs ``modwatch.extract.article.parse_article`` and prints one
JSON object: url, title, authors, published_at (+ _raw, _offset, _precision), modified_at (same),
section, tags, image_url, language, body (one paragraph per line). ``--fields`` chooses the keys.

Exit status: 0 on success, 2 when the file cannot be read or holds no HTML (binary data such as
an image or a zip file, or text without a single tag), or for a ``--fetched-at`` that is not ISO 8601.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from datetime import datetime, timezone
from pathlib import Path

from modwatch.extract.article import parse_article
from modwatch.extract.charset import decode_html


def add_arguments(parser) -> None:
    parser.add_argument("page", help="saved page: .html, .html.gz, or - for standard input")
    parser.add_argument(
        "--url",
        help="the page's URL (base for links, last-resort canonical URL and date); default: the file's file:// URL",
    )
    parser.add_argument(
        "--language",
        help="the source's language, ISO 639-1 (e.g. vi): day/month order of "
        "numeric dates and the hint for language detection",
    )
    parser.add_argument(
        "--fetched-at",
        type=_iso_datetime,
        help="fetch time (ISO 8601, e.g. 2026-11-29T12:00:00Z) against which relative dates resolve; default: now",
    )
    parser.add_argument("--content-type", help="the HTTP Content-Type header the page came with")
    parser.add_argument("--fields", help="comma-separated keys to print (default: all)")
    parser.add_argument("--compact", action="store_true", help="one line of JSON instead of indented")


#: a start tag, end tag, comment or doctype
_TAG = re.compile(rb"<(?:[A-Za-z][A-Za-z0-9-]*[\s/>]|/[A-Za-z]|!)")
#: C0 control bytes that never occur in text (tab, LF, FF and CR excluded)
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f]")


def _iso_datetime(value: str) -> datetime:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date-time: {value!r} (e.g. 2026-11-29T12:00:00Z)")


def no_html_reason(data: bytes) -> str | None:
    """Why ``data`` is not an HTML page, or None if it may be one.

    Binary data: more than 1% control bytes (NUL, ESC ...) in the first 8 KiB (images, zips,
    PDFs, random bytes; a UTF-16 page with a byte-order mark is let through). No markup: no tag,
    comment or doctype in the first 64 KiB.
    """
    head = data[:8192]
    if not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        controls = len(_CONTROL.findall(head))
        if controls * 100 > len(head):
            return f"binary data ({controls} control bytes in the first {len(head)})"
        if not _TAG.search(data[:65536]):
            return "no HTML tag in the first 64 KiB"
    return None


def read_page(name: str) -> bytes:
    """Bytes of a page file (gunzipped when gzip-compressed) or of stdin for ``-``."""
    data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data


def run(args) -> int:
    try:
        data = read_page(args.page)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        print(f"extract: cannot read {args.page}: {exc}", file=sys.stderr)
        return 2
    if not data.strip():
        print(f"extract: {args.page} is empty", file=sys.stderr)
        return 2
    reason = no_html_reason(data)
    if reason:
        print(f"extract: {args.page} holds no HTML: {reason}", file=sys.stderr)
        return 2
    url = args.url or (Path(args.page).resolve().as_uri() if args.page != "-" else "")
    fetched_at = args.fetched_at or datetime.now(timezone.utc)
    text, _encoding = decode_html(data, args.content_type)
    try:
        article = parse_article(text, url, language=args.language, fetched_at=fetched_at)
    except ValueError as exc:
        print(f"extract: {args.page}: {exc}", file=sys.stderr)
        return 2
    if args.fields:
        wanted = [f.strip() for f in args.fields.split(",") if f.strip()]
        article = {key: article.get(key) for key in wanted}
    print(json.dumps(article, ensure_ascii=False, indent=None if args.compact else 2))
    return 0
