"""Write a dated export bundle for a report: CSV per table, datapackage.json, README, SHA256SUMS.

Examples::

    python -m modwatch export --out exports/
    python -m modwatch export --out exports/ --country VN --platform Google --since 2019-01-01
    python -m modwatch export --out exports/ --source thevietnamese --table articles --table sources

Writes ``<out>/modwatch-YYYY-MM-DD/`` (UTC date; filters set are added to the name, e.g.
``modwatch-2026-11-29-country-vn``) and prints its path. Exit status 2 for a missing database, a
malformed date, ``--since`` after ``--until``, a country that is not ISO 3166-1 alpha-2, or a
platform or source that matches nothing. Validate the bundle with
``frictionless validate <bundle>/datapackage.json``. See ``modwatch/export.py``.
"""

from __future__ import annotations

import sys

from db import default_path
from modwatch.export import FILTERS, ExportError, export_bundle


def add_arguments(parser) -> None:
    parser.add_argument(
        "--db", default=default_path(), help="SQLite database (default: $MODWATCH_DB or data/modwatch.db)"
    )
    parser.add_argument("--out", default="exports", help="folder for the bundle (default: exports/)")
    for name, label in FILTERS.items():
        parser.add_argument(f"--{name}", help=f"keep only rows matching this {label}")
    parser.add_argument(
        "--table", action="append", dest="tables", help="export only this table (repeatable; default: every table)"
    )


def run(args) -> int:
    filters = {name: getattr(args, name) for name in FILTERS}
    try:
        bundle = export_bundle(args.db, args.out, filters=filters, tables=args.tables)
    except ExportError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(bundle)
    return 0
