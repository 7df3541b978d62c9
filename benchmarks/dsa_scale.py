"""Benchmark: the analyst's DSA requests through the real site at 1 and 10 million statements (issue 16).

For each size (``--sizes``, default 1,000,000 and 10,000,000):

1. **build**: a CSV of N statements from the 33 real sample rows of both schemas
   (``../shared/data/transparency/dsa_transparency_db/``, via ``dsa_ingest.sample_rows``), fresh
   uuids, ``created_at`` spread over one day (2024-03-14, in order, as in a daily dump), loaded
   by the project's own ``python -m modwatch dsa-load`` in a child process (its peak RSS: memory
   of the load, flat if it does not grow with N), then ``serve``'s own search-index update;
2. **serve** it with the project's own ``python -m modwatch serve`` (immutable, SQL time limit,
   row counts file, plugins, metadata) on a free port of 127.0.0.1;
3. **time through HTTP** each request of the issue's table (the table page with its default
   facets and sort, the ``territorial_scope`` facet, full-text search of ``account``, the
   platform + 6-hour count, the CSV stream of that filter), the DSA dashboard's chart queries and
   the canned queries: first (cold) and best of ``--repeat``, with the HTTP status (400 = refused
   by the SQL time limit);
4. print the CSV stream rate (rows/s), the database size per million statements (and the
   biggest tables and indexes, from ``dbstat``);
5. **reference**: ``python -m modwatch dsa-export`` to Parquet, then DuckDB answering the same
   questions over the Parquet files, timed.

Goal (issue 16): every request < 1 s at 10 M, none refused, CSV >= 20,000 rows/s.

Figures (2026-12-07, 2-core machine shared with other jobs, niced, load average 2-4; the table is in README "DSA at
1 and 10 million statements: figures"): 22 of 22 requests < 1 s at 1 M and at 10 M, none refused (the TikTok + 6 h
page with its count 13 / 17 ms, its ``_facet_array`` 13 / 15 ms, from the hourly summary); CSV 45,977 rows/s wall at
1 M and 40,222 at 10 M (read from ``sor_statements``); 1,358 / 1,355 MiB per million statements (was 2,186); load
11,042 / 9,110 statements/s, peak RSS 252 / 248 MiB.

Usage: ``MODWATCH_SHARED=/work/shared python benchmarks/dsa_scale.py --sizes 1000000 [--workdir DIR]``; with
``--existing PATH --sizes N`` a database loaded before (N statements) is migrated in place and timed instead.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from benchdata import same_work, summary  # noqa: E402  (benchmarks/ is sys.path[0])
from dsa_ingest import sample_rows  # noqa: E402
from served_site import csv_stream, serve, timed  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from modwatch.transparency.dsa import COLUMNS  # noqa: E402

DAY = "2024-03-14"
WINDOW = (f"{DAY} 06:00:00", f"{DAY} 12:00:00")
PLATFORM = "TikTok"

#: (label, path+query) requested through HTTP
REQUESTS = [
    ("home page", "/"),
    ("database page", "/modwatch"),
    ("table page (default facets, sort created_at)", "/modwatch/statements_of_reasons"),
    ("table JSON (default facets, sort created_at)", "/modwatch/statements_of_reasons.json"),
    (
        "_facet_array=territorial_scope on the table",
        "/modwatch/statements_of_reasons.json?_facet_array=territorial_scope&_size=0",
    ),
    (
        "_facet_array=territorial_scope, platform + 6 h",
        f"/modwatch/statements_of_reasons.json?_facet_array=territorial_scope&platform_name={PLATFORM}&created_at__gte={WINDOW[0]}&created_at__lt={WINDOW[1]}&_size=0",
    ),
    ("territorial scope facet from the summary", "/modwatch/sor_counts_by_territory.json?_facet=territory&_size=0"),
    (
        "statements per country (summary SQL)",
        "/modwatch.json?sql=select+territory,+sum(statements)+as+n+from+sor_counts_by_territory+group+by+territory+order+by+n+desc&_shape=array",
    ),
    ("content type facet (child table)", "/modwatch/sor_content_type.json?_size=0"),
    ("visibility facet (child table, counts kept at load)", "/modwatch/sor_decision_visibility.json?_size=0"),
    ("category addition facet (child table, counts kept at load)", "/modwatch/sor_category_addition.json?_size=0"),
    ("category keyword facet (child table, counts kept at load)", "/modwatch/sor_category_specification.json?_size=0"),
    (
        "table search 'account' (newest 10,000 matches, count apart)",
        "/modwatch/statements_of_reasons.json?_search=account&_size=20",
    ),
    ("table page search 'account' (HTML)", "/modwatch/statements_of_reasons?_search=account"),
    (
        "canned dsa_search_statements 'account' (ranked, 100)",
        "/modwatch/dsa_search_statements.json?phrase=account&_shape=array",
    ),
    (
        "canned dsa_search_statements_count 'account'",
        "/modwatch/dsa_search_statements_count.json?phrase=account&_shape=array",
    ),
    (
        "filtered count platform + 6 h (JSON page)",
        f"/modwatch/statements_of_reasons.json?platform_name={PLATFORM}&created_at__gte={WINDOW[0]}&created_at__lt={WINDOW[1]}&_size=0",
    ),
    (
        "canned dsa_statements_per_platform_category DE 2024-03",
        "/modwatch/dsa_statements_per_platform_category.json?territory=DE&month=2024-03&_shape=array",
    ),
    ("canned dsa_statements_per_day", "/modwatch/dsa_statements_per_day.json?platform=&_shape=array"),
    ("dashboard page dsa-statements", "/-/dashboards/dsa-statements"),
]
#: dashboard chart queries, as the dashboard page's charts request them
CHARTS = {
    "chart statements-per-day": "select day, platform_name, sum(statements) as statements from sor_counts "
    "group by day, platform_name order by day",
    "chart categories-for-territory (DE)": "select month, category, sum(statements) as statements "
    "from sor_counts_by_territory where territory is not null "
    "and territory = 'DE' group by month, category order by month",
}
CSV_PATH = (
    f"/modwatch/statements_of_reasons.csv?platform_name={PLATFORM}&created_at__gte={WINDOW[0]}"
    f"&created_at__lt={WINDOW[1]}&_stream=1"
)
DUCKDB_QUESTIONS = {
    "per platform and category, DE, 2024-03": (
        "select platform_name, category_v2, count(*) as n from read_parquet('{p}', hive_partitioning = true) "
        "where list_contains(json_extract_string(territorial_scope, '$[*]'), 'DE') "
        "and strftime(day, '%Y-%m') = '2024-03' group by 1, 2 order by n desc"
    ),
    "filtered count platform + 6 h": (
        f"select count(*) from read_parquet('{{p}}', hive_partitioning = true) where platform_name = '{PLATFORM}' "
        f"and created_at >= '{WINDOW[0]}' and created_at < '{WINDOW[1]}'"
    ),
    "statements per country": (
        "select code, count(*) from (select unnest(json_extract_string(territorial_scope, '$[*]')) as code "
        "from read_parquet('{p}', hive_partitioning = true)) group by code"
    ),
    "count of 'account' (ILIKE over 6 texts)": (
        "select count(*) from read_parquet('{p}', hive_partitioning = true) where concat_ws(' ', platform_name, "
        "decision_facts, illegal_content_legal_ground, illegal_content_explanation, incompatible_content_ground, "
        "incompatible_content_explanation) ilike '%account%'"
    ),
    "CSV of platform + 6 h (rows fetched)": (
        f"select * from read_parquet('{{p}}', hive_partitioning = true) where platform_name = '{PLATFORM}' "
        f"and created_at >= '{WINDOW[0]}' and created_at < '{WINDOW[1]}'"
    ),
}


def write_csv(path: Path, n_rows: int) -> None:
    """N statements from the real rows: fresh uuids, created_at spread over DAY in order."""
    rows = sample_rows()
    created = COLUMNS.index("created_at")
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        for i in range(n_rows):
            row = list(rows[i % len(rows)])
            row[0] = str(uuid.UUID(int=i + 1))
            second = i * 86400 // n_rows
            row[created] = f"{DAY} {second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}"
            writer.writerow(row)


def build(workdir: Path, n_rows: int) -> tuple[Path, dict]:
    print(f"building {n_rows:,} statements ({time.strftime('%H:%M:%S')})", flush=True)
    csv_path = workdir / f"sor-global-{DAY}-full.csv"
    db_path = workdir / f"n{n_rows}" / "modwatch.db"  # the name metadata.yml describes
    shutil.rmtree(db_path.parent, ignore_errors=True)
    db_path.parent.mkdir(parents=True)
    start = time.perf_counter()
    write_csv(csv_path, n_rows)
    figures = {"csv_mib": csv_path.stat().st_size / 2**20, "csv_seconds": time.perf_counter() - start}
    start = time.perf_counter()
    child = (
        "import resource, runpy, sys; sys.argv = ['modwatch'] + sys.argv[1:]; "
        "code = 0\ntry:\n    runpy.run_module('modwatch', run_name='__main__')\nexcept SystemExit as e:\n"
        "    code = e.code or 0\n"
        "print('PEAK', next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM:')), "
        "file=sys.stderr)\nsys.exit(code)"
    )
    out = subprocess.run(
        [sys.executable, "-c", child, "dsa-load", str(csv_path), "--db", str(db_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    figures["load_seconds"] = time.perf_counter() - start
    figures["load_peak_rss_mib"] = int(out.stderr.split("PEAK")[-1].split()[0]) / 1024
    figures["load"] = json.loads(out.stdout.strip().splitlines()[-1])
    csv_path.unlink()
    figures["db_mib"] = db_path.stat().st_size / 2**20
    return db_path, figures


def migrate(db_path: Path, n_rows: int) -> tuple[Path, dict]:
    """A database loaded by an earlier version (``--existing``), brought to today's schema by ``db.connect``'s
    migrations (timed): the 10 M figures without a 40-minute rebuild, and the migration tried at that size."""
    print(f"migrating {db_path} ({n_rows:,} statements, {time.strftime('%H:%M:%S')})", flush=True)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", "import sys, db; db.connect(sys.argv[1]).close()", str(db_path)], cwd=ROOT, check=True
    )
    return db_path, {"migrate_seconds": time.perf_counter() - start, "db_mib": db_path.stat().st_size / 2**20}


def db_objects(db_path: Path, top: int = 8) -> list[tuple[str, float]]:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return [
            (name, size / 2**20)
            for name, size in conn.execute(
                "select name, sum(pgsize) from dbstat group by name order by 2 desc limit ?", [top]
            )
        ]
    except sqlite3.OperationalError:
        return []
    finally:
        conn.close()


def duckdb_reference(db_path: Path, workdir: Path) -> dict:
    import duckdb

    out = workdir / f"parquet-{db_path.parent.name}"
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "modwatch", "dsa-export", str(out), "--db", str(db_path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    figures = {
        "export_seconds": time.perf_counter() - start,
        "parquet_mib": sum(p.stat().st_size for p in out.rglob("*.parquet")) / 2**20,
        "questions": {},
    }
    pattern = str(out / "**" / "*.parquet")
    conn = duckdb.connect()
    for label, sql in DUCKDB_QUESTIONS.items():
        times = []
        for _ in range(2):
            start = time.perf_counter()
            result = conn.execute(sql.format(p=pattern)).fetchall()
            times.append((time.perf_counter() - start) * 1000)
        figures["questions"][label] = {"cold_ms": times[0], "best_ms": min(times), "rows": len(result)}
    shutil.rmtree(out, ignore_errors=True)
    return figures


def run_size(n_rows: int, workdir: Path, repeat: int, existing: Path | None = None) -> dict:
    import httpx

    db_path, figures = migrate(existing, n_rows) if existing else build(workdir, n_rows)
    process, base, figures["serve_start_seconds"] = serve(db_path)
    figures["requests"] = {}
    try:
        with httpx.Client(base_url=base, timeout=600) as client:
            for label, url in REQUESTS:
                figures["requests"][label] = timed(client, url, repeat)
            for label, sql in CHARTS.items():
                figures["requests"][label] = timed(
                    client, "/modwatch.json?" + httpx.QueryParams({"sql": sql, "_shape": "array"}).__str__(), repeat
                )
            figures["csv"] = csv_stream(client, CSV_PATH, process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)
    figures["db_mib_after_serve"] = db_path.stat().st_size / 2**20
    figures["objects"] = db_objects(db_path)
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
        figures["summary_rows"] = conn.execute("select count(*) from sor_daily_counts").fetchone()[0]
    report(n_rows, figures)  # the site's figures now: the reference takes long at 10 M
    figures["duckdb"] = duckdb_reference(db_path, workdir)
    return figures


def report(n_rows: int, f: dict) -> None:
    print(f"\n== {n_rows:,} statements ==")
    if "migrate_seconds" in f:
        print(
            f"existing database migrated in {f['migrate_seconds']:.0f} s; serve start {f['serve_start_seconds']:.0f} s"
        )
    else:
        print(
            f"build: CSV {f['csv_mib']:,.0f} MiB; dsa-load {f['load_seconds']:.0f} s "
            f"({n_rows / f['load_seconds']:,.0f} rows/s, summary + child tables included), peak RSS "
            f"{f['load_peak_rss_mib']:.0f} MiB; serve start (search index + row counts) {f['serve_start_seconds']:.0f} s"
        )
    size = f["db_mib_after_serve"]
    print(
        f"database: {size:,.0f} MiB = {size * 1e6 / n_rows:,.0f} MiB per million statements (search index "
        f"included; summary rows: {f['summary_rows']:,})"
    )
    if f["objects"]:
        print("  biggest: " + ", ".join(f"{name} {mib:,.0f} MiB" for name, mib in f["objects"]))
    print(f"{'request (HTTP, project serve options)':<58} {'cold ms':>9} {'best ms':>9} status")
    for label, r in f["requests"].items():
        flag = "" if r["status"] == 200 and r["best_ms"] < 1000 else "  <-- over 1 s or refused"
        print(f"{label:<58} {r['cold_ms']:>9,.0f} {r['best_ms']:>9,.0f} {r['status']}{flag}")
    c = f["csv"]
    print(
        f"CSV stream platform + 6 h: {c['rows']:,} rows in {c['seconds']:.1f} s = {c['rows_per_s']:,.0f} rows/s "
        f"wall, {c['rows_per_cpu_s']:,.0f} rows per server CPU-second (status {c['status']}; goal >= 20,000)",
        flush=True,
    )


def report_reference(f: dict) -> None:
    d = f["duckdb"]
    print(
        f"reference DuckDB over the Parquet export (dsa-export {d['export_seconds']:.0f} s, "
        f"{d['parquet_mib']:,.0f} MiB):"
    )
    for label, q in d["questions"].items():
        print(f"  {label:<56} {q['cold_ms']:>9,.0f} {q['best_ms']:>9,.0f}  ({q['rows']:,} rows)")


#: site request -> the DuckDB question that answers the same thing (the like-for-like pairs of the summary)
PAIRS = {
    "filtered count platform + 6 h (JSON page)": "filtered count platform + 6 h",
    "canned dsa_statements_per_platform_category DE 2024-03": "per platform and category, DE, 2024-03",
    "statements per country (summary SQL)": "statements per country",
}


def summarise(n_rows: int, f: dict) -> None:
    """Summary rows: requests within the goal, and the paired questions beside DuckDB (best of the runs)."""
    requests = f["requests"]
    ok = sum(1 for r in requests.values() if r["status"] == 200 and r["best_ms"] < 1000)
    summary(
        f"DSA at scale, {n_rows:,} statements: requests < 1 s",
        f"{ok} of {len(requests)}",
        "",
        None,
        "site requests through HTTP (`modwatch serve` options), best of --repeat, status 200; goal: all",
    )
    for request, question in PAIRS.items():
        mine, ref = requests[request]["best_ms"], f["duckdb"]["questions"][question]["best_ms"]
        summary(
            f"DSA at scale, {n_rows:,} statements: {question}",
            f"{mine:,.0f} ms",
            f"{ref:,.0f} ms",
            mine / ref if ref else None,
            "the site's answer through HTTP (SQLite, indexes and summary) vs DuckDB in-process over the "
            "Parquet export (dsa-export), best of the runs (ratio > 1: the site slower)",
        )
    c = f["csv"]
    summary(
        f"DSA at scale, {n_rows:,} statements: CSV stream platform + 6 h",
        f"{c['rows_per_s']:,.0f} rows/s wall, {c['rows_per_cpu_s']:,.0f} rows/server CPU-s",
        "goal 20,000 rows/s",
        None,
        f"{c['rows']:,} rows of one filter streamed by the site (issue 16's goal)",
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--workdir", type=Path, help="scratch folder (default: a temp dir, removed)")
    parser.add_argument("--repeat", type=int, default=3, help="requests per URL (cold + warm)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument(
        "--existing",
        type=Path,
        help="a database this benchmark loaded before (one size in --sizes, its statement count): migrate it "
        "to today's schema and time the requests on it instead of building (the database is changed in place)",
    )
    args = parser.parse_args(argv)
    if args.existing and len(args.sizes) != 1:
        parser.error("--existing needs one --sizes: the number of statements the database holds")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="dsa-scale-"))
    workdir.mkdir(parents=True, exist_ok=True)
    results = {}
    same_work(
        "site requests through HTTP to `python -m modwatch serve` on the loaded database",
        "DuckDB in-process over that database's Parquet export (`dsa-export`), the same questions",
    )
    try:
        print(
            f"DSA at scale: statements built from {len(sample_rows())} real rows; scratch {workdir}; "
            f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} (wall times grow with it)"
        )
        for n_rows in args.sizes:
            results[n_rows] = run_size(n_rows, workdir, args.repeat, args.existing)
            report_reference(results[n_rows])
            summarise(n_rows, results[n_rows])
            if not args.existing:
                shutil.rmtree(workdir / f"n{n_rows}", ignore_errors=True)
    finally:
        if args.json:
            args.json.write_text(json.dumps(results, indent=1))
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
