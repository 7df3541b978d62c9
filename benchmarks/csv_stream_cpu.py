"""Benchmark: server CPU per row of the fast CSV stream of the statements view, in process (issue 16).

Runs ``datasette/plugins/modwatch_csv_stream.py``'s plan and chunks (the SQL cursor and the lines, as the
server does, without HTTP) over a loaded database, and prints rows per CPU-second (``time.process_time``)
of each run and the MD5 of the bytes (the same for both ways). ``--view`` reads the view itself (the
metadata's ``csv_stored`` removed: every text looked up and quoted on each row), the way before the
stream read ``sor_statements``. Build a database with ``benchmarks/dsa_scale.py --keep`` or
``python -m modwatch dsa-load`` of ``dsa_scale.write_csv``'s CSV.

Figures (2026-12-07, 200,000 statements of the 33 real rows, the 12,122 of TikTok + 6 h, median of runs
on the shared 2-core machine at load average 3-4): stored table 38,000-46,000 rows per CPU-second, the
view 15,000-25,000, the former table layout (5716cda) 29,000-38,000; with every free text distinct
(worst case for the cache) 30,000-32,000, the view 25,000, the former layout 36,000.

Usage: ``python benchmarks/csv_stream_cpu.py DB [--query QUERY] [--runs 5] [--view]``
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402
from datasette.app import Datasette  # noqa: E402

from modwatch import publish  # noqa: E402

sys.path.insert(0, str(publish.PLUGINS_DIR))
import modwatch_csv_stream as stream  # noqa: E402

QUERY = "platform_name=TikTok&created_at__gte=2024-03-14+06%3A00%3A00&created_at__lt=2024-03-14+12%3A00%3A00"


def run(plan: dict) -> tuple[int, float, str]:
    """Rows, CPU seconds and MD5 of one stream of ``plan``."""
    conn = plan["database"].connect()
    try:
        start, parts = time.process_time(), []
        cursor, rows = stream._first_rows(conn, plan["sql"], plan["params"], 600_000)
        chunk, count = stream._csv_bytes(conn, plan, rows, plan["columns"]), 0
        while rows:
            count += len(rows)
            parts.append(chunk)
            rows, chunk = stream._next_chunk(conn, plan, cursor)
        cpu = time.process_time() - start
    finally:
        conn.close()
    return count, cpu, hashlib.md5(b"".join(parts)).hexdigest()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path, help="a modwatch.db holding DSA statements")
    parser.add_argument("--query", default=QUERY, help="the CSV's query string (default: TikTok + 6 h)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--view", action="store_true", help="read the view (no csv_stored)")
    args = parser.parse_args(argv)
    metadata = yaml.safe_load(publish.METADATA.read_text(encoding="utf-8"))
    if args.view:
        metadata["databases"]["modwatch"]["tables"]["statements_of_reasons"].pop("csv_stored", None)
    name = args.db.stem
    metadata["databases"][name] = metadata["databases"].pop("modwatch")
    ds = Datasette(immutables=[str(args.db)], metadata=metadata, plugins_dir=str(publish.PLUGINS_DIR))
    asyncio.run(ds.invoke_startup())
    scope = {"path": f"/{name}/statements_of_reasons.csv", "query_string": args.query.encode()}
    plan = asyncio.run(stream._plan(ds, scope))
    if plan is None:
        print("the fast stream does not answer this query", file=sys.stderr)
        return 1
    rates = []
    for _ in range(args.runs):
        plan.pop("cells", None)  # each run a new stream
        count, cpu, digest = run(plan)
        rates.append(count / cpu)
        print(f"{count:,} rows in {cpu:.3f} CPU-s: {count / cpu:,.0f} rows per CPU-second (md5 {digest})", flush=True)
    print(f"median {sorted(rates)[len(rates) // 2]:,.0f}, best {max(rates):,.0f} rows per CPU-second")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
