"""Export the loaded EU DSA statements of reasons as Parquet, partitioned by day and platform.

    python -m modwatch dsa-export exports/dsa-parquet
    python -m modwatch dsa-export exports/dsa-parquet --since 2024-03-01 --until 2024-03-31 --platform TikTok

Writes ``OUT/day=YYYY-MM-DD/platform=<slug>/part-N.parquet`` (``modwatch.dsa_export``): the columns
and types of ``statements_of_reasons``, readable by DuckDB on one machine and by Spark or any
Parquet engine on a cluster (README: "DSA statements in Parquet"). Exporting a day and platform
again replaces its files. Prints one JSON line with the rows and files written.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

from db import default_path


def add_arguments(parser) -> None:
    parser.add_argument("out", type=Path, help="folder to write the partitioned Parquet files into")
    parser.add_argument(
        "--db", default=default_path(), help="SQLite database (default $MODWATCH_DB or data/modwatch.db)"
    )
    parser.add_argument("--since", metavar="YYYY-MM-DD", help="first day (created_at, UTC)")
    parser.add_argument("--until", metavar="YYYY-MM-DD", help="last day, included")
    parser.add_argument(
        "--platform", action="append", dest="platforms", metavar="NAME", help="only this platform_name (repeatable)"
    )


def run(args) -> int:
    from modwatch.dsa_export import export

    if not Path(args.db).exists():
        print(f"error: database {args.db} does not exist", file=sys.stderr)
        return 2
    try:
        result = export(args.db, args.out, since=args.since, until=args.until, platforms=args.platforms)
    except (ValueError, sqlite3.Error) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(json.dumps(result))
    return 0
