"""Serve the database read-only with Datasette, or print the ``datasette publish`` command.

Examples::

    python -m modwatch serve                          # data/modwatch.db on http://127.0.0.1:8001
    python -m modwatch serve --live                   # watch a crawl that is still writing
    python -m modwatch serve --print                  # show the datasette command line
    python -m modwatch serve --publish cloudrun --print   # the publish recipe (same site)

The options (immutable database, SQL time limit, streamed CSV, plugins) are those of
``modwatch/publish.py``. An immutable database is served with its row counts computed once
(``<db>.inspect.json``, rewritten when the database file changes), so neither the home page nor
an unfiltered table page counts millions of DSA statements. Before serving or publishing, the bulk-filled search index of the DSA
statements of reasons is brought up to date (``publish.update_search_indexes``).

Serving replaces this process with Datasette (``os.execvp``): stopping ``serve`` (Ctrl-C, SIGTERM)
stops Datasette and frees the port. The database is opened immutable: stop ``serve`` before a
crawl writes into the same file (Datasette answers "database disk image is malformed"
otherwise), or serve it with ``--live``.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sqlite3
import sys
from pathlib import Path

from db import default_path
from modwatch import publish


def add_arguments(parser) -> None:
    parser.add_argument("db", nargs="?", default=default_path(),
                        help="SQLite database (default: $MODWATCH_DB or data/modwatch.db)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--live", action="store_true",
                        help="do not open the database immutable: needed while a crawl writes to it "
                             "(an immutable database being written gives 'database disk image is malformed')")
    parser.add_argument("--publish", choices=("cloudrun", "fly"),
                        help="run `datasette publish` to this target instead of serving")
    parser.add_argument("--service", default="modwatch", help="Cloud Run service / Fly app name")
    parser.add_argument("--print", dest="print_only", action="store_true",
                        help="print the datasette command line and exit")


def _datasette() -> str:
    """The ``datasette`` executable beside this Python (the venv's), else the one on PATH."""
    beside = Path(sys.executable).with_name("datasette")
    return str(beside) if beside.exists() else (shutil.which("datasette") or "datasette")


def run(args) -> int:
    if args.publish:
        argv = publish.publish_argv(args.publish, args.db, service=args.service)
    else:
        argv = publish.serve_argv(args.db, host=args.host, port=args.port, live=args.live)
    if args.print_only:
        print(shlex.join(["datasette", *argv]))
        return 0
    if not Path(args.db).exists():
        print(f"error: database {args.db} does not exist (run `make demo SERVE=0` first)", file=sys.stderr)
        return 2
    try:
        for index, rows in publish.update_search_indexes(args.db).items():
            if rows:
                print(f"indexed {rows} new rows in {index}", file=sys.stderr)
    except sqlite3.OperationalError as e:  # e.g. a read-only copy: serve what is indexed
        print(f"warning: search indexes not updated ({e})", file=sys.stderr)
    if not args.publish and not args.live:
        try:  # row counts computed once per database change, not by every page (issue 16)
            inspect_file = publish.write_inspect_file(args.db)
            argv = publish.serve_argv(args.db, host=args.host, port=args.port, inspect_file=inspect_file)
        except (OSError, sqlite3.Error) as e:
            print(f"warning: no row counts file ({e}); pages count rows themselves", file=sys.stderr)
    command = [_datasette(), *argv]
    sys.stdout.flush()
    sys.stderr.flush()
    os.execvp(command[0], command)  # Datasette takes this process's place: a signal to it stops Datasette
