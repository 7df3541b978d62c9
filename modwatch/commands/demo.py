"""Replay the demo snapshot into the database, offline, and print what was stored.

Builds ``demo/snapshot.warc.gz`` from ``demo/manifest.yaml`` if it is missing (or with
``--rebuild``), then runs every spider of :data:`DEMO_SPIDERS` in one Scrapy process with
``MODWATCH_REPLAY`` set to the snapshot (every request answered from the WARC, unknown URLs
404) and ``MODWATCH_SITES_FILE=demo/sites.yaml``, into ``MODWATCH_DB`` (``--db``). Each
spider run is one ``crawl_runs`` row. Running it again stores the same rows (upserts).

Exit status 0 when every run finished without errors, 1 otherwise.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from db import default_path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SNAPSHOT = ROOT / "demo" / "snapshot.warc.gz"
DEMO_SITES = ROOT / "demo" / "sites.yaml"

#: (spider name, spider arguments) run by the demo; add the spiders whose sources are in the
#: snapshot (e.g. transparency spiders) with one line each.
DEMO_SPIDERS: list[tuple[str, dict]] = [
    ("news", {}),
    ("google_removals", {}),
    ("meta_restrictions", {}),
    ("x_removals", {}),
    ("tiktok_removals", {}),
    ("lumen", {"per_page": "20"}),
    ("dsa_sor", {"urls": "https://dsa-sor-data-dumps.s3.eu-central-1.amazonaws.com/sor-global-2024-03-14-full.zip,"
                         "https://dsa-sor-data-dumps.s3.eu-central-1.amazonaws.com/sor-global-2025-07-01-full.zip"}),
]


def add_arguments(parser) -> None:
    parser.add_argument("--snapshot", type=Path, default=DEFAULT_SNAPSHOT,
                        help="WARC to replay (default demo/snapshot.warc.gz; built if missing)")
    parser.add_argument("--db", default=default_path(),
                        help="SQLite database (default $MODWATCH_DB or data/modwatch.db)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the snapshot from demo/manifest.yaml first")
    parser.add_argument("--spider", action="append", dest="spiders", metavar="NAME",
                        help="run only this demo spider (repeatable)")


def _build_snapshot(path: Path) -> None:
    sys.path.insert(0, str(ROOT / "demo"))
    try:
        import build_snapshot
    finally:
        sys.path.remove(str(ROOT / "demo"))
    count = build_snapshot.build(out=path)
    print(f"built {path} ({count} records)")


def _crawl(spiders: list[tuple[str, dict]]) -> None:
    """Run the spiders in one CrawlerProcess (settings read from the environment)."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings
    from scrapy.utils.reactor import install_reactor

    settings = get_project_settings()
    # install the configured reactor before the spider modules are imported, so that a module
    # importing twisted.internet.reactor cannot install the default one first
    install_reactor(settings["TWISTED_REACTOR"])
    process = CrawlerProcess(settings)
    for name, kwargs in spiders:
        process.crawl(name, **kwargs)
    process.start()


def summary(database, first_run_id: int) -> tuple[str, bool]:
    """Text summary of the crawl runs with id >= ``first_run_id``, and whether all went well.

    Figures from :func:`db.crawl_runs.summary`; rejects are those seen in these runs.
    """
    from db.crawl_runs import summary as crawl_summary

    figures = crawl_summary(database, first_run_id)
    lines = ["crawl runs:"]
    ok = bool(figures["runs"])
    for run in figures["runs"]:
        lines.append(f"  #{run['id']} {run['spider']}: {run['finish_reason']}, {run['items_scraped'] or 0} items, "
                     f"{run['rejects'] or 0} rejects, {run['errors'] or 0} errors, {run['requests'] or 0} requests")
        ok = ok and run["finish_reason"] == "finished" and not run["errors"]
    lines.append("articles per source (whole database):")
    for row in figures["articles"]:
        lines.append(f"  {row['source']:<18} {row['n']:>4} articles "
                     f"({row['dated']} dated, {row['authored']} with authors)")
    if figures["removal_requests"]:
        lines.append("current removal_requests rows per platform (whole database):")
        for row in figures["removal_requests"]:
            lines.append(f"  {row['platform']:<18} {row['n']:>6} rows from {row['files']} datasets")
    rejects = figures["rejects"]
    lines.append(f"total: {figures['articles_total']} articles; {len(rejects)} rejects in these runs")
    by_reason: dict[str, list[str]] = {}
    for r in rejects:
        by_reason.setdefault(r["reason"], []).append(r["url"])
    for reason, urls in sorted(by_reason.items(), key=lambda item: -len(item[1])):
        example = urls[0] if len(urls) == 1 else f"{urls[0]} and {len(urls) - 1} more"
        lines.append(f"  {len(urls):4d} x {reason}: {example}")
    if rejects:
        lines.append("  (every reject, with its raw excerpt: table rejects)")
    return "\n".join(lines), ok


def run(args) -> int:
    snapshot = Path(args.snapshot).resolve()
    if args.rebuild or not snapshot.exists():
        _build_snapshot(snapshot)
    db_path = Path(args.db).resolve()
    db_path.parent.mkdir(parents=True, exist_ok=True)
    # settings.py reads these at import: set them before Scrapy loads the project settings
    os.environ["MODWATCH_REPLAY"] = str(snapshot)
    os.environ["MODWATCH_SITES_FILE"] = str(DEMO_SITES)
    os.environ["MODWATCH_DB"] = str(db_path)
    os.chdir(ROOT)  # scrapy.cfg, settings.py and spiders/ live at the repository root

    import db
    from db.crawl_runs import last_run_id

    database = db.connect(str(db_path))
    first_run_id = last_run_id(database) + 1
    database.close()
    spiders = [s for s in DEMO_SPIDERS if not args.spiders or s[0] in args.spiders]
    _crawl(spiders)

    database = db.connect(str(db_path))
    text, ok = summary(database, first_run_id)
    database.close()
    print(text)
    print(f"database: {db_path}")
    return 0 if ok else 1
