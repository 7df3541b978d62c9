"""Replay the demo snapshot into the database, offline, and print what was stored.

Builds ``demo/snapshot.warc.gz`` from ``demo/manifest.yaml`` and ``demo/takedowns.warc.gz``
from ``demo/takedowns.yaml`` if they are missing (or with ``--rebuild``), then

1. runs every spider of :data:`DEMO_SPIDERS` in one Scrapy process with ``MODWATCH_REPLAY``
   set to the snapshot (every request answered from the WARC, unknown URLs 404) and
   ``MODWATCH_SITES_FILE=demo/sites.yaml``;
2. re-checks the articles of :data:`TAKEDOWN_SOURCES` with ``url_check`` replaying the takedown
   WARC (built for the demo: some real article URLs answer 410, 451 or a block page), so the
   ``takedowns`` view shows the archived text beside the failing answer. Only checks older than
   that WARC are due, so a second run adds no check.

Quiet and safe: the terminal shows the crawl progress bars and the summary; Scrapy's log goes to
``<database folder>/logs/demo.log`` and ``logs/demo-url_check.log``. The crawls write a copy of
the database beside it (``<db>.building``), swapped in with one atomic rename when they are done,
so a server reading the database (``make serve``, immutable) never sees a half-written file; a
second demo running at the same time is refused (lock ``<db>.lock``), and so is a database another
process has open for writing (a non-empty ``<db>-wal``: a crawl, ``serve --live``). Each spider run is one
``crawl_runs`` row. Running it again stores the same rows (upserts).

Exit status 0 when every run finished without errors, 1 otherwise (the database is then left
as it was, the copy kept as ``<db>.building`` for inspection).
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from db import default_path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SNAPSHOT = ROOT / "demo" / "snapshot.warc.gz"
DEFAULT_TAKEDOWNS = ROOT / "demo" / "takedowns.warc.gz"
TAKEDOWNS_MANIFEST = ROOT / "demo" / "takedowns.yaml"
DEMO_SITES = ROOT / "demo" / "sites.yaml"
#: the news sources whose articles the takedown crawl re-checks (demo/takedowns.yaml answers them)
TAKEDOWN_SOURCES = ("zdnet-de", "timesofindia", "globalvoices")

#: (spider name, spider arguments) run by the demo; add the spiders whose sources are in the
#: snapshot (e.g. transparency spiders) with one line each.
DEMO_SPIDERS: list[tuple[str, dict]] = [
    ("news", {}),
    ("google_removals", {}),
    ("meta_restrictions", {}),
    ("x_removals", {}),
    ("tiktok_removals", {}),
    ("lumen", {"per_page": "20"}),
    (
        "dsa_sor",
        {
            "urls": "https://dsa-sor-data-dumps.s3.eu-central-1.amazonaws.com/sor-global-2024-03-14-full.zip,"
            "https://dsa-sor-data-dumps.s3.eu-central-1.amazonaws.com/sor-global-2025-07-01-full.zip"
        },
    ),
]


def add_arguments(parser) -> None:
    parser.add_argument(
        "--snapshot",
        type=Path,
        default=DEFAULT_SNAPSHOT,
        help="WARC to replay (default demo/snapshot.warc.gz; built if missing)",
    )
    parser.add_argument(
        "--db", default=default_path(), help="SQLite database (default $MODWATCH_DB or data/modwatch.db)"
    )
    parser.add_argument(
        "--takedowns",
        type=Path,
        default=DEFAULT_TAKEDOWNS,
        help="WARC of the takedown re-check (default demo/takedowns.warc.gz; built if missing)",
    )
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="rebuild both WARCs from demo/manifest.yaml and demo/takedowns.yaml first",
    )
    parser.add_argument(
        "--spider",
        action="append",
        dest="spiders",
        metavar="NAME",
        help="run only this demo spider (repeatable; url_check: the takedown re-check)",
    )


def _build_snapshot(path: Path, manifest: Path | None = None) -> None:
    sys.path.insert(0, str(ROOT / "demo"))
    try:
        import build_snapshot
    finally:
        sys.path.remove(str(ROOT / "demo"))
    count = build_snapshot.build(manifest or build_snapshot.MANIFEST, out=path)
    print(f"built {path} ({count} records)")


def _first_record_date(warc: Path) -> str:
    """``WARC-Date`` of the first response record of ``warc`` (when the takedown WARC was built)."""
    from warcio.archiveiterator import ArchiveIterator

    with open(warc, "rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type == "response":
                return record.rec_headers.get_header("WARC-Date")
    raise ValueError(f"{warc}: no response record")


def _crawl(spiders: list[tuple[str, dict]], log_file: Path) -> None:
    """Run the spiders in one CrawlerProcess (settings read from the environment), logging to ``log_file``."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings
    from scrapy.utils.reactor import install_reactor

    settings = get_project_settings()
    settings.set("LOG_FILE", str(log_file), priority="cmdline")
    settings.set("LOG_FILE_APPEND", False, priority="cmdline")
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
        lines.append(
            f"  #{run['id']} {run['spider']}: {run['finish_reason']}, {run['items_scraped'] or 0} items, "
            f"{run['rejects'] or 0} rejects, {run['errors'] or 0} errors, {run['requests'] or 0} requests"
        )
        ok = ok and run["finish_reason"] == "finished" and not run["errors"]
    lines.append("articles per source (whole database):")
    for row in figures["articles"]:
        lines.append(
            f"  {row['source']:<18} {row['n']:>4} articles ({row['dated']} dated, {row['authored']} with authors)"
        )
    if figures["removal_requests"]:
        lines.append("current removal_requests rows per platform (whole database):")
        for row in figures["removal_requests"]:
            lines.append(f"  {row['platform']:<18} {row['n']:>6} rows from {row['files']} datasets")
    from db.history import takedown_counts

    gone = takedown_counts(database)
    if gone:
        lines.append("takedowns (view takedowns: the archived text beside the failing answer):")
        for reason, n in gone:
            lines.append(f"  {n:4d} x {reason}")
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


def record_sources(database, first_run_id: int) -> None:
    """Each crawl run with id >= ``first_run_id`` is an attempt at its source, as after ``crawl``
    (:func:`cli.crawl.check_sources`): news, Lumen, DSA and ``url_check`` get their
    ``source_status`` row too. The snapshot is old on purpose: staleness is recorded, not a failure."""
    from db.crawl_runs import decoded, previous_finished_run
    from cli.crawl import SpiderRun, assess, check_sources

    for row in list(database["crawl_runs"].rows_where("id >= ?", [first_run_id], order_by="id")):
        row = decoded(row)
        run = SpiderRun(row["spider"], 0, 0.0, None, row=row, allow_stale=("all",))
        previous = previous_finished_run(database, row["spider"], row["id"])
        run.status, run.problems = assess(0, row, previous, max_error_rate=0.0)
        check_sources(database, run)


def _check_takedowns(takedowns: Path, log_file: Path) -> int:
    """Second replayed crawl: ``url_check`` of :data:`TAKEDOWN_SOURCES` against ``takedowns``
    (checks older than that WARC only). Runs in its own process (a Twisted reactor runs once)."""
    command = [
        sys.executable,
        "-m",
        "scrapy",
        "crawl",
        "url_check",
        "-a",
        f"older_than={_first_record_date(takedowns)}",
        "-a",
        f"sources={','.join(TAKEDOWN_SOURCES)}",
        "-s",
        f"MODWATCH_REPLAY={takedowns}",
        "-s",
        f"LOG_FILE={log_file}",
        "-s",
        "LOG_FILE_APPEND=False",
    ]
    return subprocess.run(command, cwd=ROOT, env=os.environ.copy()).returncode


def _copy_database(source: Path, target: Path) -> None:
    """``target``: a consistent copy of ``source`` (SQLite's backup API), or nothing if it does not exist."""
    for stale in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
        stale.unlink(missing_ok=True)
    if source.exists():
        src, dst = sqlite3.connect(source), sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            src.close()
            dst.close()


def _writer_of(db_path: Path) -> str | None:
    """Why ``db_path`` cannot be replaced now, or None: a non-empty WAL file beside it means a
    process (a crawl, ``serve --live``) has it open in WAL mode, and SQLite would replay that WAL
    into the file swapped in."""
    wal = Path(f"{db_path}-wal")
    if wal.exists() and wal.stat().st_size > 0:
        return (
            f"{db_path} is open in another process ({wal.name} is not empty): stop that crawl or "
            f"`serve --live`, or give the demo another --db"
        )
    return None


def _swap_in(building: Path, db_path: Path) -> None:
    """Replace ``db_path`` by ``building`` with one atomic rename, after removing the empty WAL and
    shared-memory files the old database left (they would belong to the new file)."""
    for side in (Path(f"{db_path}-wal"), Path(f"{db_path}-shm")):
        side.unlink(missing_ok=True)
    os.replace(building, db_path)  # a reader sees the old file or the new one, never a mix


def _finish_database(path: Path) -> None:
    """Fold the WAL into ``path`` and leave it in rollback-journal mode: one self-contained file to swap in."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode = DELETE")
    finally:
        conn.close()


def run(args) -> int:
    snapshot = Path(args.snapshot).resolve()
    if args.rebuild or not snapshot.exists():
        _build_snapshot(snapshot)
    takedowns = Path(args.takedowns).resolve()
    if args.rebuild or not takedowns.exists():
        _build_snapshot(takedowns, TAKEDOWNS_MANIFEST)
    db_path = Path(args.db).resolve()
    db_path.parent.mkdir(parents=True, exist_ok=True)
    logs = db_path.parent / "logs"
    logs.mkdir(exist_ok=True)
    lock = open(f"{db_path}.lock", "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print(f"another demo is writing {db_path} (lock {db_path}.lock): wait for it to finish", file=sys.stderr)
        return 1
    if problem := _writer_of(db_path):
        print(f"demo not run: {problem}", file=sys.stderr)
        return 1
    building = Path(f"{db_path}.building")
    _copy_database(db_path, building)
    # settings.py reads these at import: set them before Scrapy loads the project settings
    os.environ["MODWATCH_REPLAY"] = str(snapshot)
    os.environ["MODWATCH_SITES_FILE"] = str(DEMO_SITES)
    os.environ["MODWATCH_DB"] = str(building)
    os.chdir(ROOT)  # scrapy.cfg, settings.py and spiders/ live at the repository root

    import db
    from db.crawl_runs import last_run_id

    database = db.connect(str(building))
    first_run_id = last_run_id(database) + 1
    database.close()
    spiders = [s for s in DEMO_SPIDERS if not args.spiders or s[0] in args.spiders]
    print(f"replaying {snapshot.name} (Scrapy log: {logs / 'demo.log'})", flush=True)
    if spiders:
        _crawl(spiders, logs / "demo.log")
    if not args.spiders or "url_check" in args.spiders:
        print(
            f"re-checking article URLs against {takedowns.name} (Scrapy log: {logs / 'demo-url_check.log'})", flush=True
        )
        _check_takedowns(takedowns, logs / "demo-url_check.log")

    database = db.connect(str(building))
    record_sources(database, first_run_id)
    text, ok = summary(database, first_run_id)
    database.close()
    print(text)
    if not ok:
        print(f"database: {db_path} left unchanged; this run's copy: {building}")
        return 1
    _finish_database(building)
    if problem := _writer_of(db_path):
        print(f"database not replaced: {problem}; this run's copy: {building}", file=sys.stderr)
        return 1
    _swap_in(building, db_path)
    print(f"database: {db_path} (a server started before this run shows the old data until restarted)")
    return 0
