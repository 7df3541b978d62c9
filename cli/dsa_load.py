"""Load EU DSA daily dumps from disk into the database, streaming end to end.

    curl -LO https://transparency.dsa.ec.europa.eu/explore-data/download/sor-global-2024-03-14-full.zip
    python -m modwatch dsa-load sor-global-2024-03-14-full.zip --platform TikTok --territorial-scope DE

For dumps downloaded by other means (``curl``, a mirror, an archive copy; the ``dsa_sor``
spider downloads and streams them itself): each FILE (a ``sor-<slug>-<date>-<full|light>.zip``
dump, or one of its CSVs) is read from disk through ``modwatch.load.dsa.load_dump``, so memory stays flat
whatever the size. The
``datasets`` row records ``--url`` (default: the upstream stable URL derived from the file name,
the one the ``dsa_sor`` spider records, so a day loaded both ways is recognised as the same) and
the file's sha256. No WARC record is written: keep the file itself as the archive copy.

Light mode: a file named ``aggregates-<YYYY-MM-DD>.csv`` (or ``.json``), the EC's daily
aggregates, fills the daily summary ``sor_daily_counts`` for that day without statements
(``modwatch.load.dsa_aggregates``), so the whole history since September 2023 fits in a small database::

    python -m modwatch dsa-load aggregates-2024-03-14.csv aggregates-2024-03-15.csv

Prints one JSON line per file with the counts. Exit status 0, or 2 when a file is not a dump
(or not an aggregates file of the known layout).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from db import default_path
from db.timestamps import iso_utc

#: where the EC publishes the daily aggregates (SOURCE.md of the DSA shared data)
AGGREGATES_URL = "https://transparency.dsa.ec.europa.eu/explore-data/download/{name}"
_NAME = re.compile(r"^sor-(?P<slug>.+)-(?P<day>\d{4}-\d{2}-\d{2})-(?P<version>full|light)")


def add_arguments(parser) -> None:
    parser.add_argument(
        "files", nargs="+", type=Path, help="daily dump zip(s) or CSV(s), or aggregates-YYYY-MM-DD.csv|json files"
    )
    parser.add_argument(
        "--db", default=default_path(), help="SQLite database (default $MODWATCH_DB or data/modwatch.db)"
    )
    parser.add_argument("--url", help="download URL to record (default: derived from the file name)")
    parser.add_argument(
        "--platform",
        action="append",
        dest="platforms",
        metavar="NAME",
        help="keep only this platform_name (repeatable)",
    )
    parser.add_argument(
        "--territorial-scope",
        action="append",
        metavar="CODE",
        help="keep statements whose territorial scope has this ISO code (repeatable)",
    )


def upstream_url(path: Path) -> str:
    """The dump URL for a file named like upstream, else its ``file://`` URL."""
    match = _NAME.match(path.name)
    if not match or not path.name.endswith(".zip"):
        return path.resolve().as_uri()
    from modwatch.transparency.dsa import dump_url

    return dump_url(match["day"], match["version"], match["slug"])


def file_error(path: Path, exc: Exception) -> str:
    """The error line of one file: its path, then the message (which names the file already when it read
    the file: ``bad.csv: header without a uuid column``, an OSError's path)."""
    message = str(exc)
    if str(path) in message:
        return message
    if message.startswith(path.name):  # the loader names the file it read: shown once, with its folder
        return f"{path}{message[len(path.name) :]}"
    return f"{path}: {message}"


def run(args) -> int:
    import db
    from modwatch.load.dsa import index_new_statements, load_dump
    from modwatch.load.dsa_aggregates import load_aggregates
    from modwatch.transparency.dsa import DumpError
    from modwatch.transparency.dsa_aggregates import AggregatesError

    database = db.connect(args.db)
    status = 0
    for path in args.files:
        match = _NAME.match(path.name)
        if path.name.startswith("aggregates-"):
            try:
                result = load_aggregates(
                    database,
                    path.read_bytes(),
                    name=path.name,
                    fetched_at=iso_utc(),
                    url=args.url or AGGREGATES_URL.format(name=path.name),
                )
            except (AggregatesError, OSError) as exc:
                print(file_error(path, exc), file=sys.stderr)
                status = 2
                continue
            print(json.dumps({"file": str(path), **result}))
            continue
        try:
            if path.stat().st_size == 0:
                raise DumpError("an empty file (0 bytes) is no dump: nothing loaded")
            with open(path, "rb") as fh:
                result = load_dump(
                    database,
                    fh,
                    url=args.url or upstream_url(path),
                    name=path.name,
                    fetched_at=iso_utc(),
                    slug=match["slug"] if match else "global",
                    platforms=set(args.platforms) if args.platforms else None,
                    territorial_scope={c.upper() for c in args.territorial_scope} if args.territorial_scope else None,
                )
        except (DumpError, OSError) as exc:
            print(file_error(path, exc), file=sys.stderr)
            status = 2
            continue
        result["indexed_for_search"] = index_new_statements(database)
        print(json.dumps({"file": str(path), **result}))
    database.close()
    return status
