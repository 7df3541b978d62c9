"""Probe every configured source cheaply and print whether modwatch still finds it.

``python -m modwatch check-sources [--sites FILE] [--only news|transparency] [--url PARSER=URL]``

For each news site of the sites file (``$MODWATCH_SITES_FILE``, else ``modwatch/sites.yaml``):
its WP REST posts endpoint (one post), its first feed and its first sitemap, as the site's
``discovery`` lists them. For each transparency report: the spider's default download (or the
``--url`` given, e.g. ``--url google_removals=https://.../government-removals_2025-7-1_2025-12-31_en_v1.zip``),
read with its parser (a CSV's first rows only); for the EU DSA dumps, the ``.zip.sha1`` of the
day before yesterday through the stable URL (``--url dsa_sor=...`` to choose another). Redirects are followed; the table shows, per
probe: HTTP status, where it was redirected (query strings never shown), the layout recognised
(``unknown: ...`` when modwatch would not read it), and the newest period or day it holds.
Nothing is stored.

Exit status: 0 every probe answered with a known layout; 1 some did not (the table says which);
2 no source answered at all (no network), in one line.
"""

from __future__ import annotations

import datetime as dt
import sys

from modwatch.probe import DSA_STABLE, TIMEOUT, probe_download, probe_dsa, probe_site
from modwatch.transparency import google
from spiders import meta_restrictions, tiktok_removals, x_removals


def default_downloads() -> list[tuple[str, str]]:
    """``(parser, URL)`` of each transparency spider's default download (the newest file of each)."""
    year, half = meta_restrictions.LAST
    return [
        ("google_removals", google.URL),
        ("meta_restrictions", meta_restrictions.URL_TEMPLATE.format(year=year, half=half)),
        ("x_removals", x_removals.URL),
        ("tiktok_removals", tiktok_removals.URL),
        # the day before yesterday: yesterday's dump may not be ready (see spiders/dsa_sor.py)
        ("dsa_sor", DSA_STABLE.format(day=(dt.date.today() - dt.timedelta(days=2)).isoformat())),
    ]


def add_arguments(parser) -> None:
    parser.add_argument(
        "--sites", default=None, help="sites file (default $MODWATCH_SITES_FILE or modwatch/sites.yaml)"
    )
    parser.add_argument("--only", choices=("news", "transparency"), help="probe only the news sites or the reports")
    parser.add_argument(
        "--url",
        action="append",
        default=[],
        metavar="PARSER=URL",
        help="probe this download instead of the parser's default (repeatable)",
    )
    parser.add_argument("--timeout", type=float, default=TIMEOUT, help=f"seconds per request (default {TIMEOUT:g})")


def table(probes) -> str:
    header = ("source", "probe", "status", "redirected to", "layout", "newest", "url")
    rows = [
        (
            p.source,
            p.what,
            str(p.status) if p.status is not None else f"- ({p.error})",
            p.redirected_to or "-",
            p.layout or "-",
            p.newest or "-",
            p.url,
        )
        for p in probes
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in [header, *rows]
    )


def run(args) -> int:
    from modwatch.sites import SitesConfigError, load_sites
    from modwatch.transparency import PARSERS

    downloads = dict(default_downloads())
    for value in args.url:
        parser, equals, url = value.partition("=")
        if not equals or parser not in (*PARSERS, "dsa_sor") or not url:
            print(
                f"error: --url must be PARSER=URL with PARSER one of {', '.join(PARSERS)}, dsa_sor; got {value!r}",
                file=sys.stderr,
            )
            return 2
        downloads[parser] = url
    probes = []
    if args.only != "transparency":
        try:
            sites = load_sites(args.sites)
        except SitesConfigError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        for site in sites:
            probes += probe_site(site, timeout=args.timeout)
    if args.only != "news":
        probes += [
            probe_dsa(url, timeout=args.timeout)
            if parser == "dsa_sor"
            else probe_download(parser, url, timeout=args.timeout)
            for parser, url in downloads.items()
        ]
    if probes and not any(probe.answered for probe in probes):
        print(f"check-sources: no network: none of {len(probes)} sources answered ({probes[0].error})")
        return 2
    print(table(probes))
    failing = [probe for probe in probes if not probe.ok]
    for probe in failing:
        print(f"  {probe.source} {probe.what}: {probe.error or probe.layout or 'no layout recognised'}")
    return 1 if failing else 0
